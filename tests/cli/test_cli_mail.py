"""`crm import mail`: counts for people and JSON for scripts; bad input is one line."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_cli import crm
from tests.services.test_mail_import import ME, NOW, D, mbox, message

AT = "2026-12-08 15:00"


def ann_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, ann: str = "ann@initech.example"
) -> Path:  # type: ignore[no-untyped-def]
    """[mail] me set; Ann Lee (``ann``) at Initech, where a process is open."""
    config = tmp_path / "config.toml"
    config.write_text(f'[mail]\nme = ["{ME}"]\n')
    monkeypatch.setenv("CRM_CONFIG", str(config))
    db = tmp_path / "crm.db"
    for args in (
        ("contact", "add", "Ann Lee", "--email", ann, "--company", "Initech"),
        ("opportunity", "add", "--company", "Initech", "--role", "Staff Engineer"),
    ):
        code, _, err = crm(capsys, "--db", str(db), "--now", AT, *args)
        assert code == 0, err
    return db


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:  # type: ignore[no-untyped-def]
    return ann_in_process(tmp_path, monkeypatch, capsys)


def _mail(tmp_path: Path) -> Path:
    return mbox(
        tmp_path / "all.mbox",
        [
            message("ann@initech.example", ME, "Hello", "Nice to meet you", at=NOW - 2 * D),
            message("Katya <katya@initech.example>", ME, "Hi", at=NOW - D),
            message("ann@initech.example", ME, "News", extra=[("List-Id", "<l.example>")]),
        ],
    )


def test_import_mail_prints_counts_and_json(setup: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _mail(tmp_path)
    code, out, err = crm(capsys, "--db", str(setup), "--now", AT, "import", "mail", str(path))
    assert (code, err) == (0, "")
    assert "Logged 1 conversation from 3 messages in all.mbox." in out
    assert "skipped 1: mailing list or bulk" in out
    assert "Katya <katya@initech.example> at Initech, 1 message" in out
    copy = tmp_path / "copy.mbox"  # the same file again would resume at its end
    copy.write_bytes(path.read_bytes())
    code, out, err = crm(
        capsys, "--db", str(setup), "--now", AT, "import", "mail", str(copy), "--json"
    )
    data = json.loads(out)
    assert data["logged"] == 0 and data["skipped"]["already logged"] == 1
    assert data["proposed"] == [
        {"address": "katya@initech.example", "name": "Katya", "company": "Initech", "messages": 1}
    ]


def test_dry_run_and_since(setup: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _mail(tmp_path)
    args = ("--db", str(setup), "--now", AT, "import", "mail", str(path))
    code, out, _ = crm(capsys, *args, "--dry-run")
    assert code == 0 and "Would log 1" in out and "nothing was written" in out
    with closing(sqlite3.connect(setup)) as connection:
        assert connection.execute("SELECT count(*) FROM interaction").fetchone() == (0,)
    code, out, _ = crm(capsys, *args, "--since", "2026-12-08", "--json")
    assert json.loads(out)["skipped"]["before --since"] == 2
    code, out, _ = crm(capsys, *args, "--since", "2026-12-06", "--json")  # the day's start
    assert json.loads(out)["logged"] == 1 and "before --since" not in json.loads(out)["skipped"]


@pytest.mark.parametrize(
    ("config", "target", "fragment"),
    [
        ("", "all.mbox", "[mail] me"),
        (f'[mail]\nme = ["{ME}"]\n', "missing.mbox", "doesn't exist"),
        (f'[mail]\nme = ["{ME}"]\n', "folder", "not a Maildir"),
    ],
)
def test_bad_input_is_one_line(  # type: ignore[no-untyped-def]
    setup: Path, tmp_path: Path, capsys, config: str, target: str, fragment: str
) -> None:
    (tmp_path / "config.toml").write_text(config)
    _mail(tmp_path)
    (tmp_path / "folder").mkdir()
    code, out, err = crm(
        capsys, "--db", str(setup), "--now", AT, "import", "mail", str(tmp_path / target)
    )
    assert code != 0 and out == "" and fragment in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
