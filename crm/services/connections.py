"""Connections: "A knows B" between contacts, the raw material of the back channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db.models import Company, Connection, Contact
from crm.db.typed import tuples
from crm.domain.types import ConnectionSource
from crm.domain.validation import InvalidInput, note_text
from crm.services.tx import reading, writing


@dataclass(frozen=True)
class ConnectionView:
    """Someone a contact knows, and how the user knows that."""

    contact_id: int
    name: str
    company: str
    source: ConnectionSource
    note: str
    noted_at: datetime


def add_connection(
    contact_id: int,
    other_id: int,
    *,
    source: ConnectionSource = ConnectionSource.OTHER,
    note: str = "",
    now: datetime | None = None,
) -> bool:
    """Record that two contacts know each other; returns False if it was already known
    (then the source and note are updated)."""
    if contact_id == other_id:
        raise InvalidInput("A contact can't be connected to themselves.")
    first, second = sorted((contact_id, other_id))
    with writing():
        found = Contact.select(Contact.id).where(Contact.id.in_([first, second])).count()
        if found != 2:
            raise InvalidInput("Both people must be contacts.")
        existing = Connection.get_or_none(
            (Connection.contact_a == first) & (Connection.contact_b == second)
        )
        if existing is not None:
            Connection.update(source=source.value, note=note_text(note)).where(
                Connection.id == existing.id
            ).execute()
            return False
        Connection.insert(
            contact_a=first,
            contact_b=second,
            source=source.value,
            note=note_text(note),
            noted_at=now or utc_now(),
        ).execute()
        return True


def remove_connection(contact_id: int, other_id: int) -> bool:
    """Forget that two contacts know each other; returns whether there was such a link."""
    first, second = sorted((contact_id, other_id))
    with writing():
        return bool(
            Connection.delete()
            .where((Connection.contact_a == first) & (Connection.contact_b == second))
            .execute()
        )


def connections_of(contact_id: int) -> list[ConnectionView]:
    """Everyone a contact is known to know, by name."""
    with reading():
        other = fn.IIF(
            Connection.contact_a == contact_id, Connection.contact_b, Connection.contact_a
        )
        rows = tuples(
            Connection.select(
                Contact.id,
                Contact.name,
                fn.COALESCE(Company.name, ""),
                Connection.source,
                Connection.note,
                Connection.noted_at,
            )
            .join(Contact, on=(Contact.id == other))
            .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
            .where((Connection.contact_a == contact_id) | (Connection.contact_b == contact_id))
            .order_by(Contact.sort_key)
        )
        return [
            ConnectionView(cid, name, company, ConnectionSource(source), note, noted_at)
            for cid, name, company, source, note, noted_at in rows
        ]
