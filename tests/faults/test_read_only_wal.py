"""A read-only database whose latest changes are still in a leftover -wal file (no -shm).

SQLite reads a WAL database through a -shm file, which a read-only folder can't hold, and
``immutable=1`` would ignore the -wal's committed transactions. crm must still read every
row, refuse changes in one line, and leave the folder exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.db import close_database, migrate, open_database
from crm.domain.types import ContactDraft
from crm.services import contacts, interviews, opportunities
from tests.faults.test_hostile_files import (
    NOW,
    assert_refused_in_one_line,
    folder_state,
    run_crm,
)

pytestmark = pytest.mark.faults

NAME = "crm.sqlite3"


def _make_database_with_rows_only_in_its_wal(folder: Path, live: Path, now: datetime) -> None:
    """Write ``folder/NAME`` and its -wal (no -shm), as a crash would leave them.

    Ann Lee is in the database file itself; Zoë Brontë, her interview and the thank-you it
    calls for only in the -wal.
    """
    open_database(live / NAME)
    migrate()
    contacts.create_contact(ContactDraft(name="Ann Lee", company="Acme"))
    close_database()  # the last connection checkpoints: all of the above is in the file
    with closing(sqlite3.connect(live / NAME)) as holder:
        holder.execute("SELECT 1 FROM contact").fetchall()  # keeps the -wal from going
        open_database(live / NAME)
        zoe = contacts.create_contact(ContactDraft(name="Zoë Brontë", company="Initech"))
        opportunity = opportunities.add_opportunity("Initech", "Staff Engineer", now=now)
        interviews.add_interview(
            opportunity,
            now - timedelta(hours=5),
            interviewer_ids=[zoe],
            now=now - timedelta(days=2),
        )
        interviews.mark_interview_done(1, now=now)  # due: a thank-you to Zoë
        close_database()
        for name in (NAME, f"{NAME}-wal"):
            shutil.copyfile(live / name, folder / name)
    assert (folder / f"{NAME}-wal").stat().st_size > 0
    immutable = (folder / NAME).absolute().as_uri() + "?mode=ro&immutable=1"
    with closing(sqlite3.connect(immutable, uri=True)) as file_alone:
        names = [name for (name,) in file_alone.execute("SELECT name FROM contact")]
    assert names == ["Ann Lee"]  # Zoë is only in the -wal


def _run(command: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=check)


@pytest.fixture(params=["read-only mount", "read-only folder"])
def wal_db(request: pytest.FixtureRequest, tmp_path: Path, now: datetime) -> Iterator[Path]:
    """The database (rows only in its -wal) in a folder that can't, or mustn't, be written.

    A read-only mount stops even root; a 0555 folder stops anyone else, and tells crm that
    its owner means it to stay unchanged (root could still write it, so crm must not).
    """
    source, live = tmp_path / "source", tmp_path / "live"
    source.mkdir()
    _make_database_with_rows_only_in_its_wal(source, live, now)
    if request.param == "read-only folder":
        source.chmod(0o555)
        yield source / NAME
        source.chmod(0o755)
        return
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    bind = _run(["mount", "--bind", str(source), str(mounted)], check=False)
    if bind.returncode != 0:
        pytest.skip(f"can't bind-mount here: {bind.stderr.strip()}")
    try:
        remount = _run(["mount", "-o", "remount,ro,bind", str(mounted)], check=False)
        if remount.returncode != 0:
            pytest.skip(f"can't remount read-only here: {remount.stderr.strip()}")
        with pytest.raises(OSError):
            (mounted / "probe").touch()  # the mount really refuses writes, even root's
        yield mounted / NAME
    finally:
        close_database()
        _run(["umount", str(mounted)])


def test_a_read_only_database_reads_the_rows_only_its_wal_holds(
    wal_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = wal_db.parent
    before = folder_state(folder)
    db = ["--db", str(wal_db), "--now", NOW]

    code, out, err = run_crm(capsys, *db, "search", "zoe", "--json")
    assert (code, err) == (0, ""), err
    assert [row["name"] for row in json.loads(out)] == ["Zoë Brontë"]

    code, out, err = run_crm(capsys, *db, "agenda", "--json")
    assert (code, err) == (0, ""), err
    assert "Zoë Brontë" in json.dumps(json.loads(out)["due"], ensure_ascii=False), out

    code, out, err = run_crm(capsys, *db, "export", "json")
    assert (code, err) == (0, ""), err
    assert {"Ann Lee", "Zoë Brontë"} <= {row["name"] for row in json.loads(out)["contacts"]}

    target = tmp_path / "backup.sqlite3"
    code, out, err = run_crm(capsys, *db, "backup", "-o", str(target))
    assert (code, err) == (0, ""), err
    with closing(sqlite3.connect(target)) as copy:
        names = [name for (name,) in copy.execute("SELECT name FROM contact ORDER BY id")]
    assert names == ["Ann Lee", "Zoë Brontë"]

    code, out, err = run_crm(capsys, *db, "contact", "add", "Bob Stone")
    assert_refused_in_one_line(code, out, err, "read-only", str(wal_db))

    assert folder_state(folder) == before  # no -shm, nothing checkpointed, nothing removed


def _notes(app: object) -> list[str]:
    return [str(note.message) for note in app._notifications]  # type: ignore[attr-defined]


async def test_the_app_reads_the_rows_only_its_wal_holds(wal_db: Path, now: datetime) -> None:
    from crm.widgets.read_only_banner import ReadOnlyBanner
    from tests.tui.helpers import build_app, settle, visible_names

    before = folder_state(wal_db.parent)
    open_database(wal_db)
    app = build_app(wal_db, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(ReadOnlyBanner).display
        await pilot.press("f2")
        await settle(pilot)
        assert sorted(visible_names(app)) == ["Ann Lee", "Zoë Brontë"]
        await pilot.press("n", *"Bob Stone", "enter")
        await settle(pilot)
        assert any("read-only" in note for note in _notes(app)), _notes(app)
    close_database()
    assert folder_state(wal_db.parent) == before
