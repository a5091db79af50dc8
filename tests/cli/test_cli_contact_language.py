"""`crm contact add/edit --lang`, and `crm contact show` printing the language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli_daily import Cli, one_line_error


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "crm.sqlite3", capsys)


def test_add_with_a_language_and_show_prints_it(cli: Cli) -> None:
    katie = cli.new_id("contact", "add", "Кэти Смирнова", "--company", "Initech", "--lang", "ru")
    out = cli.ok("contact", "show", str(katie))
    assert "Name: Кэти Смирнова" in out and "Language: ru" in out
    assert json.loads(cli.ok("contact", "show", str(katie), "--json"))["language"] == "ru"


def test_show_leaves_out_a_language_not_set(cli: Cli) -> None:
    ann = cli.new_id("contact", "add", "Ann Lee")
    assert "Language" not in cli.ok("contact", "show", str(ann))


@pytest.mark.parametrize("clear", ["", "default"])
def test_edit_changes_and_clears_the_language(cli: Cli, clear: str) -> None:
    taro = cli.new_id("contact", "add", "山田 太郎", "--role", "CTO")
    assert cli.ok("contact", "edit", str(taro), "--lang", "en") == "Saved 山田 太郎.\n"
    shown = json.loads(cli.ok("contact", "show", str(taro), "--json"))
    assert (shown["language"], shown["role"]) == ("en", "CTO")
    cli.ok("contact", "edit", "山田 太郎", "--lang", clear)
    assert json.loads(cli.ok("contact", "show", str(taro), "--json"))["language"] == ""


def test_a_bad_language_is_one_line_and_changes_nothing(cli: Cli) -> None:
    one_line_error(*cli("contact", "add", "Ann", "--lang", "fr"), "isn't a draft language")
    ann = cli.new_id("contact", "add", "Ann", "--lang", "en")
    one_line_error(*cli("contact", "edit", str(ann), "--lang", "de"), "isn't a draft language")
    assert json.loads(cli.ok("contact", "show", str(ann), "--json"))["language"] == "en"


def test_edit_with_nothing_to_change_or_no_such_contact_is_one_line(cli: Cli) -> None:
    ann = cli.new_id("contact", "add", "Ann")
    one_line_error(*cli("contact", "edit", str(ann)), "Nothing to change")
    code, out, err = cli("contact", "show", "999")
    assert code != 0 and out == "" and "999" in err
