"""Import LinkedIn connections, vCards, Google Contacts, mail or an invitation from the app,
with progress, a summary (who was updated and how, possible duplicates to review), and undo
after a yes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, RadioButton, RadioSet, Static
from textual.worker import get_current_worker

from crm.messages import DataChanged
from crm.services import invites
from crm.services.importing.batches import (
    ImportAlreadyUndone,
    ImportBatchInfo,
    ImportBatchNotFound,
    ImportResult,
    list_imports,
    undo_import,
)
from crm.services.importing.google import GoogleContactsError, import_google_contacts
from crm.services.importing.linkedin import LinkedInExportError
from crm.services.importing.linkedin_messages import import_linkedin_file
from crm.services.importing.vcard import VCardError, import_vcards
from crm.services.mail import importing as mail
from crm.services.review import pending_count
from crm.widgets.cells import app_now, short_local, shown
from crm.widgets.row_list import Column, Row, RowList

DEFAULT_EXPORT = Path("~/Downloads/Connections.csv")
SHOWN = 3  # updated people and possible duplicates named in the summary; the rest counted


@dataclass(frozen=True)
class Source:
    """One kind of file the dialog imports, as the CLI's `crm import …` commands do."""

    key: str
    label: str
    hint: str
    default: Path
    run: Callable[..., Any]
    errors: tuple[type[Exception], ...]
    summary: Callable[[Any], str] | None = None
    """How a result other than a contacts import's reads (those read as ``summary_text``)."""


SOURCES = (
    Source(
        "linkedin",
        "LinkedIn connections or messages",
        "LinkedIn → Settings → Data privacy → Get a copy: Connections.csv or messages.csv.",
        DEFAULT_EXPORT,
        import_linkedin_file,
        (LinkedInExportError,),
        mail.summary_text,
    ),
    Source(
        "vcard",
        "vCards (.vcf file or folder)",
        "A phone's or mail app's address book: one .vcf file, or a folder of them (a vdir).",
        Path("~/Downloads/contacts.vcf"),
        import_vcards,
        (VCardError,),
    ),
    Source(
        "google",
        "Google Contacts CSV",
        "contacts.google.com → Export → Google CSV.",
        Path("~/Downloads/contacts.csv"),
        import_google_contacts,
        (GoogleContactsError,),
    ),
    Source(
        "mail",
        "Mail (mbox or Maildir)",
        "Gmail Takeout's .mbox, a Thunderbird folder or a Maildir; needs [mail] me.",
        Path("~/Downloads/Takeout/Mail/All mail Including Spam and Trash.mbox"),
        mail.import_configured_mail,
        (mail.MailboxError, mail.MailSetupError),
        mail.summary_text,
    ),
    Source(
        "invite",
        "Invitation (.ics)",
        "A calendar invitation saved from your mail: schedules, moves or cancels its interview.",
        Path("~/Downloads/invite.ics"),
        invites.import_configured_invite,
        (invites.InviteError,),
        invites.summary_text,
    ),
)
BY_KEY = {source.key: source for source in SOURCES}


def _named(items: list[str]) -> str:
    shown = "; ".join(items[:SHOWN])
    return shown + ("; …" if len(items) > SHOWN else "")


def summary_text(result: ImportResult) -> str:
    """One paragraph of plain text (names are never markup): "Import #3: 7 new, 3 updated
    (Кэти Смирнова: phone, 1 e-mail added; …), 2 possible duplicates (…), 1 unchanged."."""
    parts = [f"{result.created:,} new"]
    updated = f"{result.updated:,} updated"
    if result.changes:
        updated += f" ({_named([f'{c.name}: {c.how}' for c in result.changes])})"
    parts.append(updated)
    if result.possible_duplicates:
        texts = [item.text() for item in result.possible_duplicates]
        parts.append(f"{len(texts):,} possible duplicates ({_named(texts)})")
    parts.append(f"{result.unchanged:,} unchanged")
    if result.skipped:
        first = result.skipped[0]
        parts.append(f"{len(result.skipped):,} skipped (first: line {first.line}, {first.reason})")
    text = f"Import #{result.batch_id}: {', '.join(parts)}."
    if result.possible_duplicates:
        text += " Press r to review the possible duplicates."
    return text


class ImportHistory(RowList):
    """Earlier imports; `u` undoes the highlighted one."""

    COLUMNS = (Column(6, 0), Column(16, 0), Column(12, 3), Column(14, 2))
    BINDINGS = [
        Binding("u", "undo", "Undo import", tooltip="Undo the highlighted import", id="import-undo")
    ]

    @dataclass
    class UndoRequested(Message):
        """The user asked to undo an import."""

        batch_id: int

    def action_undo(self) -> None:
        if isinstance(self.highlighted_key, int):
            self.post_message(self.UndoRequested(self.highlighted_key))


def history_rows(batches: list[ImportBatchInfo]) -> list[Row]:
    """One row per import, undone ones dimmed."""
    rows = []
    for batch in batches:
        counts = f"+{batch.created} new, {batch.updated} updated"
        state = f"undone {short_local(batch.undone_at)}" if batch.undone_at else counts
        rows.append(
            Row(
                (f"#{batch.id}", short_local(batch.created_at), Path(batch.filename).name, state),
                key=batch.id,
                tone="dim" if batch.undone_at else "",
            )
        )
    return rows


class ImportScreen(ModalScreen[None]):
    """Pick what to import, type the file's path; Enter imports it as one undoable batch."""

    # A short terminal (24 rows) keeps the closing hint in view by listing fewer imports.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("escape", "close", "Close", id="import-close"),
        Binding("r", "review", "Review duplicates", id="import-review", show=False),
        Binding(
            "p",
            "review_proposals",
            "Review proposed people",
            tooltip="Accept, skip or ignore the people and interviews mail proposes",
            id="import-review-proposals",
            show=False,
        ),
    ]

    @dataclass
    class Progressed(Message):
        """Rows done so far."""

        done: int
        total: int

    @dataclass
    class Finished(Message):
        """The import or undo ended, with a summary (or an error) to show."""

        summary: str
        failed: bool = False
        possible_duplicates: int = 0
        proposals: int = 0
        """Proposals from mail waiting for review."""

    @dataclass
    class HistoryLoaded(Message):
        """Earlier imports arrived."""

        batches: list[ImportBatchInfo]

    def __init__(self, source: str = "linkedin") -> None:
        super().__init__()
        self.source = BY_KEY[source]
        self._batches: dict[int, ImportBatchInfo] = {}
        self._to_review = 0
        self._proposals = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="dialog"):
            yield Label("Import", classes="dialog-title")
            with RadioSet(id="import-source", compact=True):
                for source in SOURCES:
                    yield RadioButton(
                        source.label, value=source is self.source, id=f"source-{source.key}"
                    )
            yield Static(self.source.hint, classes="dialog-hint", id="import-hint", markup=False)
            yield Input(
                str(self.source.default),
                placeholder="Path to the file",
                id="import-path",
                compact=True,
            )
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-summary", markup=False)
            yield Label("Earlier imports (u undoes one)", classes="form-label-left")
            yield ImportHistory(id="import-history")
            yield Static(
                "Enter imports · Shift+Tab picks the kind of file · Tab to the list · Esc closes",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one(Input).cursor_blink = False
        self.query_one(ImportHistory).empty_text = "None yet."
        self.query_one(Input).focus()
        self.load_history()

    @on(RadioSet.Changed, "#import-source")
    def pick_source(self, event: RadioSet.Changed) -> None:
        event.stop()
        chosen = BY_KEY[str(event.pressed.id).removeprefix("source-")]
        path = self.query_one("#import-path", Input)
        if path.value.strip() in {str(source.default) for source in SOURCES}:
            path.value = str(chosen.default)  # only a path the user didn't type follows
        self.source = chosen
        self.query_one("#import-hint", Static).update(chosen.hint)

    @work(thread=True, exclusive=True, group="import-history", exit_on_error=False)
    def load_history(self) -> None:
        """Fetch earlier imports."""
        batches = list_imports(limit=20)
        if not get_current_worker().is_cancelled:
            self.post_message(self.HistoryLoaded(batches))

    @on(HistoryLoaded)
    def show_history(self, message: HistoryLoaded) -> None:
        self._batches = {batch.id: batch for batch in message.batches}
        self.query_one(ImportHistory).set_rows(history_rows(message.batches))

    @on(Input.Submitted, "#import-path")
    def start_import(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip():
            self.query_one("#import-summary", Static).update("Type the path of the file.")
            return
        self.query_one("#import-summary", Static).update("Importing…")
        self.run_import(self.source, path)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, source: Source, path: Path) -> None:
        """Import the file, reporting progress as it goes."""
        try:
            result = source.run(
                path,
                now=app_now(self),
                progress=lambda done, total: self.post_message(self.Progressed(done, total)),
            )
        except source.errors + (OSError,) as error:
            self.post_message(self.Finished(f"{path.name}: {error}", failed=True))
            return
        if source.summary is not None and not isinstance(result, ImportResult):
            waiting = pending_count() if source.key == "mail" else 0
            text = source.summary(result)
            if waiting:
                text += f" {waiting:,} waiting for your review: press p."
            self.post_message(self.Finished(text, proposals=waiting))
            return
        self.post_message(
            self.Finished(summary_text(result), possible_duplicates=len(result.possible_duplicates))
        )

    @on(ImportHistory.UndoRequested)
    def confirm_undo(self, message: ImportHistory.UndoRequested) -> None:
        from crm.screens.confirm import ConfirmDialog

        batch = self._batches.get(message.batch_id)
        if batch is not None and batch.undone_at is not None:
            self.query_one("#import-summary", Static).update(
                f"Import #{batch.id} was already undone."
            )
            return
        detail = (
            f"Removes the {batch.created:,} contacts it added (keeping any you have worked with "
            f"since) and puts back the {batch.updated:,} it updated as they were."
            if batch is not None
            else ""
        )
        self.app.push_screen(
            ConfirmDialog(f"Undo import #{message.batch_id}?", detail, yes="Undo"),
            partial(self._undo_if_confirmed, message.batch_id),
        )

    def _undo_if_confirmed(self, batch_id: int, confirmed: bool | None) -> None:
        if confirmed:
            self.run_undo(batch_id)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_undo(self, batch_id: int) -> None:
        """Undo one import."""
        try:
            result = undo_import(batch_id, now=app_now(self))
        except (ImportBatchNotFound, ImportAlreadyUndone) as error:
            self.post_message(self.Finished(str(error), failed=True))
            return
        kept = f", kept {result.kept} you have worked with since" if result.kept else ""
        self.post_message(
            self.Finished(
                f"Undid import #{batch_id}: removed {result.removed:,}, "
                f"restored {result.restored:,}{kept}."
            )
        )

    @on(Progressed)
    def show_progress(self, message: Progressed) -> None:
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)

    @on(Finished)
    def show_summary(self, message: Finished) -> None:
        summary = self.query_one("#import-summary", Static)
        summary.set_class(message.failed, "form-error")
        summary.update(shown(message.summary))  # quotes the file's name and its rows
        self._to_review = message.possible_duplicates
        self._proposals = message.proposals
        if not message.failed:
            self.app.screen_stack[0].post_message(DataChanged())
            self.query_one(ImportHistory).focus()  # where u undoes it and r reviews
        self.load_history()

    def action_review(self) -> None:
        """Open the duplicates screen, where each likeness is merged after its preview."""
        if not self._to_review:
            return
        from crm.screens.duplicates_screen import DuplicatesScreen

        self.app.push_screen(DuplicatesScreen())

    def action_review_proposals(self) -> None:
        """Open the review of the people and interviews the mail import proposed."""
        if not self._proposals:
            return
        from crm.screens.review_screen import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_close(self) -> None:
        self.dismiss(None)
