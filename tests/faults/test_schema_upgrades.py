"""Old schemas: a database left by every earlier crm version opens, upgrades, and keeps every row.

The fixtures in tests/fixtures/schemas/ were made by the real migration files up to one
version each (tests/faults/make_schema_fixtures.py); see the README there for adding one.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from playhouse.schema_diff import diff_models

from crm.cli import main
from crm.db import close_database, db, open_database
from crm.db.database import MIGRATION_TABLE
from crm.db.models import ALL_MODELS
from crm.services import contacts
from crm.services.backups import BEFORE_MIGRATION, backups_folder
from tests.faults.make_schema_fixtures import (
    FIXTURES,
    ROWS,
    columns_of,
    migration_names,
    stored_rows,
)
from tests.faults.probe_migration import add_probe_migration
from tests.faults.snapshots import Snapshot, snapshot

pytestmark = pytest.mark.faults

FIXTURE_FILES = sorted(FIXTURES.glob("*.db"))


def _applied(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return sorted(name for (name,) in connection.execute(f"SELECT name FROM {MIGRATION_TABLE}"))


def _rows_as_written(path: Path, fixture: Path) -> dict[str, tuple[list[tuple[object, ...]], ...]]:
    """Per table: (the rows the database holds, the rows the fixture script wrote), in the
    columns the fixture had: a column added since holds its default, not the script's value."""
    with closing(sqlite3.connect(fixture)) as old:
        had = {table: set(columns_of(old, table)) for table in ROWS}
    with closing(sqlite3.connect(path)) as connection:
        compared = {}
        for table in ROWS:
            columns = [
                c
                for c in columns_of(connection, table)
                if c in ROWS[table][0] and (c in had[table] or not had[table])
            ]
            quoted = ", ".join(f'"{name}"' for name in columns)
            held = connection.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid').fetchall()
            compared[table] = (held, stored_rows(table, columns))
    return compared


def _before_migration_backups(db_path: Path) -> list[Path]:
    return sorted(backups_folder(db_path).glob(f"*-{BEFORE_MIGRATION}.sqlite3"))


def _without_history(rows: Snapshot) -> Snapshot:
    return {table: held for table, held in rows.items() if table != MIGRATION_TABLE}


def test_every_earlier_schema_version_has_a_fixture() -> None:
    # The newest version may not have one yet; any older one must, or its upgrade goes untested.
    earlier = migration_names()[:-1]
    have = {path.stem for path in FIXTURE_FILES}
    missing = [version for version in earlier if version not in have]
    assert not missing, "run `python -m tests.faults.make_schema_fixtures` (see its README)"
    assert FIXTURE_FILES, "no schema fixtures found"


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda path: path.stem)
def test_an_old_database_upgrades_keeping_every_row(
    fixture: Path, tmp_path: Path, tally: Callable[[str, int], None]
) -> None:
    db_path = tmp_path / "crm.sqlite3"
    shutil.copyfile(fixture, db_path)
    before = snapshot(db_path)
    pending = sorted(set(migration_names()) - set(_applied(db_path)))

    # Opened the way a user opens it: the real command, in its own process.
    done = subprocess.run(
        [sys.executable, "-m", "crm", "--db", str(db_path), "agenda", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert set(json.loads(done.stdout)) >= {"overdue", "due", "upcoming", "rings_dropped"}

    assert _applied(db_path) == migration_names()
    for table, (held, written) in _rows_as_written(db_path, fixture).items():
        assert held == written, f"{fixture.stem}: {table}"
    after = _without_history(snapshot(db_path))
    assert {table: len(after.get(table, ())) for table in _without_history(before)} == {
        table: len(rows) for table, rows in _without_history(before).items()
    }
    with closing(sqlite3.connect(db_path)) as connection:
        # The one referrer of the old column lives on as the process's helper.
        helpers = connection.execute(
            "SELECT opportunity_id, contact_id, role FROM opportunity_person"
        ).fetchall()
        assert helpers == [(1, 3, "referrer")]
        assert "referrer_id" not in columns_of(connection, "opportunity")
        # The details added in 0005 start empty on a process that had none.
        details = connection.execute(
            "SELECT url, location, salary, applied_at, cv FROM opportunity WHERE id = 2"
        ).fetchone()
        assert details == ("", "", "", None, "")
        # The language added in 0008 starts as "" (the [drafts] default) on an older file.
        languages = connection.execute("SELECT language FROM contact ORDER BY id").fetchall()
        if "0008_contact_language" in fixture.stem or fixture.stem > "0008":
            assert languages == [("en",), ("ru",), ("",), ("",)]
        else:
            assert languages == [("",)] * 4
    backups = _before_migration_backups(db_path)
    if pending:
        assert len(backups) == 1 and snapshot(backups[0]) == before
    else:
        assert backups == []  # nothing to upgrade, nothing to back up

    open_database(db_path)
    try:
        with db.connection_context():
            assert not diff_models(db, list(ALL_MODELS)), "the upgraded schema isn't current"
        assert [row.id for row in contacts.search_contacts("jose")] == [1]
        assert [row.id for row in contacts.search_contacts("山田")] == [3]
        assert [row.id for row in contacts.search_contacts("кэти")] == [2]
    finally:
        close_database()
    tally("schema upgrades: fixtures upgraded", 1)
    tally("schema upgrades: rows compared", sum(len(rows) for rows in ROWS.values()))


def test_a_referrer_written_to_the_old_column_after_0003_is_carried_over(tmp_path: Path) -> None:
    # A crm at schema 0003 still set opportunity.referrer_id; 0004 must not lose that, and
    # rebuilding the table must not cascade to the process's interviews and follow-ups.
    db_path = tmp_path / "crm.sqlite3"
    shutil.copyfile(FIXTURES / "0003_process_people_promises.db", db_path)
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("UPDATE opportunity SET referrer_id = 1 WHERE id = 2")
        connection.execute("UPDATE opportunity SET referrer_id = 4 WHERE id = 1")
    before = snapshot(db_path)

    done = subprocess.run(
        [sys.executable, "-m", "crm", "--db", str(db_path), "agenda", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (done.returncode, done.stderr) == (0, "")
    with closing(sqlite3.connect(db_path)) as connection:
        helpers = connection.execute(
            "SELECT opportunity_id, contact_id, role, position FROM opportunity_person"
            " ORDER BY opportunity_id, position"
        ).fetchall()
    assert helpers == [(1, 3, "referrer", 0), (1, 4, "referrer", 1), (2, 1, "referrer", 0)]
    after = snapshot(db_path)
    for table in ("interview", "interview_interviewer", "follow_up", "reference_given"):
        # Later migrations may add columns, always at the end of a row.
        width = len(before[table][0]) if before[table] else 0
        assert [row[:width] for row in after[table]] == before[table], table


def test_a_pending_migration_is_preceded_by_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    probe = add_probe_migration(tmp_path, monkeypatch)
    db_path = tmp_path / "crm.sqlite3"
    shutil.copyfile(FIXTURE_FILES[-1], db_path)
    before = snapshot(db_path)

    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db_path), "agenda", "--json"])
    close_database()

    assert exit_info.value.code in (0, None), capsys.readouterr().err
    assert _applied(db_path)[-1] == probe
    (backup,) = _before_migration_backups(db_path)
    assert snapshot(backup) == before
    assert probe not in _applied(backup)
    assert _without_history(snapshot(db_path)) == _without_history(before)


def test_0006_links_each_follow_up_to_the_conversation_that_settled_it(tmp_path: Path) -> None:
    # Logging stamped what it settled with the conversation's time; marking done by hand didn't.
    db_path = tmp_path / "crm.sqlite3"
    shutil.copyfile(FIXTURES / "0004_drop_opportunity_referrer.db", db_path)
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("UPDATE follow_up SET done_at = '2026-11-18 10:11:12.5' WHERE id = 3")
    open_database(db_path)
    try:
        from crm.db import migrate

        migrate()
        with db.connection_context():
            query = "SELECT id, settled_by_id FROM follow_up ORDER BY id"
            rows = db.execute_sql(query).fetchall()
    finally:
        close_database()
    assert rows == [(1, 2), (2, None), (3, None)]
