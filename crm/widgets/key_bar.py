"""The key bar at the bottom of each screen: the keys that work here, drawn as one line.

Textual's Footer mounts a widget per key and recomposes all of them whenever bindings are
refreshed — on every focus change and list update, which on a big database was most of the
time between opening a contact and seeing it. This bar keeps the same look and
click-to-press behaviour but only redraws one line, and only when the keys on show change.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

PINNED = ("help", "app.help")
"""Actions whose key the bar always shows, at the right beside the palette's."""


@dataclass(frozen=True)
class ShownKey:
    """One key as the bar shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    action: str = ""


class KeyBar(Widget, can_focus=False):
    """Active key bindings on the left, the command palette key on the right."""

    ALLOW_SELECT = False

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: tuple[ShownKey, ...] = ()
        """The keys on show, left to right (without the palette key)."""
        self.palette_key: ShownKey | None = None
        self._spans: list[tuple[int, int, ShownKey]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys, palette = self._active_keys()
        if (keys, palette) != (self.keys, self.palette_key):
            self.keys, self.palette_key = keys, palette
            self.refresh()

    def _active_keys(self) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        active = self.screen.active_bindings
        shown: dict[str, ShownKey] = {}  # one key per action, as Textual's Footer does
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in shown:
                display = self.app.get_key_display(binding)
                shown[binding.action] = ShownKey(
                    binding.key, display, binding.description, enabled, binding.action
                )
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            palette = ShownKey(
                binding.key, self.app.get_key_display(binding), binding.description, enabled
            )
        return tuple(shown.values()), palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        disabled = self.get_component_rich_style("key-bar--disabled")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        # Help and the palette stay on the right whatever the width: they lead to every
        # other key. The rest lose their padding, then drop out whole, to make room.
        pinned = [key for key in self.keys if key.action in PINNED]
        left = [key for key in self.keys if key not in pinned]
        if self.palette_key is not None:
            pinned.append(self.palette_key)
        width = self.size.width
        compact = _width(left, False) + _width(pinned, False) > width
        room = width - _width(pinned, compact)
        fitting = []
        for key in left:
            if _width([key], compact) <= room:
                fitting.append(key)
                room -= _width([key], compact)

        def add(key: ShownKey) -> None:
            start = line.cell_len
            extra = disabled if not key.enabled else None
            line.append(f" {key.display} ", key_style + extra if extra else key_style)
            if key.description:
                text = f"{key.description} " if compact else f" {key.description} "
                line.append(text, description_style + extra if extra else description_style)
            self._spans.append((start, line.cell_len, key))

        for key in fitting:
            add(key)
        gap = width - line.cell_len - _width(pinned, compact)
        if gap > 0:
            line.append(" " * gap)
        for key in pinned:
            add(key)
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return


def _width(keys: list[ShownKey], compact: bool) -> int:
    """Cells the keys take on the bar, with or without the space before each description."""
    return sum(
        cell_len(f" {k.display} ") + (cell_len(k.description) + (1 if compact else 2))
        if k.description
        else cell_len(f" {k.display} ")
        for k in keys
    )
