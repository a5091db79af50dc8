"""Helpers for driving the app in tests."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from crm.app import CrmApp, make_app
from crm.clock import fixed_clock
from crm.widgets.contact_list import ContactList


def build_app(db_path: Path, now: datetime) -> CrmApp:
    return make_app(db_path, clock=fixed_clock(now))


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker is done and the screen has caught up."""
    app = pilot.app
    for _ in range(10):
        while getattr(app.screen, "card_pending", False):
            await pilot.pause(0.05)  # the card follows the filter once typing pauses
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            continue  # a newer load replaced it; wait for that one
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            break
    await pilot.pause()


def visible_names(app: CrmApp) -> list[str]:
    """Names of the rows the contacts list holds for its current filter."""
    contact_list = app.screen.query_one(ContactList)
    rows = [contact_list.row(i) for i in range(min(contact_list.total or 0, 200))]
    return [row.name for row in rows if row is not None]


def plain_text(widget: Static) -> str:
    """What a Static shows, as plain text."""
    plain = getattr(widget.content, "plain", None)
    if isinstance(plain, str):  # Text or Content: their whole text, not one cropped line
        return plain
    console = Console(width=120, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()
