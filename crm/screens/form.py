"""What every modal form here shares: Enter or Save saves, Cancel or Esc closes with None,
and problems show in red in the form's `#form-error`."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

ResultT = TypeVar("ResultT")


class FormScreen(ModalScreen[ResultT]):
    """A modal form; subclasses compose the fields and implement ``action_save``."""

    def on_mount(self) -> None:
        if self.app.is_headless:  # a blinking cursor would make screenshots differ
            for field in self.query(Input):
                field.cursor_blink = False

    def _show_problem(self, problem: str) -> None:
        """Say what's wrong, in the form, without closing it (as plain text: a problem quotes
        what the user typed, and a "[" there must not be read as markup)."""
        self.query_one("#form-error", Static).update(Content(problem))

    @on(Input.Submitted)
    def save_on_enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed)
    def press_button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)
