"""Files crm must not trust blindly, and a restore that loses nothing.

Devices, pipes and sockets given as ``--db`` are refused untouched; a database a newer crm
made is read but never written; a full disk is named as such and leaves no partial files;
a read-only folder still reads; and `restore` swaps the data in one locked transaction, so
every write anyone acknowledged is in the result or in the copy it kept.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from crm.db import close_database, migrate, open_database
from crm.domain.types import ContactDraft
from crm.services import backups, contacts, demo
from tests.faults.reported_writes import (
    LineReader,
    ReportedWrite,
    integrity_problems,
    missing_writes,
)
from tests.faults.snapshots import snapshot
from tests.faults.test_hostile_files import assert_refused_in_one_line, folder_state, run_crm

pytestmark = pytest.mark.faults

FIXTURES = Path(__file__).parents[1] / "fixtures"
CONTACT_WRITER = Path(__file__).with_name("contact_writer.py")
CHILD_SECONDS = 30  # a command on a FIFO used to block forever: a hang fails instead


def crm_child(*args: str) -> tuple[int, str, str]:
    """Run ``crm ARGS`` in a child process that can't hang the suite."""
    done = subprocess.run(
        [sys.executable, "-m", "crm", *args],
        capture_output=True,
        text=True,
        timeout=CHILD_SECONDS,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    return done.returncode, done.stdout, done.stderr


def make_database(path: Path, *names: str) -> Path:
    """A closed crm database at ``path`` holding contacts named ``names``."""
    open_database(path)
    migrate()
    for name in names:
        contacts.create_contact(ContactDraft(name=name, company="Acme"))
    close_database()
    return path


def contact_names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [name for (name,) in connection.execute("SELECT name FROM contact ORDER BY id")]


@contextmanager
def mounted_tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs at ``where``; skips the test where mounting isn't allowed."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"can't mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill_up(folder: Path) -> None:
    """Take every free byte of the file system holding ``folder``."""
    fd = os.open(folder / "filler", os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- 1. only regular files ----------------------------------------------------------------


@contextmanager
def special_file(kind: str, folder: Path) -> Iterator[Path]:
    """A path to something that isn't a regular file."""
    if kind == "character device":
        yield Path("/dev/null")
    elif kind == "FIFO":
        os.mkfifo(folder / "crm.sqlite3")
        yield folder / "crm.sqlite3"
    elif kind == "socket":
        short = Path(tempfile.mkdtemp(prefix="crm-sock-"))  # socket paths are short
        server = socket.socket(socket.AF_UNIX)
        try:
            server.bind(str(short / "crm.sqlite3"))
            yield short / "crm.sqlite3"
        finally:
            server.close()
            shutil.rmtree(short)
    else:  # block device
        if os.geteuid() != 0 or shutil.which("losetup") is None:
            pytest.skip("a loop device needs root and losetup")
        image = folder / "disk.img"
        image.write_bytes(b"\xa5" * 1024 * 1024)
        attached = subprocess.run(
            ["losetup", "-f", "--show", str(image)], capture_output=True, text=True
        )
        if attached.returncode != 0:
            pytest.skip(f"can't attach a loop device here: {attached.stderr.strip()}")
        device = Path(attached.stdout.strip())
        try:
            yield device
        finally:
            subprocess.run(["losetup", "-d", str(device)], check=False)
        assert image.read_bytes() == b"\xa5" * 1024 * 1024  # not a byte written


def _names(folder: Path) -> list[str]:
    """What ``folder`` holds, by name (reading a FIFO would block)."""
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("kind", ["block device", "character device", "FIFO", "socket"])
def test_a_special_file_is_refused_by_every_command_and_left_alone(
    kind: str, tmp_path: Path
) -> None:
    backup = make_database(tmp_path / "good" / "crm.sqlite3", "Ann Lee")
    with special_file(kind, tmp_path) as path:
        beside = _names(path.parent)
        for command in (
            ["agenda"],
            ["contact", "add", "Zoë Brontë"],
            ["restore", str(backup)],
            ["backup", "-o", str(tmp_path / "copy.sqlite3")],
        ):
            code, out, err = crm_child("--db", str(path), "--now", "2026-11-18 15:00", *command)
            assert code != 0 and out == "", (command, out)
            assert err.startswith("crm: ") and len(err.strip().splitlines()) == 1, err
            assert str(path) in err and "Traceback" not in err, err
            if command[0] != "backup":
                assert kind in err, err
        assert _names(path.parent) == beside  # no -journal, -wal, -shm nor backups/
        assert not Path(f"{path}-journal").exists() and not Path(f"{path}-wal").exists()
        assert not (tmp_path / "copy.sqlite3").exists()


# --- 5. restore over another application's file --------------------------------------------


def test_restore_refuses_to_overwrite_another_applications_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = make_database(tmp_path / "backup.sqlite3", "Ann Lee")
    other = tmp_path / "photos" / "library.db"
    other.parent.mkdir()
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY, path TEXT)")
        connection.execute("INSERT INTO photo (path) VALUES ('IMG_0001.jpg')")
        connection.commit()
    before = folder_state(other.parent)
    code, out, err = run_crm(capsys, "--db", str(other), "restore", str(backup))
    assert_refused_in_one_line(code, out, err, str(other), "not one of crm's")
    assert folder_state(other.parent) == before


# --- 6. a database a newer crm made ----------------------------------------------------------


@pytest.fixture
def newer_db(tmp_path: Path) -> Path:
    """A crm database with one migration more than this crm knows of."""
    path = make_database(tmp_path / "data" / "crm.sqlite3", "Ann Lee")
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(
            "INSERT INTO schema_migration (name, applied) VALUES ('9999_from_the_future', ?)",
            ("2030-01-01 00:00:00",),
        )
        connection.commit()
    return path


def test_a_database_made_by_a_newer_crm_is_read_but_never_written(
    newer_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(newer_db)
    backup = make_database(tmp_path / "backup.sqlite3", "Bob Stone")
    code, out, err = run_crm(capsys, "--db", str(newer_db), "search", "ann", "--json")
    assert (code, err) == (0, "") and "Ann Lee" in out
    writes = [
        ["contact", "add", "Zoë Brontë"],
        ["contact", "delete", "Ann Lee", "--yes"],
        ["log", "Ann Lee", "--channel", "email", "--kind", "other", "--summary", "Hi"],
        ["opportunity", "add", "--company", "Initech", "--role", "Engineer"],
        ["import", "vcard", str(FIXTURES / "vcard" / "apple_30.vcf")],
        ["restore", str(backup)],
    ]
    for command in writes:
        code, out, err = run_crm(capsys, "--db", str(newer_db), *command)
        assert_refused_in_one_line(code, out, err, str(newer_db), "made by a newer crm", "upgrade")
    assert snapshot(newer_db) == before


# --- 8. disk full ----------------------------------------------------------------------------


def test_a_full_disk_is_named_and_leaves_no_partial_files(
    tmp_path: Path, now: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    with mounted_tmpfs(tmp_path / "small", "2m") as disk:
        path = disk / "crm.sqlite3"
        open_database(path)
        migrate()
        demo.write_sample(now)
        close_database()
        before = snapshot(path)
        fill_up(disk)

        code, out, err = run_crm(capsys, "--db", str(path), "contact", "add", "Zoë Brontë")
        # Two lines: the day's automatic backup fails first (a warning), then the write.
        lines = err.strip().splitlines()
        assert code != 0 and out == "" and all(line.startswith("crm: ") for line in lines), err
        assert "No space left on device" in lines[-1] and str(path) in lines[-1], err
        assert "automatic backup failed: No space left on device" in lines[0], err

        code, out, err = run_crm(capsys, "--db", str(path), "backup")
        assert_refused_in_one_line(code, out, err, "No space left on device", "backups")
        # Even reading needs room for SQLite's -shm file: said as plainly.
        code, out, err = run_crm(capsys, "--db", str(path), "search", "--company", "Acme")
        assert_refused_in_one_line(code, out, err, "No space left on device", str(path))

        # SQLite's own -wal and -shm beside the database may stay (they hold nothing
        # committed); no partial copy, nor its -wal or -shm, nor an empty backups/ may.
        names = {p.name for p in disk.iterdir()} - {"crm.sqlite3-wal", "crm.sqlite3-shm"}
        assert names == {"crm.sqlite3", "filler"}, names
        (disk / "filler").unlink()
        assert snapshot(path) == before


# --- 9. a backup with another page size ----------------------------------------------------


@pytest.mark.parametrize("source", ["0001_initial fixture (1 KiB pages)", "8 KiB pages"])
def test_a_backup_with_another_page_size_restores(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = make_database(tmp_path / "crm.sqlite3", "Ann Lee")
    backup = tmp_path / "backup.sqlite3"
    if source.startswith("0001"):
        shutil.copyfile(FIXTURES / "schemas" / "0001_initial.db", backup)
    else:
        make_database(tmp_path / "other.sqlite3", "Кэти Смирнова", "José Núñez")
        with closing(sqlite3.connect(tmp_path / "other.sqlite3")) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
            connection.execute("PRAGMA page_size=8192")
            connection.execute("VACUUM")
        shutil.copyfile(tmp_path / "other.sqlite3", backup)
    expected = contact_names(backup)
    code, out, err = run_crm(capsys, "--db", str(live), "restore", str(backup))
    assert (code, err) == (0, ""), err
    assert contact_names(live) == expected and integrity_problems(live) == []
    code, out, err = run_crm(capsys, "--db", str(live), "search", expected[0], "--json")
    assert (code, err) == (0, "") and expected[0] in out  # upgraded, and the index came along


# --- 4. restore while others write -----------------------------------------------------------


def test_restore_while_the_app_and_another_process_write_loses_no_acknowledged_write(
    tmp_path: Path, tally: Callable[[str, int], None]
) -> None:
    live = make_database(tmp_path / "data" / "crm.sqlite3", "Ann Lee")
    backup = backups.backup_database(live, tmp_path / "backup.sqlite3")
    open_database(live)  # the app, open meanwhile

    stop = threading.Event()
    app_lines: list[str] = []

    def app_writes() -> None:
        count = 0
        while not stop.is_set():
            name = f"José App {count}"
            app_lines.append(f"contact {contacts.create_contact(ContactDraft(name=name))} {name}")
            count += 1

    child = subprocess.Popen(
        [sys.executable, str(CONTACT_WRITER), str(live), "child"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    reader = LineReader(child)
    app = threading.Thread(target=app_writes)
    app.start()
    kept: list[Path] = []
    first = reader.next_line()  # the child is writing
    try:
        assert first is not None
        for restore in range(12):
            moment = datetime(2026, 11, 18, 15, 0, restore)
            made = backups.restore_database(live, backup, now=moment)
            assert made is not None
            kept.append(made)
            time.sleep(0.05)
    finally:
        stop.set()
        app.join()
        child.kill()
        child.wait()
    close_database()
    assert child.stderr is not None and "Error" not in child.stderr.read()
    lines = [first or "", *reader.rest(), *app_lines]
    reported = [ReportedWrite.parse(line) for line in lines if line]
    places = [live, *kept]
    lost = [write for write in reported if all(missing_writes(place, [write]) for place in places)]
    assert lost == [], f"{len(lost)} of {len(reported)} acknowledged writes lost"
    assert all(integrity_problems(place) == [] for place in places)
    tally("restore: acknowledged writes verified across restores", len(reported))


# --- 11. backing up a database crm may only read -------------------------------------------


def test_backing_up_a_read_only_database_changes_nothing_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live, copy = tmp_path / "live", tmp_path / "copy"
    copy.mkdir()
    make_database(live / "crm.sqlite3", "Ann Lee")
    with closing(sqlite3.connect(live / "crm.sqlite3")) as holder:
        holder.execute("SELECT 1 FROM contact").fetchall()  # keeps the -wal file from going
        make_database(live / "crm.sqlite3", "Zoë Brontë")
        for name in ("crm.sqlite3", "crm.sqlite3-wal"):
            shutil.copyfile(live / name, copy / name)  # as a crash would leave them
    (copy / "crm.sqlite3").chmod(0o444)
    before = {name: (copy / name).read_bytes() for name in ("crm.sqlite3", "crm.sqlite3-wal")}
    target = tmp_path / "backup.sqlite3"
    code, out, err = run_crm(capsys, "--db", str(copy / "crm.sqlite3"), "backup", "-o", str(target))
    assert (code, err) == (0, ""), err
    assert contact_names(target) == ["Ann Lee", "Zoë Brontë"]  # the -wal's changes included
    after = {name: (copy / name).read_bytes() for name in ("crm.sqlite3", "crm.sqlite3-wal")}
    assert after == before  # nothing checkpointed into the read-only file, nor removed
