"""The filter box above the contacts list."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input

from crm.widgets.frame_hold import FrameHold


class SearchBox(Input):
    """Filters the contacts list as the user types; Enter or ↓ goes back to the list."""

    BINDINGS = [
        Binding("down,enter", "done", "To list", tooltip="Back to the list", id="search-done"),
        Binding("escape", "clear", "Clear", tooltip="Clear the filter", id="search-clear"),
    ]

    @dataclass
    class Finished(Message):
        """The user is done typing and wants the list."""

    # Input resizes its virtual width on every keystroke, and Widget's virtual_size asks for a
    # layout of the whole screen when it changes (~half of each keystroke's frame). The box
    # has no scrollbars and no children, so nothing else depends on it: repaint only.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *, frame_hold: FrameHold | None = None, id: str | None = None) -> None:
        super().__init__(placeholder="/ Filter by name or company…", id=id)
        self._frame_hold = frame_hold

    def watch_value(self) -> None:
        # Runs as the letter lands, before its echo can be painted: the echo waits for the
        # list's rows (see FrameHold), so both reach the screen in one frame.
        if self._frame_hold is not None:
            self._frame_hold.start()

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
