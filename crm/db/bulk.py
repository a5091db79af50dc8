"""Bulk inserts: new contacts in one go, their tables filled first and indexed after."""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain, islice
from typing import Any

from crm.db.models import Contact
from crm.db.search import FoldCache, search_columns

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


CHUNK = 5_000
"""New contacts written per round trip (and between progress reports) by write_contacts()."""

CONTACT_COLUMNS: tuple[str, ...] = tuple(field.column_name for field in Contact._meta.sorted_fields)
_CONTACT_DEFAULTS = {
    field.column_name: field.default
    for field in Contact._meta.sorted_fields
    if not callable(field.default) and (field.default is not None or field.null)
}
_CONTACT_SQL = (
    f"INSERT INTO contact ({', '.join(CONTACT_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(CONTACT_COLUMNS))})"
)
# Positional parameters: SQLite binds a named one by making its name a Python string, per row.
_CONTACT_VALUES = operator.itemgetter(*CONTACT_COLUMNS)
_TOPIC_SQL = "INSERT INTO contact_topic (contact_id, name, position) VALUES (?, ?, ?)"
_METHOD_SQL = (
    "INSERT INTO contact_method (contact_id, kind, value, label, position) VALUES (?, ?, ?, ?, ?)"
)
_INDEX_SQL = (
    "INSERT INTO contact_index (rowid, name, company, role, topics, notes)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


NewContact = dict[str, Any]
"""A contact row for write_contacts() by column name; a column left out takes the model's
default (a KeyError names a column that has none, such as ``uid`` or ``created_at``)."""


Extras = tuple[Sequence[str], Sequence[tuple[str, str, str]]]
"""A new contact's topics, and its extra e-mails, phones and URLs as (kind, value, label)."""
NO_EXTRAS: Extras = ((), ())


def write_contacts(
    cursor: sqlite3.Cursor,
    contacts: Iterable[tuple[NewContact, Extras]],
    count: int,
    company_names: Mapping[int, str],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Insert ``count`` new contacts with their topics, extra methods and search rows.

    The contacts' ids are new and ascending (above every id in use); ``company_names``
    names their companies for the search index; ``progress`` hears how many were written
    after each chunk. Call inside the write transaction; a generator's rows are turned into
    SQL parameters as they come, so no more than one chunk of those is held at a time.
    """
    rows = iter(contacts)
    first = next(rows, None)
    if first is None:
        return
    # New ids get plain INSERTs (REPLACE looks every rowid up first),
    # once any search row a deleted contact may have left at these ids is gone.
    cursor.execute("DELETE FROM contact_index WHERE rowid >= ?", (first[0]["id"],))
    folded = FoldCache()
    pending = chain((first,), rows)
    with contact_indexes_deferred(cursor, count), search_rows_buffered(cursor, count):
        while True:
            topics: list[tuple[int, str, int]] = []
            methods: list[tuple[int, str, str, str, int]] = []
            index: list[tuple[object, ...]] = []
            values: list[tuple[Any, ...]] = []
            for given, (topic_names, extra_methods) in islice(pending, CHUNK):
                row = {**_CONTACT_DEFAULTS, **given}
                values.append(_CONTACT_VALUES(row))
                contact_id = row["id"]
                if topic_names:
                    topics.extend(
                        (contact_id, name, position) for position, name in enumerate(topic_names)
                    )
                if extra_methods:
                    methods.extend(
                        (contact_id, kind, value, label, position)
                        for position, (kind, value, label) in enumerate(extra_methods)
                    )
                company_id = row["company_id"]
                index.append(
                    (
                        contact_id,
                        *search_columns(
                            row["sort_key"],
                            company_names[company_id] if company_id else "",
                            row["role"],
                            topic_names,
                            (row["email"], row["how_met"], row["relationship_note"]),
                            folded,
                        ),
                    )
                )
            if not values:
                break
            cursor.executemany(_CONTACT_SQL, values)
            if topics:
                cursor.executemany(_TOPIC_SQL, topics)
            if methods:
                cursor.executemany(_METHOD_SQL, methods)
            cursor.executemany(_INDEX_SQL, index)
            if progress is not None:
                progress(len(values))
