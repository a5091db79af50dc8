"""A writer that finds the database locked waits, says so, and gives up only on a stuck holder.

SQLite's busy timeout alone turned a long import (or any writer holding the lock past 10 s)
into "database is locked" for everyone else. A waiting writer now prints one line saying it
waits, carries on while the holder makes progress, and fails in one clear line only when the
holder has shown no progress for STALL_SECONDS.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from crm.cli import WAITING_MESSAGE, main
from crm.db import close_database, database, migrate, open_database
from crm.domain.types import ContactDraft
from crm.services import contacts

pytestmark = pytest.mark.faults

HOLDER = Path(__file__).with_name("lock_holder.py")
LONG_HOLD_SECONDS = 12.0  # longer than the 10 s busy timeout that used to end the wait


def _hold_lock(db_path: Path, seconds: float, mode: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, str(HOLDER), str(db_path), str(seconds), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def _summaries(db_path: Path) -> list[str]:
    with closing(sqlite3.connect(db_path)) as connection:
        return [summary for (summary,) in connection.execute("SELECT summary FROM interaction")]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A database with one contact, closed again so only child processes hold it."""
    db_path = tmp_path / "crm.sqlite3"
    open_database(db_path)
    migrate()
    contacts.create_contact(ContactDraft(name="Ann Lee"))
    close_database()
    return db_path


@pytest.mark.slow
def test_crm_log_waits_out_a_long_writer_that_makes_progress(book: Path) -> None:
    holder = _hold_lock(book, LONG_HOLD_SECONDS, "busy")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "crm", "--db", str(book), "log", "Ann Lee",
             "--channel", "email", "--kind", "other", "--summary", "after the import"],
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip
    finally:
        assert holder.wait(timeout=60) == 0
    assert (done.returncode, done.stderr) == (0, f"crm: {WAITING_MESSAGE}\n")
    assert _summaries(book) == ["after the import"]


def test_a_writer_stuck_holding_the_lock_fails_in_one_line(
    book: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "WAIT_SLICE_SECONDS", 0.2)
    monkeypatch.setattr(database, "STALL_SECONDS", 2.0)
    holder = _hold_lock(book, 15.0, "stuck")
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(["--db", str(book), "log", "Ann Lee", "--channel", "email",
                  "--kind", "other", "--summary", "never"])  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
        close_database()
    _out, err = capsys.readouterr()
    waiting, failure = err.splitlines()
    assert exit_info.value.code == 1
    assert waiting == f"crm: {WAITING_MESSAGE}"
    assert failure.startswith("crm: Another program has held the database for writing")
    assert "seems stuck" in failure and "nothing was saved" in failure
    assert _summaries(book) == []


async def test_the_app_says_a_save_waits_for_another_writer(book: Path) -> None:
    from crm.app import WRITE_WAITING_NOTICE, make_app

    open_database(book)
    app = make_app(book)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            holder = _hold_lock(book, 2.5, "busy")
            try:
                worker = app.run_worker(
                    lambda: contacts.create_contact(ContactDraft(name="Bo Diaz")),
                    thread=True,
                    exit_on_error=False,
                )
                await worker.wait()
            finally:
                assert holder.wait(timeout=60) == 0
            await pilot.pause()
            said = [str(note.message) for note in app._notifications]
            assert WRITE_WAITING_NOTICE in said
            assert worker.result is not None
    finally:
        close_database()
