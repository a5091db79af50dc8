"""References: brief them before the call, thank them after, don't wear them out, list them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from crm.domain.followups import PlannedFollowUp, plan_follow_up
from crm.domain.text import sort_key, strip_case_and_marks
from crm.domain.types import FollowUpKind, Rapport

OVERUSE_WINDOW = timedelta(days=30)
"""Givings older than this no longer count towards wearing a reference out."""

OVERUSE_MAX_EMPLOYERS = 3
"""More distinct employers than this in the window, with no briefing since, earns a warning."""

SHEET_SEPARATOR = " · "
"""Between e-mail and phone on a sheet's contact line."""

MARKDOWN_LINE_BREAK = "  \n"
"""Two trailing spaces: the hard line break every Markdown renderer understands."""

# Characters that would turn into emphasis, links, code or HTML if left bare in Markdown.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|])")
# Line starts that Markdown would read as a heading, list item, quote or rule; a numbered
# list is escaped at its "." or ")", since a backslash before a digit is shown as typed.
_MARKDOWN_BLOCK_START = re.compile(r"^(\s*|\s*\d+)([#>+\-=]|(?<=\d)[.)])")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


@dataclass(frozen=True)
class Giving:
    """A reference handed to one employer at one moment."""

    reference_id: int
    company: str
    given_at: datetime


@dataclass(frozen=True)
class ReferenceWarning:
    """A reference given to too many employers since the user last briefed them."""

    reference_id: int
    employers: int
    message: str


@dataclass(frozen=True)
class ReferenceEntry:
    """One reference as it appears on the sheet pasted into an application."""

    name: str
    role: str
    company: str
    email: str
    phone: str
    relationship: str
    talking_points: str


@dataclass(frozen=True)
class PendingBrief:
    """A "brief your reference" follow-up not yet done, and when it was planned."""

    follow_up_id: int
    planned_at: datetime


def briefs_settled(pending: Iterable[PendingBrief], briefed_at: datetime) -> list[int]:
    """The pending "brief your reference" follow-ups a briefing at ``briefed_at`` settles.

    A briefing covers every giving planned at or before it (the same moment counts, as for
    overuse); a briefing typed in for an earlier day can't have covered a later giving.

    Returns:
        Their ids, in the order given.
    """
    return [brief.follow_up_id for brief in pending if brief.planned_at <= briefed_at]


def strained_warning(name: str, rapport: str) -> str:
    """The warning for a reference the user left on strained terms, or "" for anyone else."""
    if rapport.strip().lower() != Rapport.STRAINED:
        return ""
    return f"You left things strained with {name}: brief them first or choose another reference."


def interviewers_known(
    reference_id: int,
    interviewers: Mapping[int, str],
    connections: Iterable[tuple[int, int]],
) -> tuple[str, ...]:
    """The interviewers a reference knows: the Tagalog article's "bonus points".

    Args:
        reference_id: The reference's contact.
        interviewers: The employer's interviewers for the process, names by contact id.
        connections: "A knows B" links, either way round.

    Returns:
        The names of the interviewers linked to the reference, in name order, each once.
    """
    known = {
        interviewers[other]
        for a, b in connections
        for one, other in ((a, b), (b, a))
        if one == reference_id and other != reference_id and other in interviewers
    }
    return tuple(sorted(known, key=sort_key))


def bonus_talking_point(known: Sequence[str]) -> str:
    """What to say to a reference who knows an interviewer, or "" when they know none."""
    if not known:
        return ""
    names = known[0] if len(known) == 1 else f"{', '.join(known[:-1])} and {known[-1]}"
    noun = "interviewer" if len(known) == 1 else "interviewers"
    return f"Mention that you both know {names} ({noun})"


def brief_reference_plan(
    contact_id: int,
    given_at: datetime,
    expected_call_at: datetime | None,
    *,
    opportunity_id: int | None = None,
) -> PlannedFollowUp:
    """Plan "brief your reference": from handing them over until the expected call.

    With no call date known the window is the default two days after giving. A call dated at
    or before the giving (typed late, or a typo) closes the window at the giving itself: brief
    them now, and the window never ends before it starts.

    Args:
        contact_id: The reference's contact.
        given_at: When the reference was handed to the employer (naive UTC).
        expected_call_at: When the employer is expected to call, if known (naive UTC).
        opportunity_id: The opportunity it was given for.

    Returns:
        The follow-up to create.
    """
    planned = plan_follow_up(
        FollowUpKind.BRIEF_REFERENCE, given_at, contact_id, opportunity_id=opportunity_id
    )
    if expected_call_at is None:
        return planned
    return replace(planned, window_end=max(given_at, expected_call_at))


def thank_reference_plan(
    contact_id: int, closed_at: datetime, *, opportunity_id: int | None = None
) -> PlannedFollowUp:
    """Plan "thank your reference" when the stage closes: within 48 hours, whatever the outcome."""
    return plan_follow_up(
        FollowUpKind.THANK_REFERENCE, closed_at, contact_id, opportunity_id=opportunity_id
    )


def overused_references(
    givings: Sequence[Giving],
    last_briefed: Mapping[int, datetime | None],
    now: datetime,
) -> list[ReferenceWarning]:
    """Warn about references given to more than three employers in 30 days without a briefing.

    A giving counts when it is at most 30 days before ``now`` (exactly 30 days still counts),
    not after ``now``, and strictly after the reference's last briefing: a briefing at the same
    moment as a giving covers it. Employers are companies compared without case or accents;
    giving a reference twice to one company counts once. A reference missing from
    ``last_briefed`` was never briefed.

    Args:
        givings: Every giving the user recorded.
        last_briefed: When each reference was last briefed, by reference id.
        now: The current time (naive UTC).

    Returns:
        The warnings, most employers first, then by reference id.
    """
    employers: dict[int, set[str]] = {}
    for giving in givings:
        briefed_at = last_briefed.get(giving.reference_id)
        counts = now - OVERUSE_WINDOW <= giving.given_at <= now and (
            briefed_at is None or giving.given_at > briefed_at
        )
        if counts:
            employers.setdefault(giving.reference_id, set()).add(
                strip_case_and_marks(giving.company)
            )
    warnings = [
        ReferenceWarning(
            reference_id=reference_id,
            employers=len(companies),
            message=_overuse_message(len(companies), briefed=last_briefed.get(reference_id)),
        )
        for reference_id, companies in employers.items()
        if len(companies) > OVERUSE_MAX_EMPLOYERS
    ]
    return sorted(warnings, key=lambda warning: (-warning.employers, warning.reference_id))


def reference_sheet(references: Sequence[ReferenceEntry], *, markdown: bool) -> str:
    """The reference list to paste into an application, as Markdown or plain text.

    Each reference is a block: "Name — Role, Company", then the relationship and talking
    points joined into one sentence, then "e-mail · phone"; empty parts and lines are left
    out, blocks are separated by a blank line, and there is no trailing newline. Text is
    NFC-normalised so names typed with combining marks paste as single letters. Markdown
    bolds the name, escapes what the user typed, and breaks lines with two trailing spaces.
    """
    return "\n\n".join(_sheet_block(entry, markdown=markdown) for entry in references)


def _overuse_message(employers: int, *, briefed: datetime | None) -> str:
    """The warning text for one worn-out reference."""
    since = "since you last briefed them" if briefed is not None else "and never briefed"
    days = OVERUSE_WINDOW.days
    return (
        f"given to {employers} employers in {days} days {since}"
        " — brief them before the calls pile up"
    )


def _sheet_block(entry: ReferenceEntry, *, markdown: bool) -> str:
    """One reference's lines on the sheet."""
    name, role, company, email, phone = (
        _clean_line(value)
        for value in (entry.name, entry.role, entry.company, entry.email, entry.phone)
    )
    escape = _markdown_escape if markdown else _no_escape
    title = ", ".join(escape(part) for part in (role, company) if part)
    heading = f"**{escape(name)}**" if markdown and name else escape(name)
    lines = [" — ".join(part for part in (heading, title) if part)]
    lines.extend(escape(line) for line in _about_lines(entry))
    lines.append(SHEET_SEPARATOR.join(escape(part) for part in (email, phone) if part))
    present = [line for line in lines if line]
    if markdown:
        # Only a line's first characters can start a heading or a list, so escape them last.
        return MARKDOWN_LINE_BREAK.join(_markdown_escape_line_start(line) for line in present)
    return "\n".join(present)


def _about_lines(entry: ReferenceEntry) -> list[str]:
    """Relationship and talking points: their first lines joined into one sentence."""
    relationship = _clean_lines(entry.relationship)
    talking_points = _clean_lines(entry.talking_points)
    if relationship and talking_points:
        first = relationship[-1]
        # "supervisor." + "Can speak…" reads fine; without punctuation the two need a ";".
        joiner = " " if first[-1] in ".;:!?。；：！？" else "; "
        return [*relationship[:-1], first + joiner + talking_points[0], *talking_points[1:]]
    return relationship or talking_points


def _clean_line(text: str) -> str:
    """One field as a single tidy line: NFC, inner runs of whitespace collapsed."""
    return _SPACES.sub(" ", " ".join(unicodedata.normalize("NFC", text).splitlines())).strip()


def _clean_lines(text: str) -> list[str]:
    """A multi-line field as tidy, non-blank lines."""
    lines = (_clean_line(line) for line in unicodedata.normalize("NFC", text).splitlines())
    return [line for line in lines if line]


def _no_escape(text: str) -> str:
    """Plain text goes out as typed."""
    return text


def _markdown_escape(text: str) -> str:
    """Escape what Markdown would otherwise read as emphasis, code, a link or HTML."""
    return _MARKDOWN_INLINE.sub(r"\\\1", text)


def _markdown_escape_line_start(line: str) -> str:
    """Escape a line start that Markdown would read as a heading, list item, quote or rule."""
    return _MARKDOWN_BLOCK_START.sub(r"\1\\\2", line)
