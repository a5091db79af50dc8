"""The reads a screen makes in one call: the contacts list's first page, a card with its
timeline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crm.domain.types import ContactDraft
from crm.services import contacts, conversations


def people(count: int, now: datetime) -> list[int]:
    return [
        contacts.create_contact(ContactDraft(name=f"Person {n:03}"), now=now) for n in range(count)
    ]


def test_the_first_page_lands_on_the_focused_contact(db_path: Path, now: datetime) -> None:
    ids = people(contacts.PAGE_SIZE + 10, now)
    first = contacts.first_page("", focus_contact=ids[-1], now=now)
    assert (first.total, first.cursor, first.page) == (len(ids), len(ids) - 1, 1)
    assert [row.id for row in first.rows] == ids[contacts.PAGE_SIZE :]


def test_the_first_page_keeps_the_old_cursor_inside_the_list(db_path: Path, now: datetime) -> None:
    ids = people(3, now)
    assert contacts.first_page("", old_cursor=1, now=now).cursor == 1
    assert contacts.first_page("", old_cursor=99, now=now).cursor == len(ids) - 1
    assert contacts.first_page("", now=now).cursor == 0


def test_a_contact_the_filter_hides_puts_the_cursor_at_the_top(
    db_path: Path, now: datetime
) -> None:
    ids = people(3, now)
    first = contacts.first_page("Person 001", focus_contact=ids[2], now=now)
    assert (first.total, first.cursor, [row.id for row in first.rows]) == (1, 0, [ids[1]])


def test_a_filter_that_matches_nothing_gives_an_empty_page(db_path: Path, now: datetime) -> None:
    people(2, now)
    first = contacts.first_page("nobody by that name", old_cursor=1, now=now)
    assert (first.total, first.cursor, first.page, first.rows) == (0, 0, 0, [])


def test_a_card_comes_with_the_first_rows_of_its_timeline(db_path: Path, now: datetime) -> None:
    (ann,) = people(1, now)
    detail, entries = conversations.contact_with_timeline(ann, now=now, first_rows=60)
    assert detail is not None and detail.id == ann
    assert entries == conversations.timeline(contact_id=ann, now=now, limit=60)


def test_no_card_for_no_contact_or_one_that_is_gone(db_path: Path, now: datetime) -> None:
    assert conversations.contact_with_timeline(None, now=now, first_rows=60) == (None, None)
    assert conversations.contact_with_timeline(10_000, now=now, first_rows=60) == (None, None)


def test_a_cancelled_card_skips_the_timeline(db_path: Path, now: datetime) -> None:
    (ann,) = people(1, now)
    detail, entries = conversations.contact_with_timeline(
        ann, now=now, first_rows=60, cancelled=lambda: True
    )
    assert detail is not None and entries is None
