"""The main screen: contacts | details and timeline | interviews; owns cross-pane wiring."""

from __future__ import annotations

import gc
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Input
from textual.worker import Worker, WorkerState, get_current_worker

from crm.domain.types import ContactDetail
from crm.messages import ContactSaved, GoToContact
from crm.screens.contact_screen import ContactScreen
from crm.screens.editing import ContactEditing
from crm.screens.help import HelpScreen
from crm.services import contacts
from crm.widgets.contact_card import ContactCard
from crm.widgets.contact_list import ContactList
from crm.widgets.placeholders import ComingSoon
from crm.widgets.search_box import SearchBox


class MainScreen(ContactEditing):
    """Contacts on the left, the highlighted contact beside them, interviews below."""

    BINDINGS = [
        Binding("ctrl+f", "focus_search", "Search", show=False, id="main-search"),
        Binding("ctrl+n", "new_contact", "New contact", show=False, id="main-new-contact"),
    ]

    @dataclass
    class CardLoaded(Message):
        """The highlighted contact's details arrived."""

        contact: ContactDetail | None

    def __init__(self) -> None:
        super().__init__()
        self.shown_contact: ContactDetail | None = None
        """The contact whose details the card shows."""
        self._first_load = True

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="contacts-pane", classes="pane"):
                yield SearchBox(id="search")
                yield ContactList(id="contacts")
            with Vertical(id="side"):
                yield ContactCard(id="contact-card", classes="pane")
                yield ComingSoon("Timeline", id="timeline-pane", classes="pane")
        yield ComingSoon("Interviews", id="interviews-pane", classes="pane")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#contacts-pane").border_title = "Contacts"
        self.query_one("#contact-card").border_title = "Contact"
        self.query_one("#timeline-pane").border_title = "Timeline"
        self.query_one("#interviews-pane").border_title = "Interviews"
        contact_list = self.query_one(ContactList)
        contact_list.load("")
        self.set_focus(contact_list)

    @property
    def contact_list(self) -> ContactList:
        return self.query_one(ContactList)

    # --- search ------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def filter_contacts(self, event: Input.Changed) -> None:
        event.stop()
        self.contact_list.load(event.value)

    @on(SearchBox.Finished)
    @on(ContactList.Loaded)
    def focus_list_when_done(self, message: Message) -> None:
        if isinstance(message, SearchBox.Finished) or self.focused is None:
            self.set_focus(self.contact_list)
        if self._first_load and isinstance(message, ContactList.Loaded):
            # Start-up objects live for the whole session: keep the collector off them.
            self._first_load = False
            gc.freeze()

    @on(ContactList.SearchRequested)
    def action_focus_search(self) -> None:
        self.query_one(SearchBox).focus()

    # --- the highlighted contact -------------------------------------------------------------

    @on(ContactList.Highlighted)
    def show_highlighted_contact(self, message: ContactList.Highlighted) -> None:
        message.stop()
        self.load_card(message.contact_id)

    @work(thread=True, exclusive=True, group="contact-card", exit_on_error=False)
    def load_card(self, contact_id: int | None) -> None:
        """Fetch the highlighted contact's details for the card."""
        detail = None
        if contact_id is not None:
            try:
                detail = contacts.get_contact(contact_id, now=self.app.clock())
            except contacts.ContactNotFound:
                detail = None
        if not get_current_worker().is_cancelled:
            self.post_message(self.CardLoaded(detail))

    @on(CardLoaded)
    def show_card(self, message: CardLoaded) -> None:
        self.shown_contact = message.contact
        self.query_one(ContactCard).show(message.contact, self.app.clock())

    @on(ContactList.Opened)
    def open_contact(self, message: ContactList.Opened) -> None:
        message.stop()
        self.app.push_screen(ContactScreen(message.contact_id))

    # --- adding and editing ------------------------------------------------------------------

    @on(ContactList.NewRequested)
    def action_new_contact(self) -> None:
        self.open_contact_form(None)

    @on(ContactList.EditRequested)
    def edit_contact(self, message: ContactList.EditRequested) -> None:
        message.stop()
        if self.shown_contact is not None and self.shown_contact.id == message.contact_id:
            self.open_contact_form(self.shown_contact)

    @on(ContactSaved)
    def show_saved_contact(self, message: ContactSaved) -> None:
        message.stop()
        verb = "Added" if message.created else "Saved"
        self.notify(f"{verb} {message.name}.")
        if message.created and self.contact_list.filter_text:
            self.query_one(SearchBox).value = ""  # so the new contact is in the list
            self.contact_list.load("", focus_contact=message.contact_id)
        else:
            self.contact_list.reload(focus_contact=message.contact_id)
        self.load_card(message.contact_id)

    @on(GoToContact)
    def go_to_contact(self, message: GoToContact) -> None:
        message.stop()
        search = self.query_one(SearchBox)
        with search.prevent(Input.Changed):
            search.value = ""
        self.contact_list.load("", focus_contact=message.contact_id)
        self.set_focus(self.contact_list)

    def on_screen_resume(self) -> None:
        if self.shown_contact is not None:
            self.contact_list.reload(focus_contact=self.shown_contact.id)

    # --- help and errors ---------------------------------------------------------------------

    def help_sections(self) -> list[tuple[str, list[Binding]]]:
        """Every key on this screen, grouped for the help screen."""
        from crm.screens.contact_form import ContactForm

        app_bindings = [b for b in type(self.app).BINDINGS if isinstance(b, Binding)]
        return [
            ("Contacts list", [b for b in ContactList.BINDINGS if isinstance(b, Binding)]),
            ("Filter box", [b for b in SearchBox.BINDINGS if isinstance(b, Binding)]),
            ("Contact form", [b for b in ContactForm.BINDINGS if isinstance(b, Binding)]),
            ("Contact screen", [b for b in ContactScreen.BINDINGS if isinstance(b, Binding)]),
            ("Everywhere", [b for b in self.BINDINGS if isinstance(b, Binding)] + app_bindings),
        ]

    def show_help(self) -> None:
        self.app.push_screen(HelpScreen(self.help_sections()))

    @on(Worker.StateChanged)
    def report_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(f"Something went wrong: {event.worker.error}", severity="error")
