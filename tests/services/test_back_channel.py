"""Back channel, references, connections and suggestions against a real database."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.domain.types import (
    Channel,
    ConnectionSource,
    ContactDraft,
    FollowUpKind,
    InteractionKind,
    LogDraft,
    Stage,
)
from crm.domain.validation import InvalidInput
from crm.services import (
    backchannel,
    connections,
    contacts,
    conversations,
    followups,
    interviews,
    opportunities,
    references,
    suggestions,
)
from crm.services.tx import reading


def person(name: str, company: str = "", **fields: object) -> int:
    return contacts.create_contact(ContactDraft(name=name, company=company, **fields))  # type: ignore[arg-type]


@pytest.fixture
def world(db_path: Path, now: datetime) -> dict[str, int]:
    ids = {
        "katie": person("Katie Morgan", "Acme"),
        "ann": person("Ann Lee", "Acme", topics=("Agile skeptic",)),
        "bob": person("Bob Stone", "Acme, Inc."),
        "mark": person("Mark Farmingham", "Umbrella"),
        "sam": person("Sam Quiet", "Globex"),
        "eve": person("Eve Strained", "Hooli", rapport="strained"),
    }
    ids["opp"] = opportunities.add_opportunity(
        "Acme", "Staff Engineer", referrer_id=ids["katie"], now=now - timedelta(days=20)
    )
    first = interviews.add_interview(
        ids["opp"],
        now - timedelta(days=10),
        interviewer_ids=[ids["ann"]],
        now=now - timedelta(days=19),
    )
    second = interviews.add_interview(
        ids["opp"],
        now - timedelta(days=3),
        interviewer_ids=[ids["bob"]],
        now=now - timedelta(days=19),
    )
    ids["next"] = interviews.add_interview(
        ids["opp"], now + timedelta(days=4), interviewer_ids=[ids["ann"], ids["bob"]], now=now
    )
    interviews.mark_interview_done(first, now=now - timedelta(days=9))
    interviews.mark_interview_done(second, now=now - timedelta(days=2))
    connections.add_connection(ids["mark"], ids["bob"], source=ConnectionSource.LINKEDIN_MUTUAL)
    connections.add_connection(ids["eve"], ids["ann"], source=ConnectionSource.SAME_TEAM)
    references.save_reference(
        ids["mark"],
        relationship="My direct supervisor for three years",
        talking_points="Can speak to how I grew in a fast-paced environment",
    )
    return ids


def names(mapped: backchannel.BackchannelMap) -> list[str]:
    return [c.name for c in mapped.candidates]


def test_company_map_ranks_referrer_and_mutual_connections_first(world, now) -> None:  # type: ignore[no-untyped-def]
    mapped = backchannel.for_company("ACME inc", now=now)
    assert mapped.title == "Acme"
    ranked = names(mapped)
    assert set(ranked[:3]) == {"Katie Morgan", "Mark Farmingham", "Eve Strained"}
    assert ranked.index("Katie Morgan") < ranked.index("Ann Lee")
    mark = next(c for c in mapped.candidates if c.name == "Mark Farmingham")
    assert mark.is_reference and any("Bob Stone" in reason for reason in mark.reasons)
    eve = next(c for c in mapped.candidates if c.name == "Eve Strained")
    assert eve.rapport == "strained" and eve.warning


def test_quiet_opportunity_maps_only_interviewers(world, now) -> None:  # type: ignore[no-untyped-def]
    quiet = opportunities.add_opportunity("Globex", "SRE", quiet=True, now=now)
    interview = interviews.add_interview(
        quiet, now + timedelta(days=1), interviewer_ids=[world["sam"]], now=now
    )
    connections.add_connection(world["katie"], world["sam"])
    mapped = backchannel.for_interview(interview, now=now)
    assert mapped.quiet and names(mapped) == ["Sam Quiet"]


def test_unknown_company_or_interview_is_a_clear_error(world, now) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(backchannel.NothingToMap, match="No company"):
        backchannel.for_company("Nowhere Ltd", now=now)
    with pytest.raises(backchannel.NothingToMap):
        backchannel.for_interview(9999, now=now)


def test_heads_up_is_dated_before_the_interview(world, now) -> None:  # type: ignore[no-untyped-def]
    follow_up_id = backchannel.plan_heads_up(world["mark"], world["next"], now=now)
    agenda = followups.agenda(now=now + timedelta(days=3, hours=12))
    item = next(i for i in agenda.due + agenda.overdue if i.id == follow_up_id)
    assert item.kind is FollowUpKind.HEADS_UP
    assert item.window_end < now + timedelta(days=4)


def test_today_suggests_reaching_the_back_channel_after_round_two(world, now) -> None:  # type: ignore[no-untyped-def]
    ideas = suggestions.today(now=now)
    reached = {idea.name for idea in ideas.backchannel}
    assert "Mark Farmingham" in reached
    conversations.log_conversation(
        LogDraft(world["mark"], Channel.CALL, InteractionKind.BACK_CHANNEL, now, "Heads-up"),
        now=now,
    )
    assert "Mark Farmingham" not in {i.name for i in suggestions.today(now=now).backchannel}


def test_giving_a_reference_plans_a_briefing_and_closing_plans_thanks(world, now) -> None:  # type: ignore[no-untyped-def]
    created = references.give_reference(
        world["mark"], world["opp"], expected_call_at=now + timedelta(days=2), now=now
    )
    assert len(created) == 1
    with pytest.raises(InvalidInput, match="already given"):
        references.give_reference(world["mark"], world["opp"], now=now)
    opportunities.set_stage(world["opp"], Stage.REJECTED, now=now + timedelta(days=5))
    agenda = followups.agenda(now=now + timedelta(days=5, hours=1))
    kinds = {(i.contact, i.kind) for i in agenda.due + agenda.overdue + agenda.upcoming}
    assert ("Mark Farmingham", FollowUpKind.THANK_REFERENCE) in kinds


def test_overused_reference_is_warned_about(world, now) -> None:  # type: ignore[no-untyped-def]
    for company in ("Initech", "Hooli", "Stark", "Wayne"):
        opportunity = opportunities.add_opportunity(
            company, "Engineer", now=now - timedelta(days=5)
        )
        references.give_reference(world["mark"], opportunity, now=now - timedelta(days=4))
    [mark] = references.list_references(now=now)
    assert mark.warning
    references.mark_briefed(world["mark"], at=now)
    [mark] = references.list_references(now=now)
    assert not mark.warning


def test_reference_sheet_is_ready_to_paste(world) -> None:  # type: ignore[no-untyped-def]
    sheet = references.export_sheet(markdown=False)
    assert "Mark Farmingham" in sheet and "fast-paced environment" in sheet


def test_casual_touch_waits_for_thank_yous_then_warns_on_the_third(world, now) -> None:  # type: ignore[no-untyped-def]
    later = now + timedelta(days=10)
    assert not any(i.suggestion.name == "Ann Lee" for i in suggestions.today(now=now).casual)
    with reading():
        pending = [i for i in followups.agenda(now=later).overdue if i.contact == "Ann Lee"]
    for item in pending:
        # The thank-you e-mail marked done plans the handwritten note: send that too.
        for note in followups.complete(item.id, now=later):
            followups.complete(note.id, now=later)
    ideas = [i for i in suggestions.today(now=later).casual if i.suggestion.name == "Ann Lee"]
    assert ideas and "Agile skeptic" in ideas[0].suggestion.text
    for days in (0, 6):
        conversations.log_conversation(
            LogDraft(
                world["ann"],
                Channel.EMAIL,
                InteractionKind.CASUAL,
                later + timedelta(days=days),
                "An article",
                opportunity_id=world["opp"],
                no_next_reason="casual",
            ),
            now=later + timedelta(days=days),
        )
    third = [
        i
        for i in suggestions.today(now=later + timedelta(days=12)).casual
        if i.suggestion.name == "Ann Lee"
    ]
    assert third and third[0].suggestion.is_warning


def test_going_cold_lists_people_past_their_interval_oldest_first(
    db_path: Path, now: datetime
) -> None:
    old = person("Old Friend", keep_in_touch_days=30)
    recent = person("New Friend", keep_in_touch_days=30)
    person("Nobody In Particular")
    conversations.log_conversation(
        LogDraft(old, Channel.CALL, InteractionKind.CASUAL, now - timedelta(days=90), "Catch-up"),
        now=now,
    )
    conversations.log_conversation(
        LogDraft(recent, Channel.CALL, InteractionKind.CASUAL, now - timedelta(days=2), "Catch-up"),
        now=now,
    )
    cold = suggestions.today(now=now).going_cold
    assert [c.name for c in cold] == ["Old Friend"]
    assert cold[0].days_silent == 90


def test_a_heads_up_is_planned_once(world, now) -> None:  # type: ignore[no-untyped-def]
    backchannel.plan_heads_up(world["mark"], world["next"], now=now)
    with pytest.raises(InvalidInput, match="already planned"):
        backchannel.plan_heads_up(world["mark"], world["next"], now=now)
