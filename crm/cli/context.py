"""What every command shares: the database it opens, its errors, and its `--now`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from crm import paths
from crm.cli.output import echo
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.config import Settings
    from crm.domain.when import Tense


class UserError(click.ClickException):
    """A problem the user can fix, reported as one line and a non-zero exit."""


def fail(message: str) -> NoReturn:
    raise UserError(message)


def open_and_migrate(path: Path, *, daily_backup: bool = True) -> None:
    """Open and migrate the database, turning every failure into one clear line.

    ``daily_backup=False`` leaves the day's backup to the caller (the app takes it in the
    background); the backup before a migration is always taken here, first.
    """
    from crm.db import DatabaseError, migrate, open_database
    from crm.db.database import is_read_only, on_write_wait

    on_write_wait(_waiting_notice())
    try:
        open_database(path)
        if not is_read_only():  # backups open the file for writing; leave it exactly as it is
            _automatic_backups(path, daily=daily_backup)
        migrate()
    except DatabaseError as error:
        fail(str(error))
    except Exception as error:  # sqlite's own errors: locked, corrupt, disk full…
        from crm.db.database import out_of_space

        if out_of_space(error, path):
            fail(f"No space left on device: can't open the database at {path}.")
        fail(f"Can't open the database at {path}: {error}")


WAITING_MESSAGE = "waiting for another crm to finish writing…"


def _waiting_notice() -> Callable[[], None]:
    """What tells the user, once per command, why a write is taking its time."""
    said: list[bool] = []

    def say() -> None:
        if not said:
            said.append(True)
            click.echo(f"crm: {WAITING_MESSAGE}", err=True)

    return say


def _automatic_backups(path: Path, *, daily: bool = True) -> None:
    """A backup before any schema migration, and one a day (the last 7, or [backups] keep)."""
    from crm.services.backups import BackupError, backup_before_migration

    try:
        backup_before_migration(path)
        if daily:
            _daily_backup(path, settings().backups_keep)
    except BackupError as error:
        echo(f"crm: warning: automatic backup failed: {error}", err=True)


def settings() -> Settings:
    """The user's settings, or the defaults (with a warning) when config.toml is broken."""
    from crm.config import ConfigError, Settings, load_settings

    try:
        return load_settings(paths.config_path())
    except ConfigError as error:
        echo(f"crm: warning: {error}; using the defaults.", err=True)
        return Settings()


def _daily_backup(path: Path, keep: int) -> None:
    from crm.clock import utc_now
    from crm.services.backups import daily_backup

    daily_backup(path, utc_now(), keep=keep)


def daily_backup_beside(path: Path) -> Callable[[], None]:
    """Start the day's backup in a thread; returns what to call once the app has closed.

    Copying a big database takes a while, and the app needn't wait for it: the copy reads
    a snapshot while the app works. Warnings wait until the screen is
    back, and leaving the app waits for a copy still in progress.
    """
    import threading

    from crm.db.database import is_read_only
    from crm.services.backups import BackupError

    if is_read_only():
        return lambda: None
    keep = settings().backups_keep
    problems: list[str] = []

    def copy() -> None:
        try:
            _daily_backup(path, keep)
        except BackupError as error:
            problems.append(str(error))

    worker = threading.Thread(target=copy, name="daily-backup")
    worker.start()

    def finish() -> None:
        worker.join()
        for problem in problems:
            echo(f"crm: warning: automatic backup failed: {problem}", err=True)

    return finish


def database(ctx: click.Context, *, daily_backup: bool = True) -> Path:
    """The database path for this command, opened and migrated."""
    root = ctx.find_root().obj
    path: Path = root["db_path"]
    if not root.get("opened"):
        open_and_migrate(path, daily_backup=daily_backup)
        root["opened"] = True
    return path


def frozen_now(text: str | None) -> datetime | None:
    """The moment ``--now`` names (naive UTC), or None for the real clock.

    Pretending is about a day to come, so a bare weekday is the coming one, like ``--next``.
    """
    if text is None:
        return None
    from crm.clock import utc_now
    from crm.domain.when import WhenError, parse_when

    try:
        return parse_when(text, now=utc_now(), tz=user_zone(), direction="future")
    except WhenError as error:
        fail(f"--now: {error}")


def now_of(ctx: click.Context) -> datetime:
    """This command's "now": frozen by ``--now`` or the real clock."""
    from crm.clock import utc_now

    frozen: datetime | None = ctx.find_root().obj["now"]
    return frozen if frozen is not None else utc_now()


def parse_moment(ctx: click.Context, text: str, option: str, direction: Tense) -> datetime:
    """Read a typed date for ``option``, or fail with one clear line."""
    from crm.domain.when import WhenError, parse_when

    try:
        return parse_when(text, now=now_of(ctx), tz=user_zone(), direction=direction)
    except WhenError as error:
        fail(f"{option}: {error}")


def check_ahead(text: str, moment: datetime, now: datetime, option: str) -> None:
    """Fail with one line when a moment that must be ahead (a next touch) is in the past."""
    from crm.domain.when import WhenError, require_ahead

    try:
        require_ahead(text, moment, now=now)
    except WhenError as error:
        fail(f"{option}: {error}")


def contact_id_of(text: str) -> int:
    """A contact from an id or an unambiguous name; lists the candidates when ambiguous."""
    from crm.services.conversations import AmbiguousContact, UnknownContact, resolve_contact

    try:
        return resolve_contact(text)
    except AmbiguousContact as error:
        lines = [f"crm: {error} Use an id:"]
        lines += [
            f"  {cid}  {name}" + (f" ({company})" if company else "")
            for cid, name, company in error.candidates
        ]
        echo("\n".join(lines), err=True)
        raise click.exceptions.Exit(1) from error
    except UnknownContact as error:
        fail(str(error))


def enum_choice(enum_type: type[Enum]) -> click.Choice:
    """The values of an enum as a case-insensitive choice, e.g. `--stage interviewing`."""
    return click.Choice([member.value for member in enum_type], case_sensitive=False)
