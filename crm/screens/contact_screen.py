"""A contact opened full-screen: details, whom they know, and their timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from crm.domain.text import picture_controls
from crm.domain.types import ContactDetail
from crm.messages import (
    ContactSaved,
    DataChanged,
    DraftRequested,
    FollowUpDoneRequested,
    LogRequested,
    SnoozeRequested,
)
from crm.screens.connection_form import ConnectionDraft
from crm.screens.daily_actions import DailyLoop
from crm.screens.editing import ContactEditor
from crm.services import connections, contacts
from crm.services.connections import ConnectionView
from crm.widgets.cells import app_now, shown_text
from crm.widgets.contact_card import ContactCard
from crm.widgets.key_bar import KeyBar
from crm.widgets.timeline_pane import Subject, TimelinePane
from crm.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from crm.services.conversation_edits import DeletedConversation


def render_connections(known: list[ConnectionView]) -> Table | Text:
    """Whom the contact knows, one line each."""
    if not known:
        return Text("No connections recorded. Press c to add one.", style="dim")
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(style="dim")
    for connection in known:
        who = connection.name + (f" ({connection.company})" if connection.company else "")
        how = connection.source.value + (f" — {connection.note}" if connection.note else "")
        table.add_row(shown_text(Text(who)), shown_text(Text(how)))  # data, never markup
    return table


class ContactScreen(Screen[None]):
    """One contact: the card, whom they know, and their timeline."""

    BINDINGS = [
        Binding("escape,q", "close", "Back", tooltip="Back to the list", id="contact-close"),
        Binding("e", "edit", "Edit", tooltip="Edit this contact", id="contact-screen-edit"),
        Binding(
            "c", "knows", "Connect…", tooltip="Record whom this contact knows", id="contact-knows"
        ),
        Binding(
            "l",
            "log",
            "Log",
            tooltip="Log a conversation with this contact",
            id="contact-screen-log",
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The contact's details and connections arrived."""

        contact: ContactDetail
        known: list[ConnectionView]

    def __init__(
        self,
        contact_id: int,
        *,
        keep_deleted: Callable[[DeletedConversation], None] | None = None,
    ) -> None:
        super().__init__()
        self.contact_id = contact_id
        """Whose details this screen shows."""
        self.contact: ContactDetail | None = None
        self.editor = ContactEditor(self)
        """Edits the contact from this screen."""
        self.daily = DailyLoop(self, keep_deleted=keep_deleted)
        """Logs conversations and moves follow-ups along from this screen."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="contact-screen-body"):
            with VerticalScroll(id="contact-screen-left"):
                yield ContactCard(id="contact-screen-card", classes="pane")
                yield Static(id="contact-connections", classes="pane")
            yield TimelinePane(id="contact-timeline", classes="pane")
        yield KeyBar()

    @on(TimelinePane.ConversationRequested)
    def act_on_conversation(self, message: TimelinePane.ConversationRequested) -> None:
        message.stop()
        self.daily.act_on_conversation(message.interaction_id, message.action)

    def on_mount(self) -> None:
        self.query_one("#contact-connections").border_title = "Knows"
        self.query_one(TimelinePane).border_title = "Timeline"
        self.query_one(ContactCard).loading = True
        self.load_contact()
        timeline = self.query_one(TimelinePane)
        timeline.show_subject(Subject(contact_id=self.contact_id, title=""))
        self.set_focus(timeline)

    @work(thread=True, exclusive=True, group="contact-screen", exit_on_error=False)
    def load_contact(self) -> None:
        """Fetch the contact's details and connections."""
        detail = contacts.get_contact(self.contact_id, now=app_now(self))
        known = connections.connections_of(self.contact_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(detail, known))

    @on(Loaded)
    def show_contact(self, message: Loaded) -> None:
        self.contact = message.contact
        card = self.query_one(ContactCard)
        card.loading = False
        card.show(message.contact, app_now(self))
        self.query_one("#contact-connections", Static).update(render_connections(message.known))
        self.sub_title = picture_controls(message.contact.name)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        if self.contact is not None:
            self.editor.open_contact_form(self.contact)

    def action_log(self) -> None:
        self.daily.open_log_form(self.contact_id, None)

    def action_knows(self) -> None:
        from crm.screens.connection_form import ConnectionForm

        if self.contact is not None:
            self.app.push_screen(
                ConnectionForm(self.contact_id, self.contact.name), self._connection_closed
            )

    def _connection_closed(self, draft: ConnectionDraft | None) -> None:
        """Record the connection the form returned."""
        if draft is not None:
            self.daily.write(
                lambda: connections.add_connection(
                    self.contact_id,
                    draft.other_id,
                    source=draft.source,
                    note=draft.note,
                    now=app_now(self),
                ),
                lambda _: "Connection recorded.",
            )

    @on(ContactSaved)
    def show_saved_contact(self, message: ContactSaved) -> None:
        message.stop()
        self.notify(f"Saved {picture_controls(message.name)}.", markup=False)
        self.load_contact()

    @on(LogRequested)
    def log_conversation(self, message: LogRequested) -> None:
        message.stop()
        self.daily.open_log_form(
            message.contact_id or self.contact_id, message.opportunity_id, message.defaults
        )

    @on(FollowUpDoneRequested)
    def mark_follow_up_done(self, message: FollowUpDoneRequested) -> None:
        message.stop()
        self.daily.complete_follow_up(message.follow_up_id)

    @on(DraftRequested)
    def write_message(self, message: DraftRequested) -> None:
        message.stop()
        self.daily.open_draft(message.follow_up_id)

    @on(SnoozeRequested)
    def snooze(self, message: SnoozeRequested) -> None:
        message.stop()
        self.daily.ask_snooze(message.follow_up_id, message.title)

    @on(DataChanged)
    def reload(self, message: DataChanged) -> None:
        message.stop()
        self.load_contact()
        self.query_one(TimelinePane).load()
