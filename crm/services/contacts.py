"""Contact use cases: add, edit, look up, list in pages, and search."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import peewee
from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db import search
from crm.db.models import (
    Company,
    Contact,
    ContactTopic,
    FollowUp,
    Interaction,
    Reference,
)
from crm.domain.companies import clean_company_name, company_key
from crm.domain.text import sort_key
from crm.domain.types import ContactDetail, ContactDraft, ContactRow
from crm.domain.validation import InvalidInput, checked_draft
from crm.services.tx import reading, writing

PAGE_SIZE = 100


class ContactNotFound(LookupError):
    """No contact has the id asked for."""


# --- writing -------------------------------------------------------------------------------


def company_id_for(name: str, *, now: datetime | None = None) -> int | None:
    """The id of the company called ``name`` (loosely matched), created if new; None if blank."""
    display = clean_company_name(name)
    key = company_key(display)
    if not key:
        return None
    existing = Company.get_or_none(Company.key == key)
    if existing is not None:
        return int(existing.id)
    return int(Company.insert(name=display, key=key, created_at=now or utc_now()).execute())


def _write_topics(contact_id: int, topics: tuple[str, ...]) -> None:
    ContactTopic.delete().where(ContactTopic.contact == contact_id).execute()
    if topics:
        ContactTopic.insert_many(
            [{"contact": contact_id, "name": t, "position": i} for i, t in enumerate(topics)]
        ).execute()


def _fields(draft: ContactDraft, now: datetime) -> dict[str, object]:
    return {
        "name": draft.name,
        "sort_key": sort_key(draft.name),
        "company": company_id_for(draft.company, now=now),
        "role": draft.role,
        "email": draft.email,
        "phone": draft.phone,
        "linkedin_url": draft.linkedin_url,
        "how_met": draft.how_met,
        "relationship_note": draft.relationship_note,
        "keep_in_touch_days": draft.keep_in_touch_days,
    }


def create_contact(draft: ContactDraft, *, now: datetime | None = None) -> int:
    """Save a new contact (and its search entry) in one transaction; returns its id."""
    draft = checked_draft(draft)
    moment = now or utc_now()
    with writing():
        contact_id = int(
            Contact.insert(**_fields(draft, moment), created_at=moment, updated_at=moment).execute()
        )
        _write_topics(contact_id, draft.topics)
        search.index_contact(contact_id)
    return contact_id


def update_contact(contact_id: int, draft: ContactDraft, *, now: datetime | None = None) -> None:
    """Save edits to a contact and its search entry in one transaction."""
    draft = checked_draft(draft)
    moment = now or utc_now()
    with writing():
        updated = (
            Contact.update(**_fields(draft, moment), updated_at=moment)
            .where(Contact.id == contact_id)
            .execute()
        )
        if not updated:
            raise ContactNotFound(f"There is no contact #{contact_id}.")
        _write_topics(contact_id, draft.topics)
        search.index_contact(contact_id)


# --- reading -------------------------------------------------------------------------------


def _overdue_condition(now: datetime) -> peewee.Expression:
    return (
        FollowUp.done_at.is_null()
        & (FollowUp.window_end < now)
        & (FollowUp.snoozed_until.is_null() | (FollowUp.snoozed_until <= now))
    )


def _overdue_counts(contact_ids: list[int], now: datetime) -> dict[int, int]:
    if not contact_ids:
        return {}
    query = (
        FollowUp.select(FollowUp.contact, fn.COUNT(FollowUp.id))
        .where(FollowUp.contact.in_(contact_ids) & _overdue_condition(now))
        .group_by(FollowUp.contact)
        .tuples()
    )
    return {contact_id: count for contact_id, count in query}


def _row_query(text: str) -> peewee.ModelSelect | None:
    """Contacts (optionally matching ``text``) with the columns a list row shows."""
    query = Contact.select(
        Contact.id, Contact.name, Company.name, Contact.role, Contact.email, Contact.sort_key
    ).join(Company, JOIN.LEFT_OUTER)
    if text.strip():
        expression = search.match_expression(text)
        if expression is None:
            return None
        query = query.where(Contact.id.in_(search.matching_ids(expression)))
    return query


def _rows(query: peewee.ModelSelect, now: datetime) -> list[ContactRow]:
    try:
        raw = list(query.tuples())
    except (peewee.OperationalError, sqlite3.OperationalError):
        # A query FTS5 still can't parse matches nothing rather than crashing the search box.
        return []
    overdue = _overdue_counts([r[0] for r in raw], now)
    return [
        ContactRow(
            id=cid,
            name=name,
            company=company or "",
            role=role,
            email=email,
            sort_key=key,
            overdue=overdue.get(cid, 0),
        )
        for cid, name, company, role, email, key in raw
    ]


def count_contacts(text: str = "") -> int:
    """How many contacts the list shows for a filter (all of them when ``text`` is blank)."""
    with reading():
        query = _row_query(text)
        if query is None:
            return 0
        try:
            return int(query.count())
        except (peewee.OperationalError, sqlite3.OperationalError):
            return 0


def contacts_page(
    text: str = "",
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    after: tuple[str, int] | None = None,
    now: datetime | None = None,
) -> list[ContactRow]:
    """One page of the contacts list in name order.

    Pass ``after`` (the sort key and id of the row before the page) to page by keyset, which
    costs the same at any depth; ``offset`` is for jumps to where no neighbouring page is known.
    """
    with reading():
        query = _row_query(text)
        if query is None:
            return []
        query = query.order_by(Contact.sort_key, Contact.id).limit(limit)
        if after is not None:
            key, contact_id = after
            query = query.where(
                (Contact.sort_key > key) | ((Contact.sort_key == key) & (Contact.id > contact_id))
            )
        else:
            query = query.offset(offset)
        return _rows(query, now or utc_now())


def contact_position(contact_id: int, text: str = "") -> int | None:
    """Where a contact sits in the (filtered) list, or None if the filter hides it."""
    with reading():
        contact = Contact.get_or_none(Contact.id == contact_id)
        if contact is None:
            return None
        query = _row_query(text)
        if query is None:
            return None
        if text.strip() and not query.where(Contact.id == contact_id).exists():
            return None
        before = query.where(
            (Contact.sort_key < contact.sort_key)
            | ((Contact.sort_key == contact.sort_key) & (Contact.id < contact_id))
        )
        return int(before.count())


def search_contacts(
    text: str, *, company: str = "", limit: int = 50, now: datetime | None = None
) -> list[ContactRow]:
    """Contacts matching ``text`` (and a company, loosely), best match first."""
    with reading():
        if text.strip():
            expression = search.match_expression(text)
            if expression is None:
                return []
            try:
                ids = search.ranked_ids(expression, limit if not company else 100_000)
            except (peewee.OperationalError, sqlite3.OperationalError):
                return []
        else:
            ids = []
        query = _row_query("")
        assert query is not None
        if text.strip():
            query = query.where(Contact.id.in_(ids))
        if company.strip():
            key = company_key(company)
            query = query.where(
                (Company.key == key) | Company.key.startswith(key + " ")
            )
        if not text.strip():
            query = query.order_by(Contact.sort_key, Contact.id).limit(limit)
        rows = _rows(query, now or utc_now())
    if text.strip():
        position = {contact_id: i for i, contact_id in enumerate(ids)}
        rows.sort(key=lambda r: position[r.id])
    return rows[:limit]


def get_contact(contact_id: int, *, now: datetime | None = None) -> ContactDetail:
    """Everything about one contact for the detail panel; raises ContactNotFound."""
    moment = now or utc_now()
    with reading():
        contact = (
            Contact.select(Contact, Company)
            .join(Company, JOIN.LEFT_OUTER)
            .where(Contact.id == contact_id)
            .first()
        )
        if contact is None:
            raise ContactNotFound(f"There is no contact #{contact_id}.")
        topics = tuple(
            name
            for (name,) in ContactTopic.select(ContactTopic.name)
            .where(ContactTopic.contact == contact_id)
            .order_by(ContactTopic.position)
            .tuples()
        )
        last_touch, touches = (
            Interaction.select(fn.MAX(Interaction.occurred_at), fn.COUNT(Interaction.id))
            .where(Interaction.contact == contact_id)
            .tuples()
            .first()
        ) or (None, 0)
        is_reference = Reference.select().where(Reference.contact == contact_id).exists()
        overdue = _overdue_counts([contact_id], moment).get(contact_id, 0)
        return ContactDetail(
            id=contact.id,
            name=contact.name,
            company=contact.company.name if contact.company_id else "",
            role=contact.role,
            email=contact.email,
            phone=contact.phone,
            linkedin_url=contact.linkedin_url,
            how_met=contact.how_met,
            topics=topics,
            relationship_note=contact.relationship_note,
            keep_in_touch_days=contact.keep_in_touch_days,
            rapport=contact.rapport,
            created_at=contact.created_at,
            updated_at=contact.updated_at,
            last_touch_at=_as_datetime(last_touch),
            interactions=int(touches or 0),
            is_reference=is_reference,
            overdue=overdue,
        )


def _as_datetime(value: object) -> datetime | None:
    """MAX() over a DateTimeField comes back as text; turn it into a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def palette_rows() -> list[tuple[int, str, str]]:
    """(id, name, company) of every contact, for the command palette's "Go to contact…"."""
    with reading():
        return list(
            Contact.select(Contact.id, Contact.name, fn.COALESCE(Company.name, ""))
            .join(Company, JOIN.LEFT_OUTER)
            .order_by(Contact.sort_key)
            .tuples()
        )


def rebuild_index() -> int:
    """Rebuild the search index from scratch (a palette command); returns the contact count."""
    with writing():
        return search.rebuild_index()


__all__ = [
    "PAGE_SIZE",
    "ContactNotFound",
    "InvalidInput",
    "contact_position",
    "contacts_page",
    "count_contacts",
    "create_contact",
    "get_contact",
    "palette_rows",
    "rebuild_index",
    "search_contacts",
    "update_contact",
]
