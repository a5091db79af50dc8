"""Issue 13's reference and noise rules against a real database: briefing settles the brief,
strained references and bonus points are marked, the ring ignores what isn't dropped, and
"tell them you interviewed" never reaches an interviewer of the process."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import FollowUp
from crm.domain.backchannel import Tier
from crm.domain.types import ContactDraft, FollowUpKind, Stage
from crm.domain.validation import InvalidInput
from crm.services import (
    backchannel,
    connections,
    contacts,
    followups,
    interviews,
    opportunities,
    references,
    suggestions,
)
from crm.services.tx import reading

D = timedelta(days=1)
H = timedelta(hours=1)


def person(name: str, company: str = "", **fields: object) -> int:
    return contacts.create_contact(ContactDraft(name=name, company=company, **fields))  # type: ignore[arg-type]


@pytest.fixture
def world(db_path: Path, now: datetime) -> dict[str, int]:
    """Mark (a reference who knows Ann, an Initech interviewer), Eve (a strained reference)."""
    ids = {
        "mark": person("Mark Farmingham", "Umbrella"),
        "eve": person("Eve Strained", "Hooli", rapport="strained"),
        "ann": person("Ann Lee", "Initech"),
        "bob": person("Bob Stone", "Initech"),
    }
    ids["opp"] = opportunities.add_opportunity("Initech", "Staff Engineer", now=now - 10 * D)
    ids["other"] = opportunities.add_opportunity("Globex", "SRE", now=now - 10 * D)
    interviews.add_interview(ids["opp"], now + 3 * D, interviewer_ids=[ids["ann"]], now=now)
    connections.add_connection(ids["ann"], ids["mark"])
    for who in ("mark", "eve"):
        references.save_reference(ids[who], relationship="Manager", talking_points="Grew fast")
    return ids


def brief_follow_ups(contact_id: int) -> list[tuple[int | None, datetime | None]]:
    with reading():
        return list(
            FollowUp.select(FollowUp.opportunity, FollowUp.done_at)
            .where(
                (FollowUp.contact == contact_id)
                & (FollowUp.kind == FollowUpKind.BRIEF_REFERENCE.value)
            )
            .order_by(FollowUp.id)
            .tuples()
        )


# --- briefing settles "brief your reference" ---------------------------------------------------


def test_briefing_settles_the_pending_briefs_of_that_reference(
    world: dict[str, int], now: datetime
) -> None:
    references.give_reference(world["mark"], world["opp"], now=now - 2 * D)
    references.give_reference(world["eve"], world["opp"], now=now - 2 * D)
    briefing = references.mark_briefed(world["mark"], at=now - H)
    assert briefing.name == "Mark Farmingham"
    assert briefing.briefed_at == now - H
    assert briefing.settled == ("Brief your reference for Staff Engineer at Initech",)
    assert brief_follow_ups(world["mark"]) == [(world["opp"], now - H)]
    assert brief_follow_ups(world["eve"]) == [(world["opp"], None)]  # someone else's stays


def test_a_briefing_dated_before_a_giving_leaves_its_brief_open(
    world: dict[str, int], now: datetime
) -> None:
    references.give_reference(world["mark"], world["opp"], now=now - 2 * D)
    references.give_reference(world["mark"], world["other"], now=now)
    briefing = references.mark_briefed(world["mark"], at=now - D)
    assert briefing.settled == ("Brief your reference for Staff Engineer at Initech",)
    assert brief_follow_ups(world["mark"]) == [(world["opp"], now - D), (world["other"], None)]
    assert references.mark_briefed(world["mark"], at=now).settled == (
        "Brief your reference for SRE at Globex",
    )
    assert references.mark_briefed(world["mark"], at=now).settled == ()


def test_briefing_someone_not_on_the_list_changes_nothing(
    world: dict[str, int], now: datetime
) -> None:
    with pytest.raises(InvalidInput, match="isn't on the reference list"):
        references.mark_briefed(world["ann"], at=now)


# --- strained references and bonus points ------------------------------------------------------


def test_the_list_warns_about_a_strained_reference(world: dict[str, int], now: datetime) -> None:
    views = {v.name: v for v in references.list_references(now=now)}
    assert views["Eve Strained"].warning == (
        "You left things strained with Eve Strained: brief them first or choose another reference."
    )
    assert views["Eve Strained"].warnings == (views["Eve Strained"].warning,)
    assert views["Mark Farmingham"].warning == ""


def test_the_list_marks_a_giving_where_the_reference_knows_an_interviewer(
    world: dict[str, int], now: datetime
) -> None:
    references.give_reference(world["mark"], world["opp"], now=now)
    references.give_reference(world["mark"], world["other"], now=now)
    references.give_reference(world["eve"], world["opp"], now=now)
    views = {v.name: v for v in references.list_references(now=now)}
    initech, globex = views["Mark Farmingham"].given
    assert (initech.opportunity, initech.company) == ("Staff Engineer at Initech", "Initech")
    assert initech.knows_interviewers == ("Ann Lee",)
    assert initech.talking_point == "Mention that you both know Ann Lee (interviewer)"
    assert globex.knows_interviewers == () and globex.talking_point == ""
    assert views["Eve Strained"].given[0].knows_interviewers == ()


def test_reference_notes_before_giving(world: dict[str, int]) -> None:
    eve = references.reference_notes(world["eve"], world["opp"])
    assert eve.name == "Eve Strained" and "strained" in eve.warning and eve.knows_interviewers == ()
    mark = references.reference_notes(world["mark"], world["opp"])
    assert mark.warning == "" and mark.knows_interviewers == ("Ann Lee",)
    assert mark.talking_point == "Mention that you both know Ann Lee (interviewer)"
    with pytest.raises(InvalidInput):
        references.reference_notes(world["ann"], world["opp"])


def test_the_brief_follow_up_carries_the_bonus_talking_point(
    world: dict[str, int], now: datetime
) -> None:
    [brief_id] = references.give_reference(world["mark"], world["opp"], now=now)
    with reading():
        assert FollowUp.get_by_id(brief_id).note == (
            "Mention that you both know Ann Lee (interviewer)"
        )


# --- the ring ------------------------------------------------------------------------------------


def dropped(now: datetime) -> list[int]:
    return [ring.opportunity_id for ring in followups.agenda(now=now).rings_dropped]


def test_an_upcoming_interview_holds_the_ring_and_a_lead_has_none(
    world: dict[str, int], now: datetime
) -> None:
    lead = opportunities.add_opportunity("Hooli", "Engineer", stage=Stage.LEAD, now=now)
    assert lead not in dropped(now)
    # Initech's round is ahead; Globex has nothing: only Globex dropped the ring.
    assert dropped(now) == [world["other"]]
    # Once the round's start has passed (held, not yet marked done), nothing holds the ring.
    assert dropped(now + 4 * D) == [world["opp"], world["other"]]


# --- "tell them you interviewed" -----------------------------------------------------------------


@pytest.fixture
def rounds(world: dict[str, int], now: datetime) -> dict[str, int]:
    """Initech: a first round with Bob (done), a second with Ann, who knows Mark (ahead)."""
    first = interviews.add_interview(
        world["opp"], now - 2 * D, interviewer_ids=[world["bob"]], now=now - 5 * D
    )
    interviews.mark_interview_done(first, now=now - 2 * D + H)
    return {**world, "first": first}


def test_an_interviewer_of_a_later_round_is_an_interviewer_on_the_first_rounds_map(
    rounds: dict[str, int], now: datetime
) -> None:
    mapped = backchannel.for_interview(rounds["first"], now=now)
    tiers = {c.name: c.tier for c in mapped.candidates}
    assert tiers["Ann Lee"] is Tier.INTERVIEWER
    assert tiers["Bob Stone"] is Tier.INTERVIEWER
    # Mark knows Ann, who interviews later in this process: the back channel.
    assert tiers["Mark Farmingham"] is Tier.BACK_CHANNEL


def test_telling_an_interviewer_of_the_process_is_refused(
    rounds: dict[str, int], now: datetime
) -> None:
    with pytest.raises(InvalidInput, match="interviews you"):
        backchannel.plan_tell_interviewed(rounds["ann"], rounds["first"], now=now)
    assert backchannel.plan_tell_interviewed(rounds["mark"], rounds["first"], now=now) > 0


def test_the_back_channel_suggestions_leave_out_every_interviewer_of_the_process(
    rounds: dict[str, int], now: datetime
) -> None:
    second = interviews.add_interview(
        rounds["opp"], now - D, interviewer_ids=[rounds["mark"]], now=now - 5 * D
    )
    interviews.mark_interview_done(second, now=now - D + H)
    # Mark interviewed in round two and knows Ann of round three: still an interviewer.
    named = {idea.name for idea in suggestions.today(now=now).backchannel}
    assert "Mark Farmingham" not in named and "Ann Lee" not in named


# --- giving a reference, with what the app's note says -----------------------------------------


def test_giving_a_reference_returns_the_process_and_the_bonus_point(
    world: dict[str, int], now: datetime
) -> None:
    given = references.give_reference_noted(
        world["mark"], world["opp"], expected_call_at=now + 2 * D, now=now
    )
    assert given.opportunity == "Staff Engineer at Initech"
    assert given.talking_point  # Mark knows Ann, who interviews for it
    notes = references.reference_notes(world["mark"], world["opp"])
    assert given.talking_point == notes.talking_point
    with reading():
        planned = list(
            FollowUp.select(FollowUp.kind, FollowUp.note)
            .where(FollowUp.id.in_(given.planned))
            .tuples()
        )
    assert planned == [(FollowUpKind.BRIEF_REFERENCE.value, given.talking_point)]
    plain = references.give_reference_noted(world["eve"], world["other"], now=now)
    assert (plain.opportunity, plain.talking_point) == ("SRE at Globex", "")
    with pytest.raises(InvalidInput, match="already given"):
        references.give_reference_noted(world["mark"], world["opp"], now=now)
