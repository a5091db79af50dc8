"""The Textual app: wires settings, the clock, styles, keys and the main screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from crm import __version__
from crm.clock import Clock, utc_now
from crm.commands import ActionCommands, ContactCommands
from crm.messages import GoToContact, WriteWaiting
from crm.screens.main import MainScreen
from crm.services.tx import announce_write_waits

WRITE_WAITING_NOTICE = (
    "Waiting for another crm to finish writing… your change is saved as soon as it is done."
)


class CrmApp(App[None]):
    """crm: contacts, interviews and a timeline for a job search."""

    CSS_PATH = "app.tcss"
    TITLE = "crm"
    COMMANDS = App.COMMANDS | {ContactCommands, ActionCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Help", tooltip="Show every key", id="app-help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            tooltip="Command palette: Go to contact…, commands",
            show=False,  # the footer already shows the palette key on its right
            id="app-palette",
        ),
        Binding("ctrl+q", "quit", "Quit", tooltip="Leave crm", id="app-quit"),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        clock: Clock = utc_now,
        on_first_frame: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        """The database this session works on (already opened and migrated)."""
        self.clock = clock
        """Where "now" comes from; tests and `--now` freeze it."""
        self._on_first_frame = on_first_frame
        """Called once start-up is over; the `crm` command tunes its process there."""
        self.sub_title = db_path.name

    def first_frame_shown(self) -> None:
        """The main screen has painted its first frame: run the start-up hook, once."""
        hook, self._on_first_frame = self._on_first_frame, None
        if hook is not None:
            hook()

    def get_default_screen(self) -> Screen[None]:
        return MainScreen()

    def on_mount(self) -> None:
        # Writes run in thread workers; post_message is the thread-safe way back to the screen.
        announce_write_waits(lambda: self.post_message(WriteWaiting()))

    def on_unmount(self) -> None:
        announce_write_waits(None)

    def on_write_waiting(self, _message: WriteWaiting) -> None:
        """Say why a save is slow, instead of a frozen screen or an error."""
        self.notify(WRITE_WAITING_NOTICE, title="Waiting", timeout=6)

    def action_help(self) -> None:
        main = self.screen_stack[0] if self.screen_stack else None
        if isinstance(main, MainScreen):
            main.show_help()

    def on_go_to_contact(self, message: GoToContact) -> None:
        """A jump from another screen: back to the main screen, which shows the contact."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.screen_stack[0].post_message(GoToContact(message.contact_id))


def make_app(
    db_path: Path,
    *,
    clock: Clock = utc_now,
    on_first_frame: Callable[[], None] | None = None,
) -> CrmApp:
    """Build the app for an already opened database (the CLI and the tests both call this)."""
    return CrmApp(db_path, clock=clock, on_first_frame=on_first_frame)


__all__ = ["CrmApp", "make_app", "__version__"]
