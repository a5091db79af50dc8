"""The one database object, initialised at run time with the path the user chose."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import OperationalError, SqliteDatabase

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_TABLE = "schema_migration"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0
# A writer waits this long for the write lock in silence (brief overlaps are normal), then says
# it is waiting and looks for signs of the other writer's progress at this interval.
WAIT_SLICE_SECONDS = 1.0
# How long the other writer may hold the lock with no sign of progress (no commit, the
# database and -wal files unchanged) before a waiting writer gives up: it is likely stuck.
STALL_SECONDS = 60.0

# Passed to init() so that every thread's connection gets them, not just the first one.
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    # A small page cache per connection: connections live for one read or write, so a
    # bigger cache only keeps the pages of scans, and memory is a goal.
    "cache_size": -500,
    "busy_timeout": int(BUSY_TIMEOUT_SECONDS * 1000),
}

# A read-only connection can't switch the journal mode, and has nothing to sync.
READ_ONLY_PRAGMAS = {
    name: value for name, value in PRAGMAS.items() if name not in ("journal_mode", "synchronous")
}
SQLITE_HEADER_SIZE = 100

SQLITE_INTEGERS = range(-(2**63), 2**63)


class DatabaseError(Exception):
    """The database can't be opened or used; the message is meant for the user."""


class DatabaseBusy(DatabaseError):
    """Another connection held the write lock without progress for too long; nothing was written."""


WaitNotice = Callable[[], object]  # what it returns is ignored
"""Called once each time a writer starts waiting for another to finish writing."""

_wait_notices: list[WaitNotice] = []


def on_write_wait(notice: WaitNotice | None) -> None:
    """Have ``notice`` called when a write must wait for another writer (None: nobody is told)."""
    _wait_notices[:] = [] if notice is None else [notice]


def _is_locked(error: Exception) -> bool:
    return "database is locked" in str(error) or "database is busy" in str(error)


class _ProgressWatch:
    """Tells whether the writer holding the lock still makes progress, and for how long not.

    Any of these counts as progress: a commit by another connection (``data_version``
    changes), or the database or its -wal file changing size or modification time (a long
    transaction spills its pages into the -wal file as it goes; a checkpoint writes the file).
    """

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._connection = connection
        self._files = [] if path is None else [path, _wal_path(path)]
        self._seen = self._signature()
        self._since = time.monotonic()

    def _signature(self) -> tuple[object, ...]:
        signs: list[object] = [self._connection.execute("PRAGMA data_version").fetchone()[0]]
        for file in self._files:
            try:
                info = file.stat()
                signs += [info.st_size, info.st_mtime_ns]
            except OSError:
                signs += [None, None]
        return tuple(signs)

    def stalled_for(self) -> float:
        """Seconds since the last sign of progress."""
        signature = self._signature()
        if signature != self._seen:
            self._seen, self._since = signature, time.monotonic()
        return time.monotonic() - self._since


class _Database(SqliteDatabase):
    """SqliteDatabase whose values SQLite can't store fail with a DatabaseError for the user.

    sqlite3 raises bare OverflowError for an integer beyond 64 bits (an id typed as
    99999999999999999999) and UnicodeEncodeError for text that isn't valid Unicode (a lone
    surrogate that JSON can spell), which would otherwise surface as crashes.
    """

    _lock_type: str | None  # set by SqliteDatabase.__init__; peewee's stub leaves it out

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        try:
            return super().execute_sql(sql, params)
        except OverflowError as error:
            too_big = [p for p in params or () if isinstance(p, int) and p not in SQLITE_INTEGERS]
            number = f"{too_big[0]} " if too_big else ""
            raise DatabaseError(
                f"The number {number}is too large (crm stores numbers up to {2**63 - 1:,})."
            ) from error
        except UnicodeEncodeError as error:
            raise DatabaseError(
                "Some text isn't valid Unicode (it holds a lone surrogate) and can't be stored."
            ) from error

    def begin(self, lock_type: str | None = None) -> None:
        """Start a transaction; one that takes the write lock waits while the holder progresses.

        SQLite's busy timeout alone would fail with "database is locked" after a fixed time,
        however busy the other writer is (a long import). Instead the lock is asked for in
        slices: after the first, the notice says a writer is waiting, and the wait only
        ends in DatabaseBusy once the holder has shown no progress for STALL_SECONDS.
        """
        lock_type = lock_type or self._lock_type
        if not lock_type or lock_type.upper() == "DEFERRED":
            super().begin(lock_type)
            return
        connection = self.connection()
        watch: _ProgressWatch | None = None
        while True:
            connection.execute(f"PRAGMA busy_timeout = {int(WAIT_SLICE_SECONDS * 1000)}")
            try:
                super().begin(lock_type)
                return
            except OperationalError as error:
                if not _is_locked(error):
                    raise
            finally:
                connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            if watch is None:
                watch = _ProgressWatch(connection, _opened.path)
                for notice in list(_wait_notices):
                    notice()
            elif watch.stalled_for() >= STALL_SECONDS:
                raise DatabaseBusy(
                    f"Another program has held the database for writing for over "
                    f"{STALL_SECONDS:.0f} s without writing anything, so it seems stuck; "
                    "nothing was saved. Close it (another crm, or an SQLite tool) and try again."
                )


db = _Database(None, autoconnect=False)

_SQLITE_FULL = 13  # SQLITE_FULL: "database or disk is full"
_SQLITE_IOERR = 10  # SQLITE_IOERR: "disk I/O error", the low byte of its extended codes


def _causes(error: BaseException) -> list[BaseException]:
    """``error``, what it was raised from or during, and what it wraps, nearest first."""
    found: list[BaseException] = []
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if current in found:
            continue
        found.append(current)
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
    return found


def _no_room(where: Path) -> bool:
    try:
        return os.statvfs(where if where.is_dir() else where.parent).f_bavail == 0
    except OSError:
        return False


def out_of_space(error: BaseException, where: Path | None = None) -> bool:
    """Whether ``error`` (or what it hides) says the disk is full.

    SQLite reports a -shm or -wal it couldn't grow as a mere "disk I/O error", so for those
    the file system holding ``where`` is asked whether it has any room left.
    """
    for cause in _causes(error):
        code = getattr(cause, "sqlite_errorcode", None)
        if code == _SQLITE_FULL:
            return True
        if code is not None and code & 0xFF == _SQLITE_IOERR and where and _no_room(where):
            return True
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return True
        if "database or disk is full" in str(cause):
            return True
    return False


@dataclass
class _Opened:
    """What open_database() found out about the file it opened."""

    path: Path | None = None
    read_only: bool = False
    newer: tuple[str, ...] = ()
    """Migrations the file has that this crm doesn't know: a newer crm wrote it."""


_opened = _Opened()


def is_read_only() -> bool:
    """Whether the open database can only be read: its file or its folder isn't writable."""
    return _opened.read_only


def newer_migrations() -> tuple[str, ...]:
    """Migrations the open database has that this crm lacks; () unless a newer crm made it."""
    return _opened.newer


def newer_crm_message(outcome: str = "nothing was saved") -> str:
    """What to tell the user when a change is asked of a database a newer crm made."""
    return (
        f"{_opened.path} was made by a newer crm (migration {_opened.newer[-1]}): "
        f"upgrade crm to change it; {outcome}."
    )


def known_migrations() -> list[str]:
    """The names of this crm's migrations, in order."""
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


def opened_path() -> Path | None:
    """The file open_database() last opened, or None."""
    return _opened.path


def _wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _shm_path(path: Path) -> Path:
    return path.with_name(path.name + "-shm")


def _may_be_in_use(path: Path) -> bool:
    """Whether the database may be open elsewhere, or hold changes only its -wal file has.

    SQLite removes the -wal file when the last connection closes, so without one the file
    alone is the whole database and nobody is changing it.
    """
    try:
        return _wal_path(path).exists()
    except OSError:
        return True  # can't tell: take the careful path


def _wal_index_must_be_private(path: Path) -> bool:
    """Whether reading ``path`` needs its -wal, but no -shm may be made to index it.

    A -wal without its -shm is what a crash, or a copy, leaves: nobody has the database open
    (every WAL connection shares the -shm), and crm mustn't add a -shm beside a database it
    may only read (a read-only folder couldn't even hold one).
    """
    try:
        return _wal_path(path).exists() and not _shm_path(path).exists() and opens_read_only(path)
    except OSError:
        return False  # can't tell: read through the usual -shm, which fails cleanly


# SQLite builds the -wal's index in the connection's own memory, instead of the -shm file,
# only in exclusive locking mode, which needs a VFS that takes no locks: a read-only file
# can't be locked for writing (sqlite.org/wal.html#noshm). Set before the first read.
PRIVATE_WAL_INDEX_VFS = "unix-none"
PRIVATE_WAL_INDEX_PRAGMAS = {"locking_mode": "exclusive"}


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` for reading only, creating no file beside it.

    When the file alone is the whole database, ``immutable=1`` reads it without the -shm
    file that a read-only folder couldn't hold. A -wal file without its -shm is indexed in
    the connection's memory: the URI names a VFS that refuses to open it until the
    connection is set to PRIVATE_WAL_INDEX_PRAGMAS (``connect_read_only`` does), so
    ``immutable=1`` never silently drops the -wal's committed changes. Otherwise SQLite
    reads through the -wal and -shm files, taking the usual locks.
    """
    uri = path.absolute().as_uri() + "?mode=ro"
    if not _may_be_in_use(path):
        return uri + "&immutable=1"
    if _wal_index_must_be_private(path):
        return uri + f"&vfs={PRIVATE_WAL_INDEX_VFS}"
    return uri


def read_only_pragmas(path: Path) -> dict[str, object]:
    """The pragmas, in order, that a connection to ``read_only_uri(path)`` must start with."""
    if _wal_index_must_be_private(path):
        return {**PRIVATE_WAL_INDEX_PRAGMAS, **READ_ONLY_PRAGMAS}
    return dict(READ_ONLY_PRAGMAS)


def connect_read_only(path: Path, **options: Any) -> sqlite3.Connection:
    """An sqlite3 connection that reads ``path`` (and its -wal) and writes nothing beside it."""
    connection = sqlite3.connect(read_only_uri(path), uri=True, **options)
    try:
        for name, value in read_only_pragmas(path).items():
            connection.execute(f"PRAGMA {name} = {value}")
    except BaseException:
        connection.close()
        raise
    return connection


def _truncation(path: Path, header: bytes) -> str | None:
    """Why the file is shorter than a whole database, judged from its header; None if it isn't."""
    if len(header) < SQLITE_HEADER_SIZE:
        return "it is cut short (shorter than an SQLite header)"
    if _may_be_in_use(path):
        return None  # the header may be behind the -wal file, or mid-checkpoint
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is only kept up to date when these two counters agree (SQLite >= 3.7).
    pages_are_counted = header[24:28] == header[92:96]
    size = path.stat().st_size
    if pages_are_counted and pages and size < pages * page_size:
        return f"it is cut short ({size:,} of {pages * page_size:,} bytes)"
    return None


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def refuse_special_file(path: Path) -> bool:
    """Raise DatabaseError if ``path`` exists but isn't a regular file; returns whether it exists.

    Only a regular file (or a path with nothing there yet) may become a database: SQLite
    would write its header over a device and block forever opening a FIFO.
    """
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False  # nothing there: creating it will say what's in the way
    except OSError as error:
        raise DatabaseError(f"Can't read {path}: {error.strerror}.") from error
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
        raise DatabaseError(f"{path} is {kind}, not a crm database; nothing was changed.")
    return True


def refuse_foreign_file(path: Path, *, in_use: bool = False) -> tuple[str, ...]:
    """Raise DatabaseError if ``path`` exists but isn't an SQLite database made by crm.

    Returns the migrations the file has that this crm doesn't know (a newer crm made it).
    ``in_use``: this process may have the file open already, so only SQLite may open it:
    closing any other descriptor of the file drops every lock the process holds on it.
    """
    if not refuse_special_file(path) or path.stat().st_size == 0:
        return ()
    if not in_use:
        _refuse_by_header(path)
    try:
        # Read-only and, when possible, immutable: probing a file must not leave -wal or -shm
        # files beside it, nor change it.
        uri = path.absolute().as_uri() + "?mode=ro"
        probe = (
            sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
            if in_use
            else connect_read_only(path, timeout=BUSY_TIMEOUT_SECONDS)
        )
        with closing(probe):
            tables = {name for (name,) in probe.execute("SELECT name FROM sqlite_master")}
            applied = (
                [name for (name,) in probe.execute(f'SELECT name FROM "{MIGRATION_TABLE}"')]
                if MIGRATION_TABLE in tables
                else []
            )
    except sqlite3.DatabaseError as error:
        if out_of_space(error, path):
            raise DatabaseError(f"No space left on device: can't open {path}.") from error
        raise DatabaseError(f"{path} is not a usable crm database ({error}).") from error
    if tables and MIGRATION_TABLE not in tables:
        raise DatabaseError(f"{path} is an SQLite database, but not one of crm's.")
    known = set(known_migrations())
    return tuple(sorted(name for name in applied if name not in known))


_refuse_foreign_file = refuse_foreign_file


def _refuse_by_header(path: Path) -> None:
    """Raise DatabaseError unless the file starts like a whole SQLite database."""
    try:
        with path.open("rb") as handle:
            header = handle.read(SQLITE_HEADER_SIZE)
    except OSError as error:
        raise DatabaseError(f"Can't read {path}: {error.strerror}.") from error
    if not header.startswith(SQLITE_HEADER):
        raise DatabaseError(f"{path} is not a crm database (not an SQLite file).")
    truncation = _truncation(path, header)
    if truncation:
        raise DatabaseError(f"{path} is damaged: {truncation}. Restore it from a backup.")


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


def _writable(path: Path) -> bool:
    """Whether ``path`` may be written, by permission and by its owner's intent.

    root passes os.access() for every file, so a file or folder whose owner-write bit is
    cleared counts as meant to stay unchanged, whoever runs crm.
    """
    try:
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & stat.S_IWUSR)
    except OSError:
        return False


def opens_read_only(path: Path) -> bool:
    """Whether ``path`` is an existing database that crm may read but not write."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    return not _writable(path) or not _writable(path.parent)


def open_database(path: Path) -> None:
    """Point the shared ``db`` at ``path``, refusing files that aren't crm databases.

    A database whose file or folder can't be written opens read-only: reads work, and
    ``is_read_only()`` tells the writing services to refuse.
    """
    path = Path(path)
    newer = refuse_foreign_file(path)
    read_only = opens_read_only(path)
    if not read_only:
        _prepare_location(path)
    if not db.is_closed():
        db.close()
    # peewee's stub types timeout as int; sqlite3.connect, which gets it, takes float seconds.
    if read_only:
        db.init(
            read_only_uri(path),
            uri=True,
            pragmas=read_only_pragmas(path),
            timeout=BUSY_TIMEOUT_SECONDS,  # type: ignore[arg-type]
        )
    else:
        db.init(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_SECONDS)  # type: ignore[arg-type]
    _opened.path, _opened.read_only, _opened.newer = path, read_only, newer


def pending_migrations() -> list[str]:
    """Names of migration files not yet applied to the open database."""
    files = known_migrations()
    with db.connection_context():
        if MIGRATION_TABLE not in db.get_tables():
            return files
        applied = {name for (name,) in db.execute_sql(f'SELECT name FROM "{MIGRATION_TABLE}"')}
    return [name for name in files if name not in applied]


def migrate() -> list[str]:
    """Apply pending schema migrations; returns the names applied."""
    pending = pending_migrations()
    if not pending:
        return []  # the common case at start-up: skip loading the migration runner
    if _opened.newer:
        # Its schema is ahead of ours: the missing steps may not even apply to it.
        raise DatabaseError(newer_crm_message("nothing was changed"))
    if is_read_only():
        raise DatabaseError(
            f"{_opened.path} is read-only, and this crm must upgrade it first "
            f"({', '.join(pending)}): make it writable and try again."
        )
    from playhouse.migrations import run

    with db.connection_context():
        return list(run(db, str(MIGRATIONS_DIR), table_name=MIGRATION_TABLE))


def close_database() -> None:
    """Close this thread's connection, if open."""
    if not db.is_closed():
        db.close()
