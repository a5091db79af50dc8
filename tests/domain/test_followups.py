"""Follow-up rules: windows, cadence, business days, states, lateness and touch reconciliation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crm.domain.followups import (
    SNOOZE_GRACE,
    WINDOWS,
    PendingFollowUp,
    PlannedFollowUp,
    Touch,
    TouchOutcome,
    Window,
    add_business_days,
    check_in_at,
    default_next_touch,
    effective_window,
    explain_late,
    follow_up_state,
    handwritten_note_after,
    how_late,
    reconcile_on_touch,
    tell_outcome_plans,
    thank_you_cadence,
)
from crm.domain.types import Channel, Direction, FollowUpKind, FollowUpState, InteractionKind

H = timedelta(hours=1)
SECOND = timedelta(seconds=1)
INTERVIEW_END = datetime(2026, 11, 18, 15, 0)  # a Wednesday
NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def state(
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    done_at: datetime | None = None,
    snoozed_until: datetime | None = None,
) -> FollowUpState:
    """follow_up_state with the keyword noise taken out."""
    return follow_up_state(start, end, done_at=done_at, snoozed_until=snoozed_until, now=now)


# --- the windows table -------------------------------------------------------------------


def test_every_kind_has_a_window_that_ends_after_it_starts() -> None:
    assert set(WINDOWS) == set(FollowUpKind)
    for window in WINDOWS.values():
        assert window.start <= window.end


def test_playbook_windows() -> None:
    assert WINDOWS[FollowUpKind.THANK_YOU_EMAIL] == Window(2 * H, 48 * H)
    assert WINDOWS[FollowUpKind.HANDWRITTEN_NOTE] == Window(24 * H, 48 * H)
    assert WINDOWS[FollowUpKind.THANK_REFERRER] == Window(timedelta(0), 48 * H)
    assert WINDOWS[FollowUpKind.CHECK_IN] == Window(timedelta(0), 24 * H, local_days=True)


def test_window_around() -> None:
    assert Window(2 * H, 48 * H).around(INTERVIEW_END) == (
        datetime(2026, 11, 18, 17, 0),
        datetime(2026, 11, 20, 15, 0),
    )


# --- thank-you cadence ---------------------------------------------------------------------


def cadence(
    interviewer_ids: list[int],
    *,
    referrer_id: int | None = None,
    helpers: tuple[int, ...] = (),
    quiet: bool = False,
    already_thanked: tuple[int, ...] = (),
) -> list[PlannedFollowUp]:
    """thank_you_cadence for interview 7 of opportunity 3, ending at INTERVIEW_END."""
    return thank_you_cadence(
        INTERVIEW_END,
        interviewer_ids,
        opportunity_id=3,
        interview_id=7,
        helper_ids=((referrer_id,) if referrer_id is not None else ()) + helpers,
        quiet=quiet,
        already_thanked=already_thanked,
    )


def test_thank_you_email_per_interviewer_2_to_48_hours_after_the_end() -> None:
    planned = cadence([10, 11])
    assert planned == [
        PlannedFollowUp(
            contact_id=contact_id,
            kind=FollowUpKind.THANK_YOU_EMAIL,
            window_start=datetime(2026, 11, 18, 17, 0),
            window_end=datetime(2026, 11, 20, 15, 0),
            opportunity_id=3,
            interview_id=7,
        )
        for contact_id in (10, 11)
    ]


def test_interviewers_are_deduplicated_in_order() -> None:
    assert [p.contact_id for p in cadence([12, 10, 12, 11, 10])] == [12, 10, 11]


def test_no_interviewers_no_thank_yous() -> None:
    assert cadence([]) == []


def test_referrer_is_thanked_right_after_the_interview() -> None:
    planned = cadence([10], referrer_id=20)
    assert [(p.contact_id, p.kind) for p in planned] == [
        (10, FollowUpKind.THANK_YOU_EMAIL),
        (20, FollowUpKind.THANK_REFERRER),
    ]
    referrer = planned[1]
    assert (referrer.window_start, referrer.window_end) == (INTERVIEW_END, INTERVIEW_END + 48 * H)
    assert (referrer.opportunity_id, referrer.interview_id) == (3, 7)


def test_referrer_is_thanked_even_with_no_interviewer_recorded() -> None:
    assert [p.kind for p in cadence([], referrer_id=20)] == [FollowUpKind.THANK_REFERRER]


def test_quiet_opportunity_does_not_thank_the_referrer() -> None:
    planned = cadence([10, 11], referrer_id=20, quiet=True)
    assert [p.kind for p in planned] == [FollowUpKind.THANK_YOU_EMAIL] * 2


def test_quiet_opportunity_still_thanks_the_interviewers() -> None:
    assert [p.contact_id for p in cadence([10], quiet=True)] == [10]


def test_referrer_who_interviewed_gets_only_the_thank_you_email() -> None:
    planned = cadence([10, 20], referrer_id=20)
    assert [(p.contact_id, p.kind) for p in planned] == [
        (10, FollowUpKind.THANK_YOU_EMAIL),
        (20, FollowUpKind.THANK_YOU_EMAIL),
    ]


def test_every_referrer_and_string_puller_is_thanked_once() -> None:
    planned = cadence([10], helpers=(20, 21, 20))
    assert [(p.contact_id, p.kind) for p in planned] == [
        (10, FollowUpKind.THANK_YOU_EMAIL),
        (20, FollowUpKind.THANK_REFERRER),
        (21, FollowUpKind.THANK_REFERRER),
    ]


def test_helpers_already_thanked_in_this_process_are_not_thanked_again() -> None:
    planned = cadence([10], helpers=(20, 21), already_thanked=(20, 21))
    assert [(p.contact_id, p.kind) for p in planned] == [(10, FollowUpKind.THANK_YOU_EMAIL)]


def test_a_helper_who_interviewed_is_skipped_among_several() -> None:
    planned = cadence([20], helpers=(20, 21))
    assert [(p.contact_id, p.kind) for p in planned] == [
        (20, FollowUpKind.THANK_YOU_EMAIL),
        (21, FollowUpKind.THANK_REFERRER),
    ]


def test_quiet_process_thanks_no_helper() -> None:
    assert [p.contact_id for p in cadence([10], helpers=(20, 21), quiet=True)] == [10]


# --- late follow-ups and the end of a process ----------------------------------------------


def test_a_follow_up_planned_after_its_window_says_why() -> None:
    planned = cadence([10], referrer_id=20)
    five_days_later = INTERVIEW_END + 5 * 24 * H
    late = explain_late(
        planned, now=five_days_later, cause="the interview ended", cause_at=INTERVIEW_END
    )
    assert [p.note for p in late] == ["planned late: the interview ended 5 days ago"] * 2
    assert [replace(p, note="") for p in late] == planned


def test_a_follow_up_still_on_time_gets_no_late_note() -> None:
    planned = cadence([10])
    on_time = explain_late(
        planned, now=INTERVIEW_END + 3 * H, cause="the interview ended", cause_at=INTERVIEW_END
    )
    assert on_time == planned


def test_a_late_note_keeps_the_note_it_had() -> None:
    plan = replace(cadence([10])[0], note="ask about the team")
    (late,) = explain_late(
        [plan], now=INTERVIEW_END + 50 * H, cause="the interview ended", cause_at=INTERVIEW_END
    )
    assert late.note == "planned late: the interview ended 2 days ago; ask about the team"


def test_closing_tells_each_helper_how_it_ended_within_a_week() -> None:
    planned = tell_outcome_plans(INTERVIEW_END, [20, 21, 20], opportunity_id=3, quiet=False)
    assert [(p.contact_id, p.kind, p.opportunity_id) for p in planned] == [
        (20, FollowUpKind.TELL_OUTCOME, 3),
        (21, FollowUpKind.TELL_OUTCOME, 3),
    ]
    assert (planned[0].window_start, planned[0].window_end) == (
        INTERVIEW_END,
        INTERVIEW_END + 7 * 24 * H,
    )


def test_a_quiet_process_tells_no_one_how_it_ended() -> None:
    assert tell_outcome_plans(INTERVIEW_END, [20], opportunity_id=3, quiet=True) == []


# --- handwritten note and check-ins ------------------------------------------------------


def test_handwritten_note_counts_from_the_logged_email_not_the_interview() -> None:
    email_sent_at = INTERVIEW_END + 30 * H
    note = handwritten_note_after(email_sent_at, 10, opportunity_id=3, interview_id=7)
    assert note == PlannedFollowUp(
        contact_id=10,
        kind=FollowUpKind.HANDWRITTEN_NOTE,
        window_start=email_sent_at + 24 * H,
        window_end=email_sent_at + 48 * H,
        opportunity_id=3,
        interview_id=7,
    )


def test_handwritten_note_24_hours_after_the_email_exactly() -> None:
    email_sent_at = datetime(2026, 11, 19, 8, 17)
    note = handwritten_note_after(email_sent_at, 10, opportunity_id=None, interview_id=None)
    just_before = state(note.window_start, note.window_end, email_sent_at + 24 * H - SECOND)
    at_24_hours = state(note.window_start, note.window_end, email_sent_at + 24 * H)
    assert just_before is FollowUpState.UPCOMING
    assert at_24_hours is FollowUpState.DUE


def test_check_in_lasts_a_day_from_the_agreed_moment() -> None:
    at = datetime(2026, 11, 20, 14, 0)
    assert check_in_at(at, 10, opportunity_id=3) == PlannedFollowUp(
        contact_id=10,
        kind=FollowUpKind.CHECK_IN,
        window_start=at,
        window_end=at + 24 * H,
        opportunity_id=3,
    )


# --- business days -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime(2026, 11, 16, 10, 30), datetime(2026, 11, 18, 10, 30)),  # Mon -> Wed
        (datetime(2026, 11, 18, 10, 30), datetime(2026, 11, 20, 10, 30)),  # Wed -> Fri
        (datetime(2026, 11, 19, 10, 30), datetime(2026, 11, 23, 10, 30)),  # Thu -> Mon
        (datetime(2026, 11, 20, 10, 30), datetime(2026, 11, 24, 10, 30)),  # Fri -> Tue
        (datetime(2026, 11, 21, 10, 30), datetime(2026, 11, 24, 10, 30)),  # Sat -> Tue
        (datetime(2026, 11, 22, 10, 30), datetime(2026, 11, 24, 10, 30)),  # Sun -> Tue
    ],
)
def test_two_business_days_skip_the_weekend(start: datetime, expected: datetime) -> None:
    assert add_business_days(start, 2) == expected


def test_business_days_keep_time_of_day_and_handle_zero_and_negative() -> None:
    saturday = datetime(2026, 11, 21, 23, 59, 30)
    assert add_business_days(saturday, 0) == saturday
    assert add_business_days(saturday, 1) == datetime(2026, 11, 23, 23, 59, 30)
    assert add_business_days(datetime(2026, 11, 24, 9, 0), -2) == datetime(2026, 11, 20, 9, 0)
    assert add_business_days(datetime(2026, 11, 16, 9, 0), 5) == datetime(2026, 11, 23, 9, 0)


def test_default_next_touch_is_two_business_days_later() -> None:
    assert default_next_touch(datetime(2026, 11, 20, 16, 0)) == datetime(2026, 11, 24, 16, 0)


def test_default_next_touch_judges_weekends_in_the_users_time_zone() -> None:
    # Friday 20:00 in New York is already Saturday 01:00 in UTC; locally it is still Friday.
    friday_evening = datetime(2026, 11, 21, 1, 0)
    assert default_next_touch(friday_evening, tz=NEW_YORK_WINTER) == datetime(2026, 11, 25, 1, 0)
    assert default_next_touch(friday_evening, tz=UTC) == datetime(2026, 11, 24, 1, 0)


# --- states ---------------------------------------------------------------------------------

THANK_START, THANK_END = WINDOWS[FollowUpKind.THANK_YOU_EMAIL].around(INTERVIEW_END)


@pytest.mark.parametrize(
    ("after_end", "expected"),
    [
        (timedelta(0), FollowUpState.UPCOMING),
        (2 * H - SECOND, FollowUpState.UPCOMING),
        (2 * H, FollowUpState.DUE),  # 2 h exactly: the window opens
        (10 * H, FollowUpState.DUE),
        (36 * H + 30 * timedelta(minutes=1), FollowUpState.DUE_SOON),  # last quarter of 46 h
        (48 * H, FollowUpState.DUE_SOON),  # 48 h exactly: still on time
        (48 * H + SECOND, FollowUpState.OVERDUE),
        (200 * H, FollowUpState.OVERDUE),
    ],
)
def test_thank_you_states_over_time(after_end: timedelta, expected: FollowUpState) -> None:
    assert state(THANK_START, THANK_END, INTERVIEW_END + after_end) is expected


def test_due_soon_starts_exactly_at_the_last_quarter() -> None:
    start = datetime(2026, 11, 10, 0, 0)
    end = datetime(2026, 11, 14, 0, 0)  # 4 days: last quarter starts on Nov 13, 00:00
    assert state(start, end, datetime(2026, 11, 12, 23, 59)) is FollowUpState.DUE
    assert state(start, end, datetime(2026, 11, 13, 0, 0)) is FollowUpState.DUE_SOON


def test_due_soon_when_the_window_ends_today() -> None:
    start = datetime(2026, 11, 17, 0, 0)
    end = datetime(2026, 11, 18, 23, 0)  # the last quarter starts at 11:15 on the 18th
    assert state(start, end, datetime(2026, 11, 17, 23, 59)) is FollowUpState.DUE
    assert state(start, end, datetime(2026, 11, 18, 0, 1)) is FollowUpState.DUE_SOON


def test_due_today_uses_the_users_calendar() -> None:
    start = datetime(2026, 11, 17, 14, 0)
    end = datetime(2026, 11, 19, 3, 0)  # Nov 18, 22:00 in New York; last quarter from 17:45 UTC
    now = datetime(2026, 11, 18, 14, 0)  # Nov 18, 09:00 in New York
    assert state(start, end, now) is FollowUpState.DUE
    assert (
        follow_up_state(start, end, done_at=None, snoozed_until=None, now=now, tz=NEW_YORK_WINTER)
        is FollowUpState.DUE_SOON
    )


def test_done_wins_over_everything() -> None:
    now = INTERVIEW_END + 100 * H
    done = state(THANK_START, THANK_END, now, done_at=INTERVIEW_END + 3 * H, snoozed_until=now + H)
    assert done is FollowUpState.DONE


def test_snoozed_until_the_snooze_ends() -> None:
    snoozed_until = INTERVIEW_END + 60 * H
    now = INTERVIEW_END + 59 * H
    assert state(THANK_START, THANK_END, now, snoozed_until=snoozed_until) is FollowUpState.SNOOZED


def test_snooze_past_the_window_comes_back_due_not_overdue() -> None:
    snoozed_until = INTERVIEW_END + 60 * H  # 12 h after the window closed

    def at(offset: timedelta) -> FollowUpState:
        return state(THANK_START, THANK_END, snoozed_until + offset, snoozed_until=snoozed_until)

    assert at(-SECOND) is FollowUpState.SNOOZED
    assert at(timedelta(0)) is FollowUpState.DUE
    assert at(SNOOZE_GRACE * 3 / 4 - SECOND) is FollowUpState.DUE
    assert at(SNOOZE_GRACE * 3 / 4) is FollowUpState.DUE_SOON
    assert at(SNOOZE_GRACE) is FollowUpState.DUE_SOON
    assert at(SNOOZE_GRACE + SECOND) is FollowUpState.OVERDUE


def test_snooze_near_the_end_of_the_window_still_gets_the_grace() -> None:
    snoozed_until = THANK_END - H
    assert effective_window(THANK_START, THANK_END, snoozed_until) == (
        snoozed_until,
        snoozed_until + SNOOZE_GRACE,
    )
    now = THANK_END + H
    assert state(THANK_START, THANK_END, now, snoozed_until=snoozed_until) is FollowUpState.DUE


def test_snooze_that_ended_before_the_window_changes_nothing() -> None:
    snoozed_until = INTERVIEW_END + H
    assert effective_window(THANK_START, THANK_END, snoozed_until) == (THANK_START, THANK_END)
    now = INTERVIEW_END + 90 * H
    assert state(THANK_START, THANK_END, now, snoozed_until=snoozed_until) is FollowUpState.OVERDUE
    upcoming = state(THANK_START, THANK_END, INTERVIEW_END + H, snoozed_until=snoozed_until)
    assert upcoming is FollowUpState.UPCOMING


def test_zero_length_window_is_due_soon_at_its_moment() -> None:
    moment = datetime(2026, 11, 18, 9, 0)
    assert state(moment, moment, moment - SECOND) is FollowUpState.UPCOMING
    assert state(moment, moment, moment) is FollowUpState.DUE_SOON
    assert state(moment, moment, moment + SECOND) is FollowUpState.OVERDUE


# --- how late ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now_minus_end", "text"),
    [
        (timedelta(days=3, hours=5), "3 days late"),
        (timedelta(days=1, hours=23), "1 day late"),
        (timedelta(hours=5, minutes=59), "5 h late"),
        (timedelta(minutes=40), "40 min late"),
        (timedelta(seconds=59), "due now"),
        (timedelta(0), "due now"),
        (timedelta(seconds=-30), "due now"),
        (-timedelta(minutes=15), "due in 15 min"),
        (-timedelta(hours=2), "due in 2 h"),
        (-timedelta(days=2), "due in 2 days"),
        (-timedelta(days=1, hours=3), "due in 1 day"),
    ],
)
def test_how_late(now_minus_end: timedelta, text: str) -> None:
    window_end = datetime(2026, 11, 18, 12, 0)
    assert how_late(window_end, window_end + now_minus_end) == text


# --- reconciling a logged touch ------------------------------------------------------------

CONTACT = 10
TOUCH_AT = datetime(2026, 11, 19, 10, 0)


def touch(
    *,
    channel: Channel = Channel.EMAIL,
    kind: InteractionKind = InteractionKind.CHECK_IN,
    direction: Direction = Direction.OUTBOUND,
    opportunity_id: int | None = 3,
    occurred_at: datetime = TOUCH_AT,
) -> Touch:
    """A logged touch with CONTACT; an outbound check-in e-mail about opportunity 3 by default."""
    return Touch(occurred_at, channel, kind, direction, opportunity_id)


def pending(
    follow_up_id: int,
    kind: FollowUpKind,
    *,
    opportunity_id: int | None = 3,
    interview_id: int | None = None,
    since: datetime | None = None,
) -> PendingFollowUp:
    """An open follow-up of CONTACT whose window is around the touch."""
    return PendingFollowUp(
        id=follow_up_id,
        kind=kind,
        opportunity_id=opportunity_id,
        window_start=TOUCH_AT - 24 * H,
        window_end=TOUCH_AT + 24 * H,
        interview_id=interview_id,
        since=since,
    )


def reconcile(
    logged: Touch, open_follow_ups: list[PendingFollowUp], next_touch: datetime | None = None
) -> TouchOutcome:
    """reconcile_on_touch for CONTACT."""
    return reconcile_on_touch(CONTACT, logged, open_follow_ups, next_touch=next_touch)


def test_an_inbound_reply_closes_the_pending_check_in() -> None:
    reply = touch(direction=Direction.INBOUND, kind=InteractionKind.OTHER)
    assert reconcile(reply, [pending(1, FollowUpKind.CHECK_IN)]) == TouchOutcome((1,), ())


def test_any_outbound_touch_closes_the_pending_check_in() -> None:
    casual = touch(kind=InteractionKind.CASUAL, channel=Channel.LINKEDIN)
    assert reconcile(casual, [pending(1, FollowUpKind.CHECK_IN)]).close_ids == (1,)


def test_a_touch_about_another_opportunity_leaves_the_check_in_open() -> None:
    other = touch(opportunity_id=4, direction=Direction.INBOUND)
    assert reconcile(other, [pending(1, FollowUpKind.CHECK_IN, opportunity_id=3)]).close_ids == ()


def test_a_touch_without_an_opportunity_closes_that_persons_check_ins() -> None:
    general = touch(opportunity_id=None)
    open_follow_ups = [
        pending(1, FollowUpKind.CHECK_IN, opportunity_id=3),
        pending(2, FollowUpKind.CHECK_IN, opportunity_id=None),
    ]
    assert reconcile(general, open_follow_ups).close_ids == (1, 2)


def test_a_check_in_without_an_opportunity_is_closed_by_any_thread() -> None:
    about_four = touch(opportunity_id=4)
    general_check_in = pending(1, FollowUpKind.CHECK_IN, opportunity_id=None)
    assert reconcile(about_four, [general_check_in]).close_ids == (1,)


def test_a_touch_before_the_check_in_was_set_does_not_close_it() -> None:
    scheduled_at = TOUCH_AT + H
    old = pending(1, FollowUpKind.CHECK_IN, since=scheduled_at)
    assert reconcile(touch(), [old]).close_ids == ()
    assert reconcile(touch(occurred_at=scheduled_at), [old]).close_ids == (1,)


def test_the_next_touch_becomes_the_new_check_in() -> None:
    next_at = datetime(2026, 11, 23, 14, 0)
    outcome = reconcile(touch(), [pending(1, FollowUpKind.CHECK_IN)], next_touch=next_at)
    assert outcome == TouchOutcome((1,), (check_in_at(next_at, CONTACT, opportunity_id=3),))


def test_a_moved_check_in_keeps_its_opportunity_when_the_touch_has_none() -> None:
    next_at = datetime(2026, 11, 23, 14, 0)
    outcome = reconcile(
        touch(opportunity_id=None), [pending(1, FollowUpKind.CHECK_IN)], next_touch=next_at
    )
    assert outcome.create == (check_in_at(next_at, CONTACT, opportunity_id=3),)


def test_no_next_touch_creates_no_check_in() -> None:
    assert reconcile(touch(), []) == TouchOutcome((), ())


def test_a_thank_you_email_closes_the_thank_you_and_plans_the_note() -> None:
    email = touch(kind=InteractionKind.THANK_YOU, channel=Channel.EMAIL)
    outcome = reconcile(email, [pending(5, FollowUpKind.THANK_YOU_EMAIL, interview_id=7)])
    assert outcome == TouchOutcome(
        (5,),
        (handwritten_note_after(TOUCH_AT, CONTACT, opportunity_id=3, interview_id=7),),
    )
    note = outcome.create[0]
    assert (note.window_start, note.window_end) == (TOUCH_AT + 24 * H, TOUCH_AT + 48 * H)


def test_the_note_and_the_next_check_in_are_both_planned() -> None:
    email = touch(kind=InteractionKind.THANK_YOU, channel=Channel.EMAIL)
    next_at = datetime(2026, 11, 23, 14, 0)
    outcome = reconcile(
        email,
        [pending(5, FollowUpKind.THANK_YOU_EMAIL), pending(6, FollowUpKind.CHECK_IN)],
        next_touch=next_at,
    )
    assert outcome.close_ids == (5, 6)
    planned_kinds = [p.kind for p in outcome.create]
    assert planned_kinds == [FollowUpKind.HANDWRITTEN_NOTE, FollowUpKind.CHECK_IN]


def test_no_second_note_when_one_is_already_open() -> None:
    email = touch(kind=InteractionKind.THANK_YOU, channel=Channel.EMAIL)
    open_follow_ups = [
        pending(5, FollowUpKind.THANK_YOU_EMAIL),
        pending(6, FollowUpKind.HANDWRITTEN_NOTE),
    ]
    assert reconcile(email, open_follow_ups) == TouchOutcome((5,), ())


def test_a_thank_you_email_with_nothing_pending_plans_no_note() -> None:
    email = touch(kind=InteractionKind.THANK_YOU, channel=Channel.EMAIL)
    assert reconcile(email, []) == TouchOutcome((), ())


@pytest.mark.parametrize(
    "logged",
    [
        touch(kind=InteractionKind.THANK_YOU, channel=Channel.CALL),
        touch(kind=InteractionKind.CHECK_IN, channel=Channel.EMAIL),
        touch(kind=InteractionKind.THANK_YOU, channel=Channel.EMAIL, direction=Direction.INBOUND),
        touch(kind=InteractionKind.THANK_YOU, channel=Channel.EMAIL, opportunity_id=4),
        touch(kind=InteractionKind.THANK_YOU, channel=Channel.HANDWRITTEN_NOTE),
    ],
)
def test_only_an_outbound_thank_you_email_closes_the_thank_you(logged: Touch) -> None:
    assert reconcile(logged, [pending(5, FollowUpKind.THANK_YOU_EMAIL)]) == TouchOutcome((), ())


def test_a_thank_you_sent_as_a_linkedin_message_is_the_thank_you_email() -> None:
    message = touch(kind=InteractionKind.THANK_YOU, channel=Channel.LINKEDIN)
    outcome = reconcile(message, [pending(5, FollowUpKind.THANK_YOU_EMAIL)])
    assert outcome.close_ids == (5,)
    assert [p.kind for p in outcome.create] == [FollowUpKind.HANDWRITTEN_NOTE]


def test_a_thank_you_sent_before_the_interview_ended_does_not_count() -> None:
    email = touch(kind=InteractionKind.THANK_YOU, channel=Channel.EMAIL)
    thank_you = pending(5, FollowUpKind.THANK_YOU_EMAIL, since=TOUCH_AT + H)
    assert reconcile(email, [thank_you]) == TouchOutcome((), ())


def test_a_handwritten_note_closes_the_note_follow_up() -> None:
    note = touch(kind=InteractionKind.THANK_YOU, channel=Channel.HANDWRITTEN_NOTE)
    assert reconcile(note, [pending(6, FollowUpKind.HANDWRITTEN_NOTE)]).close_ids == (6,)
    inbound = touch(channel=Channel.HANDWRITTEN_NOTE, direction=Direction.INBOUND)
    assert reconcile(inbound, [pending(6, FollowUpKind.HANDWRITTEN_NOTE)]).close_ids == ()
    email = touch(kind=InteractionKind.THANK_YOU, channel=Channel.EMAIL)
    assert reconcile(email, [pending(6, FollowUpKind.HANDWRITTEN_NOTE)]).close_ids == ()


def test_an_outbound_thank_you_closes_thank_the_referrer() -> None:
    call = touch(kind=InteractionKind.THANK_YOU, channel=Channel.CALL)
    assert reconcile(call, [pending(8, FollowUpKind.THANK_REFERRER)]).close_ids == (8,)
    reply = touch(kind=InteractionKind.THANK_YOU, direction=Direction.INBOUND)
    assert reconcile(reply, [pending(8, FollowUpKind.THANK_REFERRER)]).close_ids == ()
    check_in = touch(kind=InteractionKind.CHECK_IN)
    assert reconcile(check_in, [pending(8, FollowUpKind.THANK_REFERRER)]).close_ids == ()


def test_a_reply_does_not_close_the_users_own_tasks() -> None:
    reply = touch(direction=Direction.INBOUND, kind=InteractionKind.THANK_YOU)
    open_follow_ups = [
        pending(1, FollowUpKind.CHECK_IN),
        pending(5, FollowUpKind.THANK_YOU_EMAIL),
        pending(6, FollowUpKind.HANDWRITTEN_NOTE),
        pending(9, FollowUpKind.OTHER),
    ]
    assert reconcile(reply, open_follow_ups).close_ids == (1,)


@pytest.mark.parametrize(
    ("kind", "closing", "not_closing"),
    [
        (FollowUpKind.CASUAL_TOUCH, InteractionKind.CASUAL, InteractionKind.CHECK_IN),
        (FollowUpKind.TELL_INTERVIEWED, InteractionKind.BACK_CHANNEL, InteractionKind.CASUAL),
        (FollowUpKind.HEADS_UP, InteractionKind.REFERENCE, InteractionKind.CASUAL),
        (FollowUpKind.BRIEF_REFERENCE, InteractionKind.REFERENCE, InteractionKind.BACK_CHANNEL),
        (FollowUpKind.THANK_REFERENCE, InteractionKind.THANK_YOU, InteractionKind.REFERENCE),
        (FollowUpKind.KEEP_IN_TOUCH, InteractionKind.OTHER, None),
        (FollowUpKind.OTHER, None, InteractionKind.OTHER),
    ],
)
def test_other_kinds_close_on_their_own_act(
    kind: FollowUpKind, closing: InteractionKind | None, not_closing: InteractionKind | None
) -> None:
    if closing is not None:
        assert reconcile(touch(kind=closing), [pending(1, kind)]).close_ids == (1,)
    if not_closing is not None:
        assert reconcile(touch(kind=not_closing), [pending(1, kind)]).close_ids == ()
