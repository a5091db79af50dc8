"""Sync from the app: "Sync now" in the palette, and on its own every ``[sync] every``
minutes (and once at start), with where it stands in the title bar. A sync also fetches the
new mail of the ``[imap]`` folders when ``[imap]`` and ``[mail] me`` are set, as
``crm sync`` does."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from crm.config import Settings
from crm.domain.sync import SyncReport, status_label
from crm.messages import DataChanged

if TYPE_CHECKING:
    from crm.clock import Clock
    from crm.services.mail.importing import MailImportResult

LABEL_SECONDS = 30.0
"""How often "synced N min ago" is brought up to date."""


class PhoneSync:
    """Runs the sync in a thread worker and shows how it went."""

    def __init__(self, screen: Screen[Any], config: Settings, clock: Clock) -> None:
        self.screen = screen
        self.config = config
        self.settings = config.sync
        self.mail_too = config.imap.configured and bool(config.mail.me)
        self.clock = clock
        self.last_synced: datetime | None = None
        self.failure = ""
        self.running = False
        self._base_title = ""

    def start(self) -> None:
        """Sync at start and every ``every`` minutes, when the config asks for it."""
        self._base_title = self.screen.app.sub_title
        if not self.settings.configured and not self.mail_too:
            return
        self.screen.set_interval(LABEL_SECONDS, self._show, name="sync-label")
        if self.settings.every:
            self.screen.set_interval(self.settings.every * 60, self.run, name="sync-every")
            self.run()

    def run(self, *, by_hand: bool = False) -> None:
        if not self.settings.configured and not self.mail_too:
            self.screen.notify(
                "Sync is not set up: add a [sync] section with a url (or [imap] and [mail] me)"
                " to the config file (crm locate config).",
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
        from crm.services.mail.imap import ImapError
        from crm.services.mail.importing import MailSetupError, import_imap
        from crm.services.sync.run import SyncError, sync
        from crm.zone import user_zone

        report, mail, failures = None, None, []
        if self.settings.configured:
            try:
                report = sync(self.settings, now=self.clock())
            except SyncError as error:
                failures.append(str(error))
        if self.mail_too:
            try:
                mail = import_imap(
                    self.config.mail, self.config.imap, now=self.clock(), tz=user_zone()
                )
            except (ImapError, MailSetupError) as error:
                failures.append(str(error))
        self.screen.app.call_from_thread(self._done, report, mail, failures, by_hand)

    def _done(
        self,
        report: SyncReport | None,
        mail: MailImportResult | None,
        failures: list[str],
        by_hand: bool,
    ) -> None:
        self.running, self.failure = False, "; ".join(failures)
        if not failures:
            self.last_synced = self.clock()
        self._show()
        if (report is not None and report.changed_anything) or (mail is not None and mail.logged):
            self.screen.post_message(DataChanged())
        lines: list[str] = []
        if report is not None and (by_hand or report.notes):
            counts = {name: c for name, c in report.collections.items() if c.sent or c.received}
            said = ", ".join(f"{name} {c.sent} sent, {c.received} in" for name, c in counts.items())
            lines = [f"Synced: {said or 'nothing new'}."]
            lines += [f"{note.action.value}: {note.what}" for note in report.notes]
        if mail is not None and (by_hand or mail.logged or mail.proposed):
            from crm.services.mail.importing import fetched_line

            lines.insert(0, fetched_line(mail))
        if lines:
            self.screen.notify("\n".join(lines[:9]), title="Sync", timeout=8, markup=False)
        if failures:
            self.screen.notify(
                f"Sync failed: {self.failure}",
                severity="error",
                timeout=10 if by_hand else 6,
                markup=False,
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
