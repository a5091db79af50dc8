"""Opening, migrating and refusing databases, against real SQLite files."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from crm.db import DatabaseError, close_database, db, migrate, open_database
from crm.db.database import MIGRATION_TABLE, MIGRATIONS_DIR
from crm.db.models import ALL_MODELS


def test_migrations_create_the_schema_the_models_describe(db_path: Path) -> None:
    with db.connection_context():
        assert not diff_models(db, list(ALL_MODELS))
        tables = set(db.get_tables())
    assert {"contact", "follow_up", "interview_interviewer", "contact_index"} <= tables


def test_migrations_run_once(db_path: Path) -> None:
    assert migrate() == []


def _migration_names() -> list[str]:
    return sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))


def _schema() -> list[tuple[str, str, str]]:
    return sorted(db.execute_sql("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


def test_migrations_go_down_and_up_again(db_path: Path) -> None:
    with db.connection_context():
        runner = Runner(db, str(MIGRATIONS_DIR), table_name=MIGRATION_TABLE)
        runner.down(target="0001_initial")
        assert [t for t in db.get_tables() if t != MIGRATION_TABLE] == []
        assert runner.up() == _migration_names()
        assert not diff_models(db, list(ALL_MODELS))


def test_the_today_indexes_come_and_go_with_their_migration(db_path: Path) -> None:
    with db.connection_context():
        runner = Runner(db, str(MIGRATIONS_DIR), table_name=MIGRATION_TABLE)
        current = _schema()
        runner.down(target="0002_today_indexes")
        before = _schema()
        assert ("index", "followup_done_at_window_end") in {(t, n) for t, n, _ in before}
        assert not {n for _, n, _ in before} & {
            "follow_up_done_at_window_end_window_start",
            "follow_up_done_at_window_start",
            "follow_up_snoozed_or_inverted",
        }
        runner.up()
        assert _schema() == current


def test_every_connection_gets_wal_foreign_keys_and_a_busy_timeout(db_path: Path) -> None:
    with db.connection_context():
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_new_database_is_private_to_the_user(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "crm.sqlite3"
    open_database(path)
    migrate()
    close_database()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_text_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my precious notes\n")
    with pytest.raises(DatabaseError, match="not a crm database"):
        open_database(path)
    assert path.read_text() == "my precious notes\n"


def test_another_programs_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    other.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not one of crm's"):
        open_database(path)
    assert path.read_bytes() == before


def test_an_empty_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    open_database(path)
    assert migrate() == _migration_names()
    close_database()


def test_an_unwritable_location_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if (locked / "probe").parent.stat().st_mode and _can_write(locked):
            pytest.skip("running as a user that ignores permissions")
        with pytest.raises(DatabaseError, match="Can't"):
            open_database(locked / "crm.sqlite3")
    finally:
        locked.chmod(0o700)


def test_a_path_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="Can't create"):
        open_database(blocker / "crm.sqlite3")


def _can_write(folder: Path) -> bool:
    try:
        (folder / ".probe").touch()
    except PermissionError:
        return False
    (folder / ".probe").unlink()
    return True


def test_every_sync_clock_trigger_outlives_the_later_migrations(db_path: Path) -> None:
    """A migration that rebuilds a watched table (peewee's NOT NULL add_column) would drop
    its triggers, and sync would stop seeing changes to it."""
    with db.connection_context():
        names = {
            name
            for (name,) in db.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_clock_%'"
            ).fetchall()
        }
    for table in ("contact", "follow_up", "opportunity", "interview"):
        for event in ("insert", "update", "delete"):
            assert f"sync_clock_{table}_{event}" in names
