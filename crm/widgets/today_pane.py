"""The Today view: what the user owes, overdue first, and the opportunities that gave up the
ring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from threading import Event
from typing import TYPE_CHECKING

from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.worker import get_current_worker

from crm.domain.log_defaults import BACK_CHANNEL, CASUAL
from crm.domain.playbook import RING_DROPPED_WHY, why_of
from crm.domain.types import Agenda, AgendaItem
from crm.services import contacts, followups
from crm.services.conversations import follow_up_title
from crm.widgets.cells import app_now
from crm.widgets.follow_up_list import FollowUpList
from crm.widgets.row_keys import FollowUpKey, PersonKey, RingKey
from crm.widgets.row_list import Column, Row, RowList
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.services.suggestions import TodaySuggestions

AGENDA_FRAME_WAIT = 0.5
"""Seconds the worker waits for the agenda to reach the screen before fetching suggestions."""

NOTHING_DUE = "Nothing due. Log a conversation with l, or see your contacts with F2."
FIRST_RUN = """\
No contacts yet. Start here:

{new}  add a contact
{palette}  type "import" for your LinkedIn connections, an address book (vCards) or Google Contacts
crm demo  in a shell: a sample job search to try the app on
"""

SECTIONS = (
    ("overdue", "Overdue", "overdue"),
    ("due", "Due now", "due"),
    ("upcoming", "This week", ""),
)


def header(title: str, total: int) -> Row:
    """A section's header with how many it holds: "Overdue · 24,812"."""
    return Row((f"{title} · {total:,}",), tone="header")


def more_rows(total: int, listed: int) -> list[Row]:
    """The line under a section that lists only its first rows: "… and 24,712 more"."""
    hidden = total - listed
    return [Row((f"… and {hidden:,} more",), tone="dim")] if hidden > 0 else []


def agenda_rows(agenda: Agenda, ideas: TodaySuggestions | None = None) -> list[Row]:
    """The agenda as list rows: a header per non-empty section, then its items."""
    rows: list[Row] = []
    for attribute, title, tone in SECTIONS:
        items: tuple[AgendaItem, ...] = getattr(agenda, attribute)
        if not items:
            continue
        total: int = getattr(agenda, f"{attribute}_total")
        rows.append(header(title, total))
        for item in items:
            what = follow_up_title(item.kind)
            key = FollowUpKey(
                item.id,
                item.contact_id,
                item.opportunity_id,
                f"{what} — {item.contact}",
                why=why_of(item.kind),
                kind=item.kind,
            )
            rows.append(Row((item.contact, what, item.opportunity, item.late), key=key, tone=tone))
        rows += more_rows(total, len(items))
    if agenda.rings_dropped:
        rows.append(header("Rings dropped", len(agenda.rings_dropped)))
        for ring in agenda.rings_dropped:
            contact_id = ring.contact_ids[0] if ring.contact_ids else None
            cells = (ring.opportunity, ring.stage.value, "no next touch", "l: log one")
            ring_key = RingKey(ring.opportunity_id, contact_id, why=RING_DROPPED_WHY)
            rows.append(Row(cells, key=ring_key, tone="due"))
    if ideas is not None:
        rows += suggestion_rows(ideas)
    return rows


def suggestion_rows(suggestions: TodaySuggestions) -> list[Row]:
    """Back channel to reach, casual touches, and people going cold."""
    rows: list[Row] = []
    if suggestions.backchannel:
        rows.append(header("Reach before the employer does", len(suggestions.backchannel)))
        for idea in suggestions.backchannel:
            key = PersonKey(idea.contact_id, idea.opportunity_id, log_as=BACK_CHANNEL)
            tone = "overdue" if idea.warning else ""
            rows.append(
                Row((idea.name, idea.why, idea.opportunity, "back channel"), key=key, tone=tone)
            )
    if suggestions.casual:
        rows.append(header("Casual touches", len(suggestions.casual)))
        for casual in suggestions.casual:
            suggestion = casual.suggestion
            key = PersonKey(suggestion.contact_id, casual.opportunity_id, log_as=CASUAL)
            if suggestion.is_warning:
                cells = (suggestion.name, "enough casual touches", casual.opportunity, "skip it")
                rows.append(Row(cells, key=key, tone="due"))
            else:
                cells = (suggestion.name, suggestion.topic, casual.opportunity, "send something")
                rows.append(Row(cells, key=key))
    if suggestions.going_cold:
        rows.append(header("Going cold", suggestions.going_cold_total))
        for cold in suggestions.going_cold:
            silent = f"silent {cold.days_silent} days" if cold.last_touch_at else "never in touch"
            rows.append(
                Row(
                    (cold.name, silent, "", f"{cold.days_over} days over"),
                    key=PersonKey(cold.contact_id),
                    tone="dim",
                )
            )
        rows += more_rows(suggestions.going_cold_total, len(suggestions.going_cold))
    return rows


class TodayPane(FollowUpList):
    """Overdue (red), due now (amber), this week, rings dropped; d, s, l and Enter act on a row."""

    COLUMNS = (Column(12, 3), Column(14, 3), Column(8, 3, optional=True), Column(12, fit=True))

    agenda: Agenda | None = None
    """The agenda on show."""
    suggestions: TodaySuggestions | None = None
    """The suggestions on show (until fresh ones follow a fresh agenda, the previous ones)."""

    @dataclass
    class Loaded(Message):
        """A fresh agenda arrived."""

        agenda: Agenda
        no_contacts: bool = False
        """The database holds no contact yet: the list shows how to start."""
        on_screen: Event = field(default_factory=Event)
        """Set once a frame shows it: the worker waits for that before the suggestions."""

    @dataclass
    class SuggestionsLoaded(Message):
        """Fresh suggestions arrived, just after the agenda they go with."""

        suggestions: TodaySuggestions

    def on_mount(self) -> None:
        self.empty_text = NOTHING_DUE
        self.load()

    def contact_added(self) -> None:
        """The first contact ends the how-to-start panel; later ones change nothing here."""
        if self.empty_text != NOTHING_DUE:
            self.load()

    def first_run_text(self) -> str:
        """How to start, with the keys as this user has them."""
        keymap: dict[str, str] = getattr(self.app, "keymap", {})  # the user's [keys]

        def key(binding_id: str, default: str) -> str:
            keys = keymap.get(binding_id, default).split(",")[0]
            return self.app.get_key_display(Binding(keys, ""))

        return FIRST_RUN.format(
            new=key("main-new-contact", "ctrl+n"), palette=key("app-palette", "ctrl+p")
        )

    def load(self) -> None:
        """Reload the agenda, then the suggestions, from the database."""
        self.load_agenda(app_now(self))

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def load_agenda(self, now: datetime) -> None:
        """Fetch the agenda as of ``now`` and post it, then the suggestions.

        The suggestions take longer on a big database (every watched contact's last touch),
        so the agenda goes on screen first, and they are fetched only once it is there: run
        alongside, they would slow down that frame.
        """
        worker = get_current_worker()
        agenda = followups.agenda(now=now, tz=user_zone())
        no_contacts = not agenda_rows(agenda) and contacts.count_contacts() == 0
        if worker.is_cancelled:
            return
        loaded = self.Loaded(agenda, no_contacts=no_contacts)
        self.post_message(loaded)
        loaded.on_screen.wait(timeout=AGENDA_FRAME_WAIT)
        if worker.is_cancelled:
            return
        # Imported here, after the first frame: the suggestion rules aren't needed to paint it.
        from crm.services import suggestions

        try:
            ideas = suggestions.today(now=now, stop=lambda: worker.is_cancelled)
        except suggestions.Stopped:
            return
        if not worker.is_cancelled:
            self.post_message(self.SuggestionsLoaded(ideas))

    @on(Loaded)
    def show_agenda(self, message: Loaded) -> None:
        message.stop()
        self.agenda = message.agenda
        self.empty_text = self.first_run_text() if message.no_contacts else NOTHING_DUE
        self.show_rows(agenda_rows(message.agenda, self.suggestions))
        if not self.call_after_refresh(message.on_screen.set):
            message.on_screen.set()

    @on(SuggestionsLoaded)
    def show_suggestions(self, message: SuggestionsLoaded) -> None:
        message.stop()
        if message.suggestions == self.suggestions:
            return  # the rows shown with the agenda hold them already
        self.suggestions = message.suggestions
        if self.agenda is not None:
            self.show_rows(agenda_rows(self.agenda, message.suggestions))

    def show_rows(self, rows: list[Row]) -> None:
        """Replace the rows; announce the highlighted row only if it is another one.

        Every reload replaces the rows, and each announcement has the screen redraw the card
        beside the list: for the row already on show, that would only repeat it.
        """
        before = self.highlighted_key
        with self.prevent(RowList.Highlighted):
            self.set_rows(rows)
        if self.highlighted_key != before:
            self.post_message(self.Highlighted(self, self.highlighted_key))
