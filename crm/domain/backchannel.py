"""The back channel: who around an interview can speak for the user, and when to reach them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from crm.domain.followups import WINDOWS, PlannedFollowUp, plan_follow_up
from crm.domain.text import sort_key
from crm.domain.types import FollowUpKind, Rapport

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


class Warmth(StrEnum):
    """How recently the user was in touch with someone."""

    WARM = "warm"
    COOL = "cool"
    COLD = "cold"
    NEVER = "never"
    """No touch was ever logged."""


class Tier(StrEnum):
    """Why someone is on the back-channel list, best first."""

    BACK_CHANNEL = "back-channel"
    """Referred the user, or knows an interviewer: the likely back-channel references."""
    COLLEAGUE = "colleague"
    """Works at the company, with no known link to the interviewers."""
    INTERVIEWER = "interviewer"
    """On the employer's side of the table; the only people a quiet search reaches."""


BACKCHANNEL_AFTER_ROUNDS = 2
"""Employers call mutual connections late, "after a few rounds": start after the second."""

HEADS_UP_LEAD = 3 * DAY
"""A heads-up goes out at most this long before the next round, while it is still news."""

HEADS_UP_CUTOFF = 2 * HOUR
"""A heads-up this close to the round would reach them after the employer might have."""

WARMTH_WITHIN: tuple[tuple[timedelta, Warmth], ...] = (
    (30 * DAY, Warmth.WARM),
    (90 * DAY, Warmth.COOL),
)
"""The last touch at most this long ago makes someone this warm; anything older is cold."""

TIER_POINTS: dict[Tier, int] = {
    Tier.BACK_CHANNEL: 300,
    Tier.COLLEAGUE: 200,
    Tier.INTERVIEWER: 100,
}

# The gaps between warmth points exceed TOUCH_POINTS_CAP, so more touches never beat warmth,
# and the gaps between tiers exceed every warmth and touch point, so nothing beats a tier.
WARMTH_POINTS: dict[Warmth, int] = {
    Warmth.WARM: 30,
    Warmth.COOL: 20,
    Warmth.COLD: 10,
    Warmth.NEVER: 0,
}

TOUCH_POINTS_CAP = 9

STRAINED_WARNING = "you left things strained — an employer may call them"


@dataclass(frozen=True)
class CandidateFacts:
    """What is known about one contact around an interview or a company."""

    contact_id: int
    name: str
    company: str
    at_company: bool
    knows_interviewers: tuple[str, ...]
    """Names of the interviewers this contact has a "knows" link with."""
    referred: bool
    is_interviewer: bool
    is_reference: bool
    last_touch_at: datetime | None
    touches: int
    rapport: str
    """A ``Rapport`` value, or "" when the user hasn't judged it."""


@dataclass(frozen=True)
class RankedCandidate:
    """One person on the back-channel list, with why they are on it and how warm they are."""

    contact_id: int
    name: str
    reasons: tuple[str, ...]
    warmth: Warmth
    days_since_touch: int | None
    touches: int
    is_reference: bool
    rapport: str
    score: int
    """Higher is better: tier, then warmth, then up to ``TOUCH_POINTS_CAP`` for touches."""
    warning: str
    tier: Tier = Tier.COLLEAGUE
    referred: bool = False
    knows_interviewers: tuple[str, ...] = ()


def warmth_of(last_touch_at: datetime | None, now: datetime) -> Warmth:
    """How warm a contact is at ``now``; a touch exactly 30 days ago is still warm."""
    if last_touch_at is None:
        return Warmth.NEVER
    silence = now - last_touch_at
    for within, warmth in WARMTH_WITHIN:
        if silence <= within:
            return warmth
    return Warmth.COLD


def rank_backchannel(
    candidates: Iterable[CandidateFacts], *, quiet: bool, now: datetime
) -> list[RankedCandidate]:
    """Rank the people who could speak about the user or be called by the employer, best first.

    Referrers and mutual connections of the interviewers come first, then colleagues at the
    company, then the interviewers themselves; within a tier warmer contacts come first, then
    those with more touches, then the most recently touched, then by name. Contacts with none
    of those links are left out. A quiet search lists only the interviewers. A strained rapport
    doesn't move anyone down or off the list: it adds a warning, because the employer may call
    them whether the user likes it or not. Several facts for one contact are merged.

    Args:
        candidates: One or more facts per contact.
        quiet: Whether the search is confidential.
        now: The current time (naive UTC).

    Returns:
        The ranked list.
    """
    ranked = [
        _ranked(facts, now)
        for facts in _merged(candidates)
        if (facts.is_interviewer or not quiet) and _tier(facts) is not None
    ]
    return sorted(
        ranked,
        key=lambda candidate: (
            -candidate.score,
            candidate.days_since_touch is None,
            candidate.days_since_touch or 0,
            sort_key(candidate.name),
            candidate.contact_id,
        ),
    )


def should_reach_backchannel(rounds_done: int) -> bool:
    """Whether it is time to reach mutual connections: once the second round is done."""
    return rounds_done >= BACKCHANNEL_AFTER_ROUNDS


def heads_up_window(interview_start: datetime, now: datetime) -> tuple[datetime, datetime] | None:
    """When to give the back channel a heads-up before a round, or None when it is too late.

    The window runs from three days before the round (or now, if later) to two hours before
    it. When that leaves no time at all (it ends at or before it starts), there is nothing to
    plan, so this returns None rather than a window that is overdue the moment it is made.
    """
    window_start = max(now, interview_start - HEADS_UP_LEAD)
    window_end = interview_start - HEADS_UP_CUTOFF
    if window_end <= window_start:
        return None
    return window_start, window_end


def tell_interviewed_window(interview_end: datetime) -> tuple[datetime, datetime]:
    """When to tell the back channel about a round: from its end to 48 hours after."""
    return WINDOWS[FollowUpKind.TELL_INTERVIEWED].around(interview_end)


def heads_up_plan(
    ranked: Iterable[RankedCandidate],
    *,
    rounds_done: int,
    next_interview_start: datetime,
    now: datetime,
    opportunity_id: int | None = None,
    interview_id: int | None = None,
) -> list[PlannedFollowUp]:
    """Plan heads-ups to referrers and mutual connections before the next round.

    Nothing is planned before the second round is done, or when the round is too close (see
    ``heads_up_window``). Pass the output of ``rank_backchannel``, so a quiet search, which
    lists only interviewers, gets no heads-ups.

    Args:
        ranked: The ranked back channel.
        rounds_done: Rounds of this opportunity already held.
        next_interview_start: When the next round starts (naive UTC).
        now: The current time (naive UTC).
        opportunity_id: The opportunity.
        interview_id: The next round.

    Returns:
        One heads-up per referrer or mutual connection, in ranked order.
    """
    if not should_reach_backchannel(rounds_done):
        return []
    window = heads_up_window(next_interview_start, now)
    if window is None:
        return []
    window_start, window_end = window
    return [
        PlannedFollowUp(
            contact_id=candidate.contact_id,
            kind=FollowUpKind.HEADS_UP,
            window_start=window_start,
            window_end=window_end,
            opportunity_id=opportunity_id,
            interview_id=interview_id,
            note=_note(candidate),
        )
        for candidate in ranked
        if candidate.tier is Tier.BACK_CHANNEL
    ]


def tell_interviewed_plan(
    ranked: Iterable[RankedCandidate],
    interview_end: datetime,
    *,
    opportunity_id: int | None = None,
    interview_id: int | None = None,
) -> list[PlannedFollowUp]:
    """Plan "tell them you just interviewed" for colleagues and mutual connections.

    Interviewers are left out (they get thank-you e-mails), and so are referrers, who get the
    "thank the referrer" follow-up already; two reminders for one person would nag.
    """
    return [
        plan_follow_up(
            FollowUpKind.TELL_INTERVIEWED,
            interview_end,
            candidate.contact_id,
            opportunity_id=opportunity_id,
            interview_id=interview_id,
            note=_note(candidate),
        )
        for candidate in ranked
        if candidate.tier is not Tier.INTERVIEWER and not candidate.referred
    ]


def _tier(facts: CandidateFacts) -> Tier | None:
    """The tier a contact belongs to, or None when they have no link to this process."""
    if facts.is_interviewer:
        return Tier.INTERVIEWER
    if facts.referred or facts.knows_interviewers:
        return Tier.BACK_CHANNEL
    if facts.at_company:
        return Tier.COLLEAGUE
    return None


def _reasons(facts: CandidateFacts) -> tuple[str, ...]:
    """Why a contact is on the list, most telling first."""
    reasons: list[str] = []
    if facts.is_interviewer:
        reasons.append("interviewing you")
    if facts.referred:
        reasons.append("referred you")
    reasons.extend(f"knows {interviewer} (interviewer)" for interviewer in facts.knows_interviewers)
    if facts.at_company:
        reasons.append(f"works at {facts.company}" if facts.company else "works there")
    if facts.is_reference:
        # A reference the employer can reach on its own is worth briefing first.
        reasons.append("one of your references")
    return tuple(reasons)


def _ranked(facts: CandidateFacts, now: datetime) -> RankedCandidate:
    """One contact's place on the list at ``now``; only call it for contacts with a tier."""
    tier = _tier(facts)
    assert tier is not None
    warmth = warmth_of(facts.last_touch_at, now)
    days_since_touch = (
        None if facts.last_touch_at is None else max(0, (now - facts.last_touch_at) // DAY)
    )
    return RankedCandidate(
        contact_id=facts.contact_id,
        name=facts.name,
        reasons=_reasons(facts),
        warmth=warmth,
        days_since_touch=days_since_touch,
        touches=facts.touches,
        is_reference=facts.is_reference,
        rapport=facts.rapport,
        score=TIER_POINTS[tier]
        + WARMTH_POINTS[warmth]
        + min(max(facts.touches, 0), TOUCH_POINTS_CAP),
        warning=STRAINED_WARNING if _is_strained(facts.rapport) else "",
        tier=tier,
        referred=facts.referred,
        knows_interviewers=facts.knows_interviewers,
    )


def _is_strained(rapport: str) -> bool:
    """Whether a stored rapport says the user left things strained."""
    return rapport.strip().lower() == Rapport.STRAINED


def _merged(candidates: Iterable[CandidateFacts]) -> list[CandidateFacts]:
    """One fact per contact, in first-seen order: links are combined, the latest touch wins."""
    by_id: dict[int, CandidateFacts] = {}
    for facts in candidates:
        seen = by_id.get(facts.contact_id)
        if seen is None:
            by_id[facts.contact_id] = facts
            continue
        touches = [t for t in (seen.last_touch_at, facts.last_touch_at) if t is not None]
        by_id[facts.contact_id] = replace(
            seen,
            company=seen.company or facts.company,
            at_company=seen.at_company or facts.at_company,
            knows_interviewers=tuple(
                dict.fromkeys(seen.knows_interviewers + facts.knows_interviewers)
            ),
            referred=seen.referred or facts.referred,
            is_interviewer=seen.is_interviewer or facts.is_interviewer,
            is_reference=seen.is_reference or facts.is_reference,
            last_touch_at=max(touches) if touches else None,
            touches=max(seen.touches, facts.touches),
            # A strained rapport seen anywhere must not be hidden by a blank one.
            rapport=facts.rapport if _is_strained(facts.rapport) else seen.rapport or facts.rapport,
        )
    return list(by_id.values())


def _note(candidate: RankedCandidate) -> str:
    """The note on a planned follow-up: why this person, and the warning if there is one."""
    note = "; ".join(candidate.reasons)
    return f"{note} — {candidate.warning}" if candidate.warning else note
