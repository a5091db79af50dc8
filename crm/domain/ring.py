"""Never give up the ring: every open opportunity needs a next touch the user owns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from crm.domain.followups import effective_window, follow_up_state
from crm.domain.types import FollowUpState, Stage


class RingState(StrEnum):
    """Who holds the ring of one opportunity."""

    HELD = "held"
    """A next touch is scheduled and not yet late."""
    LATE = "late"
    """Next touches are scheduled, but every one of them is overdue."""
    DROPPED = "dropped"
    """Open, with nothing scheduled: the user gave up the ring."""
    CLOSED = "closed"
    """The process is over; there is no ring to keep."""
    NOT_APPLIED = "not-applied"
    """A lead the user hasn't applied to yet: there is no ring to hold."""


@dataclass(frozen=True)
class RingFollowUp:
    """One follow-up with a contact of an opportunity, as the ring sees it."""

    window_start: datetime
    window_end: datetime
    done_at: datetime | None = None
    snoozed_until: datetime | None = None

    @property
    def pending(self) -> bool:
        """True until it is done; a snoozed follow-up is still the user's."""
        return self.done_at is None


@dataclass(frozen=True)
class RingInterview:
    """One round of an opportunity, as the ring sees it."""

    starts_at: datetime
    done_at: datetime | None = None

    def ahead(self, now: datetime) -> bool:
        """Scheduled and still to come: the next touch is already in the diary."""
        return self.done_at is None and self.starts_at > now


@dataclass(frozen=True)
class OpportunityRingView:
    """An opportunity with the follow-ups of its contacts and its rounds, enough to tell who
    holds the ring."""

    opportunity_id: int
    stage: Stage
    follow_ups: tuple[RingFollowUp, ...] = ()
    interviews: tuple[RingInterview, ...] = ()


def ring_dropped(
    stage: Stage, pending_user_follow_ups: int, *, interview_ahead: bool = False
) -> bool:
    """Whether an opportunity has given up the ring: applied to and still open, with no
    pending follow-up and no interview ahead."""
    has_ring = stage.is_open and stage is not Stage.LEAD
    return has_ring and pending_user_follow_ups < 1 and not interview_ahead


def log_gives_up_ring(stage: Stage, next_touch: datetime | None) -> bool:
    """Whether logging a conversation about a process gives up its ring, then and there.

    Every conversation about an open process should end with the user owning the next step,
    so one logged with no next touch of the user's gives the ring up with that person, even
    while other follow-ups of the process are pending. A lead not applied to has no ring yet.
    """
    return stage.is_open and stage is not Stage.LEAD and next_touch is None


def ring_state(opportunity: OpportunityRingView, now: datetime) -> RingState:
    """Who holds the ring of ``opportunity`` at ``now``.

    An overdue follow-up still counts as holding the ring (the user owns a missed date, which
    the overdue list reports), so it is LATE rather than DROPPED. A scheduled interview still
    to come holds it too (HELD, whatever the follow-ups), and a lead has none to hold.
    """
    if not opportunity.stage.is_open:
        return RingState.CLOSED
    if opportunity.stage is Stage.LEAD:
        return RingState.NOT_APPLIED
    pending = [follow_up for follow_up in opportunity.follow_ups if follow_up.pending]
    interview_ahead = any(interview.ahead(now) for interview in opportunity.interviews)
    if interview_ahead:
        return RingState.HELD
    if ring_dropped(opportunity.stage, len(pending)):
        return RingState.DROPPED
    states = {
        follow_up_state(
            follow_up.window_start,
            follow_up.window_end,
            done_at=None,
            snoozed_until=follow_up.snoozed_until,
            now=now,
        )
        for follow_up in pending
    }
    return RingState.LATE if states == {FollowUpState.OVERDUE} else RingState.HELD


def rings_dropped(
    opportunities: Iterable[OpportunityRingView], now: datetime
) -> list[OpportunityRingView]:
    """The open opportunities that have given up the ring, in the order given."""
    return [
        opportunity
        for opportunity in opportunities
        if ring_state(opportunity, now) is RingState.DROPPED
    ]


def next_touch(opportunity: OpportunityRingView) -> datetime | None:
    """When the earliest pending follow-up of ``opportunity`` comes due, snoozes included."""
    starts = [
        effective_window(follow_up.window_start, follow_up.window_end, follow_up.snoozed_until)[0]
        for follow_up in opportunity.follow_ups
        if follow_up.pending
    ]
    return min(starts, default=None)
