"""The timeline: conversations, follow-ups and interviews, newest first, split at "now"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.worker import get_current_worker

from crm.domain.types import FollowUpState, TimelineEntry
from crm.services.conversations import timeline
from crm.widgets.cells import app_now, local_time, short_local, shown
from crm.widgets.follow_up_list import FollowUpList
from crm.widgets.row_keys import FollowUpKey, InteractionKey, InterviewKey
from crm.widgets.row_list import Column, Row, RowList

STATE_TONES = {
    FollowUpState.OVERDUE: "overdue",
    FollowUpState.DUE: "due",
    FollowUpState.DUE_SOON: "due",
    FollowUpState.DONE: "done",
    FollowUpState.SNOOZED: "dim",
    FollowUpState.CANCELLED: "dim",
}


@dataclass(frozen=True)
class Subject:
    """Whose timeline is on show: a contact, an opportunity, or everything (both None)."""

    contact_id: int | None = None
    opportunity_id: int | None = None
    title: str = "Everything"


def timeline_rows(entries: list[TimelineEntry], now: datetime, *, show_contact: bool) -> list[Row]:
    """Entries as rows, with a "now" line between what is ahead and what is past."""
    rows: list[Row] = []
    now_drawn = False
    for entry in entries:
        if not now_drawn and entry.at <= now:
            rows.append(Row((f"── now · {short_local(now)} ──",), tone="now"))
            now_drawn = True
        tone = STATE_TONES.get(entry.state, "") if entry.state is not None else ""
        key: object
        if entry.what == "follow-up":
            pending = entry.state not in (FollowUpState.DONE, FollowUpState.CANCELLED)
            title = entry.title + (" (overdue)" if entry.state is FollowUpState.OVERDUE else "")
            key = FollowUpKey(
                entry.id,
                entry.contact_id or 0,
                entry.opportunity_id,
                f"{entry.title} — {entry.contact}",
                pending,
                why=entry.why,
                kind=entry.follow_up_kind,
            )
        elif entry.what == "interaction":
            title = entry.title
            key = InteractionKey(entry.id, entry.contact_id or 0)
        else:
            title = entry.title
            key = InterviewKey(entry.id, 0, None, True)
            tone = tone or "dim"
        who = entry.contact if show_contact else entry.opportunity
        when = local_time(entry.at).strftime("%d %b %H:%M")
        rows.append(Row((when, title, who, entry.detail), key=key, tone=tone))
    if not now_drawn and rows:
        rows.append(Row((f"── now · {short_local(now)} ──",), tone="now"))
    return rows


class TimelinePane(FollowUpList):
    """One subject's history and what is ahead; `a` switches to everything."""

    COLUMNS = (Column(12, fit=True), Column(14, 3), Column(8, 2, optional=True), Column(6, 3))

    BINDINGS = [
        Binding("a", "everything", "All", tooltip="Show everyone's timeline", id="timeline-all"),
        Binding(
            "e",
            "conversation('edit')",
            "Edit",
            tooltip="Correct the highlighted conversation",
            id="timeline-edit",
        ),
        Binding(
            "delete",
            "conversation('delete')",
            "Delete",
            tooltip="Delete the highlighted conversation (asks; Ctrl+Z brings it back)",
            id="timeline-delete",
        ),
    ]

    subject: Subject = Subject()
    """Whose timeline this is."""
    shown: Subject = Subject()
    """Whose entries are on screen (lags ``subject`` while they load)."""

    @dataclass
    class ConversationRequested(Message):
        """The user asked to open, correct or delete a logged conversation."""

        interaction_id: int
        action: Literal["open", "edit", "delete"]

    @dataclass
    class Loaded(Message):
        """Entries for a subject arrived."""

        subject: Subject
        entries: list[TimelineEntry]
        now: datetime

    def on_mount(self) -> None:
        self.empty_text = "Nothing logged yet: press l to log a conversation."

    def show_subject(self, subject: Subject) -> None:
        """Load the timeline of ``subject``."""
        self.subject = subject
        self.load()

    def load(self) -> None:
        """Reload the current subject's timeline."""
        self.load_entries(self.subject, app_now(self))

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def load_entries(self, subject: Subject, now: datetime) -> None:
        """Fetch the subject's entries."""
        entries = timeline(
            contact_id=subject.contact_id, opportunity_id=subject.opportunity_id, now=now
        )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(subject, entries, now))

    @on(Loaded)
    def show_entries(self, message: Loaded) -> None:
        message.stop()
        if message.subject == self.subject:
            self._show(message.subject, message.entries, message.now)

    def show_loaded(self, subject: Subject, entries: list[TimelineEntry], now: datetime) -> None:
        """Show entries fetched elsewhere (with the card, in the same trip to the database)."""
        self.subject = subject  # an older load still in flight is ignored when it lands
        self._show(subject, entries, now)

    def _show(self, subject: Subject, entries: list[TimelineEntry], now: datetime) -> None:
        self.shown = subject
        self.set_rows(timeline_rows(entries, now, show_contact=subject.contact_id is None))
        self.border_title = shown(f"Timeline · {subject.title}" if subject.title else "Timeline")

    def action_everything(self) -> None:
        self.show_subject(Subject())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "conversation":
            return isinstance(self.highlighted_key, InteractionKey)
        return super().check_action(action, parameters)

    def action_conversation(self, action: Literal["edit", "delete"]) -> None:
        key = self.highlighted_key
        if isinstance(key, InteractionKey):
            self.post_message(self.ConversationRequested(key.interaction_id, action))

    @on(RowList.Selected)
    def open_conversation(self, message: RowList.Selected) -> None:
        """Enter on a conversation opens it in full; on other rows the screen decides."""
        if isinstance(message.key, InteractionKey):
            message.stop()
            self.post_message(self.ConversationRequested(message.key.interaction_id, "open"))
