"""A virtual contacts list on the Line API: draws only visible rows, fetched page by page.

A DataTable measures every row it holds, so a list that may hold 100,000 contacts keeps
only the pages near the viewport and asks the database for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from crm.domain.types import ContactRow
from crm.messages import DeleteRequested, LogRequested
from crm.services import contacts
from crm.widgets.cells import app_now, fit
from crm.widgets.contrast import readable_style
from crm.widgets.frame_hold import FrameHold

PAGE_SIZE = contacts.PAGE_SIZE
MAX_CACHED_PAGES = 128


@dataclass(frozen=True)
class _Frame:
    """What every line of one frame shares: its width, columns and styles."""

    width: int
    columns: tuple[int, int, int, int]
    base: Style
    cursor: Style
    overdue: Style
    dim: Style
    cursor_overdue: Style
    cursor_dim: Style
    header: Style


@dataclass(frozen=True)
class ListLoaded:
    """What a filter change brought back from the database."""

    generation: int
    text: str
    total: int
    cursor: int
    pages: dict[int, list[ContactRow]]


class ContactList(ScrollView, can_focus=True):
    """The contacts list: name, company and role, with a red badge for overdue follow-ups."""

    COMPONENT_CLASSES = {
        "contact-list--header",
        "contact-list--cursor",
        "contact-list--overdue",
        "contact-list--dim",
    }

    DEFAULT_CSS = """
    ContactList {
        height: 1fr;
        overflow-x: hidden;
        /* A thumb over 100k rows is one cell: the header's "row/total" says where you are.
           With no scrollbar (not even a hidden "auto" one, whose showing and hiding as the
           row count crosses the height relayouts the screen), each filter keystroke is one
           cheap frame. allow_vertical_scroll keeps the wheel and scroll_to working. */
        overflow-y: hidden;
    }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="contacts-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="contacts-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="contacts-page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="contacts-page-down"),
        Binding("home,g", "first", "First", show=False, id="contacts-first"),
        Binding("end,G", "last", "Last", show=False, id="contacts-last"),
        Binding("enter", "open", "Open", tooltip="Open the contact", id="contact-open"),
        Binding(
            "slash", "search", "Search", tooltip="Filter by name or company", id="contacts-search"
        ),
        Binding("n", "new", "New", tooltip="Add a contact", id="contact-new"),
        Binding("e", "edit", "Edit", tooltip="Edit the highlighted contact", id="contact-edit"),
        Binding("l", "log", "Log", tooltip="Log a conversation with the contact", id="contact-log"),
        Binding(
            "delete",
            "delete",
            "Delete",
            show=False,
            tooltip="Delete the contact (asks first; Ctrl+Z undoes)",
            id="contact-delete",
        ),
    ]

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row in the (filtered) list."""

    @dataclass
    class Highlighted(Message):
        """The highlighted contact changed (None when the list is empty)."""

        contact_id: int | None

    @dataclass
    class Opened(Message):
        """The user asked to open a contact."""

        contact_id: int

    @dataclass
    class NewRequested(Message):
        """The user asked to add a contact."""

    @dataclass
    class EditRequested(Message):
        """The user asked to edit a contact."""

        contact_id: int

    @dataclass
    class SearchRequested(Message):
        """The user asked to type a filter."""

    @dataclass
    class Loaded(Message):
        """A filter's first rows arrived."""

        result: ListLoaded

    @dataclass
    class PageLoaded(Message):
        """Another page of rows arrived."""

        generation: int
        page: int
        rows: list[ContactRow]

    def __init__(self, *, frame_hold: FrameHold | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._frame_hold = frame_hold
        """Released when a filter's rows are in place, so they are painted with its echo."""
        self.filter_text = ""
        """The filter the rows on screen belong to."""
        self.total: int | None = None
        """Rows in the filtered list; None until the first load."""
        self._generation = 0
        self._pages: dict[int, list[ContactRow]] = {}
        self._requested: set[int] = set()
        self._wanted: set[int] = set()
        self._announced: int | None = -1
        none = Style.null()
        self._frame = _Frame(0, (0, 0, 0, 0), none, none, none, none, none, none, none)
        self._styles_for: object = None
        self._styles: dict[str, Style] = {}

    # --- loading ---------------------------------------------------------------------------

    def on_show(self) -> None:
        # The list sits on a tab that is hidden at start-up: load it when first seen.
        if self._generation == 0:
            self.load("")

    def load(self, text: str = "", *, focus_contact: int | None = None) -> None:
        """Show the contacts matching ``text``; optionally put the cursor on one contact."""
        self._generation += 1
        self.load_first_rows(self._generation, text, focus_contact, self.cursor)

    def reload(self, *, focus_contact: int | None = None) -> None:
        """Load the current filter again (after an edit), keeping the cursor on its contact
        (rows another process added or removed above it would otherwise move it to another)."""
        if focus_contact is None and (row := self.highlighted) is not None:
            focus_contact = row.id
        self.load(self.filter_text, focus_contact=focus_contact)

    @work(thread=True, exclusive=True, group="contact-list", exit_on_error=False)
    def load_first_rows(
        self, generation: int, text: str, focus_contact: int | None, old_cursor: int
    ) -> None:
        """Count the matches and fetch the page the cursor will land on."""
        keep = old_cursor if text == self.filter_text else None
        first = contacts.first_page(
            text, focus_contact=focus_contact, old_cursor=keep, now=app_now(self)
        )
        if not get_current_worker().is_cancelled:
            result = ListLoaded(
                generation, text, first.total, first.cursor, {first.page: first.rows}
            )
            self.post_message(self.Loaded(result))

    @work(thread=True, group="contact-pages", exit_on_error=False)
    def load_page(
        self,
        generation: int,
        text: str,
        page: int,
        after: tuple[str, int] | None,
        matching: int | None = None,
    ) -> None:
        """Fetch one more page: by keyset after a known row when possible, else by offset."""
        rows = contacts.contacts_page(
            text, offset=page * PAGE_SIZE, after=after, now=app_now(self), matching=matching
        )
        self.post_message(self.PageLoaded(generation, page, rows))

    def on_contact_list_loaded(self, message: Loaded) -> None:
        message.stop()
        result = message.result
        if result.generation != self._generation:
            return
        self.filter_text = result.text
        self.total = result.total
        self._pages = dict(result.pages)
        self._requested = set(self._pages)
        self._wanted.clear()
        self._announced = -1
        self._set_row_count(result.total)
        self.set_reactive(ContactList.cursor, result.cursor)
        self._scroll_cursor_into_view(center=True)
        self.refresh()
        self._announce()
        if self._frame_hold is not None:
            self._frame_hold.release()

    def on_contact_list_page_loaded(self, message: PageLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._pages[message.page] = message.rows
        self._forget_far_pages()
        self.refresh()
        self._announce()

    def _forget_far_pages(self) -> None:
        """Keep memory flat however far the user scrolls."""
        if len(self._pages) <= MAX_CACHED_PAGES:
            return
        here = self.cursor // PAGE_SIZE
        for page in sorted(self._pages, key=lambda p: abs(p - here))[MAX_CACHED_PAGES:]:
            del self._pages[page]
            self._requested.discard(page)

    def _want(self, page: int) -> None:
        if page in self._requested or page in self._wanted:
            return
        if not self._wanted:
            self.call_later(self._fetch_wanted)
        self._wanted.add(page)

    def _fetch_wanted(self) -> None:
        for page in sorted(self._wanted):
            if page in self._requested:
                continue
            self._requested.add(page)
            previous = self._pages.get(page - 1)
            after = (previous[-1].sort_key, previous[-1].id) if previous else None
            self.load_page(self._generation, self.filter_text, page, after, self.total)
        self._wanted.clear()

    def row(self, index: int) -> ContactRow | None:
        """The row at ``index`` if it has been fetched."""
        page = self._pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    @property
    def highlighted(self) -> ContactRow | None:
        """The row under the cursor, if any."""
        if not self.total:
            return None
        return self.row(self.cursor)

    def _announce(self) -> None:
        """Tell the screen which contact is highlighted, once its row has arrived."""
        if not self.total:
            if self._announced is not None:
                self._announced = None
                self.post_message(self.Highlighted(None))
            return
        row = self.highlighted
        if row is None:
            self._want(self.cursor // PAGE_SIZE)
        elif self._announced != row.id:
            self._announced = row.id
            self.post_message(self.Highlighted(row.id))

    @property
    def allow_vertical_scroll(self) -> bool:
        return not self._check_disabled() and self.virtual_size.height > self.size.height

    # --- cursor ----------------------------------------------------------------------------

    @property
    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, (self.total or 1) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._announce()

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        top = round(self.scroll_y)
        visible = self._visible_rows
        if center and not (top <= self.cursor < top + visible):
            self.scroll_to(y=max(self.cursor - visible // 2, 0), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._visible_rows

    def action_page_down(self) -> None:
        self.cursor += self._visible_rows

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = (self.total or 1) - 1

    def action_open(self) -> None:
        if (row := self.highlighted) is not None:
            self.post_message(self.Opened(row.id))

    def action_new(self) -> None:
        self.post_message(self.NewRequested())

    def action_edit(self) -> None:
        if (row := self.highlighted) is not None:
            self.post_message(self.EditRequested(row.id))

    def action_delete(self) -> None:
        row = self.highlighted
        if row is not None:
            self.post_message(DeleteRequested(row.id, row.name))

    def action_log(self) -> None:
        row = self.highlighted
        self.post_message(LogRequested(row.id if row is not None else None))

    def action_search(self) -> None:
        self.post_message(self.SearchRequested())

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1 and self.total:
            self.cursor = round(self.scroll_y) + event.y - 1

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, (self.total or 0) + 1)

    def _set_row_count(self, total: int) -> None:
        """Resize the scrollable area without a screen layout (which costs a frame or two).

        With no scrollbar, the list's row count can't change the layout of anything else.
        """
        size = Size(self.size.width, total + 1)
        if size != self.virtual_size:
            self.set_reactive(ContactList.virtual_size, size)
            self._scroll_update(size)  # clamp the scroll offset to the new height

    # --- drawing ---------------------------------------------------------------------------

    def _columns(self, width: int) -> tuple[int, int, int, int]:
        """Cell widths of the badge, name, company and role columns."""
        badge = 3
        rest = max(width - badge - 2, 3)
        name = max(rest * 4 // 10, 1)
        company = max(rest * 3 // 10, 1)
        role = max(rest - name - company, 0)
        return badge, name, company, role

    def line_styles(self) -> dict[str, Style]:
        """Each style a line is drawn in, its text made readable on its background (WCAG AA)."""
        base = self.rich_style
        cursor = self.get_component_rich_style("contact-list--cursor")
        overdue = self.get_component_rich_style("contact-list--overdue")
        dim = self.get_component_rich_style("contact-list--dim")
        header = self.get_component_rich_style("contact-list--header")
        key = (base, cursor, overdue, dim, header)
        if self._styles_for != key:
            under = Style(bgcolor=cursor.bgcolor, bold=cursor.bold)
            self._styles_for = key
            self._styles = {
                "base": readable_style(base),
                "cursor": readable_style(cursor),
                "overdue": readable_style(overdue),
                "cursor-overdue": readable_style(overdue + under),
                "dim": readable_style(dim),
                "cursor-dim": readable_style(dim + under),
                "header": readable_style(header),
            }
        return self._styles

    def render_lines(self, crop: Region) -> list[Strip]:
        # Styles and column widths are the same for every line of a frame: look them up
        # once (rich_style alone walks every ancestor's styles).
        width = self.scrollable_content_region.width
        styles = self.line_styles()
        self._frame = _Frame(
            width,
            self._columns(width),
            styles["base"],
            styles["cursor"],
            styles["overdue"],
            styles["dim"],
            styles["cursor-overdue"],
            styles["cursor-dim"],
            styles["header"],
        )
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        width = frame.width
        badge, name_w, company_w, role_w = frame.columns
        if y == 0:
            style = frame.header
            where = f"{self.cursor + 1:,}/{self.total:,}" if self.total else ""
            text = " " * badge + fit("Name", name_w) + " " + fit("Company", company_w)
            text += " " + fit("Role", max(role_w - cell_len(where), 0)) + where
            return Strip([Segment(fit(text, width), style)])
        index = round(self.scroll_y) + y - 1
        if self.total is None:
            return Strip.blank(width, frame.base) if y > 1 else self._message("Loading…", width)
        if self.total == 0:
            return self._empty_line(y, width)
        if index >= self.total:
            return Strip.blank(width, frame.base)
        row = self.row(index)
        under = index == self.cursor
        style = frame.cursor if under else frame.base
        if row is None:
            self._want(index // PAGE_SIZE)
            return Strip([Segment(fit("   …", width), frame.cursor_dim if under else frame.dim)])
        if row.overdue:
            mark = fit(f"{min(row.overdue, 99)}!", badge)
            badge_style = frame.cursor_overdue if under else frame.overdue
        else:
            mark, badge_style = " " * badge, style
        cells = fit(row.name, name_w) + " " + fit(row.company, company_w) + " "
        cells += fit(row.role, role_w)
        return Strip([Segment(mark, badge_style), Segment(fit(cells, width - badge), style)])

    def _message(self, text: str, width: int) -> Strip:
        return Strip([Segment(fit("   " + text, width), self._frame.dim)])

    def _empty_line(self, y: int, width: int) -> Strip:
        if self.filter_text:
            lines = [f"No contacts match “{self.filter_text}”.", "Esc clears the filter."]
        else:
            lines = [
                "No contacts yet.",
                "Press n to add one,",
                "or run `crm demo` to try the app with sample data.",
            ]
        if 1 <= y <= len(lines):
            return self._message(lines[y - 1], width)
        return Strip.blank(width, self.rich_style)


__all__ = ["ContactList", "ListLoaded"]
