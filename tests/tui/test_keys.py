"""Keys and looks the user's own: [keys] remaps bindings, [ui] theme picks the theme."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import Static, TabbedContent

from crm import paths
from crm.app import make_app
from crm.clock import fixed_clock
from crm.config import Settings, load_settings
from crm.screens.help import HelpScreen
from crm.widgets.key_bar import KeyBar
from tests.tui.helpers import plain_text, settle

NOW = datetime(2026, 11, 18, 15, 0)


async def test_keys_from_config_work_and_show_in_the_key_bar_and_help(db_path: Path) -> None:
    settings = Settings(keys={"app-help": "f9", "tab-contacts": "f6"})
    app = make_app(db_path, clock=fixed_clock(NOW), settings=settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.settings_problems == ()
        shown = {key.description: key.display for key in app.screen.query_one(KeyBar).keys}
        assert shown["Contacts"] == "f6"
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "contacts"
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)  # "?" was given away
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = plain_text(app.screen.query_one("#help-keys", Static))
        keys = [line.split("  ")[0].strip() for line in text.splitlines()]
        assert "f6" in keys and "f9" in keys and "f2" not in keys
        assert "/" in keys  # the filter key ("slash"), as the key bar draws it
        assert "question_mark" not in text and "slash" not in text


async def test_a_bad_keys_entry_is_said_in_the_app(db_path: Path) -> None:
    settings = Settings(keys={"no-such-binding": "f9"}, theme="no-such-theme")
    app = make_app(db_path, clock=fixed_clock(NOW), settings=settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        notices = [str(notice.message) for notice in app._notifications]
        assert any("'no-such-binding' is not a binding id" in notice for notice in notices)
        assert any("'no-such-theme' is not a theme" in notice for notice in notices)
        assert app.theme == "textual-dark"


async def test_the_configured_theme_opens_and_a_new_choice_is_remembered(db_path: Path) -> None:
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('# mine\n[ui]\ntheme = "nord"\n\n[backups]\nkeep = 3\n')
    app = make_app(db_path, clock=fixed_clock(NOW))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        assert config.read_text().count("nord") == 1  # opening with it wrote nothing
        app.theme = "gruvbox"
        await settle(pilot)
    assert load_settings(config).theme == "gruvbox"
    assert config.read_text() == '# mine\n[ui]\ntheme = "gruvbox"\n\n[backups]\nkeep = 3\n'
