"""Record that the contact on show knows someone else: the raw material of the back channel."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select
from textual.worker import get_current_worker

from crm.domain.types import ConnectionSource
from crm.screens.form import FormScreen, form_bindings, form_footer
from crm.screens.lookup import resolve_optional_contact
from crm.widgets.cells import shown
from crm.widgets.suggesters import ContactSuggester

SOURCE_CHOICES = [
    ("LinkedIn: a mutual connection", ConnectionSource.LINKEDIN_MUTUAL.value),
    ("They said so", ConnectionSource.THEY_SAID_SO.value),
    ("Same team", ConnectionSource.SAME_TEAM.value),
    ("Other", ConnectionSource.OTHER.value),
]


@dataclass(frozen=True)
class ConnectionDraft:
    """Who the contact knows, how the user knows it, and a note."""

    other_id: int
    source: ConnectionSource
    note: str


class ConnectionForm(FormScreen[ConnectionDraft | None]):
    """ "<name> knows…": pick the other person (with completion), the source and a note."""

    BINDINGS = form_bindings("Save the connection", prefix="connection")

    def __init__(self, contact_id: int, contact_name: str) -> None:
        super().__init__()
        self.contact_id = contact_id
        """The contact who knows someone."""
        self.contact_name = contact_name

    def compose(self) -> ComposeResult:
        with Vertical(id="connection-dialog", classes="dialog"):
            yield Label(shown(f"{self.contact_name} knows…"), classes="dialog-title")
            with Grid(classes="form-grid"):
                yield Label("Who", classes="form-label")
                yield Input(
                    placeholder="A contact's name (→ completes)",
                    suggester=ContactSuggester(),
                    id="field-other",
                    compact=True,
                )
                yield Label("How you know", classes="form-label")
                yield Select(
                    SOURCE_CHOICES,
                    value=ConnectionSource.THEY_SAID_SO.value,
                    allow_blank=False,
                    compact=True,
                    id="field-source",
                )
                yield Label("Note", classes="form-label")
                yield Input(placeholder="Worked together at…", id="field-note", compact=True)
            yield from form_footer("Enter or Ctrl+S saves · Esc cancels")

    def on_mount(self) -> None:
        self.query_one("#field-other", Input).focus()

    def action_save(self) -> None:
        text = self.query_one("#field-other", Input).value
        if not text.strip():
            self._show_problem("Who: name the person they know.")
            return
        source = ConnectionSource(str(self.query_one("#field-source", Select).value))
        note = self.query_one("#field-note", Input).value.strip()
        self.resolve(text, source, note)

    @work(thread=True, exclusive=True, group="connection-form", exit_on_error=False)
    def resolve(self, text: str, source: ConnectionSource, note: str) -> None:
        """Find the contact the user typed, and report back with the draft or the problem."""
        found = resolve_optional_contact("Who", text)
        if get_current_worker().is_cancelled:
            return
        if not isinstance(found, int):
            self.post_message(self.Refused(str(found or "")))
        elif found == self.contact_id:
            self.post_message(self.Refused("Who: someone other than themselves."))
        else:
            self.post_message(self.Checked(ConnectionDraft(found, source, note)))
