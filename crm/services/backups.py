"""Backups of the database file: on demand, daily, before migrations, and restoring one.

Copies go through SQLite's online backup API, which reads one consistent snapshot even while
the app (another thread or process) keeps writing; a copy is written under a temporary name
and renamed when complete, so a listed backup is always a whole database.
"""

from __future__ import annotations

import contextlib
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
    DatabaseError,
    connect_read_only,
    opens_read_only,
    out_of_space,
    read_only_uri,
    refuse_foreign_file,
    refuse_special_file,
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


def _connect_source(path: Path) -> sqlite3.Connection:
    """A connection to the database being copied; one crm may only read leaves no file beside it."""
    if opens_read_only(path):
        return connect_read_only(path, timeout=BUSY_TIMEOUT_SECONDS)
    return _connect(path)


def _beside(path: Path, *suffixes: str) -> list[Path]:
    """``path`` and the files SQLite may make beside it (``-journal``, ``-wal``, ``-shm``)."""
    return [path, *(path.with_name(path.name + suffix) for suffix in suffixes)]


def _no_space(where: Path) -> BackupError:
    return BackupError(f"No space left on device: can't write {where}; nothing was kept there.")


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
        with closing(_connect_source(source)) as live, closing(sqlite3.connect(partial)) as copy:
            # pages=-1: one step, so the copy is the snapshot of a single read transaction
            # (stepping would restart whenever another connection commits).
            live.backup(copy, pages=-1)
            # A backup is one self-contained file: no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        os.chmod(partial, 0o600)
        if target.exists():
            raise TargetTaken(f"{target} already exists; choose another name.")
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        if out_of_space(error, target):
            raise _no_space(target) from None
        if isinstance(error, OSError):
            raise BackupError(f"Can't write {target}: {error.strerror}.") from None
        raise BackupError(f"Can't back up {source}: {error}.") from None
    finally:
        # The copy takes the live file's WAL mode with its header until switched back, so a
        # failure on the way can leave a -wal and -shm as well as a -journal.
        for leftover in _beside(partial, "-journal", "-wal", "-shm"):
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
    made_folder: Path | None = None
    if target is None:
        folder = backups_folder(db_path)
        made_folder = None if folder.exists() else folder
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
        made_folder = None if target.parent.exists() else target.parent
        _private_folder(target.parent)
    try:
        _copy(db_path, target)
    except BackupError:
        if made_folder is not None:
            # A failed first backup leaves no empty backups/ folder behind.
            with contextlib.suppress(OSError):
                made_folder.rmdir()
        raise
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
        # Immutable when it can be: checking a file must leave no -wal or -shm beside it.
        with closing(connect_read_only(path)) as probe:
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
    # Only through SQLite: the app may hold the file open in this process, and closing any
    # other descriptor of it would drop SQLite's locks (a checkpoint elsewhere then loses data).
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
        if out_of_space(error, db_path):
            raise _no_space(db_path) from None
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

    The file is checked first; a bad one raises BackupError and nothing changes. Then, in one
    transaction holding SQLite's write lock, the current database is copied aside and its
    contents replaced by the backup's: every write committed before the lock is in the kept
    copy, every later one lands on the restored data, and a failure changes nothing. The file
    itself stays (with its page size), so an open app reads the restored data next time.
    Returns where the previous database was kept, or None if there was none.
    """
    db_path, source = Path(db_path), Path(source)
    try:
        refuse_special_file(db_path)
    except DatabaseError as error:
        raise BackupError(str(error)) from None
    if opens_read_only(db_path):
        # Checked like opening it: root may write any file, but not one meant to stay as it is.
        raise BackupError(
            f"{db_path} is read-only (its file or folder isn't writable): "
            "crm won't replace it. Make it writable and try again."
        )
    try:
        if refuse_foreign_file(db_path, in_use=True):
            raise BackupError(
                f"{db_path} was made by a newer crm: upgrade crm before restoring over it."
            )
    except DatabaseError as error:
        raise BackupError(str(error)) from None
    check_database_file(source)
    if _same_file(source, db_path):
        raise BackupError(f"{source} is the database itself.")
    if not db_path.exists():
        _private_folder(db_path.parent)
        try:
            fd = os.open(db_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as error:
            raise BackupError(f"Can't create {db_path}: {error.strerror}.") from None
    kept: Path | None = None
    try:
        with closing(
            sqlite3.connect(
                db_path.absolute().as_uri(),
                uri=True,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
            )
        ) as live:
            live.execute("PRAGMA journal_mode=WAL")
            live.execute("ATTACH DATABASE ? AS restored", (read_only_uri(source),))
            live.execute("BEGIN IMMEDIATE")  # from here on, nobody else commits until we do
            try:
                if _holds_data(db_path):
                    kept = backup_database(db_path, now=now, kind=BEFORE_RESTORE)
                _replace_contents(live)
                problems = [line for (line,) in live.execute("PRAGMA main.quick_check")]
                if problems != ["ok"]:
                    raise BackupError(f"The restored database fails its check ({problems[0]}).")
                live.execute("COMMIT")
            except BaseException:
                if live.in_transaction:
                    live.execute("ROLLBACK")
                raise
    except (BackupError, sqlite3.Error, OSError) as error:
        if kept is not None:
            kept.unlink(missing_ok=True)  # the database is as it was: no copy to explain
        if isinstance(error, BackupError):
            raise BackupError(f"{str(error).rstrip('.')}; nothing was changed.") from None
        if out_of_space(error, db_path):
            raise BackupError(
                f"No space left on device: can't restore into {db_path}; nothing was changed."
            ) from None
        raise BackupError(f"Can't restore {source}: {error}; nothing was changed.") from None
    return kept


def _replace_contents(live: sqlite3.Connection) -> None:
    """Make ``main`` hold exactly the schema and rows of the attached ``restored``.

    Tables are copied row for row, the full-text index's shadow tables included, so the
    search index arrives as it was; indexes come last, built once over the copied rows.
    """

    def objects(schema: str) -> dict[str, str]:
        """Name to kind (table, virtual, shadow, view) of the schema's tables and views."""
        return {
            name: kind
            for _schema, name, kind, *_ in live.execute(f"PRAGMA {schema}.table_list")
            if not name.startswith("sqlite_")
        }

    current = objects("main")
    for (name,) in live.execute("SELECT name FROM main.sqlite_master WHERE type = 'trigger'"):
        live.execute(f'DROP TRIGGER main."{name}"')
    for kind in ("view", "virtual", "table"):  # a virtual table drops its shadow tables
        for name, its_kind in current.items():
            if its_kind == kind:
                statement = "VIEW" if kind == "view" else "TABLE"
                live.execute(f'DROP {statement} IF EXISTS main."{name}"')
    restored = objects("restored")
    rows = live.execute(
        "SELECT type, name, sql FROM restored.sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    for kind, name, sql in rows:
        if kind == "table" and restored.get(name) in ("table", "virtual"):
            live.execute(sql)
    for name, kind in restored.items():
        if kind in ("table", "shadow"):
            live.execute(f'DELETE FROM main."{name}"')  # a new virtual table fills its own
            live.execute(f'INSERT INTO main."{name}" SELECT * FROM restored."{name}"')
    sequences = live.execute(
        "SELECT 1 FROM restored.sqlite_master WHERE name = 'sqlite_sequence'"
    ).fetchone()
    if sequences:
        live.execute("DELETE FROM main.sqlite_sequence")
        live.execute("INSERT INTO main.sqlite_sequence SELECT * FROM restored.sqlite_sequence")
    for kind, _name, sql in rows:
        if kind in ("index", "trigger", "view"):
            live.execute(sql)
    (version,) = live.execute("PRAGMA restored.user_version").fetchone()
    live.execute(f"PRAGMA main.user_version = {int(version)}")
