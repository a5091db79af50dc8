"""Migration 0009: a Message-ID is logged once per contact; typed ones (no Message-ID) repeat."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from peewee import IntegrityError

from crm.db import db
from crm.db.models import Contact, Interaction, MailProposal, MailSource

AT = datetime(2026, 11, 2, 9, 0)


def _interaction(contact_id: int, message_id: str) -> None:
    Interaction.insert(
        contact=contact_id,
        occurred_at=AT,
        channel="email",
        kind="check-in",
        message_id=message_id,
    ).execute()


def test_a_message_id_is_stored_once_and_typed_ones_share_the_blank(db_path: Path) -> None:
    with db.connection_context():
        contact = Contact.create(name="Ann", sort_key="ann", created_at=AT, updated_at=AT)
        _interaction(contact.id, "")
        _interaction(contact.id, "")
        _interaction(contact.id, "<a@x>")
        with pytest.raises(IntegrityError), db.atomic():
            _interaction(contact.id, "<a@x>")
        other = Contact.create(name="Bo", sort_key="bo", created_at=AT, updated_at=AT)
        _interaction(other.id, "<a@x>")  # one message to two contacts is with each of them
        assert Interaction.select().count() == 4


def test_proposals_and_sources_have_one_row_per_key(db_path: Path) -> None:
    with db.connection_context():
        MailProposal.create(address="hr@x.example", first_seen=AT, last_seen=AT)
        with pytest.raises(IntegrityError), db.atomic():
            MailProposal.create(address="hr@x.example", first_seen=AT, last_seen=AT)
        MailSource.create(source="/tmp/a.mbox", updated_at=AT)
        with pytest.raises(IntegrityError), db.atomic():
            MailSource.create(source="/tmp/a.mbox", updated_at=AT)
        assert MailProposal.get().state == "pending"
