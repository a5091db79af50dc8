"""Import LinkedIn connections from the app, with progress, a summary, and undo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static
from textual.worker import get_current_worker

from crm.messages import DataChanged
from crm.services import imports
from crm.widgets.cells import short_local, shown
from crm.widgets.row_list import Column, Row, RowList

DEFAULT_EXPORT = Path("~/Downloads/Connections.csv")


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


def history_rows(batches: list[imports.ImportBatchInfo]) -> list[Row]:
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
    """Type the path of LinkedIn's Connections.csv; Enter imports it as one undoable batch."""

    BINDINGS = [Binding("escape", "close", "Close", id="import-close")]

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

    @dataclass
    class HistoryLoaded(Message):
        """Earlier imports arrived."""

        batches: list[imports.ImportBatchInfo]

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="dialog"):
            yield Label("Import LinkedIn connections", classes="dialog-title")
            yield Static(
                "LinkedIn → Settings → Data privacy → Get a copy of your data → Connections.",
                classes="dialog-hint",
            )
            yield Input(
                str(DEFAULT_EXPORT),
                placeholder="Path to Connections.csv",
                id="import-path",
                compact=True,
            )
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-summary")
            yield Label("Earlier imports (u undoes one)", classes="form-label-left")
            yield ImportHistory(id="import-history")
            yield Static("Enter imports · Tab to the list · Esc closes", classes="dialog-hint")

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one(Input).cursor_blink = False
        self.query_one(ImportHistory).empty_text = "None yet."
        self.query_one(Input).focus()
        self.load_history()

    @work(thread=True, exclusive=True, group="import-history", exit_on_error=False)
    def load_history(self) -> None:
        """Fetch earlier imports."""
        batches = imports.list_imports(limit=20)
        if not get_current_worker().is_cancelled:
            self.post_message(self.HistoryLoaded(batches))

    @on(HistoryLoaded)
    def show_history(self, message: HistoryLoaded) -> None:
        self.query_one(ImportHistory).set_rows(history_rows(message.batches))

    @on(Input.Submitted, "#import-path")
    def start_import(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip():
            self.query_one("#import-summary", Static).update("Type the path of the file.")
            return
        self.query_one("#import-summary", Static).update("Importing…")
        self.run_import(path)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, path: Path) -> None:
        """Import the file, reporting progress as it goes."""
        try:
            result = imports.import_linkedin(
                path,
                now=self.app.clock(),  # type: ignore[attr-defined]
                progress=lambda done, total: self.post_message(self.Progressed(done, total)),
            )
        except (imports.LinkedInExportError, OSError) as error:
            self.post_message(self.Finished(f"{path.name}: {error}", failed=True))
            return
        skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
        first = (
            f" (first: line {result.skipped[0].line}, {result.skipped[0].reason})"
            if result.skipped
            else ""
        )
        self.post_message(
            self.Finished(
                f"Import #{result.batch_id}: {result.created:,} new, {result.updated:,} updated, "
                f"{result.unchanged:,} unchanged{skipped}{first}."
            )
        )

    @on(ImportHistory.UndoRequested)
    def undo(self, message: ImportHistory.UndoRequested) -> None:
        self.run_undo(message.batch_id)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_undo(self, batch_id: int) -> None:
        """Undo one import."""
        try:
            result = imports.undo_import(batch_id, now=self.app.clock())  # type: ignore[attr-defined]
        except (imports.ImportBatchNotFound, imports.ImportAlreadyUndone) as error:
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
        if not message.failed:
            self.app.screen_stack[0].post_message(DataChanged())
        self.load_history()

    def action_close(self) -> None:
        self.dismiss(None)
