"""Contact use cases: add, edit, look up, list in pages, and search."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

import peewee

from crm.clock import utc_now
from crm.db import listing, search
from crm.db.models import (
    Company,
    Contact,
    ContactMethod,
    ContactTopic,
)
from crm.db.typed import as_datetime, as_datetime_or_none, tuples
from crm.domain.companies import clean_company_name, company_key
from crm.domain.text import sort_key
from crm.domain.types import ContactDetail, ContactDraft, ContactRow
from crm.domain.validation import InvalidInput, checked_draft
from crm.services.tx import reading, writing

# Rows per page: a screenful or two. A name-ordered page of a filter that matches many
# people is found by walking names until the page is full, so a smaller page reaches the
# screen sooner.
PAGE_SIZE = 50
RANKED_MIN_LENGTH = 3
T = TypeVar("T")


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
        "rapport": draft.rapport,
        "language": draft.language,
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


@dataclass(frozen=True)
class CardFields:
    """The fields a contact shares with its address-book card (what CardDAV sync brings back).

    E-mails, phones and URLs are (value, label), the primary one first; the LinkedIn profile
    is ``linkedin_url``, the other web addresses ``urls``.
    """

    name: str
    company: str
    role: str
    note: str
    emails: tuple[tuple[str, str], ...]
    phones: tuple[tuple[str, str], ...]
    linkedin_url: str
    urls: tuple[tuple[str, str], ...]
    topics: tuple[str, ...]


def update_card_fields(contact_id: int, fields: CardFields, *, now: datetime | None = None) -> None:
    """Save what a card says of a contact, keeping everything crm alone knows of them
    (rapport, keep-in-touch, how you met, language, connections), with its search entry, in one
    transaction.

    Raises:
        ContactNotFound: no such contact.
        InvalidInput: the card's values can't be saved (nothing was).
    """
    moment = now or utc_now()
    with writing():
        row = (
            Contact.select(
                Contact.how_met, Contact.keep_in_touch_days, Contact.rapport, Contact.language
            )
            .where(Contact.id == contact_id)
            .tuples()
            .first()
        )
        if row is None:
            raise ContactNotFound(f"There is no contact #{contact_id}.")
        how_met, keep_in_touch_days, rapport, language = row
        draft = ContactDraft(
            name=fields.name,
            company=fields.company,
            role=fields.role,
            email=fields.emails[0][0] if fields.emails else "",
            phone=fields.phones[0][0] if fields.phones else "",
            linkedin_url=fields.linkedin_url,
            how_met=how_met,
            topics=fields.topics,
            relationship_note=fields.note,
            keep_in_touch_days=keep_in_touch_days,
            rapport=rapport,
            language=language,
        )
        update_contact(contact_id, draft, now=moment)
        ContactMethod.delete().where(ContactMethod.contact == contact_id).execute()
        extra = [
            *(("email", value, label) for value, label in fields.emails[1:]),
            *(("phone", value, label) for value, label in fields.phones[1:]),
            *(("url", value, label) for value, label in fields.urls),
        ]
        if extra:
            ContactMethod.insert_many(
                [
                    {"contact": contact_id, "kind": k, "value": v, "label": lb, "position": i}
                    for i, (k, v, lb) in enumerate(extra)
                ]
            ).execute()


# --- reading -------------------------------------------------------------------------------


def _to_rows(raw: list[tuple[int, str, str, str, str, str, int]]) -> list[ContactRow]:
    return [
        ContactRow(
            id=cid,
            name=name,
            company=company,
            role=role,
            email=email,
            sort_key=key,
            overdue=overdue,
        )
        for cid, name, company, role, email, key, overdue in raw
    ]


def _row_details(contact_ids: list[int], now: datetime) -> list[ContactRow]:
    """The list rows for ``contact_ids``, in that order."""
    return _to_rows(listing.rows(contact_ids, now))


class _Filter:
    """A user's filter text: blank (everyone), a full-text expression, or hopeless."""

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self.expression = search.match_expression(text) if self.text else None
        self.matches_nothing = bool(self.text) and self.expression is None

    def count(self) -> int:
        if self.matches_nothing:
            return 0
        if self.expression is None:
            return listing.count_all()
        return listing.count_matching(self.expression)

    def plan(self, matching: int | None = None) -> listing.Plan:
        if self.expression is None:
            return listing.Plan.COLLECT
        if matching is None:
            matching = self.count()
        return listing.plan_for(matching, listing.count_all())


def _guarded(read: Callable[[], T], fallback: T) -> T:
    """Run a read that includes user text; a query FTS5 still can't parse matches nothing."""
    try:
        return read()
    except (peewee.OperationalError, sqlite3.OperationalError):
        return fallback


def count_contacts(text: str = "") -> int:
    """How many contacts the list shows for a filter (all of them when ``text`` is blank)."""
    with reading():
        return _guarded(_Filter(text).count, 0)


def contacts_page(
    text: str = "",
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    after: tuple[str, int] | None = None,
    now: datetime | None = None,
    matching: int | None = None,
) -> list[ContactRow]:
    """One page of the contacts list in name order.

    Pass ``after`` (the sort key and id of the row before the page) to page by keyset, which
    costs the same at any depth; ``offset`` is for jumps to where no neighbouring page is known.
    ``matching`` is count_contacts(text) when the caller has it (the plan depends on it, and
    counting a short filter's matches again isn't free).
    """
    moment = now or utc_now()
    with reading():
        contact_filter = _Filter(text)
        if contact_filter.matches_nothing:
            return []

        def page() -> list[ContactRow]:
            ids = listing.page_ids(
                contact_filter.expression,
                contact_filter.plan(matching),
                offset=offset,
                limit=limit,
                after=after,
            )
            return _row_details(ids, moment)

        return _guarded(page, [])


def contact_position(contact_id: int, text: str = "") -> int | None:
    """Where a contact sits in the (filtered) list, or None if the filter hides it."""
    with reading():
        contact_filter = _Filter(text)
        if contact_filter.matches_nothing:
            return None
        return _guarded(lambda: listing.position(contact_id, contact_filter.expression), None)


@dataclass(frozen=True)
class FirstPage:
    """What the contacts list needs to show a filter: the count, the cursor and its page."""

    total: int
    cursor: int
    page: int
    """The number of the page the cursor is on (``PAGE_SIZE`` rows each)."""
    rows: list[ContactRow]


def first_page(
    text: str = "",
    *,
    focus_contact: int | None = None,
    old_cursor: int | None = None,
    now: datetime | None = None,
) -> FirstPage:
    """The matches for a filter and the page the cursor lands on: on ``focus_contact`` (the
    top if the filter hides them), else at ``old_cursor`` kept inside the list, else the top."""
    with reading():  # one connection for all of it: opening one isn't free
        total = count_contacts(text)
        cursor = 0
        if focus_contact is not None:
            position = contact_position(focus_contact, text)
            cursor = position if position is not None else 0
        elif old_cursor is not None:
            cursor = min(old_cursor, max(total - 1, 0))
        page = cursor // PAGE_SIZE
        rows = contacts_page(text, offset=page * PAGE_SIZE, now=now, matching=total)
    return FirstPage(total, cursor, page, rows)


def search_contacts(
    text: str, *, company: str = "", limit: int = 50, now: datetime | None = None
) -> list[ContactRow]:
    """Contacts matching ``text`` (and a company, loosely), best match first."""
    moment = now or utc_now()
    with reading():
        contact_filter = _Filter(text)
        if contact_filter.matches_nothing:
            return []
        expression = contact_filter.expression
        if expression is not None and not company.strip():
            if len(contact_filter.text) < RANKED_MIN_LENGTH:
                # Ranking every match of one or two letters is slow on a big database, and
                # the order hardly means anything yet: name order instead.
                plan = contact_filter.plan()
                read = lambda: listing.page_ids(  # noqa: E731
                    expression, plan, offset=0, limit=limit, after=None
                )
            else:
                read = lambda: search.ranked_ids(expression, limit)  # noqa: E731
            return _row_details(_guarded(read, []), moment)
        query = Contact.select(Contact.id).order_by(Contact.sort_key, Contact.id).limit(limit)
        if company.strip():
            key = company_key(company)
            at_company = Company.select(Company.id).where(
                (Company.key == key) | Company.key.startswith(key + " ")
            )
            query = query.where(Contact.company.in_(at_company))
        if contact_filter.expression is not None:
            query = query.where(Contact.id.in_(search.matching_ids(contact_filter.expression)))
        ids: list[int] = _guarded(lambda: [cid for (cid,) in tuples(query)], [])
        return _row_details(ids, moment)


def get_contact(contact_id: int, *, now: datetime | None = None) -> ContactDetail:
    """Everything about one contact for the detail panel; raises ContactNotFound."""
    moment = now or utc_now()
    with reading():
        row = listing.detail(contact_id)
        if row is None:
            raise ContactNotFound(f"There is no contact #{contact_id}.")
        overdue = dict(listing.overdue_counts([contact_id], moment)).get(contact_id, 0)
    (
        name,
        company,
        role,
        email,
        phone,
        linkedin_url,
        how_met,
        note,
        keep_in_touch_days,
        rapport,
        created_at,
        updated_at,
        topics,
        last_touch,
        touches,
        is_reference,
        language,
    ) = row
    keep = keep_in_touch_days  # an INTEGER column, or NULL
    return ContactDetail(
        id=contact_id,
        name=str(name),
        company=str(company),
        role=str(role),
        email=str(email),
        phone=str(phone),
        linkedin_url=str(linkedin_url),
        how_met=str(how_met),
        topics=tuple(json.loads(str(topics))),
        relationship_note=str(note),
        keep_in_touch_days=None if keep is None else int(cast("int", keep)),
        rapport=str(rapport),
        created_at=as_datetime(created_at),
        updated_at=as_datetime(updated_at),
        last_touch_at=as_datetime_or_none(last_touch),
        interactions=int(touches or 0),  # type: ignore[call-overload]
        is_reference=bool(is_reference),
        overdue=overdue,
        language=str(language),
    )


def rebuild_index() -> int:
    """Rebuild the search index from scratch (a palette command); returns the contact count."""
    with writing():
        return search.rebuild_index()


__all__ = [
    "PAGE_SIZE",
    "FirstPage",
    "ContactNotFound",
    "InvalidInput",
    "contact_position",
    "contacts_page",
    "count_contacts",
    "create_contact",
    "first_page",
    "get_contact",
    "rebuild_index",
    "search_contacts",
    "update_contact",
]
