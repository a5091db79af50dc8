"""Opening the contact form and saving what it returns, for the screens that edit."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.screen import Screen

from crm.domain.types import ContactDetail, ContactDraft
from crm.domain.validation import InvalidInput
from crm.messages import ContactSaved
from crm.services import contacts
from crm.widgets.cells import app_now


class ContactEditor:
    """Adds and edits contacts for the screen that owns it, which hears `ContactSaved`."""

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        """The screen whose worker saves, and which is told what was saved."""

    def open_contact_form(self, contact: ContactDetail | None = None) -> None:
        """Show the form, empty for a new contact or filled in for ``contact``."""
        from crm.screens.contact_form import ContactForm  # on first use: not start-up's

        if contact is None:
            form = ContactForm(title="New contact")
            self.screen.app.push_screen(form, partial(self._form_closed, None))
        else:
            form = ContactForm(contact.to_draft(), title=f"Edit {contact.name}")
            self.screen.app.push_screen(form, partial(self._form_closed, contact.id))

    def _form_closed(self, contact_id: int | None, draft: ContactDraft | None) -> None:
        if draft is not None:
            self.screen.run_worker(
                partial(self._save, contact_id, draft),
                thread=True,
                group="save-contact",
                exit_on_error=False,
            )

    def _save(self, contact_id: int | None, draft: ContactDraft) -> None:
        """Write the form's draft; a new contact if ``contact_id`` is None."""
        app = self.screen.app
        try:
            if contact_id is None:
                saved_id = contacts.create_contact(draft, now=app_now(self.screen))
            else:
                contacts.update_contact(contact_id, draft, now=app_now(self.screen))
                saved_id = contact_id
        except (InvalidInput, contacts.ContactNotFound) as error:
            app.call_from_thread(app.notify, str(error), severity="error")
            return
        self.screen.post_message(ContactSaved(saved_id, draft.name, created=contact_id is None))
