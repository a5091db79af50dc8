"""The Today view: what the user owes, overdue first, and the opportunities that gave up the ring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.message import Message
from textual.worker import get_current_worker

from crm.domain.types import Agenda, AgendaItem
from crm.services import followups
from crm.services.conversations import follow_up_title
from crm.widgets.cells import local_zone
from crm.widgets.follow_up_list import FollowUpList
from crm.widgets.row_keys import FollowUpKey, RingKey
from crm.widgets.row_list import Column, Row

SECTIONS = (
    ("overdue", "Overdue", "overdue"),
    ("due", "Due now", "due"),
    ("upcoming", "This week", ""),
)


def agenda_rows(agenda: Agenda) -> list[Row]:
    """The agenda as list rows: a header per non-empty section, then its items."""
    rows: list[Row] = []
    for attribute, title, tone in SECTIONS:
        items: tuple[AgendaItem, ...] = getattr(agenda, attribute)
        if not items:
            continue
        rows.append(Row((f"{title} · {len(items)}",), tone="header"))
        for item in items:
            what = follow_up_title(item.kind)
            key = FollowUpKey(item.id, item.contact_id, item.opportunity_id, f"{what} — {item.contact}")
            rows.append(Row((item.contact, what, item.opportunity, item.late), key=key, tone=tone))
    if agenda.rings_dropped:
        rows.append(Row((f"Rings dropped · {len(agenda.rings_dropped)}",), tone="header"))
        for ring in agenda.rings_dropped:
            contact_id = ring.contact_ids[0] if ring.contact_ids else None
            key = RingKey(ring.opportunity_id, contact_id)
            rows.append(
                Row((ring.opportunity, ring.stage.value, "no next touch", "l: log one"), key=key, tone="due")
            )
    return rows


class TodayPane(FollowUpList):
    """Overdue (red), due now (amber), this week, rings dropped; d, s, l and Enter act on a row."""

    COLUMNS = (Column(12, 3), Column(14, 3), Column(8, 3, optional=True), Column(13, 0))

    agenda: Agenda | None = None
    """The agenda on show."""

    @dataclass
    class Loaded(Message):
        """A fresh agenda arrived."""

        agenda: Agenda

    def on_mount(self) -> None:
        self.empty_text = "Nothing due. Log a conversation with l, or see your contacts with F2."
        self.load()

    def load(self) -> None:
        """Reload the agenda from the database."""
        self.load_agenda(self.app.clock())  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def load_agenda(self, now: datetime) -> None:
        """Fetch the agenda as of ``now``."""
        agenda = followups.agenda(now=now, tz=local_zone())
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(agenda))

    @on(Loaded)
    def show_agenda(self, message: Loaded) -> None:
        message.stop()
        self.agenda = message.agenda
        self.set_rows(agenda_rows(message.agenda))
