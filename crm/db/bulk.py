"""Bulk inserts: fill a table first and index it after, when that is cheaper."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

BULK_CONTACTS = 1_000
"""Below this many new contacts, dropping and rebuilding the indexes isn't worth it."""

SEARCH_HASH_BYTES = 16 * 1024 * 1024
"""How much new search text FTS5 may hold in memory during a bulk load (its default: 1 MiB)."""
_FTS5_DEFAULT_HASH_BYTES = 1024 * 1024


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


@contextmanager
def search_rows_buffered(cursor: sqlite3.Cursor, new_rows: int) -> Iterator[None]:
    """Around a bulk insert into contact_index: FTS5 buffers it in memory and writes it once.

    FTS5 writes its pending terms out as a new segment each time they pass its 'hashsize'
    and merges segments as they pile up, which every search then reads; a bigger hash writes
    one segment at commit, for a bounded amount of memory meanwhile. The setting is put back
    afterwards; if the block fails, the rollback takes it back with everything else.
    """
    if new_rows < BULK_CONTACTS:
        yield
        return
    previous = cursor.execute("SELECT v FROM contact_index_config WHERE k = 'hashsize'").fetchone()
    _configure_search(cursor, "hashsize", SEARCH_HASH_BYTES)
    yield
    _configure_search(cursor, "hashsize", previous[0] if previous else _FTS5_DEFAULT_HASH_BYTES)
    if previous is None:  # the default again: leave no row behind, as before
        cursor.execute("DELETE FROM contact_index_config WHERE k = 'hashsize'")


def _configure_search(cursor: sqlite3.Cursor, name: str, value: int) -> None:
    cursor.execute("INSERT INTO contact_index (contact_index, rank) VALUES (?, ?)", (name, value))
