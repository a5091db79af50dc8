"""The Today view: what the user owes, overdue first, and the opportunities that gave up the ring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.message import Message
from textual.worker import get_current_worker

from crm.domain.types import Agenda, AgendaItem
from crm.services import followups, suggestions
from crm.services.conversations import follow_up_title
from crm.services.suggestions import TodaySuggestions
from crm.widgets.cells import local_zone
from crm.widgets.follow_up_list import FollowUpList
from crm.widgets.row_keys import FollowUpKey, PersonKey, RingKey
from crm.widgets.row_list import Column, Row

SECTIONS = (
    ("overdue", "Overdue", "overdue"),
    ("due", "Due now", "due"),
    ("upcoming", "This week", ""),
)


def agenda_rows(agenda: Agenda, ideas: TodaySuggestions | None = None) -> list[Row]:
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
    if ideas is not None:
        rows += suggestion_rows(ideas)
    return rows


def suggestion_rows(suggestions: TodaySuggestions) -> list[Row]:
    """Back channel to reach, casual touches, and people going cold."""
    rows: list[Row] = []
    if suggestions.backchannel:
        rows.append(Row((f"Reach before the employer does · {len(suggestions.backchannel)}",), tone="header"))
        for idea in suggestions.backchannel:
            key = PersonKey(idea.contact_id, idea.opportunity_id)
            tone = "overdue" if idea.warning else ""
            rows.append(Row((idea.name, idea.why, idea.opportunity, "back channel"), key=key, tone=tone))
    if suggestions.casual:
        rows.append(Row((f"Casual touches · {len(suggestions.casual)}",), tone="header"))
        for casual in suggestions.casual:
            suggestion = casual.suggestion
            key = PersonKey(suggestion.contact_id, casual.opportunity_id)
            if suggestion.is_warning:
                cells = (suggestion.name, "enough casual touches", casual.opportunity, "skip it")
                rows.append(Row(cells, key=key, tone="due"))
            else:
                cells = (suggestion.name, suggestion.topic, casual.opportunity, "send something")
                rows.append(Row(cells, key=key))
    if suggestions.going_cold:
        rows.append(Row((f"Going cold · {len(suggestions.going_cold)}",), tone="header"))
        for cold in suggestions.going_cold:
            silent = f"silent {cold.days_silent} days" if cold.last_touch_at else "never in touch"
            rows.append(
                Row((cold.name, silent, "", f"{cold.days_over} days over"), key=PersonKey(cold.contact_id), tone="dim")
            )
    return rows


class TodayPane(FollowUpList):
    """Overdue (red), due now (amber), this week, rings dropped; d, s, l and Enter act on a row."""

    COLUMNS = (Column(12, 3), Column(14, 3), Column(8, 3, optional=True), Column(13, 0))

    agenda: Agenda | None = None
    """The agenda on show."""
    suggestions: TodaySuggestions | None = None
    """The suggestions on show."""

    @dataclass
    class Loaded(Message):
        """A fresh agenda arrived."""

        agenda: Agenda
        suggestions: TodaySuggestions

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
        ideas = suggestions.today(now=now)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(agenda, ideas))

    @on(Loaded)
    def show_agenda(self, message: Loaded) -> None:
        message.stop()
        self.agenda = message.agenda
        self.suggestions = message.suggestions
        self.set_rows(agenda_rows(message.agenda, message.suggestions))
