"""The contact card's data: every field, read in one statement, as it was saved."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.domain.followups import PlannedFollowUp
from crm.domain.types import (
    Channel,
    ContactDetail,
    ContactDraft,
    FollowUpKind,
    InteractionKind,
    LogDraft,
)
from crm.services import contacts, conversations, followups, references
from crm.services.tx import writing

CREATED = datetime(2026, 11, 1, 9, 30)


def test_a_full_card_reads_back_every_field(db_path: Path, now: datetime) -> None:
    draft = ContactDraft(
        name="Кэти Смирнова",
        company="Initech",
        role="Recruiter",
        email="katie@initech.example",
        phone="+63 917 555 0101",
        linkedin_url="https://linkedin.com/in/katie",
        how_met="PyCon Manila",
        topics=("Spartak Moscow", "Ayala hikes", "AI"),  # kept in the order typed
        relationship_note="Owes me a coffee",
        keep_in_touch_days=30,
        rapport="good",
    )
    katie = contacts.create_contact(draft, now=CREATED)
    for days_ago in (9, 2):
        conversations.log_conversation(
            LogDraft(
                contact_id=katie,
                channel=Channel.CALL,
                kind=InteractionKind.CHECK_IN,
                occurred_at=now - timedelta(days=days_ago),
                use_default_next=False,
            ),
            now=now,
        )
    references.save_reference(katie, relationship="former manager", talking_points="", now=now)
    with writing():
        followups.create_follow_ups(
            [
                PlannedFollowUp(
                    contact_id=katie,
                    kind=FollowUpKind.CHECK_IN,
                    window_start=now - timedelta(days=5),
                    window_end=now - timedelta(days=1),
                    note="late",
                )
            ],
            now=now,
        )

    assert contacts.get_contact(katie, now=now) == ContactDetail(
        id=katie,
        name="Кэти Смирнова",
        company="Initech",
        role="Recruiter",
        email="katie@initech.example",
        phone="+63 917 555 0101",
        linkedin_url="https://linkedin.com/in/katie",
        how_met="PyCon Manila",
        topics=("Spartak Moscow", "Ayala hikes", "AI"),
        relationship_note="Owes me a coffee",
        keep_in_touch_days=30,
        rapport="good",
        created_at=CREATED,
        updated_at=now,  # the conversations touched it
        last_touch_at=now - timedelta(days=2),
        interactions=2,
        is_reference=True,
        overdue=1,
    )


def test_a_bare_card_has_empty_fields_and_no_history(db_path: Path, now: datetime) -> None:
    bob = contacts.create_contact(ContactDraft(name="Bob Stone"), now=CREATED)
    detail = contacts.get_contact(bob, now=now)
    assert (detail.company, detail.topics, detail.keep_in_touch_days) == ("", (), None)
    assert (detail.last_touch_at, detail.interactions, detail.is_reference) == (None, 0, False)
    assert detail.overdue == 0


def test_a_missing_contact_is_refused(db_path: Path) -> None:
    with pytest.raises(contacts.ContactNotFound):
        contacts.get_contact(12345)
