"""A row list whose rows can be follow-ups: `d` marks done, `s` snoozes, `l` logs, `w` writes
the message."""

from __future__ import annotations

from textual.binding import Binding

from crm.messages import DraftRequested, FollowUpDoneRequested, LogRequested, SnoozeRequested
from crm.widgets.row_keys import FollowUpKey, contact_of, log_defaults_of, opportunity_of
from crm.widgets.row_list import RowList


class FollowUpList(RowList):
    """Rows of follow-ups and other things about contacts."""

    BINDINGS = [
        Binding("d", "done", "Done", tooltip="Mark the follow-up done", id="follow-up-done"),
        Binding("s", "snooze", "Snooze", tooltip="Snooze the follow-up", id="follow-up-snooze"),
        Binding("l", "log", "Log", tooltip="Log a conversation", id="log-conversation"),
        Binding(
            "w",
            "write",
            "Write",
            tooltip="Draft the message, with the ring check",
            id="follow-up-write",
        ),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("done", "snooze", "write"):
            key = self.highlighted_key
            return True if isinstance(key, FollowUpKey) and key.pending else None
        return True

    def action_done(self) -> None:
        key = self.highlighted_key
        if isinstance(key, FollowUpKey) and key.pending:
            self.post_message(FollowUpDoneRequested(key.follow_up_id))

    def action_snooze(self) -> None:
        key = self.highlighted_key
        if isinstance(key, FollowUpKey) and key.pending:
            self.post_message(SnoozeRequested(key.follow_up_id, key.title))

    def action_write(self) -> None:
        key = self.highlighted_key
        if isinstance(key, FollowUpKey) and key.pending:
            self.post_message(DraftRequested(key.follow_up_id))

    def action_log(self) -> None:
        key = self.highlighted_key
        self.post_message(LogRequested(contact_of(key), opportunity_of(key), log_defaults_of(key)))

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.refresh_bindings()
