"""The open app shows what other processes write (cron's `crm followup done`, a restore)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from crm.services import backups, followups, interviews
from crm.widgets.contact_list import ContactList
from crm.widgets.today_pane import TodayPane
from tests.tui.helpers import build_app, settle
from tests.tui.test_daily_loop import scenario


def crm(db_path: Path, *args: str) -> None:
    env = {**os.environ, "CRM_DB": str(db_path)}
    done = subprocess.run(
        [sys.executable, "-m", "crm", *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def pending_ids(app: object) -> set[int]:
    today = app.screen.query_one(TodayPane).agenda  # type: ignore[attr-defined]
    assert today is not None
    return {item.id for item in (*today.overdue, *today.due, *today.upcoming)}


async def wait_for(pilot: object, condition: object, seconds: float = 3.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        await pilot.pause(0.1)  # type: ignore[attr-defined]
        if condition():  # type: ignore[operator]
            return True
    return False


async def test_a_follow_up_done_from_a_shell_leaves_the_open_app(
    db_path: Path, now: datetime
) -> None:
    ids = scenario(now)
    interviews.mark_interview_done(ids["interview"], now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        [first, *_] = sorted(pending_ids(app))
        crm(db_path, "followup", "done", str(first))
        assert await wait_for(pilot, lambda: first not in pending_ids(app))


async def test_a_restore_from_a_shell_shows_in_the_open_app(
    db_path: Path, now: datetime, tmp_path: Path
) -> None:
    ids = scenario(now)
    interviews.mark_interview_done(ids["interview"], now=now)
    copy = tmp_path / "before.sqlite3"
    backups.backup_database(db_path, copy)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        before = pending_ids(app)
        for follow_up_id in before:
            followups.complete(follow_up_id, now=now)
        assert await wait_for(pilot, lambda: not before <= pending_ids(app))
        crm(db_path, "restore", str(copy))
        assert await wait_for(pilot, lambda: pending_ids(app) == before)


async def test_the_cursor_stays_on_its_follow_up_when_another_process_changes_the_list(
    db_path: Path, now: datetime
) -> None:
    ids = scenario(now)
    interviews.mark_interview_done(ids["interview"], now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        keys = [row.key for row in today.rows if row.key is not None]
        assert len(keys) >= 2
        first, *_, last = keys
        today.cursor = next(i for i, row in enumerate(today.rows) if row.key == last)
        await settle(pilot)
        crm(db_path, "followup", "done", str(first.follow_up_id))
        assert await wait_for(pilot, lambda: first.follow_up_id not in pending_ids(app))
        highlighted = today.highlighted_key
        assert highlighted is not None
        assert highlighted.follow_up_id == last.follow_up_id


async def test_the_cursor_stays_on_its_contact_when_another_process_adds_one_before_it(
    db_path: Path, now: datetime
) -> None:
    scenario(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.action_show_tab("contacts")
        await settle(pilot)
        people = app.screen.query_one(ContactList)
        people.action_last()
        await settle(pilot)
        highlighted = people.highlighted
        assert highlighted is not None and people.cursor > 0
        total = people.total
        crm(db_path, "contact", "add", "Aaron Aardvark")
        assert await wait_for(pilot, lambda: people.total == total + 1)
        await settle(pilot)
        assert people.highlighted is not None
        assert people.highlighted.id == highlighted.id
