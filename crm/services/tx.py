"""Connection and transaction scopes shared by every service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crm.db import db
from crm.db.database import (
    DatabaseBusy,
    DatabaseError,
    WaitNotice,
    is_read_only,
    on_write_wait,
    opened_path,
)
from crm.domain.validation import InvalidInput


class ReadOnlyDatabase(DatabaseError, InvalidInput):
    """A change was asked of a database opened read-only; nothing was written.

    It is also an InvalidInput, so every form and command that already reports refused
    input in one line reports this the same way.
    """


def read_only_path() -> Path | None:
    """The open database's file if it can only be read (the app then shows a banner), else None."""
    return opened_path() if is_read_only() else None


def read_only_message() -> str:
    """What to tell the user when a change can't be saved to a read-only database."""
    return f"The database is read-only: {opened_path()} can't be written, so nothing was saved."


def announce_write_waits(notice: WaitNotice | None) -> None:
    """Have ``notice`` called whenever a write has to wait for another crm to finish writing.

    The CLI prints a line; the app shows a notice. None stops the announcements.
    """
    on_write_wait(notice)


@contextmanager
def reading() -> Iterator[None]:
    """Hold a connection for the duration of a read."""
    with db.connection_context():
        yield


@contextmanager
def writing() -> Iterator[None]:
    """Hold a connection and an IMMEDIATE transaction: all of the block is written, or none.

    While another process writes, this waits as long as that writer makes progress (the
    announced notice says so), so "database is locked" never reaches the user.

    Raises:
        ReadOnlyDatabase: the database was opened read-only.
        DatabaseBusy: another writer held the lock without progress for too long.
    """
    if is_read_only():
        raise ReadOnlyDatabase(read_only_message())
    with db.connection_context(), db.atomic("IMMEDIATE"):
        yield


__all__ = [
    "DatabaseBusy",
    "ReadOnlyDatabase",
    "announce_write_waits",
    "read_only_message",
    "read_only_path",
    "reading",
    "writing",
]
