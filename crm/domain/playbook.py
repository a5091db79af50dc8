"""The playbook in words: why each follow-up exists, and what a logged conversation did.

Every surface (the CLI, the app's notices, its card) says these same sentences, so they live
here once, worded from the two career-advice articles the product restates.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from crm.domain.types import (
    FollowUpKind,
    FollowUpNote,
    LogResult,
    LogWarning,
    LogWarningKind,
    StageChange,
)
from crm.domain.zones import to_local

Surface = Literal["cli", "app"]

TITLES: dict[FollowUpKind, str] = {
    FollowUpKind.THANK_YOU_EMAIL: "Send a thank-you e-mail",
    FollowUpKind.HANDWRITTEN_NOTE: "Send a handwritten thank-you note",
    FollowUpKind.THANK_REFERRER: "Thank the referrer",
    FollowUpKind.CHECK_IN: "Check in",
    FollowUpKind.CASUAL_TOUCH: "A casual touch",
    FollowUpKind.HEADS_UP: "Give a heads-up before the interview",
    FollowUpKind.TELL_INTERVIEWED: "Tell them you interviewed",
    FollowUpKind.BRIEF_REFERENCE: "Brief your reference",
    FollowUpKind.THANK_REFERENCE: "Thank your reference",
    FollowUpKind.KEEP_IN_TOUCH: "Keep in touch",
    FollowUpKind.TELL_OUTCOME: "Tell them how it ended",
    FollowUpKind.OTHER: "Follow up",
}
"""What each follow-up asks the user to do."""

WHY: dict[FollowUpKind, str] = {
    FollowUpKind.THANK_YOU_EMAIL: "Thank-you e-mail: 2–48 h after the interview",
    FollowUpKind.HANDWRITTEN_NOTE: (
        "Handwritten note: 24–48 h after the e-mail; interviewers remember it"
    ),
    FollowUpKind.THANK_REFERRER: (
        "Thank the referrer right after the interview: it re-invests them in you"
    ),
    FollowUpKind.CHECK_IN: "Keep the ring: you own the next touch, on your schedule, not theirs",
    FollowUpKind.CASUAL_TOUCH: (
        "A non-business touch keeps the human side alive; one or two per person per process"
    ),
    FollowUpKind.HEADS_UP: (
        "Reach mutual connections first: the employer may call them as back-channel references"
    ),
    FollowUpKind.TELL_INTERVIEWED: (
        "Tell the people around the process you interviewed: they can speak up for you"
    ),
    FollowUpKind.BRIEF_REFERENCE: (
        "Brief your reference before the employer calls: the relationship and talking points"
    ),
    FollowUpKind.THANK_REFERENCE: "Thank your reference after the call: don't burn bridges",
    FollowUpKind.KEEP_IN_TOUCH: "A marathon, not a sprint: renew old ties before they go cold",
    FollowUpKind.TELL_OUTCOME: (
        "Tell the people who helped how it ended: they stay in your corner for the next search"
    ),
    FollowUpKind.OTHER: "A next step you set yourself",
}
"""One line per follow-up kind: the rule it comes from, shown where the user acts on it."""

RING_DROPPED_WHY = (
    "Ring dropped: no next step of yours is scheduled, so they control the timing now"
)

_RING_FIX: dict[Surface, str] = {
    "cli": "add --next WHEN, or --promised WHEN if they said when they'd reply",
    "app": "log a Next touch, or fill in They'll reply by if they said when",
}


def title_of(kind: FollowUpKind) -> str:
    """What a follow-up of ``kind`` asks the user to do, in words."""
    return TITLES.get(kind, kind.value)


def why_of(kind: FollowUpKind) -> str:
    """The one-line why of a follow-up of ``kind`` (empty for a kind the playbook lacks)."""
    return WHY.get(kind, "")


def short_moment(moment: datetime, tz: tzinfo) -> str:
    """A stored (naive UTC) moment as a short local date and time: "Thu 03 Dec 14:00"."""
    return to_local(moment, tz).strftime("%a %d %b %H:%M")


def promise_note(name: str, promised_at: datetime, *, tz: tzinfo) -> str:
    """The follow-up's note quoting their promise (their date, in the user's calendar).

    The name, never a pronoun: the app doesn't know how a contact is referred to.
    """
    return f"{name} said they'd reply by {to_local(promised_at, tz):%a %d %b} — follow up"


def follow_up_text(note: FollowUpNote) -> str:
    """A settled or planned follow-up in words: its note when it quotes something, else its
    title."""
    return note.note or title_of(note.kind)


def log_lines(result: LogResult, *, tz: tzinfo) -> list[str]:
    """What a logged conversation did, one sentence a line: logged, settled, planned."""
    lines = [
        f"Logged conversation #{result.interaction_id} with {result.contact}"
        f" ({result.kind.value} by {result.channel.value})."
    ]
    lines += [f"Settled: {follow_up_text(note)} (#{note.id})." for note in result.settled]
    return lines + planned_lines(result.planned, tz=tz)


def planned_lines(planned: tuple[FollowUpNote, ...], *, tz: tzinfo) -> list[str]:
    """Follow-ups planned by an action other than a log (a thank-you e-mail marked done)."""
    return [
        f"Planned: {follow_up_text(note)}, due {short_moment(note.window_start, tz)} (#{note.id})."
        for note in planned
    ]


def stage_change_lines(change: StageChange, *, tz: tzinfo) -> list[str]:
    """What moving a process to another stage did, one sentence a line."""
    lines = [f"{change.opportunity}: now {change.stage.value}."]
    if change.cancelled:
        what = "pending follow-up" if change.cancelled == 1 else "pending follow-ups"
        cause = "kept in history" if not change.stage.is_open else "the close had planned"
        lines.append(f"Cancelled {change.cancelled} {what} ({cause}).")
    if change.restored:
        what = "follow-up" if change.restored == 1 else "follow-ups"
        lines.append(f"Brought back {change.restored} {what} still ahead.")
    lines += planned_lines(change.planned, tz=tz)
    if change.handed_over:
        people = "person" if change.handed_over == 1 else "people"
        lines.append(
            f"Keep in touch: {change.handed_over} {people} from this process, every "
            f"{change.keep_in_touch_days} days (the marathon goes on)."
        )
    return lines


def warning_line(warning: LogWarning, *, surface: Surface = "cli") -> str:
    """A warning as one sentence, with the fix in the words of the surface it is shown on."""
    if warning.kind is LogWarningKind.RING_GIVEN_UP:
        return (
            f"Ring given up: no next touch of yours for {warning.opportunity};"
            f" {_RING_FIX[surface]}."
        )
    head = "Third casual touch" if warning.count == 3 else f"Casual touch number {warning.count}"
    return (
        f"{head}: that's {warning.count} with {warning.contact} in {warning.opportunity};"
        " one or two per person per process is enough, keep to the check-ins."
    )
