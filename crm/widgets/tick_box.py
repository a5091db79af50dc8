"""A form checkbox that reads on or off without colour and leaves Enter to the form."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox

TICKED = "[x]"
UNTICKED = "[ ]"


class TickBox(Checkbox, inherit_bindings=False):
    """Shows ``[x]`` or ``[ ]``; Space toggles, Enter submits the form (as in its fields)."""

    BINDINGS = [
        Binding("space", "toggle_button", "Toggle", show=False),
        Binding("enter", "submit", "Save", show=False),
    ]

    @dataclass
    class Submitted(Message):
        """Enter was pressed on the box: the form saves, as Enter in a text field does."""

        tick_box: TickBox

    @property
    def _button(self) -> Content:
        # Textual's box is an "X" in either state, told apart only by colour.
        style = self.get_visual_style("toggle--button")
        return Content.assemble((TICKED if self.value else UNTICKED, style))

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))
