"""The layout follows the terminal's width (issue 16, item 5): side panes fold below 100
columns, the when column is never cut, wide lists use their width, the footer keeps ? and ^p."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crm.screens.contact_screen import ContactScreen
from crm.widgets.key_bar import KeyBar
from crm.widgets.row_list import RowList
from crm.widgets.today_pane import TodayPane
from tests.tui.helpers import build_app, settle


def drawn_lines(rows: RowList) -> list[str]:
    """The text of each row the list draws, as on screen."""
    rows.render_lines(rows.scrollable_content_region.reset_offset)  # sets up the frame
    return [rows.render_line(y).text for y in range(len(rows.rows))]


async def test_narrow_terminal_folds_the_side_panes(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        side = app.screen.query_one("#side")
        assert not side.display
        today = app.screen.query_one(TodayPane)
        assert today.size.width > 70  # the list has the width the card had
        await pilot.press("f5")
        await settle(pilot)
        assert side.display
        await pilot.press("f5")
        await settle(pilot)
        assert not side.display
        # Enter on a row opens the contact, since no card beside the list shows them.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)


async def test_wide_terminal_shows_the_side_panes(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        side = app.screen.query_one("#side")
        assert side.display
        await pilot.press("f5")
        await settle(pilot)
        assert not side.display


async def test_the_when_column_is_never_cut(demo_db: Path, now: datetime) -> None:
    for size in ((80, 24), (100, 30), (120, 36)):
        app = build_app(demo_db, now)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("f5")  # the narrowest list: the side panes beside it at 80
            await settle(pilot)
            today = app.screen.query_one(TodayPane)
            lines = drawn_lines(today)
            for row, line in zip(today.rows, lines, strict=True):
                if row.key is not None:
                    when = row.cells[-1]
                    assert line.rstrip().endswith(when), (size, line, when)


async def test_wide_lists_show_whole_titles(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        assert any(
            "Senior Data Engineer at Acme Corp" in line
            for line in drawn_lines(app.screen.query_one(TodayPane))
        )


async def test_footer_keeps_help_and_palette_at_80_columns(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = app.screen.query_one(KeyBar).render().plain
        assert len(line) <= 80
        assert "? Help" in line and "^p Palette" in line
