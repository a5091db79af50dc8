"""The daily loop against a real SQLite file: interviews, thank-yous, the ring and the agenda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import FollowUp, Interaction, Interview, Opportunity
from crm.domain.followups import PlannedFollowUp
from crm.domain.types import (
    CLOSED_STAGES,
    Channel,
    ContactDraft,
    Direction,
    FollowUpKind,
    InteractionKind,
    LogDraft,
    LogResult,
    Stage,
)
from crm.domain.validation import InvalidInput
from crm.services import conversations, followups, interviews, opportunities
from crm.services.contacts import create_contact
from crm.services.followups import create_follow_ups
from crm.services.tx import reading, writing

# Wednesday 18 November 2026, 15:00 UTC (the conftest's NOW).
NOW = datetime(2026, 11, 18, 15, 0)
H = timedelta(hours=1)
D = timedelta(days=1)
# Yesterday's round: scheduled 10:00-11:00, it ran over and ended at 11:30.
STARTS = datetime(2026, 11, 17, 10, 0)
ENDED = datetime(2026, 11, 17, 11, 30)

Row = tuple[int, str, datetime, datetime, int | None]


# --- helpers -------------------------------------------------------------------------------


def person(name: str, company: str = "Acme") -> int:
    return create_contact(ContactDraft(name=name, company=company), now=NOW - 30 * D)


def pending(**where: object) -> list[Row]:
    """Open follow-ups as (contact, kind, window start, window end, opportunity), by id."""
    with reading():
        query = FollowUp.select(
            FollowUp.contact,
            FollowUp.kind,
            FollowUp.window_start,
            FollowUp.window_end,
            FollowUp.opportunity,
        ).where(FollowUp.done_at.is_null())
        for field, value in where.items():
            query = query.where(getattr(FollowUp, field) == value)
        return list(query.order_by(FollowUp.id).tuples())


def done_at(follow_up_id: int) -> datetime | None:
    with reading():
        return FollowUp.get_by_id(follow_up_id).done_at


def count(model: type) -> int:
    with reading():
        return model.select().count()


def pending_id(contact_id: int, kind: FollowUpKind) -> int:
    with reading():
        [row] = list(
            FollowUp.select(FollowUp.id)
            .where(
                (FollowUp.contact == contact_id)
                & (FollowUp.kind == kind.value)
                & FollowUp.done_at.is_null()
            )
            .tuples()
        )
    return int(row[0])


def log(
    contact_id: int,
    at: datetime,
    *,
    channel: Channel = Channel.CALL,
    kind: InteractionKind = InteractionKind.CHECK_IN,
    direction: Direction = Direction.OUTBOUND,
    opportunity_id: int | None = None,
    next_touch: datetime | None = None,
    no_next_reason: str = "",
    use_default_next: bool = True,
    now: datetime = NOW,
) -> LogResult:
    """Log a conversation (an outbound check-in call by default) through the service."""
    return conversations.log_conversation(
        LogDraft(
            contact_id=contact_id,
            channel=channel,
            kind=kind,
            occurred_at=at,
            summary="talked",
            direction=direction,
            opportunity_id=opportunity_id,
            next_touch=next_touch,
            no_next_reason=no_next_reason,
            use_default_next=use_default_next,
        ),
        now=now,
        tz=UTC,
    )


def dropped_ids(now: datetime = NOW) -> list[int]:
    return [ring.opportunity_id for ring in followups.agenda(now=now, tz=UTC).rings_dropped]


def plan(contact_id: int, start: datetime, end: datetime, opportunity_id: int | None = None) -> int:
    """A check-in follow-up written straight into the database; returns its id."""
    with writing():
        [follow_up_id] = create_follow_ups(
            [PlannedFollowUp(contact_id, FollowUpKind.CHECK_IN, start, end, opportunity_id)],
            now=NOW - 10 * D,
        )
    return follow_up_id


@pytest.fixture
def round_one(db_path: Path) -> dict[str, int]:
    """An opportunity referred by Katie, with yesterday's round by Ann and Bo (not yet done)."""
    katie = person("Katie Referrer", "Globex")
    ann = person("Ann Interviewer")
    bo = person("Bo Interviewer")
    opp = opportunities.add_opportunity(
        "Acme", "Staff Engineer", referrer_id=katie, now=NOW - 9 * D
    )
    interview = interviews.add_interview(
        opp, STARTS, interviewer_ids=[ann, bo], minutes=60, now=NOW - 5 * D
    )
    return {"katie": katie, "ann": ann, "bo": bo, "opp": opp, "interview": interview}


# --- interviews and thank-yous -------------------------------------------------------------


def test_interview_done_plans_a_thank_you_email_per_interviewer_and_thanks_the_referrer(
    round_one: dict[str, int],
) -> None:
    r = round_one
    created = interviews.mark_interview_done(r["interview"], ended_at=ENDED, now=NOW)
    assert len(created) == 3
    assert pending() == [
        (r["ann"], "thank-you-email", ENDED + 2 * H, ENDED + 48 * H, r["opp"]),
        (r["bo"], "thank-you-email", ENDED + 2 * H, ENDED + 48 * H, r["opp"]),
        (r["katie"], "thank-referrer", ENDED, ENDED + 48 * H, r["opp"]),
    ]
    assert pending(interview=r["interview"]) == pending()
    with reading():
        interview = Interview.get_by_id(r["interview"])
        assert (interview.done_at, interview.ends_at) == (ENDED, ENDED)
        assert Opportunity.get_by_id(r["opp"]).stage == Stage.INTERVIEWING.value


def test_interview_done_defaults_to_the_scheduled_end(round_one: dict[str, int]) -> None:
    interviews.mark_interview_done(round_one["interview"], now=NOW)
    scheduled_end = STARTS + 60 * timedelta(minutes=1)
    assert {(start, end) for _, kind, start, end, _ in pending() if kind == "thank-you-email"} == {
        (scheduled_end + 2 * H, scheduled_end + 48 * H)
    }


def test_interview_marked_done_before_its_scheduled_end_ends_now(db_path: Path) -> None:
    ann = person("Ann")
    opp = opportunities.add_opportunity("Acme", "Engineer", now=NOW)
    interview = interviews.add_interview(
        opp, NOW - 20 * timedelta(minutes=1), interviewer_ids=[ann]
    )
    interviews.mark_interview_done(interview, now=NOW)
    assert pending() == [(ann, "thank-you-email", NOW + 2 * H, NOW + 48 * H, opp)]


def test_a_quiet_opportunity_thanks_the_interviewers_but_not_the_referrer(db_path: Path) -> None:
    katie, ann = person("Katie"), person("Ann")
    opp = opportunities.add_opportunity("Acme", "Engineer", referrer_id=katie, quiet=True, now=NOW)
    interview = interviews.add_interview(opp, STARTS, interviewer_ids=[ann])
    assert len(interviews.mark_interview_done(interview, ended_at=ENDED, now=NOW)) == 1
    assert pending() == [(ann, "thank-you-email", ENDED + 2 * H, ENDED + 48 * H, opp)]


def test_an_opportunity_without_a_referrer_plans_no_referrer_thank_you(db_path: Path) -> None:
    ann = person("Ann")
    opp = opportunities.add_opportunity("Acme", "Engineer", now=NOW)
    interview = interviews.add_interview(opp, STARTS, interviewer_ids=[ann])
    interviews.mark_interview_done(interview, ended_at=ENDED, now=NOW)
    assert [kind for _, kind, *_ in pending()] == ["thank-you-email"]


def test_marking_an_interview_done_twice_is_refused_and_creates_nothing(
    round_one: dict[str, int],
) -> None:
    interviews.mark_interview_done(round_one["interview"], ended_at=ENDED, now=NOW)
    before = pending()
    with pytest.raises(InvalidInput, match="already marked done"):
        interviews.mark_interview_done(round_one["interview"], ended_at=NOW, now=NOW + H)
    assert pending() == before and count(FollowUp) == 3
    with reading():
        assert Interview.get_by_id(round_one["interview"]).done_at == ENDED


def test_an_unknown_interview_or_opportunity_is_not_found(db_path: Path) -> None:
    with pytest.raises(opportunities.NotFound, match="#404"):
        interviews.mark_interview_done(404, now=NOW)
    with pytest.raises(opportunities.NotFound, match="#404"):
        opportunities.set_stage(404, Stage.OFFER, now=NOW)
    with pytest.raises(opportunities.NotFound, match="#404"):
        interviews.add_interview(404, STARTS, interviewer_ids=[], now=NOW)
    assert count(Interview) == 0


def test_the_thank_you_email_closes_that_persons_task_and_plans_the_note_from_when_it_went_out(
    round_one: dict[str, int],
) -> None:
    r = round_one
    interviews.mark_interview_done(r["interview"], ended_at=ENDED, now=NOW)
    ann_email, bo_email = (
        pending_id(r["ann"], FollowUpKind.THANK_YOU_EMAIL),
        pending_id(r["bo"], FollowUpKind.THANK_YOU_EMAIL),
    )
    sent = datetime(2026, 11, 17, 20, 15)  # neither the interview's end nor now
    result = log(r["ann"], sent, channel=Channel.EMAIL, kind=InteractionKind.THANK_YOU, now=NOW)
    assert result.opportunity_id == r["opp"]
    assert result.closed_follow_up_ids == (ann_email,)
    assert done_at(ann_email) == sent
    assert done_at(bo_email) is None
    [note] = pending(contact=r["ann"], kind="handwritten-note")
    assert note == (r["ann"], "handwritten-note", sent + 24 * H, sent + 48 * H, r["opp"])
    # The conversation is about an open opportunity, so the ring is kept too.
    assert [kind for _, kind, *_ in pending(contact=r["ann"])] == ["handwritten-note", "check-in"]


def test_a_thank_you_by_another_channel_does_not_close_the_email_task(
    round_one: dict[str, int],
) -> None:
    r = round_one
    interviews.mark_interview_done(r["interview"], ended_at=ENDED, now=NOW)
    log(r["ann"], ENDED + 3 * H, channel=Channel.CALL, kind=InteractionKind.THANK_YOU)
    assert pending(contact=r["ann"], kind="thank-you-email")
    assert not pending(kind="handwritten-note")


def test_thanking_the_referrer_closes_the_referrer_task(round_one: dict[str, int]) -> None:
    r = round_one
    interviews.mark_interview_done(r["interview"], ended_at=ENDED, now=NOW)
    task = pending_id(r["katie"], FollowUpKind.THANK_REFERRER)
    result = log(r["katie"], ENDED + H, channel=Channel.MESSAGE, kind=InteractionKind.THANK_YOU)
    assert result.opportunity_id == r["opp"]
    assert task in result.closed_follow_up_ids
    assert not pending(kind="thank-referrer")


# --- never give up the ring ----------------------------------------------------------------


@pytest.fixture
def one_opening(db_path: Path) -> dict[str, int]:
    """Rita the recruiter, who ran the phone screen of an open opportunity; nothing scheduled.

    She interviewed the user, so the ring is kept with her (a referrer alone needs none).
    """
    rita = person("Rita Recruiter")
    opp = opportunities.add_opportunity("Acme", "Engineer", now=NOW - 9 * D)
    interviews.add_interview(opp, NOW - 8 * D, interviewer_ids=[rita], now=NOW - 9 * D)
    return {"rita": rita, "opp": opp}


def test_a_conversation_without_a_next_touch_schedules_a_check_in_two_business_days_later(
    one_opening: dict[str, int],
) -> None:
    friday = datetime(2026, 11, 20, 10, 30)
    tuesday = datetime(2026, 11, 24, 10, 30)
    result = log(one_opening["rita"], friday, now=friday + H)
    assert result.opportunity_id == one_opening["opp"]
    assert pending() == [
        (one_opening["rita"], "check-in", tuesday, tuesday + D, one_opening["opp"])
    ]
    assert result.created_follow_up_ids == (pending_id(one_opening["rita"], FollowUpKind.CHECK_IN),)


def test_an_explicit_next_touch_is_the_check_in(one_opening: dict[str, int]) -> None:
    next_at = datetime(2026, 11, 27, 9, 0)
    log(one_opening["rita"], NOW - H, next_touch=next_at)
    assert pending() == [
        (one_opening["rita"], "check-in", next_at, next_at + D, one_opening["opp"])
    ]
    assert one_opening["opp"] not in dropped_ids()


def test_declining_the_next_touch_schedules_nothing_and_the_ring_is_dropped(
    one_opening: dict[str, int],
) -> None:
    log(one_opening["rita"], NOW - H, next_touch=datetime(2026, 11, 20, 9, 0))
    assert one_opening["opp"] not in dropped_ids()
    log(one_opening["rita"], NOW, no_next_reason="they will call me")
    assert pending() == []
    assert dropped_ids() == [one_opening["opp"]]


def test_no_next_touch_without_a_default_or_a_reason_is_refused_and_writes_nothing(
    one_opening: dict[str, int],
) -> None:
    with pytest.raises(InvalidInput, match="ring"):
        log(one_opening["rita"], NOW, use_default_next=False)
    assert count(Interaction) == 0 and count(FollowUp) == 0


def test_a_conversation_about_a_closed_opportunity_needs_no_next_touch(
    one_opening: dict[str, int],
) -> None:
    opportunities.set_stage(one_opening["opp"], Stage.REJECTED, now=NOW - D)
    result = log(one_opening["rita"], NOW, opportunity_id=one_opening["opp"])
    assert result.created_follow_up_ids == ()
    assert pending() == [] and dropped_ids() == []


def test_an_open_opportunity_with_nothing_pending_has_dropped_the_ring(db_path: Path) -> None:
    ann = person("Ann")
    waiting = opportunities.add_opportunity("Acme", "Engineer", now=NOW - 3 * D)
    held = opportunities.add_opportunity("Initech", "Engineer", now=NOW - 2 * D)
    late = opportunities.add_opportunity("Globex", "Engineer", now=NOW - 2 * D)
    plan(ann, NOW + D, NOW + 2 * D, held)
    plan(ann, NOW - 5 * D, NOW - 4 * D, late)  # overdue still holds the ring (it is the user's)
    finished = plan(ann, NOW - D, NOW, waiting)
    followups.complete(finished, now=NOW - H)
    [ring] = followups.agenda(now=NOW, tz=UTC).rings_dropped
    assert (ring.opportunity_id, ring.opportunity, ring.stage) == (
        waiting,
        "Engineer at Acme",
        Stage.APPLIED,
    )


@pytest.mark.parametrize("stage", sorted(CLOSED_STAGES))
def test_closed_opportunities_never_drop_the_ring(db_path: Path, stage: Stage) -> None:
    closed_from_the_start = opportunities.add_opportunity("Acme", "Engineer", stage=stage, now=NOW)
    closed_later = opportunities.add_opportunity("Initech", "Engineer", now=NOW - D)
    assert dropped_ids() == [closed_later]
    opportunities.set_stage(closed_later, stage, now=NOW)
    assert dropped_ids() == []
    assert closed_from_the_start not in dropped_ids(NOW + 30 * D)


def test_a_reply_closes_the_pending_check_in_of_that_thread(one_opening: dict[str, int]) -> None:
    rita, opp = one_opening["rita"], one_opening["opp"]
    log(rita, NOW - 2 * D, next_touch=NOW + D)
    check_in = pending_id(rita, FollowUpKind.CHECK_IN)
    reply = log(
        rita,
        NOW - H,
        channel=Channel.EMAIL,
        direction=Direction.INBOUND,
        kind=InteractionKind.OTHER,
    )
    assert reply.closed_follow_up_ids == (check_in,)
    assert done_at(check_in) == NOW - H
    # The ring moves on: the default next touch is two business days after the reply (Friday).
    friday = datetime(2026, 11, 20, 14, 0)
    assert pending() == [(rita, "check-in", friday, friday + D, opp)]


def test_a_logged_call_closes_the_reminder_it_answers(one_opening: dict[str, int]) -> None:
    rita = one_opening["rita"]
    log(rita, NOW - 3 * D, next_touch=NOW - 2 * D)
    check_in = pending_id(rita, FollowUpKind.CHECK_IN)
    assert [item.id for item in followups.agenda(now=NOW, tz=UTC).overdue] == [check_in]
    log(rita, NOW - H, channel=Channel.CALL, no_next_reason="waiting on their decision")
    assert done_at(check_in) == NOW - H
    assert followups.agenda(now=NOW, tz=UTC).overdue == ()


def test_a_touch_about_another_opportunity_leaves_this_check_in_open(db_path: Path) -> None:
    rita = person("Rita Recruiter", "Hays")
    acme = opportunities.add_opportunity("Acme", "Engineer", now=NOW - 9 * D)
    globex = opportunities.add_opportunity("Globex", "Engineer", now=NOW - 9 * D)
    for opp in (acme, globex):  # she ran both phone screens
        interviews.add_interview(opp, NOW - 8 * D, interviewer_ids=[rita], now=NOW - 9 * D)
    log(rita, NOW - 2 * D, opportunity_id=acme, next_touch=NOW + D)
    log(rita, NOW - 2 * D, opportunity_id=globex, next_touch=NOW + 2 * D)
    acme_check_in, globex_check_in = _check_ins(rita)
    result = log(
        rita,
        NOW - H,
        opportunity_id=globex,
        direction=Direction.INBOUND,
        kind=InteractionKind.OTHER,
    )
    assert result.closed_follow_up_ids == (globex_check_in,)
    assert done_at(acme_check_in) is None
    assert {opp for *_, opp in pending()} == {acme, globex}


def _check_ins(contact_id: int) -> list[int]:
    with reading():
        return [
            fid
            for (fid,) in FollowUp.select(FollowUp.id)
            .where((FollowUp.contact == contact_id) & (FollowUp.kind == "check-in"))
            .order_by(FollowUp.id)
            .tuples()
        ]


def test_a_touch_before_the_check_in_was_agreed_does_not_close_it(
    one_opening: dict[str, int],
) -> None:
    rita = one_opening["rita"]
    log(rita, NOW - H, next_touch=NOW + D)
    check_in = pending_id(rita, FollowUpKind.CHECK_IN)
    log(rita, NOW - 2 * D, channel=Channel.EMAIL, no_next_reason="catching up the log")
    assert done_at(check_in) is None


def test_a_conversation_in_the_future_is_refused(one_opening: dict[str, int]) -> None:
    with pytest.raises(InvalidInput, match="future"):
        log(one_opening["rita"], NOW + 3 * H)
    assert count(Interaction) == 0 and count(FollowUp) == 0


# --- the agenda ----------------------------------------------------------------------------


@pytest.fixture
def three_states(db_path: Path) -> dict[str, int]:
    """One follow-up overdue, one due, one upcoming, one too far off and one done, at NOW."""
    ann, bo, cy, di, ed = (person(n) for n in ("Ann", "Bo", "Cy", "Di", "Ed"))
    opp = opportunities.add_opportunity("Acme", "Engineer", now=NOW - 9 * D)
    ids = {
        "overdue": plan(ann, NOW - 3 * D, NOW - 2 * D, opp),
        "due": plan(bo, NOW - H, NOW + 2 * D, opp),
        "upcoming": plan(cy, NOW + 2 * D, NOW + 3 * D),
        "far": plan(di, NOW + 30 * D, NOW + 31 * D),
        "done": plan(ed, NOW - D, NOW + D),
    }
    followups.complete(ids["done"], now=NOW - H)
    return ids


def _buckets(now: datetime = NOW) -> dict[str, list[int]]:
    today = followups.agenda(now=now, tz=UTC)
    return {
        "overdue": [item.id for item in today.overdue],
        "due": [item.id for item in today.due],
        "upcoming": [item.id for item in today.upcoming],
    }


def test_the_agenda_sorts_follow_ups_into_overdue_due_and_upcoming(
    three_states: dict[str, int],
) -> None:
    ids = three_states
    assert _buckets() == {
        "overdue": [ids["overdue"]],
        "due": [ids["due"]],
        "upcoming": [ids["upcoming"]],
    }
    today = followups.agenda(now=NOW, tz=UTC)
    assert (today.overdue[0].contact, today.overdue[0].opportunity) == ("Ann", "Engineer at Acme")
    assert (today.upcoming[0].contact, today.upcoming[0].opportunity) == ("Cy", "")
    # Time moves on: three days later the due one is overdue and the upcoming one is due.
    later = _buckets(NOW + 3 * D - H)
    assert later["overdue"] == [ids["overdue"], ids["due"]]
    assert later["due"] == [ids["upcoming"]]


def test_a_snoozed_follow_up_is_hidden_until_its_time_then_due_again(
    three_states: dict[str, int],
) -> None:
    overdue = three_states["overdue"]
    until = NOW + 2 * D
    followups.snooze(overdue, until, now=NOW)
    everything = _buckets()
    assert overdue not in sum(everything.values(), [])
    assert overdue not in sum(_buckets(until - timedelta(minutes=1)).values(), [])
    assert overdue in _buckets(until)["due"]
    assert overdue in _buckets(until + 23 * H)["due"]
    assert overdue in _buckets(until + D + H)["overdue"]


def test_a_snoozed_follow_up_still_holds_the_ring(three_states: dict[str, int]) -> None:
    followups.snooze(three_states["overdue"], NOW + 5 * D, now=NOW)
    followups.complete(three_states["due"], now=NOW)
    assert dropped_ids() == []


def test_snoozing_into_the_past_or_a_done_follow_up_is_refused(
    three_states: dict[str, int],
) -> None:
    with pytest.raises(InvalidInput, match="future"):
        followups.snooze(three_states["due"], NOW - H, now=NOW)
    with pytest.raises(InvalidInput, match="already done"):
        followups.snooze(three_states["done"], NOW + D, now=NOW)
    with reading():
        assert FollowUp.get_by_id(three_states["due"]).snoozed_until is None


def test_done_removes_a_follow_up_from_the_agenda_for_good(three_states: dict[str, int]) -> None:
    followups.complete(three_states["overdue"], now=NOW)
    assert done_at(three_states["overdue"]) == NOW
    assert three_states["overdue"] not in sum(_buckets().values(), [])
    assert three_states["overdue"] not in sum(_buckets(NOW + 30 * D).values(), [])
    with pytest.raises(InvalidInput, match="already done"):
        followups.complete(three_states["overdue"], now=NOW)


def test_unknown_follow_ups_are_not_found(db_path: Path) -> None:
    with pytest.raises(followups.FollowUpNotFound, match="#404"):
        followups.complete(404, now=NOW)
    with pytest.raises(followups.FollowUpNotFound, match="#404"):
        followups.snooze(404, NOW + D, now=NOW)


# --- finding contacts ----------------------------------------------------------------------


def test_resolve_contact_by_id_exact_name_or_unambiguous_name(db_path: Path) -> None:
    ann = person("Ann Lee")
    person("Ann Smith", "Initech")
    katie = person("Katie Referrer")
    assert conversations.resolve_contact(str(ann)) == ann
    assert conversations.resolve_contact("Ann Lee") == ann
    assert conversations.resolve_contact("ann lee") == ann
    assert conversations.resolve_contact("katie") == katie
    with pytest.raises(conversations.AmbiguousContact) as ambiguous:
        conversations.resolve_contact("Ann")
    assert {name for _, name, _ in ambiguous.value.candidates} == {"Ann Lee", "Ann Smith"}
    with pytest.raises(conversations.UnknownContact):
        conversations.resolve_contact("Nobody Atall")
    with pytest.raises(conversations.UnknownContact):
        conversations.resolve_contact("999")
