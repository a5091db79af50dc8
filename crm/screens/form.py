"""What every modal form here shares: Enter or Save saves, Cancel or Esc closes with None,
and problems show in red in the form's `#form-error`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

from crm.widgets.tick_box import TickBox

ResultT = TypeVar("ResultT")


def form_bindings(
    save_tooltip: str, *, cancel_tooltip: str = "Close without saving", prefix: str = "form"
) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """A form's two keys: Esc cancels and Ctrl+S saves (ids ``<prefix>-cancel``/``-save``)."""
    return [
        Binding("escape", "cancel", "Cancel", tooltip=cancel_tooltip, id=f"{prefix}-cancel"),
        Binding("ctrl+s", "save", "Save", tooltip=save_tooltip, id=f"{prefix}-save"),
    ]


def form_footer(hint: str, *, save_label: str = "Save") -> ComposeResult:
    """The end of every form: the problem line, Save and Cancel, and a hint at the keys."""
    yield Static("", id="form-error", classes="form-error")
    with Horizontal(classes="dialog-buttons"):
        yield Button(save_label, variant="primary", id="form-save", compact=True)
        yield Button("Cancel", id="form-cancel", compact=True)
    yield Static(hint, classes="dialog-hint")


class FormScreen(ModalScreen[ResultT]):
    """A modal form; subclasses compose the fields (ending with `form_footer`) and implement
    ``action_save``, which dismisses with the result or, when names must be looked up first,
    starts a worker that posts `Checked` or `Refused`."""

    WORKER_PROBLEM = "Something went wrong"
    """How a failed lookup starts the problem the form shows."""

    @dataclass
    class Checked(Message):
        """The form's input checked out off the event loop: close with this result."""

        result: Any

    @dataclass
    class Refused(Message):
        """The input can't be saved as typed; the problem is shown to the user."""

        problem: str

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

    @on(TickBox.Submitted)
    def save_on_enter_in_a_tick_box(self, event: TickBox.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed)
    def press_button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_cancel()

    @on(Checked)
    def close_with_result(self, message: Checked) -> None:
        message.stop()
        self.dismiss(cast(ResultT, message.result))

    @on(Refused)
    def show_refusal(self, message: Refused) -> None:
        message.stop()
        self._show_problem(message.problem)

    @on(Worker.StateChanged)
    def show_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self._show_problem(f"{self.WORKER_PROBLEM}: {event.worker.error}")

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)
