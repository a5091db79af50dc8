"""The Textual app: wires settings, the clock, styles, keys and the main screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from crm import __version__, paths
from crm.clock import Clock, utc_now
from crm.commands import ActionCommands, ContactCommands
from crm.config import ConfigError, Settings, current_settings, save_theme
from crm.messages import GoToContact, WriteWaiting
from crm.screens.keymap import BoundKey, binding_owners, bound_keys, check_ui_settings
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
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.settings = current_settings() if settings is None else settings
        """The user's config file, read once at start."""
        choices = check_ui_settings(
            self.settings,
            lambda: {bound.id for bound in all_bound_keys()},
            self.available_themes,
        )
        self.keymap = choices.keymap
        """The user's ``[keys]`` that apply: binding id → keys, in Textual's names."""
        self.settings_problems = choices.problems
        """What in ``[keys]`` and ``[ui]`` was left out, one line each."""
        self._theme_to_keep = choices.theme or self.theme
        if choices.keymap:
            self.set_keymap(choices.keymap)
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
        self.theme = self._theme_to_keep
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        for problem in self.settings_problems:
            self.notify(f"config.toml: {problem}.", severity="warning", timeout=10, markup=False)

    def _remember_theme(self, theme: Theme) -> None:
        """A theme picked in the palette is the one the next session opens with."""
        if theme.name != self._theme_to_keep:
            self._theme_to_keep = theme.name
            self.run_worker(
                partial(self._save_theme, theme.name),
                thread=True,
                group="theme",
                exit_on_error=False,
            )

    def _save_theme(self, name: str) -> None:
        try:
            save_theme(paths.config_path(), name)
        except ConfigError as error:
            self.call_from_thread(
                self.notify,
                f"The theme isn't remembered: {error}",
                severity="warning",
                markup=False,
            )

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


def all_bound_keys(keymap: dict[str, str] | None = None) -> list[BoundKey]:
    """Every binding id of the app, with its keys after ``keymap`` (`crm keys`, the help)."""
    return bound_keys([CrmApp, *binding_owners()], keymap or {})


def make_app(
    db_path: Path,
    *,
    clock: Clock = utc_now,
    on_first_frame: Callable[[], None] | None = None,
    settings: Settings | None = None,
) -> CrmApp:
    """Build the app for an already opened database (the CLI and the tests both call this).

    ``settings`` default to the user's config file.
    """
    return CrmApp(db_path, clock=clock, on_first_frame=on_first_frame, settings=settings)


__all__ = ["CrmApp", "all_bound_keys", "make_app", "__version__"]
