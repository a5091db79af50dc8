"""An mbox import resumes where its last committed batch ended: no duplicates, nothing read
twice; a changed file, other contacts or rules, or a wider time window read it all again."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from crm.config import MailSettings
from crm.db.models import Interaction, MailSource
from crm.domain.types import ContactDraft
from crm.services.contacts import create_contact
from crm.services.mail import importing
from crm.services.mail.importing import import_mail, summary_text
from crm.services.tx import reading
from tests.services.test_mail_import import ME, NOW, D
from tests.services.test_mail_memory import write_mbox

SETTINGS = MailSettings(me=(ME,))
ANN = "ann@initech.example"


class Stop(Exception):
    """The user pressed ^C (or the machine went down) mid-import."""


@pytest.fixture
def ann(db_path: Path) -> int:
    return create_contact(ContactDraft(name="Ann", email=ANN), now=NOW - 30 * D)


def interactions() -> int:
    with reading():
        return Interaction.select().count()


def saved_offset(path: Path) -> int:
    with reading():
        return int(MailSource.get(MailSource.source == str(path.resolve())).last_offset)


def test_an_interrupted_import_resumes_where_its_last_batch_was_committed(
    ann: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH_SECONDS", 60)  # batches end by size here, not time
    path = tmp_path / "big.mbox"
    write_mbox(path, 5_000, known=ANN, every=10)  # 500 from Ann
    raw = path.read_bytes()
    calls = []

    def interrupt(position: int, total: int) -> None:
        calls.append(position)
        if len(calls) == 3:  # 3,000 messages read: one batch of 200 committed, one open
            raise Stop

    with pytest.raises(Stop):
        import_mail(path, settings=SETTINGS, now=NOW, progress=interrupt)
    offset = saved_offset(path)
    before = raw[:offset].count(b"\nFrom ") + 1  # messages read before the offset
    assert raw[offset : offset + 5] == b"From " and before == 1_991  # Ann's 200th is 1,990
    assert interactions() == 200  # the open batch was rolled back

    again = import_mail(path, settings=SETTINGS, now=NOW)
    assert again.read == 5_000 - before  # from the saved offset, not from the start
    assert (again.logged, again.skipped.get("already logged")) == (300, None)
    assert interactions() == 500  # what one clean run logs
    assert saved_offset(path) == len(raw)


def test_a_grown_file_resumes_and_a_rewritten_one_is_read_again(ann: int, tmp_path: Path) -> None:
    path = tmp_path / "m.mbox"
    write_mbox(path, 100, known=ANN, every=10)
    assert import_mail(path, settings=SETTINGS, now=NOW).logged == 10
    unchanged = import_mail(path, settings=SETTINGS, now=NOW)
    assert (unchanged.read, unchanged.resumed_from) == (0, len(path.read_bytes()))
    assert "Read on from where the last import of this file stopped." in summary_text(unchanged)
    more = tmp_path / "more.mbox"
    write_mbox(more, 150, known=ANN, every=10)
    raw = more.read_bytes()
    starts = [0] + [found.start() + 1 for found in re.finditer(b"\nFrom ", raw)]
    with path.open("ab") as out:
        out.write(raw[starts[100] :])  # the same 100 first, 50 new after them
    result = import_mail(path, settings=SETTINGS, now=NOW)
    assert (result.read, result.logged) == (50, 5)
    path.write_bytes(raw[starts[1] :])  # rewritten: the first message gone
    result = import_mail(path, settings=SETTINGS, now=NOW)
    assert result.read == 149 and result.skipped["already logged"] == 14
    assert interactions() == 15


def test_a_wider_window_or_other_contacts_read_the_file_again(ann: int, tmp_path: Path) -> None:
    path = tmp_path / "m.mbox"
    write_mbox(path, 100, known=ANN, every=10)
    since = NOW - 40 * D
    assert import_mail(path, settings=SETTINGS, since=since, now=NOW).read == 100
    narrower = import_mail(path, settings=SETTINGS, since=since + D, now=NOW)
    assert narrower.read == 0  # what it would read was read with a wider window
    assert import_mail(path, settings=SETTINGS, since=since - D, now=NOW).read == 100
    assert import_mail(path, settings=SETTINGS, now=NOW).read == 100  # no --since: wider still
    assert import_mail(path, settings=SETTINGS, now=NOW).read == 0
    create_contact(ContactDraft(name="Person 3", email="person3@elsewhere3.example"), now=NOW)
    result = import_mail(path, settings=SETTINGS, now=NOW)
    assert (result.read, result.logged) == (100, 1)  # the new contact's message is logged
    ignoring = MailSettings(me=(ME,), ignore_domains=("elsewhere5.example",))
    assert import_mail(path, settings=ignoring, now=NOW).read == 100


def test_messages_from_its_future_are_read_again_once_they_are_past(
    ann: int, tmp_path: Path
) -> None:
    path = tmp_path / "m.mbox"
    write_mbox(path, 100, known=ANN, every=10)  # dated 2 November 2026
    early = NOW.replace(month=11, day=2, hour=10, minute=30)
    first = import_mail(path, settings=SETTINGS, now=early)
    assert first.skipped["dated in the future"] > 0
    assert import_mail(path, settings=SETTINGS, now=early).read == 0
    later = import_mail(path, settings=SETTINGS, now=NOW)
    assert later.read == 100 and later.logged == 10 - first.logged


@pytest.mark.slow
def test_a_crm_killed_mid_import_resumes_at_the_offset_it_saved(
    ann: int, db_path: Path, tmp_path: Path
) -> None:
    """A real `crm import mail` is killed with SIGKILL once its first batches are committed;
    the next one reads from the saved offset and the two log what one clean run logs."""
    path = tmp_path / "big.mbox"
    write_mbox(path, 100_000, known=ANN, every=10)  # 10,000 from Ann
    raw = path.read_bytes()
    config = tmp_path / "config.toml"
    config.write_text(f'[backups]\nkeep = 0\n[mail]\nme = ["{ME}"]\n')
    env = {**os.environ, "CRM_CONFIG": str(config)}
    crm = [sys.executable, "-m", "crm", "--db", str(db_path), "--now", f"{NOW:%Y-%m-%d %H:%M}"]
    running = subprocess.Popen(
        [*crm, "import", "mail", str(path)], env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and running.poll() is None:
            with closing(sqlite3.connect(db_path)) as connection:
                if connection.execute("SELECT count(*) FROM mail_source").fetchone()[0]:
                    break
            time.sleep(0.005)
        running.send_signal(signal.SIGKILL)
    finally:
        running.wait()
    assert running.returncode == -signal.SIGKILL, "it finished before it could be killed"
    offset = saved_offset(path)
    before = raw[:offset].count(b"\nFrom ") + 1
    assert raw[offset : offset + 5] == b"From " and 0 < offset < len(raw)
    logged_before = interactions()
    assert logged_before == -(-before // 10)  # Ann's among them: what its batches committed

    done = subprocess.run(
        [*crm, "import", "mail", str(path), "--json"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    again = json.loads(done.stdout)
    assert again["read"] == 100_000 - before  # from the saved offset, not from the start
    assert again["resumed_from"] == offset
    assert again["logged"] == 10_000 - logged_before and "already logged" not in again["skipped"]
    assert interactions() == 10_000
