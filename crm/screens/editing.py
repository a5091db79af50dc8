"""Opening the contact form and saving what it returns, shared by the screens that edit."""

from __future__ import annotations

from functools import partial

from textual import work
from textual.screen import Screen

from crm.domain.types import ContactDetail, ContactDraft
from crm.domain.validation import InvalidInput
from crm.messages import ContactSaved
from crm.services import contacts
from crm.widgets.cells import app_now


class ContactEditing(Screen[None]):
    """A screen that can add and edit contacts."""

    def open_contact_form(self, contact: ContactDetail | None = None) -> None:
        """Show the form, empty for a new contact or filled in for ``contact``."""
        from crm.screens.contact_form import ContactForm  # on first use: not start-up's

        if contact is None:
            form = ContactForm(title="New contact")
            self.app.push_screen(form, partial(self.save_contact, None))
        else:
            form = ContactForm(contact.to_draft(), title=f"Edit {contact.name}")
            self.app.push_screen(form, partial(self.save_contact, contact.id))

    @work(thread=True, group="save-contact", exit_on_error=False)
    def save_contact(self, contact_id: int | None, draft: ContactDraft | None) -> None:
        """Write the form's draft; a new contact if ``contact_id`` is None."""
        if draft is None:
            return
        try:
            if contact_id is None:
                saved_id = contacts.create_contact(draft, now=app_now(self))
            else:
                contacts.update_contact(contact_id, draft, now=app_now(self))
                saved_id = contact_id
        except (InvalidInput, contacts.ContactNotFound) as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.post_message(ContactSaved(saved_id, draft.name, created=contact_id is None))
