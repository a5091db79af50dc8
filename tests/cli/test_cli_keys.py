"""`crm keys`: every binding id with its key after config.toml's [keys]."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import crm
from crm import paths
from tests.cli.test_cli import crm as run


def declared_binding_ids() -> set[str]:
    """Every ``Binding(..., id="…")`` written in crm's source, found without importing it."""
    ids: set[str] = set()
    for source in Path(crm.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Binding"
            ):
                for keyword in node.keywords:
                    value = getattr(keyword.value, "value", None)
                    if keyword.arg == "id" and isinstance(value, str):
                        ids.add(value)
    return ids


def write_config(text: str) -> None:
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)


def test_every_binding_id_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "keys", "--json")
    assert code == 0 and err == ""
    listed = {entry["id"] for entry in json.loads(out)}
    assert declared_binding_ids() - listed == set()
    assert len(declared_binding_ids()) > 40


def test_keys_shows_the_users_keys_as_glyphs(capsys: pytest.CaptureFixture[str]) -> None:
    write_config('[keys]\napp-quit = "ctrl+q,f10"\napp-help = ">"\n')
    code, out, err = run(capsys, "keys", "--json")
    entries = {entry["id"]: entry for entry in json.loads(out)}
    assert entries["app-quit"]["key"] == "ctrl+q,f10"
    assert entries["app-quit"]["default"] == "ctrl+q"
    assert entries["app-help"]["key"] == "greater_than_sign"
    assert entries["app-help"]["where"] == ["Everywhere"]
    assert entries["log-save"]["where"] == ["Log form"]
    code, out, err = run(capsys, "keys")
    line = next(line for line in out.splitlines() if line.startswith("app-help"))
    assert " > " in line and "greater_than_sign" not in out
    assert "^q / f10" in out


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ('no-such-binding = "x"', "'no-such-binding' is not a binding id"),
        ('app-quit = "ctrl+nosuchkey"', "app-quit: 'nosuchkey' is not a key"),
        ('app-quit = "hyperdrive+q"', "app-quit: 'hyperdrive' is not a modifier"),
        ('app-quit = "ctrl+"', "app-quit: 'ctrl+' names no key"),
    ],
)
def test_a_bad_keys_entry_is_one_warning_and_the_rest_applies(
    capsys: pytest.CaptureFixture[str], entry: str, fragment: str
) -> None:
    write_config(f'[keys]\n{entry}\napp-help = "f9"\n')
    code, out, err = run(capsys, "keys", "--json")
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("crm: warning: ") and fragment in err
    entries = {item["id"]: item for item in json.loads(out)}
    assert entries["app-help"]["key"] == "f9"
    assert entries["app-quit"]["key"] == "ctrl+q"


def test_an_unknown_theme_is_one_warning(capsys: pytest.CaptureFixture[str]) -> None:
    write_config('[ui]\ntheme = "no-such-theme"\n')
    code, _out, err = run(capsys, "keys")
    assert code == 0 and err.count("\n") == 1 and "'no-such-theme' is not a theme" in err
