"""The filter box above the contacts list."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    """Filters the contacts list as the user types; Enter or ↓ goes back to the list."""

    BINDINGS = [
        Binding("down,enter", "done", "To list", tooltip="Back to the list", id="search-done"),
        Binding("escape", "clear", "Clear", tooltip="Clear the filter", id="search-clear"),
    ]

    @dataclass
    class Finished(Message):
        """The user is done typing and wants the list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ Filter by name or company…", id=id)

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.cursor_blink = False

    def action_done(self) -> None:
        self.post_message(self.Finished())

    def action_clear(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.post_message(self.Finished())
