"""The title line: the app's name and the database file, on every screen."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crm.widgets.title_bar import TitleBar
from tests.tui.helpers import build_app, settle

NOW = datetime(2026, 11, 18, 15, 0)


async def test_title_names_the_app_and_the_database(db_path: Path) -> None:
    app = build_app(db_path, NOW)
    async with app.run_test() as pilot:
        await settle(pilot)
        shown = app.screen.query_one(TitleBar).render().plain
        assert shown.startswith("crm") and shown.endswith(db_path.name)


async def test_title_follows_a_new_sub_title(db_path: Path) -> None:
    app = build_app(db_path, NOW)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.sub_title = "elsewhere.sqlite3"
        await pilot.pause()
        assert "elsewhere.sqlite3" in app.export_screenshot()  # repainted, not just re-read
