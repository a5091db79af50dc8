"""The help screen: every key, grouped by where it works."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from crm.screens.keymap import key_glyphs

HelpSection = tuple[str, Sequence[BindingType]]


def key_table(
    sections: Iterable[HelpSection],
    keymap: Mapping[str, str],
    display: Callable[[Binding], str],
) -> Table:
    """A two-column table of keys and what they do, one block per section.

    Keys are the user's (``keymap``, binding id → keys) drawn as the key bar draws them.
    """
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for title, bindings in sections:
        table.add_row(Text(title, style="bold underline"), "")
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            table.add_row(
                Text(key_glyphs(keys, display)), Text(binding.tooltip or binding.description)
            )
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    """Lists every key the app understands."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help-close")]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                keymap = getattr(self.app, "keymap", {})  # the user's [keys], when the app has them
            yield Static(key_table(self.sections, keymap, self.app.get_key_display), id="help-keys")
            yield Static("Esc closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
