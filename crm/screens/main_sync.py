"""Sync from the app: "Sync now" in the palette, and on its own every ``[sync] every``
minutes (and once at start), with where it stands in the title bar."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from crm.config import SyncSettings
from crm.domain.sync import SyncReport, status_label
from crm.messages import DataChanged

if TYPE_CHECKING:
    from crm.clock import Clock

LABEL_SECONDS = 30.0
"""How often "synced N min ago" is brought up to date."""


class PhoneSync:
    """Runs the sync in a thread worker and shows how it went."""

    def __init__(self, screen: Screen[Any], settings: SyncSettings, clock: Clock) -> None:
        self.screen = screen
        self.settings = settings
        self.clock = clock
        self.last_synced: datetime | None = None
        self.failure = ""
        self.running = False
        self._base_title = ""

    def start(self) -> None:
        """Sync at start and every ``every`` minutes, when the config asks for it."""
        self._base_title = self.screen.app.sub_title
        if not self.settings.configured:
            return
        self.screen.set_interval(LABEL_SECONDS, self._show, name="sync-label")
        if self.settings.every:
            self.screen.set_interval(self.settings.every * 60, self.run, name="sync-every")
            self.run()

    def run(self, *, by_hand: bool = False) -> None:
        if not self.settings.configured:
            self.screen.notify(
                "Sync is not set up: add a [sync] section with a url to the config file "
                "(crm locate config).",
                severity="warning",
                markup=False,
            )
            return
        if self.running:
            if by_hand:
                self.screen.notify("A sync is already running.", markup=False)
            return
        self.running = True
        self._show()
        self.screen.run_worker(
            lambda: self._work(by_hand), thread=True, group="sync", exit_on_error=False
        )

    def _work(self, by_hand: bool) -> None:
        from crm.services.sync.run import SyncError, sync

        try:
            report = sync(self.settings, now=self.clock())
        except SyncError as error:
            self.screen.app.call_from_thread(self._failed, str(error), by_hand)
        else:
            self.screen.app.call_from_thread(self._done, report, by_hand)

    def _done(self, report: SyncReport, by_hand: bool) -> None:
        self.running, self.failure, self.last_synced = False, "", self.clock()
        self._show()
        if report.changed_anything:
            self.screen.post_message(DataChanged())
        lines = [f"{note.action.value}: {note.what}" for note in report.notes]
        if by_hand or lines:
            counts = {name: c for name, c in report.collections.items() if c.sent or c.received}
            said = ", ".join(f"{name} {c.sent} sent, {c.received} in" for name, c in counts.items())
            self.screen.notify(
                "\n".join([f"Synced: {said or 'nothing new'}.", *lines[:8]]),
                title="Sync",
                timeout=8,
                markup=False,
            )

    def _failed(self, why: str, by_hand: bool) -> None:
        self.running, self.failure = False, why
        self._show()
        self.screen.notify(
            f"Sync failed: {why}", severity="error", timeout=10 if by_hand else 6, markup=False
        )

    def _show(self) -> None:
        label = status_label(
            last_synced=self.last_synced,
            failure=self.failure,
            running=self.running,
            now=self.clock(),
        )
        app = self.screen.app
        app.sub_title = f"{self._base_title} · {label}" if label else self._base_title
