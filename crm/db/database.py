"""The one database object, initialised at run time with the path the user chose."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_TABLE = "schema_migration"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0

# Passed to init() so that every thread's connection gets them, not just the first one.
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -16000,
    "busy_timeout": int(BUSY_TIMEOUT_SECONDS * 1000),
}

db = SqliteDatabase(None, autoconnect=False)


class DatabaseError(Exception):
    """The database can't be opened or used; the message is meant for the user."""


def _refuse_foreign_file(path: Path) -> None:
    """Raise DatabaseError if ``path`` exists but isn't an SQLite database made by crm."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a crm database.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseError(f"Can't read {path}: {error.strerror}.") from error
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a crm database (not an SQLite file).")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
            tables = {name for (name,) in probe.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{path} is not a usable crm database ({error}).") from error
    finally:
        probe.close()
    if tables and MIGRATION_TABLE not in tables:
        raise DatabaseError(f"{path} is an SQLite database, but not one of crm's.")


def _prepare_location(path: Path) -> None:
    """Create the folder (private to the user) and an empty private file for a new database."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
    except OSError as error:
        raise DatabaseError(f"Can't create the database at {path}: {error.strerror}.") from error
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"Can't write the database at {path}: permission denied.")


def open_database(path: Path) -> None:
    """Point the shared ``db`` at ``path``, refusing files that aren't crm databases."""
    path = Path(path)
    _refuse_foreign_file(path)
    _prepare_location(path)
    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_SECONDS)


def pending_migrations() -> list[str]:
    """Names of migration files not yet applied to the open database."""
    files = sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))
    with db.connection_context():
        if MIGRATION_TABLE not in db.get_tables():
            return files
        applied = {name for (name,) in db.execute_sql(f'SELECT name FROM "{MIGRATION_TABLE}"')}
    return [name for name in files if name not in applied]


def migrate() -> list[str]:
    """Apply pending schema migrations; returns the names applied."""
    if not pending_migrations():
        return []  # the common case at start-up: skip loading the migration runner
    from playhouse.migrations import run

    with db.connection_context():
        return list(run(db, str(MIGRATIONS_DIR), table_name=MIGRATION_TABLE))


def close_database() -> None:
    """Close this thread's connection, if open."""
    if not db.is_closed():
        db.close()
