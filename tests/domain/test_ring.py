"""Never give up the ring: open opportunities need a pending next touch owned by the user."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crm.domain.ring import (
    OpportunityRingView,
    RingFollowUp,
    RingInterview,
    RingState,
    next_touch,
    ring_dropped,
    ring_state,
    rings_dropped,
)
from crm.domain.types import CLOSED_STAGES, Stage

NOW = datetime(2026, 11, 18, 15, 0)
DAY = timedelta(days=1)

UPCOMING = RingFollowUp(NOW + DAY, NOW + 2 * DAY)
DUE = RingFollowUp(NOW - DAY, NOW + DAY)
OVERDUE = RingFollowUp(NOW - 3 * DAY, NOW - 2 * DAY)
DONE = RingFollowUp(NOW - DAY, NOW + DAY, done_at=NOW - DAY)
SNOOZED = RingFollowUp(NOW - 3 * DAY, NOW - 2 * DAY, snoozed_until=NOW + DAY)


@pytest.mark.parametrize("stage", [s for s in Stage if s.is_open and s is not Stage.LEAD])
def test_open_opportunity_without_pending_follow_up_has_dropped_the_ring(stage: Stage) -> None:
    assert ring_dropped(stage, 0)
    assert not ring_dropped(stage, 1)
    assert not ring_dropped(stage, 0, interview_ahead=True)


def test_a_lead_not_applied_to_has_no_ring_to_hold() -> None:
    assert not ring_dropped(Stage.LEAD, 0)
    assert ring_state(OpportunityRingView(1, Stage.LEAD), NOW) is RingState.NOT_APPLIED
    assert ring_state(OpportunityRingView(1, Stage.LEAD, (OVERDUE,)), NOW) is RingState.NOT_APPLIED


def test_a_scheduled_interview_holds_the_ring() -> None:
    ahead = RingInterview(NOW + DAY)
    assert ring_state(OpportunityRingView(1, Stage.INTERVIEWING, (), (ahead,)), NOW) is (
        RingState.HELD
    )
    # The interview is a touch still ahead, so overdue follow-ups don't make the ring late.
    late = OpportunityRingView(1, Stage.INTERVIEWING, (OVERDUE,), (ahead,))
    assert ring_state(late, NOW) is RingState.HELD


@pytest.mark.parametrize(
    "interview",
    [
        RingInterview(NOW - DAY),  # held already, but not marked done: it's in the past
        RingInterview(NOW),  # starting this minute is not "ahead"
        RingInterview(NOW + DAY, done_at=NOW - DAY),  # done (the date was typed wrong)
    ],
)
def test_an_interview_behind_the_user_holds_nothing(interview: RingInterview) -> None:
    view = OpportunityRingView(1, Stage.INTERVIEWING, (DONE,), (interview,))
    assert ring_state(view, NOW) is RingState.DROPPED


@pytest.mark.parametrize("stage", sorted(CLOSED_STAGES))
def test_closed_opportunity_never_drops_the_ring(stage: Stage) -> None:
    assert not ring_dropped(stage, 0)
    assert ring_state(OpportunityRingView(1, stage), NOW) is RingState.CLOSED


def test_no_follow_ups_at_all_is_dropped() -> None:
    assert ring_state(OpportunityRingView(1, Stage.INTERVIEWING), NOW) is RingState.DROPPED


def test_only_done_follow_ups_is_dropped() -> None:
    view = OpportunityRingView(1, Stage.INTERVIEWING, (DONE, DONE))
    assert ring_state(view, NOW) is RingState.DROPPED


@pytest.mark.parametrize("follow_up", [UPCOMING, DUE, SNOOZED])
def test_a_pending_follow_up_holds_the_ring(follow_up: RingFollowUp) -> None:
    view = OpportunityRingView(1, Stage.APPLIED, (DONE, follow_up))
    assert ring_state(view, NOW) is RingState.HELD


def test_only_overdue_follow_ups_hold_the_ring_late() -> None:
    assert ring_state(OpportunityRingView(1, Stage.OFFER, (OVERDUE,)), NOW) is RingState.LATE
    mixed = OpportunityRingView(1, Stage.OFFER, (OVERDUE, UPCOMING))
    assert ring_state(mixed, NOW) is RingState.HELD


def test_rings_dropped_lists_only_open_opportunities_without_a_next_touch() -> None:
    opportunities = [
        OpportunityRingView(1, Stage.INTERVIEWING, (UPCOMING,)),
        OpportunityRingView(2, Stage.INTERVIEWING, (DONE,)),
        OpportunityRingView(3, Stage.REJECTED),
        OpportunityRingView(4, Stage.LEAD),
        OpportunityRingView(5, Stage.SCREENING, (OVERDUE,)),
        OpportunityRingView(6, Stage.APPLIED),
        OpportunityRingView(7, Stage.SCREENING, (), (RingInterview(NOW + DAY),)),
    ]
    assert [o.opportunity_id for o in rings_dropped(opportunities, NOW)] == [2, 6]


def test_rings_dropped_accepts_any_iterable() -> None:
    views = (OpportunityRingView(i, Stage.APPLIED) for i in range(3))
    assert len(rings_dropped(views, NOW)) == 3


def test_next_touch_is_the_earliest_pending_start_after_snoozes() -> None:
    view = OpportunityRingView(1, Stage.APPLIED, (DONE, UPCOMING, SNOOZED))
    assert next_touch(view) == NOW + DAY
    assert next_touch(OpportunityRingView(1, Stage.APPLIED, (DUE, UPCOMING))) == NOW - DAY
    assert next_touch(OpportunityRingView(1, Stage.APPLIED, (DONE,))) is None


def test_a_log_without_a_next_touch_gives_up_the_ring_of_an_open_process() -> None:
    from crm.domain.ring import log_gives_up_ring

    assert log_gives_up_ring(Stage.INTERVIEWING, None)
    assert not log_gives_up_ring(Stage.INTERVIEWING, datetime(2026, 12, 4, 9, 0))
    assert not log_gives_up_ring(Stage.REJECTED, None)
    assert not log_gives_up_ring(Stage.LEAD, None)
