"""Bulk inserts: fill a table first and index it after, when that is cheaper."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

BULK_CONTACTS = 1_000
"""Below this many new contacts, dropping and rebuilding the indexes isn't worth it."""


@contextmanager
def indexes_deferred(cursor: sqlite3.Cursor, table: str, defer: bool) -> Iterator[None]:
    """Drop a table's indexes for a bulk insert and build them again after (in the same tx)."""
    statements: list[tuple[str, str]] = []
    if defer:
        statements = cursor.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        ).fetchall()
    for name, _sql in statements:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in statements:
        cursor.execute(sql)


@contextmanager
def contact_indexes_deferred(cursor: sqlite3.Cursor, new_contacts: int) -> Iterator[None]:
    """Around a bulk insert of contacts: drop the contact indexes and build them after, if cheaper.

    Building an index afresh sorts every row once; keeping it updates it row by row at random
    places (UIDs, names), which costs more as soon as the new rows are many and at least as
    many as the ones already there.
    """
    bulk = new_contacts >= BULK_CONTACTS
    if bulk:
        bulk = new_contacts >= cursor.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
    with indexes_deferred(cursor, "contact", bulk):
        yield
