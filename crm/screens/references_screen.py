"""The reference list: who vouches for the user, what they can speak to, who was briefed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from crm.domain.log_defaults import REFERENCE
from crm.messages import DataChanged, LogRequested
from crm.screens.daily_actions import DailyLoop, OverlayScreen
from crm.screens.reference_form import (
    GiveDraft,
    GiveReferenceForm,
    ReferenceDraft,
    ReferenceForm,
    ReferenceSheetDialog,
    RemoveReferenceDialog,
)
from crm.services import references
from crm.services.references import ReferenceView
from crm.widgets.cells import app_now, short_local, shown_text
from crm.widgets.key_bar import KeyBar
from crm.widgets.row_list import Column, Row, RowList
from crm.widgets.title_bar import TitleBar

EMPTY_TEXT = "No references yet — press a to add one (e.g. Mark Farmingham, your former manager)"
INTRO = (
    "Who vouches for you. Brief them before every call, thank them after, and don't wear them out."
)


@dataclass(frozen=True)
class ReferenceKey:
    """A reference row: the contact it stands for."""

    contact_id: int
    name: str


def briefed_text(briefed_at: datetime | None, now: datetime) -> str:
    """ "briefed 3 weeks ago", "briefed today", or "never briefed"."""
    if briefed_at is None:
        return "never briefed"
    days = (now.date() - briefed_at.date()).days
    if days <= 0:
        return "briefed today"
    if days == 1:
        return "briefed yesterday"
    if days < 14:
        return f"briefed {days} days ago"
    if days < 60:
        return f"briefed {days // 7} weeks ago"
    if days < 730:
        return f"briefed {days // 30} months ago"
    return f"briefed {days // 365} years ago"


def given_text(given_to: tuple[str, ...]) -> str:
    """ "given to Acme Corp, Globex", or "not given yet"."""
    return "given to " + ", ".join(dict.fromkeys(given_to)) if given_to else "not given yet"


def reference_rows(views: list[ReferenceView], now: datetime) -> list[Row]:
    """One row per reference; a strained or worn-out one is red, with its warnings under it."""
    rows: list[Row] = []
    for view in views:
        cells = (
            view.name,
            view.relationship,
            briefed_text(view.last_briefed_at, now),
            given_text(view.given_to),
        )
        rows.append(
            Row(
                cells,
                key=ReferenceKey(view.contact_id, view.name),
                tone="overdue" if view.warnings else "",
            )
        )
        rows.extend(Row((f"    ⚠ {warning}",), tone="overdue") for warning in view.warnings)
    return rows


def render_reference(view: ReferenceView | None, now: datetime) -> Group | Text:
    """One reference in full: who, what they can speak to, how to reach them, the bonus points
    per employer and the warnings."""
    if view is None:
        return Text("Nobody highlighted.", style="dim")
    title = ", ".join(part for part in (view.role, view.company) if part)
    lines = [Text.assemble((view.name, "bold"), (f" — {title}" if title else "", ""))]
    lines.append(
        Text(
            view.relationship or "No relationship noted (e to add it).",
            style="" if view.relationship else "dim",
        )
    )
    lines.append(
        Text(
            view.talking_points or "No talking points yet (e to add them).",
            style="italic" if view.talking_points else "dim",
        )
    )
    reach = " · ".join(part for part in (view.email, view.phone) if part)
    lines.append(Text(reach or "No e-mail or phone on file.", style="" if reach else "dim"))
    lines.append(
        Text(
            f"{briefed_text(view.last_briefed_at, now)} · {given_text(view.given_to)}", style="dim"
        )
    )
    lines.extend(
        Text(f"★ {given.company}: {given.talking_point}", style="bold green")
        for given in view.given
        if given.talking_point
    )
    lines.extend(Text(f"⚠ {warning}", style="bold red") for warning in view.warnings)
    lines.append(
        Text("g give to an employer · B briefed now · l log · D remove · Enter open", style="dim")
    )
    return Group(*map(shown_text, lines))


class ReferenceList(RowList):
    """The references; a, e, g, B, x, D and l act on the list or the highlighted one."""

    COLUMNS = (
        Column(18, 2),
        Column(20, 4),
        Column(16, 1, optional=True),
        Column(14, 2, optional=True),
    )

    BINDINGS = [
        Binding("a", "add", "Add", tooltip="Add a reference", id="reference-add"),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Edit the relationship and talking points",
            id="reference-edit",
        ),
        Binding(
            "g", "give", "Give", tooltip="Give this reference to an employer", id="reference-give"
        ),
        Binding(
            "B",
            "briefed",
            "Briefed",
            tooltip="Record that you briefed them just now",
            id="reference-briefed",
        ),
        Binding(
            "x",
            "export",
            "Export",
            tooltip="Show the reference sheet to copy",
            id="reference-export",
        ),
        Binding(
            "l",
            "log",
            "Log",
            show=False,
            tooltip="Log a conversation with them",
            id="reference-log",
        ),
        Binding(
            "D,delete",
            "remove",
            "Remove",
            show=False,
            tooltip="Take them off the reference list",
            id="reference-remove",
        ),
    ]

    @dataclass
    class AddRequested(Message):
        """The user asked to add a reference."""

    @dataclass
    class EditRequested(Message):
        """The user asked to edit a reference."""

        contact_id: int

    @dataclass
    class GiveRequested(Message):
        """The user asked to give a reference to an employer."""

        contact_id: int
        name: str

    @dataclass
    class BriefedRequested(Message):
        """The user briefed a reference just now."""

        contact_id: int
        name: str

    @dataclass
    class ExportRequested(Message):
        """The user asked for the reference sheet."""

    @dataclass
    class RemoveRequested(Message):
        """The user asked to take a reference off the list."""

        contact_id: int
        name: str

    @property
    def reference(self) -> ReferenceKey | None:
        """The highlighted reference, if any."""
        key = self.highlighted_key
        return key if isinstance(key, ReferenceKey) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "give", "briefed", "log", "remove"):
            return True if self.reference is not None else None
        if action == "export":
            return True if self.rows else None
        return True

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.refresh_bindings()

    def action_add(self) -> None:
        self.post_message(self.AddRequested())

    def action_edit(self) -> None:
        if (reference := self.reference) is not None:
            self.post_message(self.EditRequested(reference.contact_id))

    def action_give(self) -> None:
        if (reference := self.reference) is not None:
            self.post_message(self.GiveRequested(reference.contact_id, reference.name))

    def action_briefed(self) -> None:
        if (reference := self.reference) is not None:
            self.post_message(self.BriefedRequested(reference.contact_id, reference.name))

    def action_export(self) -> None:
        self.post_message(self.ExportRequested())

    def action_log(self) -> None:
        if (reference := self.reference) is not None:
            self.post_message(LogRequested(reference.contact_id, None, REFERENCE))

    def action_remove(self) -> None:
        if (reference := self.reference) is not None:
            self.post_message(self.RemoveRequested(reference.contact_id, reference.name))


class ReferencesScreen(OverlayScreen):
    """The reference list with a detail pane; add, edit, give, brief, export and remove."""

    BINDINGS = [
        Binding(
            "escape", "close", "Back", tooltip="Close the reference list", id="references-close"
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The reference list arrived."""

        views: list[ReferenceView]
        now: datetime

    def __init__(self) -> None:
        super().__init__()
        self.views: list[ReferenceView] = []
        """The references on show."""
        self.now: datetime | None = None
        """The moment the list was read at."""
        self.daily = DailyLoop(self, also_changed=self._tell_main_screen)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="references-body"):
            yield Static(Text(INTRO, style="dim"), id="references-intro")
            with Vertical(id="references-list-pane", classes="pane"):
                yield ReferenceList(id="references-list")
            yield Static(id="reference-detail", classes="pane")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "References"
        self.query_one("#references-list-pane").border_title = "References"
        self.query_one("#reference-detail").border_title = "Details"
        self.query_one(ReferenceList).empty_text = EMPTY_TEXT
        self.load()

    # --- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)load the reference list."""
        self.query_one(ReferenceList).loading = True
        self.load_references(app_now(self))

    @work(thread=True, exclusive=True, group="references", exit_on_error=False)
    def load_references(self, now: datetime) -> None:
        """Read the reference list as of ``now``."""
        views = references.list_references(now=now)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(views, now))

    @on(Loaded)
    def show_references(self, message: Loaded) -> None:
        message.stop()
        self.views, self.now = message.views, message.now
        listing = self.query_one(ReferenceList)
        listing.loading = False
        listing.set_rows(reference_rows(message.views, message.now))
        listing.refresh_bindings()
        self.show_detail()
        if self.focused is None:
            self.set_focus(listing)

    def _view(self, contact_id: int | None) -> ReferenceView | None:
        return next((v for v in self.views if v.contact_id == contact_id), None)

    def show_detail(self) -> None:
        """Show the highlighted reference in full."""
        detail = self.query_one("#reference-detail", Static)
        detail.display = bool(self.views)
        key = self.query_one(ReferenceList).reference
        view = self._view(key.contact_id if key else None)
        detail.update(render_reference(view, self.now or app_now(self)))

    @on(RowList.Highlighted, "#references-list")
    def follow_highlight(self, message: RowList.Highlighted) -> None:
        message.stop()
        self.show_detail()

    # --- keys --------------------------------------------------------------------------------

    @on(ReferenceList.AddRequested)
    def add_reference(self, message: ReferenceList.AddRequested) -> None:
        message.stop()
        self.app.push_screen(ReferenceForm(), self._reference_form_closed)

    @on(ReferenceList.EditRequested)
    def edit_reference(self, message: ReferenceList.EditRequested) -> None:
        message.stop()
        view = self._view(message.contact_id)
        if view is not None:
            self.app.push_screen(ReferenceForm(view), self._reference_form_closed)

    def _reference_form_closed(self, draft: ReferenceDraft | None) -> None:
        """Save what the reference form returned."""
        if draft is not None:
            self.daily.write(
                lambda: references.save_reference(
                    draft.contact_id,
                    relationship=draft.relationship,
                    talking_points=draft.talking_points,
                    now=app_now(self),
                ),
                lambda created: "Added to your references." if created else "Reference saved.",
            )

    @on(ReferenceList.GiveRequested)
    def give_reference(self, message: ReferenceList.GiveRequested) -> None:
        message.stop()
        contact_id, name = message.contact_id, message.name
        view = self._view(contact_id)
        warnings = view.warnings if view is not None else ()
        self.app.push_screen(
            GiveReferenceForm(name, warnings=warnings),
            partial(self._give_form_closed, contact_id, name),
        )

    def _give_form_closed(self, contact_id: int, name: str, draft: GiveDraft | None) -> None:
        """Record the giving; the service plans "brief your reference" before the call."""
        if draft is None:
            return
        call = (
            f" before the call on {short_local(draft.expected_call_at)}"
            if draft.expected_call_at
            else ""
        )
        self.daily.write(
            lambda: references.give_reference_noted(
                contact_id,
                draft.opportunity_id,
                expected_call_at=draft.expected_call_at,
                now=app_now(self),
            ),
            lambda given: (
                f"{name} given for {given.opportunity}: brief them{call}."
                + (f" Bonus points: {given.talking_point}." if given.talking_point else "")
            ),
        )

    @on(ReferenceList.BriefedRequested)
    def briefed(self, message: ReferenceList.BriefedRequested) -> None:
        message.stop()
        contact_id = message.contact_id
        self.daily.write(
            lambda: references.mark_briefed(contact_id, at=app_now(self)),
            lambda briefing: (
                f"Briefed {briefing.name}"
                + (f"; settled: {'; '.join(briefing.settled)}" if briefing.settled else "")
                + "."
            ),
        )

    @on(ReferenceList.ExportRequested)
    def export(self, message: ReferenceList.ExportRequested) -> None:
        message.stop()
        self.show_sheet()

    @work(thread=True, exclusive=True, group="reference-sheet", exit_on_error=False)
    def show_sheet(self) -> None:
        """Build the Markdown sheet, then show it to copy."""
        sheet = references.export_sheet(markdown=True)
        if get_current_worker().is_cancelled:
            return
        if not sheet.strip():
            self.app.call_from_thread(
                self.app.notify, "No references to export yet.", severity="warning"
            )
            return
        self.app.call_from_thread(self.app.push_screen, ReferenceSheetDialog(sheet))

    @on(ReferenceList.RemoveRequested)
    def ask_remove(self, message: ReferenceList.RemoveRequested) -> None:
        message.stop()
        contact_id, name = message.contact_id, message.name

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.daily.write(
                    lambda: references.remove_reference(contact_id),
                    lambda _: f"{name} is off your reference list.",
                )

        self.app.push_screen(RemoveReferenceDialog(name), answered)

    def _tell_main_screen(self) -> None:
        # The Today list under this screen shows the briefs that giving and briefing change.
        main = self.app.screen_stack[0]
        if main is not self:
            main.post_message(DataChanged())

    @on(DataChanged)
    def reload(self, message: DataChanged) -> None:
        message.stop()
        self.load()

    @on(Worker.StateChanged)
    def report_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.query_one(ReferenceList).loading = False
            self.notify(
                f"Something went wrong: {event.worker.error}", severity="error", markup=False
            )
