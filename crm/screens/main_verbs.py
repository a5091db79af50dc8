"""What the main screen opens and the palette's verbs: the back channel, references, imports,
duplicates, deleting and undoing it, rebuilding the search index."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from crm.messages import DataChanged, GoToContact
from crm.services import contacts
from crm.widgets.contact_list import ContactList
from crm.widgets.interviews_pane import InterviewsPane
from crm.widgets.row_keys import InterviewKey, opportunity_of
from crm.widgets.row_list import RowList

if TYPE_CHECKING:
    from crm.domain.types import ContactDetail
    from crm.screens.daily_actions import DailyLoop
    from crm.services.conversation_edits import DeletedConversation
    from crm.services.merging import DeletedContact


class MainVerbs:
    """Opens other screens from the main screen and runs its palette verbs."""

    def __init__(
        self,
        screen: Screen[Any],
        daily: DailyLoop,
        deleted: list[DeletedContact | DeletedConversation],
        shown_contact: Callable[[], ContactDetail | None],
    ) -> None:
        self.screen = screen
        """The main screen: its highlighted rows say what to open, its workers write."""
        self.daily = daily
        """The screen's writer, which deletes and restores."""
        self.deleted = deleted
        """The screen's deleted contacts and conversations, newest last, for Ctrl+Z."""
        self.shown_contact = shown_contact
        """The contact the card shows, if any."""

    def returned(self, _: object = None) -> None:
        """Back from a screen that may have written: show the changes."""
        self.screen.post_message(DataChanged())

    # --- the back channel and references ------------------------------------------------------

    def open_backchannel(self) -> None:
        """Open the back-channel map for whatever is highlighted: an interview, an opportunity's
        company, or a contact's company."""
        from crm.screens.backchannel_screen import BackchannelScreen

        screen = self.screen
        focused = screen.focused
        interviews = screen.query_one(InterviewsPane)
        key = focused.highlighted_key if isinstance(focused, RowList) else None
        if isinstance(key, InterviewKey):
            screen.app.push_screen(BackchannelScreen(interview_id=key.interview_id), self.returned)
            return
        company = ""
        opportunity_id = opportunity_of(key)
        if opportunity_id is not None:
            summary = next((s for s in interviews.summaries if s.id == opportunity_id), None)
            company = summary.company if summary is not None else ""
        elif isinstance(focused, ContactList) and focused.highlighted is not None:
            company = focused.highlighted.company
        elif (shown := self.shown_contact()) is not None:
            company = shown.company
        if not company:
            screen.notify(
                "Highlight an interview, an opportunity, or a contact at a company first."
            )
            return
        screen.app.push_screen(BackchannelScreen(company=company), self.returned)

    def open_references(self) -> None:
        from crm.screens.references_screen import ReferencesScreen

        self.screen.app.push_screen(ReferencesScreen(), self.returned)

    # --- deleting, undoing, duplicates, imports ----------------------------------------------

    def confirm_delete(self, contact_id: int, name: str) -> None:
        """Ask before deleting a contact, then delete it."""
        from crm.screens.confirm import ConfirmDialog

        dialog = ConfirmDialog(
            f"Delete {name}?",
            "Their conversations and follow-ups go with them. You can undo this with Ctrl+Z "
            "(or “Undo the last delete” in the palette) until you quit.",
            yes="Delete",
        )
        self.screen.app.push_screen(dialog, partial(self._delete_if_confirmed, contact_id))

    def _delete_if_confirmed(self, contact_id: int, confirmed: bool | None) -> None:
        from crm.services import merging

        if confirmed:
            self.daily.write(partial(merging.delete_contact, contact_id), self._deleted)

    def _deleted(self, deleted: DeletedContact) -> str:
        """Keep what's needed to undo the delete (from the worker that deleted)."""
        self.deleted.append(deleted)
        return f"Deleted {deleted.name}. Ctrl+Z brings them back."

    def undo_delete(self) -> None:
        """Bring back the contact or conversation deleted last."""
        from crm.services import merging

        screen = self.screen
        if not self.deleted:
            screen.notify("Nothing deleted this session.")
            return
        deleted = self.deleted.pop()
        if not isinstance(deleted, merging.DeletedContact):
            self.daily.restore_conversation(deleted)
            return
        self.daily.write(
            partial(merging.restore_contact, deleted),
            lambda _: f"{deleted.name} is back.",
            lambda _: self._go_to_from_worker(deleted.contact_id),
        )

    def _go_to_from_worker(self, contact_id: int) -> None:
        self.screen.app.call_from_thread(self.screen.post_message, GoToContact(contact_id))

    def find_duplicates(self) -> None:
        from crm.screens.duplicates_screen import DuplicatesScreen

        self.screen.app.push_screen(DuplicatesScreen(), self.returned)

    def open_import(self, source: str) -> None:
        """Open the import screen for ``source`` ("linkedin", "vcard", "google" or "mail")."""
        from crm.screens.import_screen import ImportScreen

        self.screen.app.push_screen(ImportScreen(source), self.returned)

    def open_review(self) -> None:
        """Open the review of the people and interviews mail proposes."""
        from crm.screens.review_screen import ReviewScreen

        self.screen.app.push_screen(ReviewScreen(), self.returned)

    # --- palette verbs -----------------------------------------------------------------------

    def rebuild_index(self) -> None:
        """Rebuild the contact search index in a thread worker."""
        self.screen.run_worker(
            self._rebuild_index,
            name="rebuild_index",
            thread=True,
            group="save",
            exit_on_error=False,
        )

    def _rebuild_index(self) -> None:
        count = contacts.rebuild_index()
        app = self.screen.app
        app.call_from_thread(self.screen.notify, f"Search index rebuilt: {count} contacts.")
