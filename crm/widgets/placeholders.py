"""Panes whose real content arrives in a later version."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class ComingSoon(Static):
    """A pane that says what it will hold."""

    def __init__(self, what: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Text(f"{what}: coming soon.", style="dim italic"), id=id, classes=classes)
