"""Backups of the database file: on demand, daily, before migrations, and restoring one.

Copies go through SQLite's online backup API, which reads one consistent snapshot even while
the app (another thread or process) keeps writing; a copy is written under a temporary name
and renamed when complete, so a listed backup is always a whole database.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from crm.clock import utc_now
from crm.db.database import (
    BUSY_TIMEOUT_SECONDS,
    MIGRATION_TABLE,
    MIGRATIONS_DIR,
    SQLITE_HEADER,
    opens_read_only,
)
from crm.db.models import ALL_MODELS

BACKUP_FOLDER = "backups"
DAILY_KEEP = 7
_STAMP = "%Y%m%d-%H%M%S"
DAILY = "daily"
BEFORE_MIGRATION = "before-migration"
BEFORE_RESTORE = "before-restore"


class BackupError(Exception):
    """A backup or restore can't be done; the message is one line meant for the user."""


class TargetTaken(BackupError):
    """Another backup is writing, or has just written, the file this one was to write."""


def backups_folder(db_path: Path) -> Path:
    """Where backups of ``db_path`` go by default: ``backups/`` beside it."""
    return Path(db_path).parent / BACKUP_FOLDER


def backup_name(now: datetime, kind: str = "") -> str:
    """``crm-YYYYMMDD-HHMMSS.sqlite3`` (UTC); automatic ones add ``-KIND`` before the suffix."""
    suffix = f"-{kind}" if kind else ""
    return f"crm-{now:{_STAMP}}{suffix}.sqlite3"


def _private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) readable by the user alone."""
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
            os.chmod(folder, 0o700)
    except OSError as error:
        raise BackupError(f"Can't create {folder}: {error.strerror}.") from None


def _free_name(folder: Path, name: str) -> Path:
    """``folder / name``, or ``…-2.sqlite3``, ``…-3`` if a backup already took that second."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    counter = 2
    while target.exists():
        target = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    return target


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """An sqlite3 connection that waits for the app's locks like the app itself does."""
    if read_only:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _copy(source: Path, target: Path) -> None:
    """Copy the database at ``source`` to a new private file ``target`` in one snapshot."""
    partial = target.with_name(f".{target.name}.part")
    try:
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        raise TargetTaken(f"Can't write {target}: another backup is writing it.") from None
    except OSError as error:
        raise BackupError(f"Can't write {target}: {error.strerror}.") from None
    try:
        with closing(_connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
            # pages=-1: one step, so the copy is the snapshot of a single read transaction
            # (stepping would restart whenever another connection commits).
            live.backup(copy, pages=-1)
            # A backup is one self-contained file: no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        os.chmod(partial, 0o600)
        if target.exists():
            raise TargetTaken(f"{target} already exists; choose another name.")
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"Can't back up {source}: {error}.") from None
    except OSError as error:
        raise BackupError(f"Can't write {target}: {error.strerror}.") from None
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)


def backup_database(
    db_path: Path, target: Path | None = None, *, now: datetime | None = None, kind: str = ""
) -> Path:
    """Copy the database to ``target`` (a file or a folder; default ``backups/``); returns it.

    Args:
        db_path: The live database, which the app may be writing to meanwhile.
        target: A file name (which must not exist yet) or an existing folder.
        now: The time in the file name (naive UTC).
        kind: Marks automatic backups in the name (``daily``, ``before-migration``…).

    Raises:
        BackupError: The database is missing, the target exists, or the copy failed.
    """
    db_path = Path(db_path)
    moment = now or utc_now()
    if not db_path.is_file() or db_path.stat().st_size == 0:
        raise BackupError(f"There is no database at {db_path} to back up.")
    if target is None:
        folder = backups_folder(db_path)
        _private_folder(folder)
        os.chmod(folder, 0o700)
        target = _free_name(folder, backup_name(moment, kind))
    elif target.is_dir():
        target = _free_name(target, backup_name(moment, kind))
    else:
        if _same_file(target, db_path):
            raise BackupError(f"{target} is the database itself; choose another name.")
        if target.exists():
            raise BackupError(f"{target} already exists; choose another name.")
        _private_folder(target.parent)
    _copy(db_path, target)
    return target


# --- checks --------------------------------------------------------------------------------


def check_database_file(path: Path) -> None:
    """Raise BackupError unless ``path`` is a whole, undamaged crm database this crm can open."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} doesn't exist.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupError(f"Can't read {path}: {error.strerror}.") from None
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not a crm database (not an SQLite file).")
    try:
        with closing(_connect(path, read_only=True)) as probe:
            problems = [line for (line,) in probe.execute("PRAGMA integrity_check")]
            tables = {name for (name,) in probe.execute("SELECT name FROM sqlite_master")}
            applied = (
                [name for (name,) in probe.execute(f'SELECT name FROM "{MIGRATION_TABLE}"')]
                if MIGRATION_TABLE in tables
                else []
            )
    except sqlite3.Error as error:
        raise BackupError(f"{path} is damaged ({error}).") from None
    if problems != ["ok"]:
        raise BackupError(f"{path} is damaged (integrity check: {problems[0]}).")
    if MIGRATION_TABLE not in tables:
        raise BackupError(f"{path} is an SQLite database, but not one of crm's.")
    known = {p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py")}
    newer = sorted(set(applied) - known)
    if newer:
        raise BackupError(
            f"{path} was written by a newer crm (migration {newer[-1]}); update crm first."
        )


def _holds_data(db_path: Path) -> bool:
    """Whether the file at ``db_path`` has any of crm's rows (a brand-new database has none)."""
    if not db_path.is_file() or db_path.stat().st_size < len(SQLITE_HEADER):
        return False
    with db_path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return False
    try:
        with closing(_connect(db_path)) as probe:
            tables = {name for (name,) in probe.execute("SELECT name FROM sqlite_master")}
            for model in ALL_MODELS:
                table = model._meta.table_name
                if table in tables and probe.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
                    return True
    except sqlite3.Error:
        return True  # can't tell: better an unneeded copy than none
    return False


def _pending_migrations(db_path: Path) -> list[str]:
    """Migration files not yet applied to the file at ``db_path`` (read without peewee)."""
    files = sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))
    with closing(_connect(db_path)) as probe:
        tables = {name for (name,) in probe.execute("SELECT name FROM sqlite_master")}
        if MIGRATION_TABLE not in tables:
            return files
        applied = {name for (name,) in probe.execute(f'SELECT name FROM "{MIGRATION_TABLE}"')}
    return [name for name in files if name not in applied]


# --- automatic backups ---------------------------------------------------------------------


def backup_before_migration(db_path: Path, now: datetime | None = None) -> Path | None:
    """Copy the database before migrations change it; None if none are pending or it's empty."""
    db_path = Path(db_path)
    if not _holds_data(db_path):
        return None
    try:
        if not _pending_migrations(db_path):
            return None
    except sqlite3.Error as error:
        raise BackupError(f"Can't read {db_path}: {error}.") from None
    return backup_database(db_path, now=now, kind=BEFORE_MIGRATION)


def daily_backups(db_path: Path) -> list[Path]:
    """The automatic daily backups of ``db_path``, oldest first."""
    folder = backups_folder(Path(db_path))
    return sorted(folder.glob(f"crm-*-{DAILY}.sqlite3"))


def daily_backup(db_path: Path, now: datetime, keep: int = DAILY_KEEP) -> Path | None:
    """The day's backup, once per calendar day (UTC), keeping the last ``keep``.

    Returns the new file, or None when there was nothing to do: today's copy already exists,
    the database is brand new and empty, or ``keep`` is 0 (daily backups turned off).
    """
    db_path = Path(db_path)
    if keep <= 0 or not _holds_data(db_path):
        return None
    made: Path | None = None
    today = f"crm-{now:%Y%m%d}-"
    if not any(path.name.startswith(today) for path in daily_backups(db_path)):
        try:
            made = backup_database(db_path, now=now, kind=DAILY)
        except TargetTaken:
            # Another crm (a cron job starting in the same second) is taking today's copy.
            return None
    for old in daily_backups(db_path)[:-keep]:
        old.unlink(missing_ok=True)
    return made


# --- restore -------------------------------------------------------------------------------


def restore_database(db_path: Path, source: Path, *, now: datetime | None = None) -> Path | None:
    """Replace the database with the backup at ``source``, keeping the current one as a backup.

    The file is checked first; a bad one raises BackupError and nothing changes. The copy goes
    through the backup API into the live file, under SQLite's locks, so its -wal file and any
    open connection see the restored data. Returns where the previous database was kept, or
    None if there was none.
    """
    db_path, source = Path(db_path), Path(source)
    if opens_read_only(db_path):
        # Checked like opening it: root may write any file, but not one meant to stay as it is.
        raise BackupError(
            f"{db_path} is read-only (its file or folder isn't writable): "
            "crm won't replace it. Make it writable and try again."
        )
    check_database_file(source)
    if _same_file(source, db_path):
        raise BackupError(f"{source} is the database itself.")
    kept: Path | None = None
    if db_path.exists() and db_path.stat().st_size > 0:
        kept = backup_database(db_path, now=now, kind=BEFORE_RESTORE)
    else:
        _private_folder(db_path.parent)
        try:
            fd = os.open(db_path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as error:
            raise BackupError(f"Can't create {db_path}: {error.strerror}.") from None
    try:
        with (
            closing(_connect(source, read_only=True)) as backup,
            closing(_connect(db_path)) as live,
        ):
            backup.backup(live, pages=-1)
            problems = [line for (line,) in live.execute("PRAGMA quick_check")]
    except sqlite3.Error as error:
        where = f"; the previous database is kept at {kept}" if kept else ""
        raise BackupError(f"Can't restore {source}: {error}{where}.") from None
    if problems != ["ok"]:
        where = f"; the previous database is kept at {kept}" if kept else ""
        raise BackupError(f"The restored database fails its check ({problems[0]}){where}.")
    return kept
