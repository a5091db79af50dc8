"""The main screen's side: the card and timeline of the highlighted contact or opportunity,
loaded in thread workers, the card waiting while a filter is typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import TabbedContent
from textual.worker import get_current_worker

from crm.domain.types import ContactDetail, OpportunitySummary, TimelineEntry
from crm.services import conversations, opportunities
from crm.widgets.cells import app_now
from crm.widgets.contact_card import ContactCard
from crm.widgets.interviews_pane import InterviewsPane
from crm.widgets.row_keys import contact_of, opportunity_of
from crm.widgets.search_box import SearchBox
from crm.widgets.timeline_pane import Subject, TimelinePane

CARD_DELAY_WHILE_TYPING = 0.15
"""Seconds of no typing before the card follows the filter's top row."""
FIRST_TIMELINE_ROWS = 60  # a tall terminal's screenful


@dataclass
class CardLoaded(Message):
    """The highlighted contact's details arrived, with their timeline."""

    contact: ContactDetail | None
    timeline: list[TimelineEntry] | None = None
    now: datetime | None = None


@dataclass
class RestOfTimeline(Message):
    """The rest of a contact's timeline, after the first screenful came with the card."""

    contact_id: int
    timeline: list[TimelineEntry]
    now: datetime


class SidePanes:
    """Shows a contact or an opportunity in the card and timeline of the screen that owns this;
    its workers post `CardLoaded` and `RestOfTimeline` to that screen, which hands them back."""

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        """The screen whose card and timeline these are, and whose workers load them."""
        self.shown_contact: ContactDetail | None = None
        """The contact whose details the card shows."""
        self._card_timer: Timer | None = None
        self._card_pending: int | None = None
        self._card_why = ""
        """The why of the follow-up row that the card was opened from (empty for a contact)."""

    def follow_contact_list(self, contact_id: int | None) -> None:
        """Show the contact highlighted in the contacts list, once typing in the filter pauses."""
        screen = self.screen
        if screen.query_one(TabbedContent).active != "contacts" or isinstance(
            screen.focused, TimelinePane
        ):
            return
        if isinstance(screen.focused, SearchBox):
            # While a filter is typed the top row changes with every key: show its card once
            # typing pauses, so the list's next frame doesn't wait behind card and timeline.
            self._card_pending = contact_id
            if self._card_timer is None:
                self._card_timer = screen.set_timer(
                    CARD_DELAY_WHILE_TYPING, self._show_pending_card
                )
            else:
                self._card_timer.reset()
            return
        self.show_contact(contact_id)

    @property
    def card_pending(self) -> bool:
        """Whether the card waits for typing to pause before following the list."""
        return self._card_timer is not None

    def _show_pending_card(self) -> None:
        self._card_timer = None
        self.show_contact(self._card_pending)

    def show_subject_of(self, key: object, *, prefer_opportunity: bool) -> None:
        """Show the contact or opportunity a row is about."""
        contact_id, opportunity_id = contact_of(key), opportunity_of(key)
        why = getattr(key, "why", "")
        if opportunity_id is not None and (prefer_opportunity or contact_id is None):
            self.show_opportunity(opportunity_id, why=why)
        elif contact_id is not None:
            self.show_contact(contact_id, why=why)

    def show_contact(self, contact_id: int | None, *, why: str = "") -> None:
        """Show a contact's card and timeline, with the why of the row that led there."""
        self.screen.workers.cancel_group(self.screen, "timeline-rest")  # whoever was shown
        self._card_why = why
        self.load_card(contact_id)

    def show_opportunity(self, opportunity_id: int, *, why: str = "") -> None:
        """Show an opportunity's card and timeline."""
        self._card_why = why
        screen = self.screen
        pane = screen.query_one(InterviewsPane)
        summary = next((s for s in pane.summaries if s.id == opportunity_id), None)
        if summary is None:
            self.load_opportunity_card(opportunity_id)
            return
        screen.query_one(ContactCard).show_opportunity(summary, app_now(screen), why)
        screen.query_one("#contact-card").border_title = "Opportunity"
        self.shown_contact = None
        screen.query_one(TimelinePane).show_subject(
            Subject(opportunity_id=opportunity_id, title=summary.title)
        )

    def load_opportunity_card(self, opportunity_id: int) -> None:
        """Fetch an opportunity the interviews pane hasn't loaded yet."""
        self.screen.run_worker(
            partial(self._load_opportunity_card, opportunity_id),
            name="load_opportunity_card",
            group="contact-card",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _load_opportunity_card(self, opportunity_id: int) -> None:
        try:
            summary = opportunities.get_opportunity(opportunity_id)
        except opportunities.NotFound:
            return
        if not get_current_worker().is_cancelled:
            self.screen.app.call_from_thread(self._show_summary, summary)

    def _show_summary(self, summary: OpportunitySummary) -> None:
        screen = self.screen
        screen.query_one(ContactCard).show_opportunity(summary, app_now(screen), self._card_why)
        screen.query_one("#contact-card").border_title = "Opportunity"
        screen.query_one(TimelinePane).show_subject(
            Subject(opportunity_id=summary.id, title=summary.title)
        )

    def load_card(self, contact_id: int | None) -> None:
        """Fetch a contact's details for the card, and their timeline."""
        self.screen.run_worker(
            partial(self._load_card, contact_id),
            name="load_card",
            group="contact-card",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _load_card(self, contact_id: int | None) -> None:
        now, worker = app_now(self.screen), get_current_worker()
        # Card and the timeline's first screenful arrive together, in one frame, and the rest
        # follows: a long timeline then opens as fast as a short one.
        detail, entries = conversations.contact_with_timeline(
            contact_id,
            now=now,
            first_rows=FIRST_TIMELINE_ROWS,
            cancelled=lambda: worker.is_cancelled,
        )
        if not worker.is_cancelled:
            self.screen.post_message(CardLoaded(detail, entries, now))

    def _load_rest_if_still_shown(self, contact_id: int, now: datetime) -> None:
        if self.screen.query_one(TimelinePane).shown.contact_id == contact_id:
            self.screen.run_worker(
                partial(self._load_rest_of_timeline, contact_id, now),
                name="load_rest_of_timeline",
                group="timeline-rest",
                exclusive=True,
                thread=True,
                exit_on_error=False,
            )

    def _load_rest_of_timeline(self, contact_id: int, now: datetime) -> None:
        """Fetch a long timeline whole, once its first screenful is on screen."""
        rest = conversations.timeline(contact_id=contact_id, now=now)
        if not get_current_worker().is_cancelled:
            self.screen.post_message(RestOfTimeline(contact_id, rest, now))

    def show_card(self, message: CardLoaded) -> None:
        """Show a contact that `load_card` fetched, and the first screenful of their timeline."""
        screen = self.screen
        self.shown_contact = message.contact
        screen.query_one(ContactCard).show(message.contact, app_now(screen), self._card_why)
        screen.query_one("#contact-card").border_title = "Contact"
        timeline = screen.query_one(TimelinePane)
        if message.contact is not None:
            subject = Subject(contact_id=message.contact.id, title=message.contact.name)
            if message.timeline is not None and message.now is not None:
                timeline.show_loaded(subject, message.timeline, message.now)
                if len(message.timeline) >= FIRST_TIMELINE_ROWS:
                    # Fetched after the frame: converting ~1,000 rows in a thread while
                    # this frame is drawn made the two take turns with the GIL.
                    screen.call_after_refresh(
                        self._load_rest_if_still_shown, message.contact.id, message.now
                    )
            else:
                timeline.show_subject(subject)
        elif timeline.subject.contact_id is not None:
            timeline.show_subject(Subject())

    def show_rest_of_timeline(self, message: RestOfTimeline) -> None:
        """Show the whole timeline, if its contact is still the one shown."""
        timeline = self.screen.query_one(TimelinePane)
        if timeline.shown.contact_id == message.contact_id == timeline.subject.contact_id:
            timeline.show_loaded(timeline.shown, message.timeline, message.now)
