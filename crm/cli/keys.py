"""`crm keys`: every binding id with the key it has now, for `[keys]` in config.toml."""

from __future__ import annotations

import click

from crm import paths
from crm.cli.context import settings
from crm.cli.output import echo, echo_json, print_table


@click.command("keys")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def keys_command(as_json: bool) -> None:
    """List every key binding: its id, its key after config.toml's [keys], what it does, where.

    Remap one in config.toml, e.g. [keys] app-quit = "ctrl+q,f10".
    """
    from textual.app import App

    from crm.app import all_bound_keys
    from crm.screens.keymap import check_ui_settings, key_glyphs

    choices = check_ui_settings(
        settings(), lambda: {bound.id for bound in all_bound_keys()}, App().available_themes
    )
    for problem in choices.problems:
        echo(f"crm: warning: {paths.config_path()}: {problem}.", err=True)
    bound = all_bound_keys(choices.keymap)
    if as_json:
        echo_json(
            [
                {
                    "id": key.id,
                    "key": key.key,
                    "default": key.default,
                    "description": key.description,
                    "where": list(key.places),
                }
                for key in bound
            ]
        )
        return
    display = App().get_key_display
    print_table(
        ("ID", "KEY", "WHAT IT DOES", "WHERE"),
        [
            (key.id, key_glyphs(key.key, display), key.description, ", ".join(key.places))
            for key in bound
        ],
    )
