"""A keyboard list on the Line API: section headers and rows of cells, drawn only when visible.

The Today, interviews and timeline panes are all lists of a few hundred rows at most, with
headers the cursor skips and rows styled by state (overdue red, due amber). DataTable would
re-measure every cell on each refresh; this draws the visible lines from plain tuples.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from crm.widgets.cells import fit
from crm.widgets.contrast import readable_style


@dataclass(frozen=True)
class Row:
    """One line: a selectable row (``key`` set) or a header/separator (``key`` None)."""

    cells: tuple[str, ...]
    key: object | None = None
    tone: str = ""
    """A state the row is drawn in: "overdue", "due", "done", "header", "dim", "now"."""


@dataclass(frozen=True)
class Column:
    """A column's share of the width: at least ``minimum`` cells, then ``flex`` parts of the
    rest."""

    minimum: int
    flex: int = 0
    optional: bool = False
    """Left out (blank) when the list is too narrow for every column's minimum."""
    fit: bool = False
    """As wide as its longest value: never cut (a when or status column)."""


SHRUNK = 4
"""The fewest cells a flexible column shrinks to so that a ``fit`` column stays whole."""

TONES = ("header", "overdue", "due", "done", "dim", "now")
INVERTED_TONES = ("overdue", "due")
"""Tones whose row becomes a bar of their colour under the focused cursor."""


class RowList(ScrollView, can_focus=True):
    """Rows with a cursor that skips headers; posts Highlighted and Selected with the row key."""

    COMPONENT_CLASSES = {"row-list--cursor"} | {f"row-list--{tone}" for tone in TONES}

    DEFAULT_CSS = """
    RowList {
        height: 1fr;
        overflow-x: hidden;
        /* Always a scrollbar track: one that comes and goes with the row count relayouts the
           whole screen, which repainted every pane on each move between contacts. */
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding(
            "enter",
            "select",
            "Open",
            show=False,
            tooltip="Open: jump to the contact, or focus the timeline",
            id="row-open",
        ),
    ]

    COLUMNS: Sequence[Column] = (Column(10, 1),)
    """How the cells of each row share the width; subclasses set their own."""

    cursor: reactive[int] = reactive(-1, init=False)
    """Index of the highlighted row in ``rows`` (-1: nothing selectable)."""

    @dataclass
    class Highlighted(Message):
        """The highlighted row changed."""

        row_list: RowList
        key: object | None

        @property
        def control(self) -> RowList:
            return self.row_list

    @dataclass
    class Selected(Message):
        """Enter on a row."""

        row_list: RowList
        key: object

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        """What the list shows, headers included."""
        self.empty_text = ""
        """Shown when there are no rows."""
        self._frame = _NO_FRAME
        self._natural: list[int] = []
        """The width each column's longest value needs."""
        self._styles_for: object = None
        self._styles: tuple[dict[str, Style], dict[str, Style]] = ({}, {})

    def set_rows(self, rows: Sequence[Row], *, keep: object | None = None) -> None:
        """Replace the rows, keeping the cursor on ``keep`` (or the old key) when still there."""
        before = self.highlighted_key
        old_key = keep if keep is not None else before
        self.rows = list(rows)
        self._measure()
        self._set_row_count(len(self.rows))
        target = next(
            (i for i, r in enumerate(self.rows) if r.key is not None and r.key == old_key), None
        )
        if target is None:
            target = self._nearest_selectable(min(max(self.cursor, 0), len(self.rows) - 1), 1)
        self.set_reactive(RowList.cursor, target if target is not None else -1)
        self._scroll_cursor_into_view()
        self.refresh()
        self.refresh_bindings()  # keys that depend on the highlighted row
        if self.highlighted_key != before or before is None:
            # Only a different row is news: the screen redraws the card for each announcement.
            self.post_message(self.Highlighted(self, self.highlighted_key))

    @property
    def highlighted_key(self) -> object | None:
        """The key of the highlighted row, if any."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key
        return None

    def _nearest_selectable(self, start: int, step: int) -> int | None:
        if not self.rows:
            return None
        index = start
        while 0 <= index < len(self.rows):
            if self.rows[index].key is not None:
                return index
            index += step
        index = start - step
        while 0 <= index < len(self.rows):
            if self.rows[index].key is not None:
                return index
            index -= step
        return None

    def _move(self, steps: int) -> None:
        if self.cursor < 0:
            return
        step = 1 if steps > 0 else -1
        index, moved = self.cursor, 0
        while moved < abs(steps):
            candidate = index + step
            while 0 <= candidate < len(self.rows) and self.rows[candidate].key is None:
                candidate += step
            if not 0 <= candidate < len(self.rows):
                break
            index, moved = candidate, moved + 1
        self.cursor = index

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.highlighted_key))

    def _scroll_cursor_into_view(self) -> None:
        if self.cursor < 0:
            return
        top = round(self.scroll_y)
        height = max(self.scrollable_content_region.height, 1)
        # Keep a header just above the cursor in view, so the section stays named.
        wanted_top = (
            self.cursor - 1
            if self.cursor > 0 and self.rows[self.cursor - 1].key is None
            else self.cursor
        )
        if wanted_top < top:
            self.scroll_to(y=wanted_top, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        self._move(-max(self.scrollable_content_region.height - 1, 1))

    def action_page_down(self) -> None:
        self._move(max(self.scrollable_content_region.height - 1, 1))

    def action_first(self) -> None:
        first = self._nearest_selectable(0, 1)
        if first is not None:
            self.cursor = first

    def action_last(self) -> None:
        last = self._nearest_selectable(len(self.rows) - 1, -1)
        if last is not None:
            self.cursor = last

    def action_select(self) -> None:
        key = self.highlighted_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < len(self.rows) and self.rows[index].key is not None:
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows))

    def _set_row_count(self, count: int) -> None:
        """Resize the scrollable area without laying out the screen (the track is always there)."""
        size = Size(self.size.width, count)
        if size != self.virtual_size:
            self.set_reactive(RowList.virtual_size, size)
            self._scroll_update(size)  # the thumb, and the scroll offset clamped to the new height

    def _measure(self) -> None:
        """The width each column's longest value needs, over the selectable rows."""
        count = len(self.COLUMNS)
        cells = [r.cells for r in self.rows if r.key is not None and len(r.cells) == count]
        columns = zip(*cells, strict=True) if cells else [()] * count
        self._natural = [max(map(cell_len, column), default=0) for column in columns]

    def _widths(self, width: int) -> list[int]:
        """Cell widths per column (0 for an optional column that doesn't fit).

        A ``fit`` column gets what its longest value needs, so "3 days late" is never cut;
        the others grow toward their longest value by their flex, and only then share what is
        left, so a wide terminal shows whole titles rather than padding.
        """
        columns = list(self.COLUMNS)
        natural = self._natural if len(self._natural) == len(columns) else [0] * len(columns)
        least = [
            max(c.minimum, n) if c.fit else c.minimum for c, n in zip(columns, natural, strict=True)
        ]
        shown = [True] * len(columns)
        gaps = max(len(columns) - 1, 0)
        if sum(least) + gaps > width:
            shown = [not c.optional for c in columns]
            gaps = max(sum(shown) - 1, 0)
        widths = [w if on else 0 for w, on in zip(least, shown, strict=True)]
        flexible = [i for i, c in enumerate(columns) if shown[i] and c.flex and not c.fit]
        over = sum(widths) + gaps - width
        while over > 0 and any(widths[i] > SHRUNK for i in flexible):
            # Too narrow even for the minimums: the widest flexible column gives way first.
            i = max(flexible, key=lambda i: widths[i])
            widths[i] -= 1
            over -= 1
        spare = max(width - sum(widths) - gaps, 0)
        wanted = {i: max(natural[i] - widths[i], 0) for i in flexible}
        growing = [i for i in flexible if wanted[i]]
        while spare and growing:
            total = sum(columns[i].flex for i in growing)
            given = 0
            for i in growing:
                share = max(spare * columns[i].flex // total, 1)
                add = min(share, wanted[i], spare - given)
                widths[i] += add
                wanted[i] -= add
                given += add
            spare -= given
            growing = [i for i in growing if wanted[i]]
            if not given:
                break
        if spare and flexible:
            total = sum(columns[i].flex for i in flexible)
            for i in flexible:
                widths[i] += spare * columns[i].flex // total
        last = max(i for i, on in enumerate(shown) if on) if any(shown) else 0
        widths[last] += max(width - (sum(widths) + gaps), 0)
        return widths

    def row_styles(self) -> tuple[dict[str, Style], dict[str, Style]]:
        """The style of a row in each tone, off the cursor and under it.

        Under the focused cursor a red or amber row turns into a bar of its colour (amber text
        on an amber cursor read as nothing); every text colour is then nudged until it reads
        at WCAG AA on its background, whatever the theme.
        """
        base = self.rich_style
        cursor = self.get_component_rich_style("row-list--cursor")
        tones = tuple(self.get_component_rich_style(f"row-list--{tone}") for tone in TONES)
        key = (base, cursor, tones, self.has_focus)
        if self._styles_for != key:
            plain = {"": readable_style(base)}
            plain |= {tone: readable_style(s) for tone, s in zip(TONES, tones, strict=True)}
            under = {"": readable_style(cursor)}
            for tone, style in zip(TONES, tones, strict=True):
                if self.has_focus and tone in INVERTED_TONES:
                    bar = Style(bgcolor=style.color, bold=True) + Style(color=cursor.color)
                    under[tone] = readable_style(bar)
                else:
                    under[tone] = readable_style(
                        style + Style(bold=cursor.bold), background=cursor.bgcolor
                    )
            self._styles_for, self._styles = key, (plain, under)
        return self._styles

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of a frame shares, looked up once: the width, the column widths,
        # and the styles (rich_style walks every ancestor's styles; each component style is a
        # lookup too), since per line they cost most of drawing a pane.
        width = self.scrollable_content_region.width
        plain, under = self.row_styles()
        self._frame = _Frame(width, self._widths(width), plain, under)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        width = frame.width
        index = round(self.scroll_y) + y
        base = frame.plain.get("", Style.null())
        if not self.rows:
            lines = _wrapped(self.empty_text, width)
            if y < len(lines):
                return Strip([Segment(fit(lines[y], width), frame.plain["dim"])])
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        styles = frame.cursor if index == self.cursor else frame.plain
        style = styles.get(row.tone, styles[""])
        if row.key is None or len(row.cells) == 1:
            return Strip([Segment(fit(" ".join(row.cells), width), style)])
        text = " ".join(
            fit(cell, w) for cell, w in zip(row.cells, frame.widths, strict=False) if w > 0
        )
        return Strip([Segment(fit(text, width), style)])


@dataclass(frozen=True)
class _Frame:
    """What every line of one frame shares."""

    width: int
    widths: list[int]
    plain: dict[str, Style]
    """Row styles by tone ("" for none), off the cursor."""
    cursor: dict[str, Style]
    """Row styles by tone under the cursor."""


_NO_FRAME = _Frame(0, [], {}, {})


@lru_cache(maxsize=8)
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    """``text`` in lines of ``width``, each paragraph's follow-on lines indented by two, so
    a hint of several lines is read whole rather than cut at the edge."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(paragraph, max(width, 10), subsequent_indent="  ")
        lines += wrapped or [""]
    return tuple(lines)
