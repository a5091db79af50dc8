"""README's Commands and Keys tables name every command, option and binding, so they can't
fall behind the code again (issue 16: they missed `crm import vcard`, `crm export ics`...)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from crm.app import all_bound_keys
from crm.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def section(title: str) -> str:
    """The README's text under ``### title``, up to the next heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n### {title}\n")
    end = text.index("\n#", start + 1)
    return text[start:end]


def table_rows(text: str) -> list[str]:
    """The lines of the (one) Markdown table in ``text``, which must not be cut in two."""
    lines = text.splitlines()
    rows = [index for index, line in enumerate(lines) if line.startswith("|")]
    assert rows == list(range(rows[0], rows[-1] + 1)), "a blank line splits the table"
    return [lines[index] for index in rows]


def commands(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
    """Every command under ``command``, with the words that run it (``crm import vcard``)."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, f"{path} {name}")


ALL_COMMANDS = list(commands(cli, "crm"))


def mentions(path: str, row: str) -> bool:
    return re.search(rf"`{re.escape(path)}(?=[ `])", row) is not None


def option_named(option: click.Option, text: str) -> bool:
    return any(
        re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
        for name in (*option.opts, *option.secondary_opts)
    )


@pytest.mark.parametrize(("path", "command"), ALL_COMMANDS, ids=[path for path, _ in ALL_COMMANDS])
def test_the_commands_table_names_every_command_and_option(
    path: str, command: click.Command
) -> None:
    rows = table_rows(section("Commands"))
    own = [row for row in rows if mentions(path, row)]
    assert own, f"README's Commands table has no row for `{path}`"
    text = " ".join(own)
    missing = [
        option.opts[-1]
        for option in command.params
        if isinstance(option, click.Option) and not option.hidden and not option_named(option, text)
    ]
    assert not missing, f"`{path}`'s row in README doesn't name {missing}"


def test_the_keys_table_names_every_binding() -> None:
    ids = set(re.findall(r"`([a-z0-9-]+)` \|$", "\n".join(table_rows(section("Keys"))), re.M))
    missing = [bound.id for bound in all_bound_keys() if bound.id not in ids]
    assert not missing, f"README's Keys table lacks {missing} (see `crm keys`)"
