"""Hostile files: a file that isn't a database, a truncated one, and one crm may only read.

The first two are refused in one line and left exactly as they were, with no -wal or -shm
file made beside them. A read-only database opens read-only: reading commands work, writing
ones fail in one line, and the app shows a banner and refuses changes with a message.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.cli import main
from crm.db import close_database, migrate, open_database
from crm.domain.types import ContactDraft
from crm.services import contacts, demo, interviews, opportunities
from tests.faults.probe_migration import add_probe_migration
from tests.tui.helpers import build_app, plain_text, settle

pytestmark = pytest.mark.faults

FIXTURES = Path(__file__).parents[1] / "fixtures"
NOW = "2026-11-18 15:00"


def run_crm(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``crm ARGS`` in-process, as a user would; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    close_database()
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def folder_state(folder: Path) -> dict[str, bytes | None]:
    """Every file under ``folder`` with its bytes (None for a folder)."""
    return {
        str(path.relative_to(folder)): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


def assert_refused_in_one_line(code: int, out: str, err: str, *fragments: str) -> None:
    assert code != 0 and out == ""
    assert err.startswith("crm: ") and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "unexpected error" not in err, err
    for fragment in fragments:
        assert fragment in err


# --- files that aren't crm databases -------------------------------------------------------


def _foreign_files() -> dict[str, bytes]:
    noise = random.Random(7).randbytes(20_000)
    return {
        "notes.txt": "my precious notes\nJosé, 山田\n".encode(),
        "noise.bin": noise,
        "picture.png": b"\x89PNG\r\n\x1a\n" + noise[:3000],
        "archive.zip": b"PK\x03\x04" + noise[:3000],
        "header-only.db": b"SQLite format 3\x00",
        "sqlite-header-then-noise.db": b"SQLite format 3\x00" + noise,
    }


@pytest.mark.parametrize("name", sorted(_foreign_files()))
@pytest.mark.parametrize("command", [["agenda", "--json"], ["contact", "add", "Ann Lee"]])
def test_a_file_that_isnt_a_database_is_refused_and_left_alone(
    name: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(_foreign_files()[name])
    before = folder_state(tmp_path)
    code, out, err = run_crm(capsys, "--db", str(path), *command)
    assert_refused_in_one_line(code, out, err, str(path))
    assert folder_state(tmp_path) == before  # same bytes, and no -wal, -shm or backups/


@pytest.fixture(scope="module")
def whole_database(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a closed crm database holding the demo sample (a few hundred pages)."""
    path = tmp_path_factory.mktemp("whole") / "crm.sqlite3"
    open_database(path)
    migrate()
    demo.write_sample(datetime(2026, 11, 18, 15))
    close_database()
    return path.read_bytes()


@pytest.mark.parametrize("keep", ["10 bytes", "100 bytes", "1 page", "half", "all but 1 byte"])
def test_a_truncated_database_is_refused_and_left_alone(
    keep: str, whole_database: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    size = len(whole_database)
    cut = {
        "10 bytes": 10,
        "100 bytes": 100,
        "1 page": 4096,
        "half": size // 2,
        "all but 1 byte": size - 1,
    }[keep]
    path = tmp_path / "crm.sqlite3"
    path.write_bytes(whole_database[:cut])
    before = folder_state(tmp_path)
    code, out, err = run_crm(capsys, "--db", str(path), "agenda")
    assert_refused_in_one_line(code, out, err, str(path))
    assert folder_state(tmp_path) == before


def test_the_whole_database_itself_opens(
    whole_database: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The refusals above are about the cuts, not about the database they were cut from.
    path = tmp_path / "crm.sqlite3"
    path.write_bytes(whole_database)
    code, _out, err = run_crm(capsys, "--db", str(path), "--now", NOW, "agenda", "--json")
    assert (code, err) == (0, "")


# --- a database crm may only read ----------------------------------------------------------


@pytest.fixture(params=["file", "folder"])
def read_only_db(request: pytest.FixtureRequest, tmp_path: Path, now: datetime) -> Iterator[Path]:
    """A database with data whose file (0444) or folder (0555) isn't writable."""
    folder = tmp_path / "data"
    path = folder / "crm.sqlite3"
    open_database(path)
    migrate()
    ann = contacts.create_contact(ContactDraft(name="Ann Lee", company="Acme"))
    contacts.create_contact(ContactDraft(name="Кэти Смирнова", company="Initech"))
    opportunity = opportunities.add_opportunity("Acme", "Staff Engineer", now=now)
    interviews.add_interview(
        opportunity, now - timedelta(hours=5), interviewer_ids=[ann], now=now - timedelta(days=2)
    )
    interviews.mark_interview_done(1, now=now)
    close_database()
    locked = path if request.param == "file" else folder
    mode = locked.stat().st_mode
    locked.chmod(0o444 if request.param == "file" else 0o555)
    yield path
    locked.chmod(mode)


READS = [
    ["agenda", "--json"],
    ["agenda"],
    ["search", "ann", "--json"],
    ["search", "--company", "acme"],
    ["connections", "Ann Lee", "--json"],
    ["backchannel", "--company", "Acme", "--json"],
    ["references", "--json"],
    ["duplicates", "--json"],
    ["import", "list", "--json"],
    ["export", "json"],
    ["export", "csv", "contacts"],
]

WRITES = [
    ["contact", "add", "Zoë Brontë"],
    ["contact", "delete", "Ann Lee", "--yes"],
    ["log", "Ann Lee", "--channel", "email", "--kind", "thank-you", "--summary", "Thanks!"],
    ["followup", "done", "1"],
    ["followup", "snooze", "1", "--until", "tomorrow"],
    ["opportunity", "add", "--company", "Initech", "--role", "Engineer"],
    ["opportunity", "stage", "1", "offer"],
    ["connect", "Ann Lee", "Кэти Смирнова"],
    ["references", "add", "Ann Lee", "--relationship", "Boss", "--talking-points", "All"],
    ["merge", "1", "2"],
    ["import", "linkedin", str(FIXTURES / "linkedin" / "connections_en.csv")],
    ["import", "vcard", str(FIXTURES / "vcard" / "apple_30.vcf")],
]


def test_a_read_only_database_reads_and_refuses_every_write(
    read_only_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = read_only_db.parent
    before = folder_state(folder)
    for command in READS:
        code, out, err = run_crm(capsys, "--db", str(read_only_db), "--now", NOW, *command)
        assert (code, err) == (0, ""), command
        assert out, command
    for command in WRITES:
        code, out, err = run_crm(capsys, "--db", str(read_only_db), "--now", NOW, *command)
        assert_refused_in_one_line(code, out, err, "read-only", str(read_only_db))
    assert folder_state(folder) == before  # not a byte written, no -wal, -shm or backup


def test_restore_refuses_to_replace_a_read_only_database(
    read_only_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.sqlite3"
    code, _, err = run_crm(capsys, "--db", str(other), "--now", NOW, "contact", "add", "Zoë Brontë")
    assert (code, err) == (0, "")
    folder = read_only_db.parent
    before = folder_state(folder)
    code, out, err = run_crm(capsys, "--db", str(read_only_db), "restore", str(other))
    assert_refused_in_one_line(code, out, err, "read-only", str(read_only_db))
    assert folder_state(folder) == before


def test_a_read_only_database_shows_changes_still_in_its_wal_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live, copy = tmp_path / "live", tmp_path / "copy"
    copy.mkdir()
    open_database(live / "crm.sqlite3")
    migrate()
    with closing(sqlite3.connect(live / "crm.sqlite3")) as holder:
        holder.execute("SELECT 1 FROM contact").fetchall()  # keeps the -wal file from going
        contacts.create_contact(ContactDraft(name="Zoë Brontë"))
        close_database()
        for name in ("crm.sqlite3", "crm.sqlite3-wal", "crm.sqlite3-shm"):
            shutil.copyfile(live / name, copy / name)  # as a crash would leave them
    assert (copy / "crm.sqlite3-wal").stat().st_size > 0
    (copy / "crm.sqlite3").chmod(0o444)
    code, out, err = run_crm(capsys, "--db", str(copy / "crm.sqlite3"), "search", "zoe", "--json")
    assert (code, err) == (0, "")
    assert [row["name"] for row in json.loads(out)] == ["Zoë Brontë"]


def test_a_read_only_database_that_needs_an_upgrade_is_refused(
    read_only_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    probe = add_probe_migration(tmp_path, monkeypatch)
    before = folder_state(read_only_db.parent)
    code, out, err = run_crm(capsys, "--db", str(read_only_db), "agenda")
    assert_refused_in_one_line(code, out, err, "read-only", "upgrade", probe)
    assert folder_state(read_only_db.parent) == before


def test_a_writable_database_is_not_read_only(tmp_path: Path, capsys) -> None:
    path = tmp_path / "crm.sqlite3"
    code, out, _ = run_crm(capsys, "--db", str(path), "contact", "add", "Ann Lee")
    assert code == 0 and out.strip() == "1"
    os.chmod(path, 0o644)
    code, out, _ = run_crm(capsys, "--db", str(path), "contact", "add", "Bob Stone")
    assert code == 0 and out.strip() == "2"


# --- the app on a read-only database -------------------------------------------------------


def _notes(app: object) -> list[str]:
    return [str(note.message) for note in app._notifications]  # type: ignore[attr-defined]


async def test_the_app_opens_read_only_with_a_banner_and_refuses_changes(
    read_only_db: Path, now: datetime
) -> None:
    from crm.widgets.read_only_banner import ReadOnlyBanner

    before = folder_state(read_only_db.parent)
    open_database(read_only_db)
    app = build_app(read_only_db, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        banner = app.screen.query_one(ReadOnlyBanner)
        assert banner.display and banner.region.height == 1
        assert f"Read-only: {read_only_db} can't be written" in plain_text(banner)

        await pilot.press("d")  # the thank-you at the top of Today: done
        await settle(pilot)
        assert any("read-only" in note for note in _notes(app)), _notes(app)

        await pilot.press("f2", "n", *"Zoë Brontë", "enter")
        await settle(pilot)
        refusals = [note for note in _notes(app) if "read-only" in note]
        assert len(refusals) == 2, _notes(app)
    close_database()
    assert folder_state(read_only_db.parent) == before


async def test_the_app_on_a_writable_database_shows_no_banner(db_path: Path, now: datetime) -> None:
    from crm.widgets.read_only_banner import ReadOnlyBanner

    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one(ReadOnlyBanner).display


def test_a_card_inside_a_card_is_reported_not_dropped_in_silence(tmp_path: Path) -> None:
    """Issue 14: a nested BEGIN:VCARD used to vanish; now the import says which line it skipped."""
    import subprocess
    import sys

    book = tmp_path / "nested.vcf"
    book.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Outer Person\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Inner Person\r\nEND:VCARD\r\n"
        "EMAIL:outer@example.com\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "crm", "--db", str(tmp_path / "x.db"), "import", "vcard",
         str(book)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 created" in done.stdout and "1 skipped" in done.stdout
    assert "line 4: a card inside card 1 (line 1) is not imported" in done.stdout
