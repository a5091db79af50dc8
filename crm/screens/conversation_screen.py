"""A logged conversation in full: every field, the whole summary, what it settled and planned;
`e` corrects it and Delete deletes it."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from crm.domain.conversations import ConversationView, view_fields
from crm.domain.text import picture_controls
from crm.widgets.cells import shown
from crm.zone import user_zone

ConversationChoice = Literal["edit", "delete"]
"""What the user asked to do with the conversation on closing the view."""


class ConversationScreen(ModalScreen[ConversationChoice | None]):
    """Shows one conversation; returns "edit", "delete", or None when closed."""

    BINDINGS = [
        Binding(
            "escape,enter,q", "close", "Close", tooltip="Back to the timeline", id="conv-close"
        ),
        Binding("e", "choose('edit')", "Edit", tooltip="Correct this conversation", id="conv-edit"),
        Binding(
            "delete",
            "choose('delete')",
            "Delete",
            tooltip="Delete this conversation (asks first; Ctrl+Z brings it back)",
            id="conv-delete",
        ),
    ]

    def __init__(self, view: ConversationView) -> None:
        super().__init__()
        self.view = view
        """The conversation on show."""

    def compose(self) -> ComposeResult:
        view = self.view
        fields = view_fields(view, user_zone())
        with Vertical(id="conversation-dialog", classes="dialog"):
            yield Label(
                shown(f"Conversation #{view.id} with {view.contact}"), classes="dialog-title"
            )
            with VerticalScroll(id="conversation-body"):
                with Grid(id="conversation-fields"):
                    for label, text in fields[:-1]:
                        yield Label(label, classes="form-label")
                        yield Static(shown(text))
                yield Label("Summary", classes="form-label conversation-summary-label")
                # Long notes wrap in full; line breaks the user typed stay.
                summary = picture_controls(view.summary or "—", keep_lines=True)
                yield Static(Content(summary), id="conversation-summary")
            yield Static("e edits · Delete deletes · Esc closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_choose(self, choice: ConversationChoice) -> None:
        self.dismiss(choice)
