"""Reading, correcting and deleting a logged conversation on a real SQLite file: what it
settled comes back when it no longer settles it, what it planned moves or is cancelled with
it, and undoing a delete re-applies it exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import FollowUp, Interaction
from crm.domain.conversations import CANCELLED_BY_UNLOG, ConversationEdit
from crm.domain.types import Channel, ContactDraft, InteractionKind, LogDraft, LogResult
from crm.domain.validation import InvalidInput
from crm.services import contacts, conversation_edits, conversations, interviews, opportunities
from crm.services.tx import reading

NOW = datetime(2026, 11, 18, 15, 0)
H = timedelta(hours=1)
D = timedelta(days=1)
ENDED = datetime(2026, 11, 17, 11, 0)
SENT = datetime(2026, 11, 17, 20, 15)


def person(name: str) -> int:
    return contacts.create_contact(ContactDraft(name=name, company="Acme"), now=NOW - 30 * D)


def log(contact_id: int, at: datetime, kind: InteractionKind, channel: Channel) -> LogResult:
    return conversations.log_conversation(
        LogDraft(contact_id=contact_id, channel=channel, kind=kind, occurred_at=at, summary="hi"),
        now=NOW,
        tz=UTC,
    )


def state(follow_up_id: int) -> tuple[datetime | None, str, int | None]:
    """(done_at, cancelled_by, settled_by) of a follow-up."""
    with reading():
        row = FollowUp.get_by_id(follow_up_id)
        return row.done_at, row.cancelled_by, row.settled_by_id


def of_kind(contact_id: int, kind: str) -> list[int]:
    with reading():
        query = FollowUp.select(FollowUp.id).where(
            (FollowUp.contact == contact_id) & (FollowUp.kind == kind)
        )
        return [row.id for row in query.order_by(FollowUp.id)]


@pytest.fixture
def thanked(db_path: Path) -> dict[str, int]:
    """Ann interviewed the user yesterday; the thank-you e-mail to her is logged."""
    ann = person("Ann Interviewer")
    opp = opportunities.add_opportunity("Acme", "Staff Engineer", now=NOW - 9 * D)
    interview = interviews.add_interview(
        opp, ENDED - H, interviewer_ids=[ann], minutes=60, now=NOW - 5 * D
    )
    interviews.mark_interview_done(interview, ended_at=ENDED, now=NOW)
    [email] = of_kind(ann, "thank-you-email")
    result = log(ann, SENT, InteractionKind.THANK_YOU, Channel.EMAIL)
    [note] = of_kind(ann, "handwritten-note")
    [check_in] = of_kind(ann, "check-in")
    return {
        "ann": ann,
        "opp": opp,
        "email": email,
        "note": note,
        "check_in": check_in,
        "conversation": result.interaction_id,
    }


def test_the_view_has_every_field_and_what_it_settled_and_planned(thanked) -> None:  # type: ignore[no-untyped-def]
    view = conversation_edits.get_conversation(thanked["conversation"])
    assert (view.contact, view.kind, view.channel, view.occurred_at, view.summary) == (
        "Ann Interviewer",
        InteractionKind.THANK_YOU,
        Channel.EMAIL,
        SENT,
        "hi",
    )
    assert view.opportunity == "Staff Engineer at Acme"
    assert [note.id for note in view.settled] == [thanked["email"]]
    assert [note.id for note in view.planned] == [thanked["note"], thanked["check_in"]]


def test_an_unknown_conversation_is_not_found(db_path: Path) -> None:
    with pytest.raises(conversation_edits.ConversationNotFound, match="#99"):
        conversation_edits.get_conversation(99)


def test_deleting_the_thank_you_brings_the_task_back_and_cancels_the_note(thanked) -> None:  # type: ignore[no-untyped-def]
    t = thanked
    assert state(t["email"]) == (SENT, "", t["conversation"])
    deleted = conversation_edits.delete_conversation(t["conversation"], now=NOW)
    assert state(t["email"]) == (None, "", None)
    assert state(t["note"]) == (NOW, CANCELLED_BY_UNLOG, None)
    assert state(t["check_in"]) == (NOW, CANCELLED_BY_UNLOG, None)
    assert deleted.change is not None
    assert [n.id for n in deleted.change.reopened] == [t["email"]]
    with reading():
        assert not Interaction.select().where(Interaction.id == t["conversation"]).exists()
    # Undo re-applies it exactly.
    conversation_edits.restore_conversation(deleted)
    assert state(t["email"]) == (SENT, "", t["conversation"])
    assert state(t["note"]) == (None, "", None)
    assert state(t["check_in"]) == (None, "", None)
    view = conversation_edits.get_conversation(t["conversation"])
    assert [n.id for n in view.planned] == [t["note"], t["check_in"]]
    with pytest.raises(InvalidInput, match="already back"):
        conversation_edits.restore_conversation(deleted)


def test_a_deleted_conversation_no_longer_counts_as_a_touch(thanked) -> None:  # type: ignore[no-untyped-def]
    assert contacts.get_contact(thanked["ann"], now=NOW).last_touch_at == SENT
    conversation_edits.delete_conversation(thanked["conversation"], now=NOW)
    assert contacts.get_contact(thanked["ann"], now=NOW).last_touch_at != SENT


def test_another_thank_you_settles_what_the_deleted_one_had(thanked) -> None:  # type: ignore[no-untyped-def]
    t = thanked
    later = log(t["ann"], SENT + H, InteractionKind.THANK_YOU, Channel.EMAIL)
    deleted = conversation_edits.delete_conversation(t["conversation"], now=NOW)
    assert state(t["email"]) == (SENT + H, "", later.interaction_id)
    [*_, new_note] = of_kind(t["ann"], "handwritten-note")
    assert new_note != t["note"] and state(new_note) == (None, "", None)
    conversation_edits.restore_conversation(deleted)
    assert state(t["email"]) == (SENT, "", t["conversation"])
    assert of_kind(t["ann"], "handwritten-note") == [t["note"]]


def test_changing_the_kind_away_from_thank_you_unsettles_and_back_settles(thanked) -> None:  # type: ignore[no-untyped-def]
    t = thanked
    change = conversation_edits.edit_conversation(
        t["conversation"], ConversationEdit(kind=InteractionKind.CHECK_IN), now=NOW
    )
    assert [n.id for n in change.reopened] == [t["email"]]
    assert [n.id for n in change.cancelled] == [t["note"]]
    assert state(t["email"]) == (None, "", None)
    assert state(t["note"])[1] == CANCELLED_BY_UNLOG
    assert state(t["check_in"]) == (None, "", None)  # the ring stays where it was
    change = conversation_edits.edit_conversation(
        t["conversation"], ConversationEdit(kind=InteractionKind.THANK_YOU), now=NOW
    )
    assert [n.id for n in change.settled] == [t["email"]]
    assert state(t["email"]) == (SENT, "", t["conversation"])
    # The note it had planned comes back rather than a second one.
    assert of_kind(t["ann"], "handwritten-note") == [t["note"]]
    assert state(t["note"]) == (None, "", None)
    with reading():
        assert FollowUp.get_by_id(t["note"]).window_start == SENT + 24 * H


def test_moving_the_time_moves_the_note_and_the_next_touch(thanked) -> None:  # type: ignore[no-untyped-def]
    t = thanked
    with reading():
        check_in_before = FollowUp.get_by_id(t["check_in"]).window_start
    change = conversation_edits.edit_conversation(
        t["conversation"], ConversationEdit(occurred_at=SENT + 2 * H), now=NOW
    )
    assert {n.id for n in change.moved} == {t["note"], t["check_in"]}
    assert state(t["email"]) == (SENT + 2 * H, "", t["conversation"])
    with reading():
        assert FollowUp.get_by_id(t["note"]).window_start == SENT + 2 * H + 24 * H
        assert FollowUp.get_by_id(t["check_in"]).window_start == check_in_before + 2 * H


def test_a_summary_edit_changes_nothing_else(thanked) -> None:  # type: ignore[no-untyped-def]
    change = conversation_edits.edit_conversation(
        thanked["conversation"], ConversationEdit(summary="line one\nline two"), now=NOW
    )
    assert change.conversation.summary == "line one\nline two"
    assert not (change.reopened or change.settled or change.planned or change.cancelled)


def test_a_conversation_cannot_move_into_the_future(thanked) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="future"):
        conversation_edits.edit_conversation(
            thanked["conversation"], ConversationEdit(occurred_at=NOW + D), now=NOW
        )
    assert state(thanked["email"]) == (SENT, "", thanked["conversation"])
