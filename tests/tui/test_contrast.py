"""Every row of every list reads (WCAG AA, 4.5:1) in every theme the palette offers, on and off
the cursor, focused or not: issue 16, item 4 ("due now" under the cursor was amber on amber)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.reactive import Reactive
from textual.widget import Widget

from crm.widgets.contact_list import ContactList
from crm.widgets.contrast import AA, contrast, readable, style_contrast
from crm.widgets.row_list import RowList
from tests.tui.helpers import build_app, settle

LISTS = {
    "f1": "#today-list",
    "f2": "#contacts-list",
    "f3": "#interviews-list",
    "f4": "#timeline",
}
"""The key that focuses each list (the timeline shows beside every tab)."""


def unreadable_cells(widget: Widget) -> list[tuple[str, float]]:
    """The text drawn in ``widget`` whose contrast with its background is below AA."""
    inside = Region(0, 0, *widget.size).shrink(widget.styles.gutter)  # rows, not the border
    found = []
    for strip in widget.render_lines(inside):
        for segment in strip:
            if segment.style is None or not segment.text.strip():
                continue
            ratio = style_contrast(segment.style)
            if ratio < AA:
                found.append((segment.text.strip()[:20], round(ratio, 2)))
    return found


def cursor_rows(widget: Widget) -> list[int]:
    """Each row the cursor can rest on."""
    if isinstance(widget, RowList):
        return [i for i, row in enumerate(widget.rows) if row.key is not None]
    assert isinstance(widget, ContactList)
    return list(range(min(widget.total or 0, widget.size.height - 1)))


def put_cursor(widget: Widget, index: int) -> None:
    """Move the cursor without the announcements that would load cards."""
    cursor: Reactive[int] = RowList.cursor if isinstance(widget, RowList) else ContactList.cursor
    widget.set_reactive(cursor, index)


@pytest.mark.slow  # every theme, every list, the cursor on every row: about 40 s
async def test_every_list_reads_in_every_theme(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    failures: list[str] = []
    # Tall enough that every demo row is on screen: each one gets the cursor in turn.
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        themes = sorted(app.available_themes)
        assert len(themes) > 10
        for theme in themes:
            if app.available_themes[theme].ansi:
                continue  # ANSI colours: the terminal's own palette decides how they look
            app.theme = theme
            for key, selector in LISTS.items():
                await pilot.press(key)
                await settle(pilot)
                for widget in (app.screen.query_one(selector), app.screen.query_one("#timeline")):
                    state = "focused" if widget.has_focus else "unfocused"
                    for index in cursor_rows(widget):
                        put_cursor(widget, index)
                        for text, ratio in unreadable_cells(widget):
                            failures.append(f"{theme} {selector} {state}: {text!r} {ratio}")
    assert not failures, f"{len(failures)} unreadable, e.g.:\n" + "\n".join(
        sorted(set(failures))[:30]
    )


def test_contrast_is_wcag() -> None:
    from textual.color import BLACK, WHITE, Color

    assert round(contrast(WHITE, BLACK), 1) == 21.0
    assert contrast(Color(119, 119, 119), WHITE) > 4.47  # #777 on white: WCAG's own example
    amber = Color.parse("#FFA62B")
    assert contrast(amber, amber) == 1
    assert contrast(readable(amber, amber), amber) >= AA
