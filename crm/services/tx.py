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
    newer_crm_message,
    newer_migrations,
    on_write_wait,
    opened_path,
    out_of_space,
)
from crm.domain.validation import InvalidInput


class ReadOnlyDatabase(DatabaseError, InvalidInput):
    """A change was asked of a database opened read-only; nothing was written.

    It is also an InvalidInput, so every form and command that already reports refused
    input in one line reports this the same way.
    """


class DiskFull(DatabaseError, InvalidInput):
    """A change didn't fit on the disk; SQLite rolled it back, so nothing was written."""


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
        ReadOnlyDatabase: the database was opened read-only, or a newer crm made it.
        DiskFull: the change didn't fit on the disk (and was rolled back).
        DatabaseBusy: another writer held the lock without progress for too long.
    """
    if is_read_only():
        raise ReadOnlyDatabase(read_only_message())
    if newer_migrations():
        # Its schema may hold rules this crm doesn't know of; reading it is safe, writing isn't.
        raise ReadOnlyDatabase(newer_crm_message())
    try:
        with db.connection_context(), db.atomic("IMMEDIATE"):
            yield
    except Exception as error:
        # A full disk fails the commit, SQLite ends the transaction itself, and peewee's
        # rollback then hides the cause under "no transaction is active".
        if out_of_space(error, opened_path()):
            raise DiskFull(
                f"No space left on device: {opened_path()} can't grow, so nothing was saved."
            ) from error
        raise


__all__ = [
    "DatabaseBusy",
    "DiskFull",
    "ReadOnlyDatabase",
    "announce_write_waits",
    "read_only_message",
    "read_only_path",
    "reading",
    "writing",
]


class _Rehearsal(Exception):
    """Raised to take a dry run's transaction back."""


@contextmanager
def rolled_back_if(dry_run: bool) -> Iterator[None]:
    """With ``dry_run``, all the block writes is one transaction taken back at its end (the
    work is the real one, so a dry run's counts are a real run's); without, nothing: the
    block's own transactions commit as they go."""
    if not dry_run:
        yield
        return
    try:
        with writing():
            yield
            raise _Rehearsal
    except _Rehearsal:
        pass
