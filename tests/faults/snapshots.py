"""Every row of every table of a database file, to compare before and after something happens."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

Snapshot = dict[str, list[tuple[object, ...]]]


def _tables(connection: sqlite3.Connection) -> list[str]:
    """The tables a user's data lives in: the FTS index, not its shadow tables or SQLite's own."""
    rows = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL")]
    shadows = {name for name, _ in rows for table in virtual if name.startswith(f"{table}_")}
    # sync_clock only counts writes (an undo is more writes, not fewer): it holds no data.
    return sorted(name for name, _ in rows if name not in shadows and name != "sync_clock")


def snapshot(path: Path) -> Snapshot:
    """The rows of every table, in rowid order (the FTS index's rowid included)."""
    with closing(sqlite3.connect(path)) as connection:
        return {
            table: connection.execute(f'SELECT rowid, * FROM "{table}" ORDER BY rowid').fetchall()
            for table in _tables(connection)
        }
