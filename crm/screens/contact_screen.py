"""A contact opened full-screen: everything known about one person."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header
from textual.worker import get_current_worker

from crm.domain.types import ContactDetail
from crm.messages import ContactSaved
from crm.screens.editing import ContactEditing
from crm.services import contacts
from crm.widgets.contact_card import ContactCard
from crm.widgets.placeholders import ComingSoon


class ContactScreen(ContactEditing):
    """One contact's details (and, later, their timeline)."""

    BINDINGS = [
        Binding("escape,q", "close", "Back", tooltip="Back to the list", id="contact-close"),
        Binding("e", "edit", "Edit", tooltip="Edit this contact", id="contact-screen-edit"),
    ]

    @dataclass
    class Loaded(Message):
        """The contact's details arrived."""

        contact: ContactDetail

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        """Whose details this screen shows."""
        self.contact: ContactDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="contact-screen-body"):
            yield ContactCard(id="contact-screen-card", classes="pane")
            yield ComingSoon("Timeline", id="contact-screen-timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ContactCard).loading = True
        self.load_contact()

    @work(thread=True, exclusive=True, group="contact-screen", exit_on_error=False)
    def load_contact(self) -> None:
        """Fetch the contact's details."""
        detail = contacts.get_contact(self.contact_id, now=self.app.clock())
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(detail))

    @on(Loaded)
    def show_contact(self, message: Loaded) -> None:
        self.contact = message.contact
        card = self.query_one(ContactCard)
        card.loading = False
        card.show(message.contact, self.app.clock())
        self.sub_title = message.contact.name

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        if self.contact is not None:
            self.open_contact_form(self.contact)

    @on(ContactSaved)
    def show_saved_contact(self, message: ContactSaved) -> None:
        message.stop()
        self.notify(f"Saved {message.name}.")
        self.load_contact()
