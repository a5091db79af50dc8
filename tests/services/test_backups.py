"""Backups and restores of real SQLite files, while the app keeps writing."""

from __future__ import annotations

import re
import sqlite3
import stat
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.db import close_database, migrate, open_database
from crm.db.database import MIGRATION_TABLE
from crm.domain.types import ContactDraft
from crm.services import backups, contacts


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _query(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute(sql).fetchall()
    connection.close()
    return rows


def _integrity(path: Path) -> str:
    return _query(path, "PRAGMA integrity_check")[0][0]


def _names(path: Path) -> list[str]:
    return [name for (name,) in _query(path, "SELECT name FROM contact ORDER BY id")]


def test_backup_goes_beside_the_database_with_a_dated_private_name(
    demo_db: Path, now: datetime
) -> None:
    target = backups.backup_database(demo_db, now=now)
    assert target.parent == demo_db.parent / "backups"
    assert target.name == "crm-20261118-150000.sqlite3"
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700
    assert _integrity(target) == "ok"
    assert _names(target) == _names(demo_db)
    # One self-contained file: no write-ahead log beside it, and no leftovers.
    assert _query(target, "PRAGMA journal_mode") == [("delete",)]
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_two_backups_in_the_same_second_both_survive(demo_db: Path, now: datetime) -> None:
    first = backups.backup_database(demo_db, now=now)
    second = backups.backup_database(demo_db, now=now)
    assert first != second and first.exists() and second.exists()


def test_backup_to_a_chosen_file_or_folder(demo_db: Path, tmp_path: Path, now: datetime) -> None:
    chosen = tmp_path / "elsewhere" / "mine.sqlite3"
    assert backups.backup_database(demo_db, chosen, now=now) == chosen
    assert _mode(chosen) == 0o600 and _mode(chosen.parent) == 0o700
    with pytest.raises(backups.BackupError, match="already exists"):
        backups.backup_database(demo_db, chosen, now=now)
    folder = tmp_path / "elsewhere"
    assert backups.backup_database(demo_db, folder, now=now).parent == folder
    with pytest.raises(backups.BackupError, match="is the database itself"):
        backups.backup_database(demo_db, demo_db, now=now)


def test_backup_of_a_missing_database_is_refused(tmp_path: Path, now: datetime) -> None:
    with pytest.raises(backups.BackupError, match="There is no database"):
        backups.backup_database(tmp_path / "nothing.sqlite3", now=now)
    assert not (tmp_path / "backups").exists()


def test_backups_taken_while_a_writer_commits_are_consistent(db_path: Path, now: datetime) -> None:
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def keep_writing() -> None:
        try:
            while not stop.is_set():
                draft = ContactDraft(name=f"Writer {len(written)}", topics=("busy",))
                written.append(contacts.create_contact(draft, now=now))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_database()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    taken = []
    try:
        for second in range(6):
            wanted = len(written) + 10  # let the writer commit between two backups
            while len(written) < wanted and writer.is_alive():
                threading.Event().wait(0.005)
            taken.append(backups.backup_database(db_path, now=now + timedelta(seconds=second)))
    finally:
        stop.set()
        writer.join()
    assert not errors
    counts = []
    for backup in taken:
        assert _integrity(backup) == "ok"
        # A contact and its search row are written in one transaction: a torn copy would differ.
        [(people, indexed)] = _query(
            backup, "SELECT (SELECT COUNT(*) FROM contact), (SELECT COUNT(*) FROM contact_index)"
        )
        assert people == indexed
        counts.append(people)
    assert counts == sorted(counts) and counts[-1] > 0
    assert counts[-1] > counts[0]  # the writer really was committing during the backups


# --- automatic backups ---------------------------------------------------------------------


def test_daily_backup_runs_once_a_day_and_keeps_the_last_seven(
    demo_db: Path, now: datetime
) -> None:
    made = []
    for day in range(10):
        moment = now + timedelta(days=day)
        made.append(backups.daily_backup(demo_db, moment))
        assert backups.daily_backup(demo_db, moment + timedelta(hours=3)) is None
    assert all(path is not None for path in made)
    kept = backups.daily_backups(demo_db)
    assert kept == made[-7:]
    assert [p.name for p in kept][-1] == "crm-20261127-150000-daily.sqlite3"
    assert all(_mode(p) == 0o600 for p in kept)


def test_two_crms_starting_in_the_same_second_take_one_daily_backup_quietly(
    demo_db: Path, now: datetime
) -> None:
    """A cron job and the app (or two cron jobs) start together on a new day: the one that
    finds the other already writing today's copy leaves it to it, with no warning."""
    folder = backups.backups_folder(demo_db)
    folder.mkdir(parents=True, exist_ok=True)
    name = backups.backup_name(now, backups.DAILY)
    in_progress = folder / f".{name}.part"  # what the other process is writing
    in_progress.touch()
    assert backups.daily_backup(demo_db, now) is None
    assert backups.daily_backups(demo_db) == []
    with pytest.raises(backups.BackupError, match="another backup is writing it"):
        backups.backup_database(demo_db, folder / name)  # asked for by name: said plainly
    in_progress.unlink()
    assert backups.daily_backup(demo_db, now) is not None


def test_daily_backup_keep_is_configurable(demo_db: Path, now: datetime) -> None:
    for day in range(5):
        backups.daily_backup(demo_db, now + timedelta(days=day), keep=2)
    assert len(backups.daily_backups(demo_db)) == 2
    assert backups.daily_backup(demo_db, now + timedelta(days=9), keep=0) is None


def test_manual_backups_are_never_pruned(demo_db: Path, now: datetime) -> None:
    manual = backups.backup_database(demo_db, now=now - timedelta(days=30))
    for day in range(3):
        backups.daily_backup(demo_db, now + timedelta(days=day), keep=1)
    assert manual.exists()


def test_automatic_backups_skip_a_brand_new_database(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    assert backups.daily_backup(db_path, now) is None
    assert backups.daily_backup(tmp_path / "missing.sqlite3", now) is None
    assert backups.backup_before_migration(db_path, now) is None
    assert backups.backup_before_migration(tmp_path / "missing.sqlite3", now) is None
    assert not (db_path.parent / "backups").exists()


def test_backup_before_migration_only_when_one_is_pending(demo_db: Path, now: datetime) -> None:
    assert backups.backup_before_migration(demo_db, now) is None
    with sqlite3.connect(demo_db) as connection:
        connection.execute(f'DELETE FROM "{MIGRATION_TABLE}"')  # as if 0001 were new
    connection.close()
    made = backups.backup_before_migration(demo_db, now)
    assert made is not None and made.name == "crm-20261118-150000-before-migration.sqlite3"
    assert _names(made) == _names(demo_db)


# --- restore -------------------------------------------------------------------------------


def _other_database(path: Path, name: str, now: datetime) -> Path:
    """A separate crm database holding one contact, closed afterwards."""
    open_database(path)
    migrate()
    contacts.create_contact(ContactDraft(name=name), now=now)
    close_database()
    return path


def test_restore_replaces_the_database_and_keeps_the_current_one(
    demo_db: Path, tmp_path: Path, now: datetime
) -> None:
    old_names = _names(demo_db)
    source = _other_database(tmp_path / "other" / "old.sqlite3", "Restored Person", now)
    open_database(demo_db)  # as the app would have it
    kept = backups.restore_database(demo_db, source, now=now)
    assert kept is not None and kept.name == "crm-20261118-150000-before-restore.sqlite3"
    assert _names(kept) == old_names
    assert _names(demo_db) == ["Restored Person"]
    assert _integrity(demo_db) == "ok"
    assert _query(demo_db, "PRAGMA journal_mode") == [("wal",)]
    found = contacts.search_contacts("restored")
    assert [row.name for row in found] == ["Restored Person"]


def test_restore_into_a_missing_database_creates_it_privately(
    tmp_path: Path, now: datetime
) -> None:
    source = _other_database(tmp_path / "backup.sqlite3", "Ann Lee", now)
    target = tmp_path / "new" / "crm.sqlite3"
    assert backups.restore_database(target, source, now=now) is None
    assert _names(target) == ["Ann Lee"]
    assert _mode(target) == 0o600 and _mode(target.parent) == 0o700


def _unchanged(db_path: Path, before: list[str]) -> None:
    assert _names(db_path) == before
    assert not (db_path.parent / "backups").exists()


def test_restore_refuses_a_text_file(demo_db: Path, tmp_path: Path, now: datetime) -> None:
    before = _names(demo_db)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 20)
    with pytest.raises(backups.BackupError, match="not a crm database"):
        backups.restore_database(demo_db, notes, now=now)
    _unchanged(demo_db, before)


def test_restore_refuses_a_truncated_database(demo_db: Path, tmp_path: Path, now: datetime) -> None:
    before = _names(demo_db)
    whole = backups.backup_database(demo_db, tmp_path / "whole.sqlite3", now=now)
    data = whole.read_bytes()
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(backups.BackupError, match="is damaged"):
        backups.restore_database(demo_db, truncated, now=now)
    _unchanged(demo_db, before)


def test_restore_refuses_other_sqlite_files_and_newer_crm_databases(
    demo_db: Path, tmp_path: Path, now: datetime
) -> None:
    before = _names(demo_db)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    with pytest.raises(backups.BackupError, match="not one of crm's"):
        backups.restore_database(demo_db, foreign, now=now)
    newer = backups.backup_database(demo_db, tmp_path / "newer.sqlite3", now=now)
    with sqlite3.connect(newer) as connection:
        connection.execute(
            f'INSERT INTO "{MIGRATION_TABLE}" (name, applied) VALUES (?, ?)',
            ("9999_from_the_future", "2030-01-01 00:00:00"),
        )
    connection.close()
    with pytest.raises(backups.BackupError, match="newer crm"):
        backups.restore_database(demo_db, newer, now=now)
    with pytest.raises(backups.BackupError, match="doesn't exist"):
        backups.restore_database(demo_db, tmp_path / "nope.sqlite3", now=now)
    _unchanged(demo_db, before)


def test_backup_names_sort_by_time() -> None:
    early = backups.backup_name(datetime(2026, 1, 2, 3, 4, 5))
    late = backups.backup_name(datetime(2026, 12, 1, 0, 0, 0), "daily")
    assert re.fullmatch(r"crm-\d{8}-\d{6}\.sqlite3", early)
    assert early < late
