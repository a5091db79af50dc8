"""Sync from the app: the palette's "Sync now", and the title bar saying how it went."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from crm.app import make_app
from crm.clock import fixed_clock
from crm.config import Settings, SyncSettings
from tests.dav_servers import RadicaleServer
from tests.sync.phone import Phone
from tests.tui.helpers import settle


@pytest.fixture
def radicale(tmp_path: Path):
    server = RadicaleServer(tmp_path / "dav")
    server.start()
    yield server
    server.kill()


def _settings(server: RadicaleServer, **changes: object) -> Settings:
    sync = SyncSettings(
        url=server.url,
        username=server.username,
        password_env="CRM_TEST_DAV_PASSWORD",
    )
    return Settings(sync=replace(sync, **changes))  # type: ignore[arg-type]


async def _palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    for key in text:
        await pilot.press("space" if key == " " else key)
    await pilot.pause(0.3)
    await pilot.press("enter")


async def test_sync_now_from_the_palette_sends_the_follow_ups_and_says_so(
    demo_db: Path, now: datetime, radicale: RadicaleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_TEST_DAV_PASSWORD", radicale.password or "")
    app = make_app(demo_db, clock=fixed_clock(now), settings=_settings(radicale))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "synced" not in app.sub_title  # no sync until asked: every = 0
        await _palette(pilot, "sync now")
        await settle(pilot)
        assert app.sub_title.endswith("· synced just now")
    assert Phone(radicale).tasks("crm follow-ups")


async def test_a_failed_sync_says_why_in_the_title_bar(
    demo_db: Path, now: datetime, radicale: RadicaleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_TEST_DAV_PASSWORD", radicale.password or "")
    radicale.kill()
    app = make_app(demo_db, clock=fixed_clock(now), settings=_settings(radicale, every=15))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # every = 15: a sync runs at start
        assert "sync failed:" in app.sub_title and "refused the connection" in app.sub_title


async def test_automatic_sync_runs_at_start(
    demo_db: Path, now: datetime, radicale: RadicaleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_TEST_DAV_PASSWORD", radicale.password or "")
    app = make_app(demo_db, clock=fixed_clock(now), settings=_settings(radicale, every=5))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.sub_title.endswith("· synced just now")
    assert Phone(radicale).tasks("crm follow-ups")


async def test_sync_now_without_a_server_says_how_to_set_it_up(
    demo_db: Path, now: datetime
) -> None:
    app = make_app(demo_db, clock=fixed_clock(now), settings=Settings())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await _palette(pilot, "sync now")
        await settle(pilot)
        assert any("Sync is not set up" in str(n.message) for n in app._notifications)


def test_palette_help_texts_have_no_markup_brackets() -> None:
    """The palette reads help as markup: "[sync]" showed as "()" there."""
    from crm.commands import ActionCommands

    for name, _action, help_text in ActionCommands.COMMANDS:
        assert "[" not in help_text and "[" not in name, name
