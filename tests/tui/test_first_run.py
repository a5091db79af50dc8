"""The first launch on an empty database says how to start, whole, at 80×24."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crm.app import make_app
from crm.clock import fixed_clock
from crm.config import Settings
from crm.widgets.today_pane import TodayPane
from tests.tui.helpers import build_app, settle

NOW = datetime(2026, 11, 18, 15, 0)


def today_lines(app: object, pane: TodayPane) -> list[str]:
    """The lines the Today list draws, as plain text."""
    return [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]


async def test_an_empty_database_shows_how_to_start_until_a_contact_exists(db_path: Path) -> None:
    app = build_app(db_path, NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TodayPane)
        shown = "\n".join(today_lines(app, pane))
        assert "No contacts yet" in shown
        assert "^n  add a contact" in shown
        assert '^p  type "import"' in shown and "LinkedIn" in shown and "Google" in shown
        assert "crm demo" in shown and "…" not in shown  # nothing cut at the edge
        assert "vCards" in shown
        await pilot.press("ctrl+n", *"Ann Lee", "ctrl+s")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert "No contacts yet" not in "\n".join(today_lines(app, pane))


async def test_the_panel_shows_the_users_keys(db_path: Path) -> None:
    settings = Settings(keys={"main-new-contact": "f7", "app-palette": "f8,ctrl+p"})
    app = make_app(db_path, clock=fixed_clock(NOW), settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = "\n".join(today_lines(app, app.screen.query_one(TodayPane)))
        assert "f7  add a contact" in shown and "f8  type" in shown
