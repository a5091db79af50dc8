"""The draft of a follow-up's message, with the ring check's verdict: edit it in $EDITOR, copy
it, open it in the mail app, and log it as sent."""

from __future__ import annotations

from datetime import datetime, tzinfo

import click
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from crm.domain.day_words import LANGUAGE_NAMES
from crm.domain.drafts import Draft, blanks_in, split_text
from crm.domain.playbook import title_of
from crm.domain.ring_check import RingCheck, RingVerdict, check_ring
from crm.services.drafts import mailto_url


class DraftScreen(ModalScreen[str | None]):
    """A follow-up's draft; returns the text to log as sent, or None when closed."""

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the draft", id="draft-close"),
        Binding("e", "edit", "Edit", tooltip="Edit the draft in $EDITOR", id="draft-edit"),
        Binding(
            "c", "copy", "Copy", tooltip="Copy the draft (works over SSH too)", id="draft-copy"
        ),
        Binding("m", "mail", "Mail app", tooltip="Open it in your mail app", id="draft-mail"),
        Binding(
            "s",
            "sent",
            "Sent: log it",
            tooltip="Log it as sent: settles the follow-up and plans what comes next",
            id="draft-sent",
        ),
    ]

    def __init__(self, draft: Draft, *, now: datetime, tz: tzinfo) -> None:
        super().__init__()
        self.draft = draft
        """The draft as crm wrote it."""
        self.text = draft.text
        """What is on show: the draft, or what the user made of it in the editor."""
        self.now = now
        self.tz = tz

    def compose(self) -> ComposeResult:
        draft = self.draft
        language = LANGUAGE_NAMES.get(draft.language, draft.language)
        with Vertical(id="draft-dialog", classes="dialog"):
            yield Label(
                f"{title_of(draft.kind)}: {draft.contact_name} · {language}",
                classes="dialog-title",
                markup=False,
            )
            yield Static(Content(f"To: {draft.to or '(no e-mail address known)'}"), id="draft-to")
            yield TextArea(self.text, read_only=True, soft_wrap=True, id="draft-text")
            yield Static(id="draft-verdict")
            yield Static(id="draft-blanks", classes="dialog-hint")
            yield Static(
                "e edit · c copy · m mail app · s sent: log it · Esc close",
                classes="dialog-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        area = self.query_one("#draft-text", TextArea)
        if self.app.is_headless:  # a blinking cursor would make screenshots differ
            area.cursor_blink = False
        area.focus()
        self.show_check()

    # --- what is on show ---------------------------------------------------------------------

    @property
    def parts(self) -> tuple[str, str]:
        """The subject and body on show."""
        return split_text(self.text)

    def ring_check(self) -> RingCheck:
        """The ring check of the body on show."""
        return check_ring(self.parts[1], now=self.now, tz=self.tz, language=self.draft.language)

    def show_check(self) -> None:
        """Say whether the text on show keeps the ring, and which blanks are left to fill."""
        check = self.ring_check()
        parts: list[str | tuple[str, str]]
        if check.verdict is RingVerdict.GIVEN_UP:
            quoted = ", ".join(f"“{phrase.phrase}”" for phrase in check.phrases)
            why = f" — {check.phrases[0].why}" if check.phrases else ""
            parts = [("✗ Gives up the ring: ", "bold $text-error"), quoted + why]
            parts.append(f"\nInstead: {check.suggestion}")
        elif check.verdict is RingVerdict.KEPT and check.commitment is not None:
            parts = [("✓ Keeps the ring: ", "bold $text-success"), f"“{check.commitment.phrase}”"]
        else:
            parts = [("• No next step named. ", "bold $text-warning"), f"Try: {check.suggestion}"]
        self.query_one("#draft-verdict", Static).update(Content.assemble(*parts))
        blanks = blanks_in(self.text)
        note = f"To fill before sending: {', '.join(blanks)}" if blanks else ""
        self.query_one("#draft-blanks", Static).update(Content(note))

    def show_text(self, text: str) -> None:
        """Put ``text`` on show and check it again."""
        self.text = text
        self.query_one("#draft-text", TextArea).load_text(text)
        self.show_check()

    # --- actions -----------------------------------------------------------------------------

    def action_edit(self) -> None:
        """Hand the draft to $EDITOR (VISUAL first); what is saved there comes back here."""
        try:
            if self.app.is_headless:
                edited = click.edit(self.text, extension=".txt")
            else:
                with self.app.suspend():
                    edited = click.edit(self.text, extension=".txt")
        except SuspendNotSupported:
            self.notify("This terminal can't hand over to an editor; press c to copy instead.")
            return
        except click.ClickException as error:
            self.notify(error.format_message(), severity="error", markup=False)
            return
        if edited is None:
            self.notify("Not saved in the editor: the draft is unchanged.")
            return
        self.show_text(edited.rstrip("\n") + "\n")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify("Draft copied to the clipboard.")

    def action_mail(self) -> None:
        subject, body = self.parts
        self.app.open_url(mailto_url(self.draft, subject=subject, body=body))
        self.notify("Opened in your mail app; press s once it is sent.")

    def action_sent(self) -> None:
        self.dismiss(self.text)

    def action_close(self) -> None:
        self.dismiss(None)
