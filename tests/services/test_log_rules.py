"""Logging a conversation at the rules' edges: the ring given up, their promise, the casual
budget, referrers, and a thank-you e-mail marked done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import FollowUp, Interaction, OpportunityPerson
from crm.domain.types import (
    Channel,
    ContactDraft,
    Direction,
    FollowUpKind,
    InteractionKind,
    LogDraft,
    LogResult,
    LogWarningKind,
)
from crm.domain.validation import InvalidInput
from crm.services import conversations, followups, interviews, opportunities
from crm.services.contacts import create_contact
from crm.services.tx import reading, writing

NOW = datetime(2026, 12, 8, 15, 0)  # a Tuesday
H = timedelta(hours=1)
D = timedelta(days=1)


def person(name: str) -> int:
    return create_contact(ContactDraft(name=name, company="Initech"), now=NOW - 30 * D)


def log(contact_id: int, **fields: object) -> LogResult:
    values: dict[str, object] = {
        "contact_id": contact_id,
        "channel": Channel.EMAIL,
        "kind": InteractionKind.CHECK_IN,
        "occurred_at": NOW - H,
        "summary": "hope to hear from you soon",
    }
    values.update(fields)
    return conversations.log_conversation(LogDraft(**values), now=NOW, tz=UTC)  # type: ignore[arg-type]


def pending(contact_id: int) -> list[tuple[str, datetime, datetime, str]]:
    with reading():
        return list(
            FollowUp.select(
                FollowUp.kind, FollowUp.window_start, FollowUp.window_end, FollowUp.note
            )
            .where((FollowUp.contact == contact_id) & FollowUp.done_at.is_null())
            .order_by(FollowUp.id)
            .tuples()
        )


@pytest.fixture
def process(db_path: Path) -> dict[str, int]:
    """Staff Engineer at Initech: Ann interviewed the user last week; Katie referred them."""
    ann, katie = person("Ann Lee"), person("Katie Referrer")
    opp = opportunities.add_opportunity(
        "Initech", "Staff Engineer", referrer_id=katie, now=NOW - 20 * D
    )
    interviews.add_interview(opp, NOW - 7 * D, interviewer_ids=[ann], now=NOW - 10 * D)
    return {"ann": ann, "katie": katie, "opp": opp}


# --- the ring, at the moment it is dropped -------------------------------------------------


def test_no_next_touch_on_an_open_process_is_logged_with_a_warning(
    process: dict[str, int],
) -> None:
    result = log(process["ann"], no_next_reason="waiting for them")
    assert [(w.kind, w.opportunity) for w in result.warnings] == [
        (LogWarningKind.RING_GIVEN_UP, "Staff Engineer at Initech")
    ]
    assert result.planned == () and pending(process["ann"]) == []


@pytest.mark.parametrize(
    "fields",
    [{}, {"next_touch": NOW + 2 * D}, {"promised_at": datetime(2026, 12, 10, 17, 0)}],
)
def test_a_next_touch_or_their_promise_keeps_the_ring(
    process: dict[str, int], fields: dict[str, object]
) -> None:
    assert log(process["ann"], **fields).warnings == ()


def test_declining_a_next_touch_is_warned_even_while_another_check_in_is_pending(
    process: dict[str, int],
) -> None:
    """Every conversation about an open process should end with the user owning the next step:
    a check-in with someone else of the process doesn't keep the ring with this person."""
    log(process["ann"], next_touch=NOW + 2 * D, occurred_at=NOW - 3 * H)
    bo = person("Bo Chen")
    result = log(bo, opportunity_id=process["opp"], no_next_reason="just a hello")
    assert [w.kind for w in result.warnings] == [LogWarningKind.RING_GIVEN_UP]


# --- their promise -------------------------------------------------------------------------


def test_their_promise_plans_the_follow_up_the_next_business_morning(
    process: dict[str, int],
) -> None:
    thursday = datetime(2026, 12, 10, 17, 0)
    result = log(process["ann"], promised_at=thursday)
    note = "Ann Lee said they'd reply by Thu 10 Dec — follow up"
    friday_morning = datetime(2026, 12, 11, 9, 0)
    assert pending(process["ann"]) == [("check-in", friday_morning, friday_morning + D, note)]
    [planned] = result.planned
    assert (planned.kind, planned.window_start, planned.note) == (
        FollowUpKind.CHECK_IN,
        friday_morning,
        note,
    )
    with reading():
        assert Interaction.get_by_id(result.interaction_id).promised_at == thursday


def test_their_reply_before_the_date_settles_the_promise(process: dict[str, int]) -> None:
    promise = log(process["ann"], promised_at=datetime(2026, 12, 10, 17, 0))
    reply = conversations.log_conversation(
        LogDraft(
            process["ann"],
            Channel.EMAIL,
            InteractionKind.OTHER,
            datetime(2026, 12, 9, 11, 0),
            "We'd like a second round",
            direction=Direction.INBOUND,
            next_touch=datetime(2026, 12, 14, 9, 0),
        ),
        now=datetime(2026, 12, 9, 12, 0),
        tz=UTC,
    )
    assert reply.closed_follow_up_ids == promise.created_follow_up_ids
    assert [n.id for n in reply.settled] == list(promise.created_follow_up_ids)


def test_a_promise_with_a_next_touch_follows_up_at_the_next_touch_quoting_it(
    process: dict[str, int],
) -> None:
    monday = datetime(2026, 12, 14, 10, 0)
    log(process["ann"], promised_at=datetime(2026, 12, 10, 17, 0), next_touch=monday)
    assert pending(process["ann"]) == [
        ("check-in", monday, monday + D, "Ann Lee said they'd reply by Thu 10 Dec — follow up")
    ]


def test_a_promise_with_no_next_touch_is_refused_and_writes_nothing(
    process: dict[str, int],
) -> None:
    with pytest.raises(InvalidInput, match="not both"):
        log(process["ann"], promised_at=NOW + 2 * D, no_next_reason="waiting")
    with reading():
        assert Interaction.select().count() == 0 and FollowUp.select().count() == 0


# --- the referrer needs no ring ------------------------------------------------------------


def test_thanking_the_referrer_starts_no_check_in_chain(process: dict[str, int]) -> None:
    result = log(process["katie"], kind=InteractionKind.THANK_YOU, summary="Thank you!")
    assert result.opportunity_id == process["opp"]
    assert result.planned == () and result.warnings == ()
    assert pending(process["katie"]) == []


def test_someone_who_pulled_strings_needs_no_ring_either(process: dict[str, int]) -> None:
    sam = person("Sam Strings")
    with writing():
        OpportunityPerson.insert(
            opportunity=process["opp"], contact=sam, role="pulled-strings"
        ).execute()
    result = log(sam, opportunity_id=process["opp"], kind=InteractionKind.THANK_YOU)
    assert result.planned == () and result.warnings == ()


def test_a_referrer_who_also_interviewed_keeps_the_ring(process: dict[str, int]) -> None:
    interviews.add_interview(
        process["opp"], NOW - 2 * D, interviewer_ids=[process["katie"]], now=NOW - 3 * D
    )
    result = log(process["katie"], opportunity_id=process["opp"])
    assert [n.kind for n in result.planned] == [FollowUpKind.CHECK_IN]


# --- the casual budget ---------------------------------------------------------------------


def test_a_third_casual_touch_is_warned_when_logged(process: dict[str, int]) -> None:
    casual = {"kind": InteractionKind.CASUAL, "next_touch": NOW + 5 * D}
    for days_ago in (20, 10):
        assert log(process["ann"], occurred_at=NOW - days_ago * D, **casual).warnings == ()
    [warning] = log(process["ann"], **casual).warnings
    assert (warning.kind, warning.contact, warning.count) == (
        LogWarningKind.CASUAL_BUDGET,
        "Ann Lee",
        3,
    )


def test_casual_touches_count_per_process(process: dict[str, int]) -> None:
    other = opportunities.add_opportunity("Globex", "Architect", now=NOW - 20 * D)
    casual = {"kind": InteractionKind.CASUAL, "next_touch": NOW + 5 * D}
    log(process["ann"], occurred_at=NOW - 20 * D, opportunity_id=other, **casual)
    log(process["ann"], occurred_at=NOW - 10 * D, opportunity_id=other, **casual)
    assert log(process["ann"], opportunity_id=process["opp"], **casual).warnings == ()


# --- what a log settled and planned --------------------------------------------------------


def test_the_result_says_what_was_settled_and_planned(process: dict[str, int]) -> None:
    first = log(process["ann"], occurred_at=NOW - 3 * D, next_touch=NOW - D)
    second = log(process["ann"], kind=InteractionKind.CHECK_IN, channel=Channel.CALL)
    assert second.contact == "Ann Lee"
    assert (second.kind, second.channel) == (InteractionKind.CHECK_IN, Channel.CALL)
    [settled] = second.settled
    assert (settled.id, settled.kind) == (first.created_follow_up_ids[0], FollowUpKind.CHECK_IN)
    assert [n.id for n in second.planned] == list(second.created_follow_up_ids)


# --- a thank-you e-mail marked done --------------------------------------------------------


def thank_you_email(process: dict[str, int]) -> int:
    ended = NOW - 5 * H
    with writing():
        return int(
            FollowUp.insert(
                contact=process["ann"],
                opportunity=process["opp"],
                kind=FollowUpKind.THANK_YOU_EMAIL.value,
                window_start=ended + 2 * H,
                window_end=ended + 48 * H,
                created_at=ended,
            ).execute()
        )


def test_marking_the_thank_you_email_done_plans_the_handwritten_note(
    process: dict[str, int],
) -> None:
    email = thank_you_email(process)
    planned = followups.complete(email, now=NOW)
    assert [(n.kind, n.window_start, n.window_end) for n in planned] == [
        (FollowUpKind.HANDWRITTEN_NOTE, NOW + 24 * H, NOW + 48 * H)
    ]
    assert pending(process["ann"]) == [("handwritten-note", NOW + 24 * H, NOW + 48 * H, "")]
    with reading():
        note = FollowUp.get_by_id(planned[0].id)
        assert note.opportunity_id == process["opp"]


def test_an_open_note_is_not_planned_twice(process: dict[str, int]) -> None:
    first, second = thank_you_email(process), thank_you_email(process)
    followups.complete(first, now=NOW)
    assert followups.complete(second, now=NOW + H) == []
    assert [kind for kind, *_ in pending(process["ann"])] == ["handwritten-note"]


def test_marking_another_follow_up_done_plans_nothing(process: dict[str, int]) -> None:
    result = log(process["ann"], next_touch=NOW + D)
    assert followups.complete(result.created_follow_up_ids[0], now=NOW) == []
    assert pending(process["ann"]) == []
