"""A sync cut off (server stopped, kill -9) or raced (the phone edits between crm's read and
its write): the next sync finishes the job, nothing duplicated, nothing lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from crm.services.sync.dav import Server
from tests.dav_servers import DavServer
from tests.sync.conftest import Synced

pytestmark = pytest.mark.slow
TASKS = "crm follow-ups"


def _rows(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(sql, params).fetchall()


def _process(synced: Synced, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CRM_DB": str(synced.db),
        "CRM_CONFIG": str(synced.config),
        "CRM_TEST_DAV_PASSWORD": synced.server.password or "none",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "crm", "--now", "2026-11-18 15:00", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _many_follow_ups(synced: Synced) -> None:
    synced.ok("demo", "--no-open", "--contacts", "150", "--follow-ups", "150")


def _check_whole(synced: Synced) -> None:
    """Every pending follow-up is on the server once, every task there is crm's, and the
    database is sound."""
    assert _rows(synced.db, "PRAGMA integrity_check") == [("ok",)]
    pending = {
        uid for (uid,) in _rows(synced.db, "SELECT uid FROM follow_up WHERE done_at IS NULL")
    }
    tasks = [t.uid for t in synced.phone.tasks(TASKS) if t.status == "NEEDS-ACTION"]
    assert len(tasks) == len(set(tasks)), "a task was duplicated"
    assert set(tasks) == pending
    synced_items = _rows(
        synced.db, "SELECT count(*), count(DISTINCT href) FROM sync_item WHERE collection = 'tasks'"
    )
    assert synced_items[0][0] == synced_items[0][1]


def test_the_server_stopped_mid_sync_then_a_clean_sync_finishes(synced: Synced) -> None:
    _many_follow_ups(synced)
    before = _rows(synced.db, "SELECT count(*) FROM follow_up")
    sync = _process(synced, "sync")
    _wait_for_items(synced.server, 20)
    synced.server.kill()
    _, err = sync.communicate(timeout=60)
    assert sync.returncode != 0 and err.count("\n") == 1, err
    assert _rows(synced.db, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(synced.db, "SELECT count(*) FROM follow_up") == before
    synced.server.restart()
    synced.sync()
    _check_whole(synced)
    again = synced.sync()
    assert again["collections"] == {}


def test_kill_9_at_random_points_then_a_clean_sync(synced: Synced) -> None:
    _many_follow_ups(synced)
    chance = random.Random(17)
    for _ in range(4):
        sync = _process(synced, "sync")
        time.sleep(chance.uniform(0.2, 2.5))
        sync.send_signal(signal.SIGKILL)
        sync.wait(timeout=30)
        assert _rows(synced.db, "PRAGMA integrity_check") == [("ok",)]
        # Something changes on both sides between the cut-off syncs.
        pending = _rows(
            synced.db, "SELECT id FROM follow_up WHERE done_at IS NULL ORDER BY id LIMIT 1"
        )
        synced.ok("followup", "done", str(pending[0][0]))
    synced.sync()
    _check_whole(synced)
    assert synced.sync()["collections"] == {}


def test_a_phone_edit_between_crms_read_and_write_is_not_lost(
    synced: Synced, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced.ok("demo", "--no-open")
    synced.sync()
    uid, fid = _rows(
        synced.db,
        "SELECT uid, id FROM follow_up WHERE done_at IS NULL AND kind != 'thank-you-email'"
        " ORDER BY id LIMIT 1",
    )[0]
    # crm changes the follow-up (so the sync will PUT it) ...
    synced.ok("followup", "snooze", str(fid), "--until", "2026-11-25 09:00")
    # ... and the phone ticks it off just before crm's PUT reaches the server.
    real_put = Server.put
    raced: list[str] = []

    def put_after_the_phone(self: Server, href: str, *args: Any, **kwargs: Any) -> str:
        if not raced and href.endswith(f"{uid}.ics"):
            raced.append(href)
            synced.phone.complete(uid)
        return real_put(self, href, *args, **kwargs)

    monkeypatch.setattr(Server, "put", put_after_the_phone)
    report = synced.sync()
    assert raced, "the race was run"
    assert any(n["action"] == "done on the phone" for n in report["notes"])
    [(done_at,)] = _rows(synced.db, "SELECT done_at FROM follow_up WHERE id = ?", fid)
    assert done_at is not None, "the phone's tick survived crm's write"
    task = next(t for t in synced.phone.tasks(TASKS) if t.uid == uid)
    assert task.status == "COMPLETED"


def _wait_for_items(server: DavServer, count: int) -> None:
    """Until the server holds ``count`` items written by crm (a sync is well under way)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        held = sum(1 for path in server.folder.rglob("*.ics"))
        if held >= count:
            return
        time.sleep(0.02)
    raise AssertionError("the sync never got going")


def test_two_syncs_at_once_and_a_writer_beside_them(synced: Synced) -> None:
    """cron's sync, the app's sync and the user's typing, all at once: nothing duplicated."""
    _many_follow_ups(synced)
    first, second = _process(synced, "sync"), _process(synced, "sync")
    for index in range(5):
        synced.ok("contact", "add", f"Typed meanwhile {index}", "--company", "Globex")
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    synced.sync()
    _check_whole(synced)
    cards = [card.uid for card in synced.phone.cards("crm")]
    assert len(cards) == len(set(cards))
    assert len(cards) == _rows(synced.db, "SELECT count(*) FROM contact")[0][0]
    assert synced.sync()["collections"] == {}


def test_a_sync_stopped_between_bringing_in_and_sending_loses_no_later_change(
    synced: Synced, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crm.services.sync.engine as engine

    synced.ok("contact", "add", "Ada Obi", "--company", "Initech", "--role", "Recruiter")
    synced.sync()
    [card] = synced.phone.cards("crm")
    synced.phone.edit_card(card.uid, lambda text: text.replace("Recruiter", "Head of Talent"))

    def stopped(*_args: object, **_kwargs: object) -> int:
        raise KeyboardInterrupt  # the process dies here, as after a kill

    with monkeypatch.context() as patch:
        patch.setattr(engine, "_push", stopped)
        code, _, _ = synced.crm("sync")
        assert code != 0
    assert _rows(synced.db, "SELECT role FROM contact") == [("Head of Talent",)]
    # Later, crm changes the contact: the next sync must send it.
    with closing(sqlite3.connect(synced.db)) as connection, connection:
        connection.execute(
            "UPDATE contact SET relationship_note = 'Met at PyCon',"
            " updated_at = '2026-11-18 16:00:00'"
        )
    synced.sync(now="2026-11-18 16:30")
    [card] = synced.phone.cards("crm")
    assert "Met at PyCon" in card.vcard and "Head of Talent" in card.vcard


def test_a_put_the_server_took_but_crm_never_noted_is_not_taken_for_the_phones(
    synced: Synced, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crm.services.sync.engine as engine

    synced.ok("demo", "--no-open")
    synced.sync()
    fid, uid = _rows(
        synced.db, "SELECT id, uid FROM follow_up WHERE done_at IS NULL ORDER BY id LIMIT 1"
    )[0]
    synced.ok("followup", "snooze", str(fid), "--until", "2026-11-30 09:00")

    def killed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # right after the server took the PUT

    with monkeypatch.context() as patch:
        patch.setattr(engine, "_save", killed)
        assert synced.crm("sync")[0] != 0
    report = synced.sync()
    assert report["notes"] == [], "crm's own snooze came back as a phone's move"
    assert _rows(synced.db, "SELECT count(*) FROM sync_event") == [(0,)]
    [(snoozed,)] = _rows(synced.db, "SELECT snoozed_until FROM follow_up WHERE id = ?", fid)
    assert snoozed == "2026-11-30 09:00:00"
    assert uid in {t.uid for t in synced.phone.tasks(TASKS)}


def test_a_sync_token_the_server_no_longer_knows_means_listing_everything_once(
    synced: Synced,
) -> None:
    """Radicale refuses an unknown token with 403 (valid-sync-token), Xandikos with 412:
    neither is a wrong password, and the sync goes on from a full listing."""
    synced.ok("demo", "--no-open")
    synced.sync()
    synced.sync()
    with closing(sqlite3.connect(synced.db)) as connection, connection:
        connection.execute("UPDATE sync_collection SET sync_token = sync_token || 'x'")
    synced.phone.complete(synced.phone.tasks(TASKS)[0].uid)
    report = synced.sync()
    assert [n["action"] for n in report["notes"]] == ["done on the phone"]
    assert sum(c["sent"] for c in report["collections"].values()) == 0
    _check_whole(synced)
    assert synced.sync()["collections"] == {}
