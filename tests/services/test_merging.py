"""Duplicates, merge and undoable delete against a real database."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import (
    Connection,
    ContactMethod,
    ContactTopic,
    FollowUp,
    Interaction,
    InterviewInterviewer,
    Reference,
    ReferenceGiven,
)
from crm.domain.types import Channel, ContactDraft, HelperRole, InteractionKind, LogDraft
from crm.domain.validation import InvalidInput
from crm.services import (
    connections,
    contacts,
    conversations,
    interviews,
    merging,
    opportunities,
    process_people,
    references,
)
from crm.services.tx import reading


def person(name: str, company: str = "", **fields: object) -> int:
    return contacts.create_contact(ContactDraft(name=name, company=company, **fields))  # type: ignore[arg-type]


@pytest.fixture
def pair(db_path: Path, now: datetime) -> dict[str, int]:
    ids = {
        "keep": person(
            "José Núñez", "Acme", email="jose@acme.test", topics=("chess",), how_met="PyCon"
        ),
        "other": person(
            "Nunez Jose",
            "Acme, Inc.",
            email="jn@home.test",
            phone="+1 555",
            topics=("Chess", "sailing"),
            how_met="Referred by Katie",
            rapport="strained",
        ),
        "friend": person("Katie Morgan", "Acme"),
    }
    ids["opp"] = opportunities.add_opportunity("Acme", "SRE", referrer_id=ids["other"], now=now)
    ids["interview"] = interviews.add_interview(
        ids["opp"], now - timedelta(hours=3), interviewer_ids=[ids["other"], ids["keep"]], now=now
    )
    interviews.mark_interview_done(ids["interview"], now=now)
    conversations.log_conversation(
        LogDraft(ids["other"], Channel.CALL, InteractionKind.CHECK_IN, now, "Call"), now=now
    )
    connections.add_connection(ids["other"], ids["friend"])
    connections.add_connection(ids["other"], ids["keep"])
    references.save_reference(ids["other"], relationship="Former lead", talking_points="Shipping")
    references.give_reference(ids["other"], ids["opp"], now=now)
    return ids


def test_merging_two_helpers_of_one_process_keeps_one_referrer(
    pair: dict[str, int], now: datetime
) -> None:
    keep, other = pair["keep"], pair["other"]
    opportunities.add_helper(pair["opp"], keep, HelperRole.PULLED_STRINGS, now=now)
    merging.merge_contacts(keep, other)
    with reading():
        helpers = process_people.helpers_by_opportunity([pair["opp"]])[pair["opp"]]
    assert [(h.id, h.role) for h in helpers] == [(keep, HelperRole.REFERRER)]


def test_duplicates_are_found_by_name_at_the_same_company(pair: dict[str, int]) -> None:
    groups = merging.find_duplicate_contacts()
    assert [(g.reason, {c.id for c in g.contacts}) for g in groups] == [
        ("the same name at the same company", {pair["keep"], pair["other"]})
    ]


def test_merge_moves_every_related_row(pair: dict[str, int]) -> None:
    keep, other = pair["keep"], pair["other"]
    result = merging.merge_contacts(keep, other)
    assert result.removed_id == other
    with reading():
        for model, column in (
            (Interaction, Interaction.contact),
            (FollowUp, FollowUp.contact),
            (InterviewInterviewer, InterviewInterviewer.contact),
            (Reference, Reference.contact),
            (ContactTopic, ContactTopic.contact),
            (ContactMethod, ContactMethod.contact),
        ):
            assert not model.select().where(column == other).exists(), model
        assert Interaction.select().where(Interaction.contact == keep).count() == 1
        assert (
            InterviewInterviewer.select().where(InterviewInterviewer.contact == keep).count() == 1
        )
        assert process_people.helper_ids(pair["opp"]) == [keep]
        assert ReferenceGiven.select().count() == 1
        assert {(c.contact_a_id, c.contact_b_id) for c in Connection.select()} == {
            tuple(sorted((keep, pair["friend"])))
        }
        topics = [
            t.name
            for t in ContactTopic.select()
            .where(ContactTopic.contact == keep)
            .order_by(ContactTopic.position)
        ]
        assert topics == ["chess", "sailing"]
        methods = {
            (m.kind, m.value) for m in ContactMethod.select().where(ContactMethod.contact == keep)
        }
        assert ("email", "jn@home.test") in methods
    merged = contacts.get_contact(keep)
    assert merged.email == "jose@acme.test" and merged.phone == "+1 555"
    assert merged.how_met == "PyCon\nReferred by Katie"
    assert merged.rapport == "strained"
    assert [c.id for c in contacts.search_contacts("nunez")] == [keep]


def test_merging_a_contact_with_itself_is_refused(pair: dict[str, int]) -> None:
    with pytest.raises(InvalidInput):
        merging.merge_contacts(pair["keep"], pair["keep"])


def test_delete_then_restore_puts_everything_back(pair: dict[str, int]) -> None:
    other = pair["other"]

    def snapshot() -> dict[str, int]:
        with reading():
            return {
                "interactions": Interaction.select().count(),
                "follow_ups": FollowUp.select().count(),
                "interviewers": InterviewInterviewer.select().count(),
                "connections": Connection.select().count(),
                "references": Reference.select().count(),
                "given": ReferenceGiven.select().count(),
                "topics": ContactTopic.select().count(),
            }

    before = snapshot()
    deleted = merging.delete_contact(other)
    assert contacts.search_contacts("nunez jose") == [] or all(
        c.id != other for c in contacts.search_contacts("nunez jose")
    )
    assert snapshot() != before
    merging.restore_contact(deleted)
    assert snapshot() == before
    assert contacts.get_contact(other).name == "Nunez Jose"
    with reading():
        assert process_people.helper_ids(pair["opp"]) == [other]
    with pytest.raises(InvalidInput, match="already back"):
        merging.restore_contact(deleted)
