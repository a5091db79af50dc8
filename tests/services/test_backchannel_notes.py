"""Planning a back-channel note (a heads-up, "I just interviewed") from the back-channel map:
planned once, and when one is pending already, a result that says so and when it is due."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import FollowUp
from crm.domain.types import ContactDraft, FollowUpKind
from crm.services import backchannel, contacts, followups, interviews, opportunities
from crm.services.tx import reading

D = timedelta(days=1)


@pytest.fixture
def world(db_path: Path, now: datetime) -> dict[str, int]:
    """Mark, who could speak for the user; Ann interviews at Acme in four days."""
    ids = {
        "mark": contacts.create_contact(ContactDraft(name="Mark Farmingham")),
        "ann": contacts.create_contact(ContactDraft(name="Ann Lee", company="Acme")),
    }
    ids["opp"] = opportunities.add_opportunity("Acme", "Staff Engineer", now=now - 10 * D)
    ids["interview"] = interviews.add_interview(
        ids["opp"], now + 4 * D, interviewer_ids=[ids["ann"]], now=now
    )
    return ids


def pending(kind: FollowUpKind, contact_id: int) -> int:
    with reading():
        return (
            FollowUp.select()
            .where(
                (FollowUp.contact == contact_id)
                & (FollowUp.kind == kind.value)
                & FollowUp.done_at.is_null()
            )
            .count()
        )


@pytest.mark.parametrize("kind", [FollowUpKind.HEADS_UP, FollowUpKind.TELL_INTERVIEWED])
def test_a_note_is_planned_once_then_reported_pending(
    world: dict[str, int], now: datetime, kind: FollowUpKind
) -> None:
    first = backchannel.plan_note(kind, world["mark"], world["interview"], now=now)
    assert first.planned
    assert first.due == followups.pending_window_end(kind, world["mark"], world["opp"])
    later = now + timedelta(minutes=1)
    again = backchannel.plan_note(kind, world["mark"], world["interview"], now=later)
    assert not again.planned
    assert again.due == first.due
    assert pending(kind, world["mark"]) == 1


def test_a_note_refused_by_the_rules_raises(world: dict[str, int], now: datetime) -> None:
    from crm.domain.validation import InvalidInput

    with pytest.raises(InvalidInput, match="interviews you"):
        backchannel.plan_note(
            FollowUpKind.TELL_INTERVIEWED, world["ann"], world["interview"], now=now
        )
    with pytest.raises(ValueError, match="Not a back-channel note"):
        backchannel.plan_note(FollowUpKind.CHECK_IN, world["mark"], world["interview"], now=now)


@pytest.mark.parametrize("kind", [FollowUpKind.HEADS_UP, FollowUpKind.TELL_INTERVIEWED])
def test_a_cancelled_round_takes_no_back_channel_note(
    world: dict[str, int], now: datetime, kind: FollowUpKind
) -> None:
    from crm.db.models import Interview
    from crm.domain.validation import InvalidInput
    from crm.services.tx import writing

    with writing():
        Interview.update(cancelled_at=now).where(Interview.id == world["interview"]).execute()
    assert backchannel.for_interview(world["interview"], now=now).interview_cancelled
    with pytest.raises(InvalidInput, match="That round was cancelled"):
        backchannel.plan_note(kind, world["mark"], world["interview"], now=now)
    assert pending(kind, world["mark"]) == 0
