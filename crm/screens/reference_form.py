"""Reference dialogs: add or edit a reference, give one to an employer, the sheet, removal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.worker import get_current_worker

from crm.domain.types import OpportunitySummary
from crm.domain.when import WhenError, parse_when
from crm.screens.form import FormScreen, form_bindings, form_footer
from crm.screens.lookup import resolve_optional_contact
from crm.services.references import ReferenceView
from crm.widgets.cells import app_now, shown
from crm.widgets.opportunity_select import OpportunitySelect
from crm.widgets.suggesters import ContactSuggester
from crm.zone import user_zone

NO_CONTACT = "Contact: name the person who will vouch for you."
NO_OPEN_OPPORTUNITIES = "No open opportunities. Add one on the Interviews tab (o) first."


@dataclass(frozen=True)
class ReferenceDraft:
    """A reference as typed: who, how they know the user's work, what they can speak to."""

    contact_id: int
    relationship: str
    talking_points: str


@dataclass(frozen=True)
class GiveDraft:
    """Which opportunity a reference goes to, and when the employer is expected to call."""

    opportunity_id: int
    expected_call_at: datetime | None


class ReferenceForm(FormScreen[ReferenceDraft | None]):
    """Add a contact to the reference list, or edit what a reference can speak to."""

    BINDINGS = form_bindings("Save the reference")

    def __init__(self, reference: ReferenceView | None = None) -> None:
        super().__init__()
        self.reference = reference
        """The reference being edited; None to add one."""

    def compose(self) -> ComposeResult:
        editing = self.reference
        title = f"Edit reference: {editing.name}" if editing else "Add a reference"
        with Vertical(id="reference-dialog", classes="dialog"):
            yield Label(title, classes="dialog-title")
            with Grid(classes="form-grid"):
                yield Label("Contact", classes="form-label")
                if editing is None:
                    yield Input(
                        placeholder="A contact's name (→ completes)",
                        suggester=ContactSuggester(),
                        id="field-contact",
                        compact=True,
                    )
                else:
                    yield Static(shown(editing.name), id="reference-contact")
                yield Label("Relationship", classes="form-label")
                yield Input(
                    editing.relationship if editing else "",
                    placeholder="My direct supervisor for three years",
                    id="field-relationship",
                    compact=True,
                )
                yield Label("Talking points", classes="form-label")
                yield Input(
                    editing.talking_points if editing else "",
                    placeholder="Can speak to how I grew in a fast-paced environment",
                    id="field-talking-points",
                    compact=True,
                )
            yield from form_footer("Enter or Ctrl+S saves · Tab moves · Esc cancels")

    def on_mount(self) -> None:
        first = "#field-contact" if self.reference is None else "#field-relationship"
        self.query_one(first, Input).focus()

    def action_save(self) -> None:
        relationship = " ".join(self.query_one("#field-relationship", Input).value.split())
        talking_points = " ".join(self.query_one("#field-talking-points", Input).value.split())
        if self.reference is not None:
            self.dismiss(ReferenceDraft(self.reference.contact_id, relationship, talking_points))
            return
        text = self.query_one("#field-contact", Input).value
        if not text.strip():
            self._show_problem(NO_CONTACT)
            return
        self.resolve(text, relationship, talking_points)

    @work(thread=True, exclusive=True, group="reference-form", exit_on_error=False)
    def resolve(self, text: str, relationship: str, talking_points: str) -> None:
        """Find the contact the user typed, and report back with the draft or the problem."""
        found = resolve_optional_contact("Contact", text)
        if get_current_worker().is_cancelled:
            return
        if isinstance(found, int):
            self.post_message(self.Checked(ReferenceDraft(found, relationship, talking_points)))
        else:
            self.post_message(self.Refused(str(found or NO_CONTACT)))


class GiveReferenceForm(FormScreen[GiveDraft | None]):
    """Hand a reference to an employer: which open opportunity, and when they'll likely call."""

    BINDINGS = form_bindings("Give the reference")

    def __init__(
        self, name: str, *, opportunity_id: int | None = None, warnings: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.reference_name = name
        """Whose reference is being given, for the title."""
        self.warnings = warnings
        """What to know before giving them (strained terms, worn out), shown above the form."""
        self.opportunity_id = opportunity_id
        """The opportunity to preselect, if it is open."""
        self.opportunities: dict[int, OpportunitySummary] | None = None
        """The open opportunities by id; None until they are loaded."""

    def compose(self) -> ComposeResult:
        with Vertical(id="give-reference-dialog", classes="dialog"):
            yield Label(shown(f"Give {self.reference_name} as a reference"), classes="dialog-title")
            yield Static(
                Text("\n".join(f"⚠ {warning}" for warning in self.warnings), style="bold red"),
                id="give-warning",
            )
            with Grid(classes="form-grid"):
                yield Label("Opportunity", classes="form-label")
                yield OpportunitySelect(self.opportunity_id, id="field-opportunity")
                yield Label("Expected call", classes="form-label")
                yield Input(
                    placeholder="Optional: fri, in 3 days, 2026-12-01 10:00",
                    id="field-call",
                    compact=True,
                )
            yield from form_footer(
                "Plans “brief your reference” before the call · Ctrl+S saves · Esc cancels",
                save_label="Give",
            )

    def on_mount(self) -> None:
        self.query_one("#give-warning", Static).display = bool(self.warnings)
        self.query_one("#field-opportunity", Select).focus()

    @on(OpportunitySelect.Filled)
    def opportunities_ready(self, message: OpportunitySelect.Filled) -> None:
        message.stop()
        self.opportunities = message.opportunities
        if not message.opportunities:
            self._show_problem(NO_OPEN_OPPORTUNITIES)
            return

    def action_save(self) -> None:
        if self.opportunities is None:
            self._show_problem("Opportunity: still loading…")
            return
        if not self.opportunities:
            self._show_problem(NO_OPEN_OPPORTUNITIES)
            return
        value = self.query_one("#field-opportunity", Select).value
        if not isinstance(value, int) or value not in self.opportunities:
            self._show_problem("Opportunity: choose one.")
            return
        text = self.query_one("#field-call", Input).value.strip()
        expected: datetime | None = None
        if text:
            try:
                expected = parse_when(
                    text,
                    now=app_now(self),
                    tz=user_zone(),
                    direction="future",
                )
            except WhenError as error:
                self._show_problem(f"Expected call: {error}")
                return
        self.dismiss(GiveDraft(value, expected))


class ReferenceSheetDialog(ModalScreen[None]):
    """The reference sheet as Markdown, to select and copy into an application."""

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the sheet", id="reference-sheet-close"),
        Binding(
            "c",
            "copy",
            "Copy all",
            tooltip="Copy the whole sheet to the clipboard",
            id="reference-sheet-copy",
        ),
    ]

    def __init__(self, sheet: str) -> None:
        super().__init__()
        self.sheet = sheet
        """The Markdown text on show."""

    def compose(self) -> ComposeResult:
        with Vertical(id="reference-sheet-dialog", classes="dialog"):
            yield Label("Reference sheet (Markdown)", classes="dialog-title")
            yield TextArea(self.sheet, read_only=True, soft_wrap=True, id="reference-sheet")
            yield Static(
                "Select and copy (Ctrl+C), or press c to copy all · Esc closes",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        sheet = self.query_one(TextArea)
        if self.app.is_headless:
            sheet.cursor_blink = False
        sheet.focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.sheet)
        self.notify("Reference sheet copied to the clipboard.")

    def action_close(self) -> None:
        self.dismiss(None)


class RemoveReferenceDialog(ModalScreen[bool]):
    """Ask before taking someone off the reference list; True to remove."""

    BINDINGS = [
        Binding(
            "escape,n",
            "answer(False)",
            "Keep",
            tooltip="Keep them on the list",
            id="reference-remove-no",
        ),
        Binding(
            "y",
            "answer(True)",
            "Remove",
            tooltip="Take them off the list",
            id="reference-remove-yes",
        ),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.reference_name = name
        """Who would be removed."""

    def compose(self) -> ComposeResult:
        with Vertical(id="remove-reference-dialog", classes="dialog"):
            yield Label(
                shown(f"Take {self.reference_name} off your reference list?"),
                classes="dialog-title",
            )
            yield Static("Their contact and history stay.", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Remove", variant="error", id="reference-remove", compact=True)
                yield Button("Keep", id="reference-keep", compact=True)
            yield Static("y removes · n or Esc keeps", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#reference-keep", Button).focus()

    @on(Button.Pressed)
    def press_button(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "reference-remove")

    def action_answer(self, remove: bool) -> None:
        self.dismiss(remove)
