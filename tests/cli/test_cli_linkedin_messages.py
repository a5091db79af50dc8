"""`crm import linkedin messages.csv`: told from Connections.csv by its header, counts for
people and mail's JSON shape for scripts; bad input is one line and changes nothing."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_cli import crm
from tests.services.test_linkedin_messages import ANN, NOW, D, export, me, row

AT = "2026-12-08 15:00"


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "crm.db")
    code, _, err = crm(
        capsys, "--db", path, "--now", AT, "contact", "add", "Ann Lee", "--linkedin", ANN
    )
    assert code == 0, err
    return path


def interactions(db: str) -> int:
    with closing(sqlite3.connect(db)) as connection:
        return int(connection.execute("SELECT count(*) FROM interaction").fetchone()[0])


def _messages(tmp_path: Path) -> Path:
    return export(
        tmp_path / "messages.csv",
        [
            row(me(), [("Ann Lee", ANN)], "Hello, Ann", at=NOW - 2 * D),
            row(("Ann Lee", ANN), [me()], "Hi Anna!", at=NOW - D),
            row(("Bo Stranger", "https://linkedin.com/in/bo"), [me()], conversation="c2"),
            row(me(), [("Ann Lee", ANN)], "unsent", draft=True),
        ],
    )


def test_messages_print_counts_and_mails_json(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(_messages(tmp_path))
    args = ("--db", db, "--now", AT, "import", "linkedin", path)
    code, out, err = crm(capsys, *args)
    assert (code, err) == (0, "")
    assert "Logged 2 conversations from 4 messages in messages.csv." in out
    assert "  skipped 1: no known contact" in out and "  skipped 1: draft" in out
    code, out, err = crm(capsys, *args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {
        "source",
        "dry_run",
        "read",
        "logged",
        "skipped",
        "proposed",
        "settled",
        "planned",
        "interviews",
        "resumed_from",
    }
    assert (data["logged"], data["proposed"]) == (0, [])
    assert data["skipped"] == {"already logged": 2, "draft": 1, "no known contact": 1}
    assert interactions(db) == 2


def test_a_dry_run_writes_nothing(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(_messages(tmp_path))
    code, out, _ = crm(capsys, "--db", db, "--now", AT, "import", "linkedin", path, "--dry-run")
    assert code == 0 and "Would log 2" in out and "nothing was written" in out
    assert interactions(db) == 0


def test_connections_still_import_through_the_same_command(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Кэти,Смирнова,https://www.linkedin.com/in/katie,,Initech,CTO,15 Mar 2023\n",
        encoding="utf-8",
    )
    code, out, err = crm(capsys, "--db", db, "--now", AT, "import", "linkedin", str(path))
    assert code == 0, err
    assert out.startswith("Imported Connections.csv as import #1: 1 created")


@pytest.mark.parametrize(
    ("content", "options", "fragment"),
    [
        ("Name,Phone\nAnn,1\n", (), "Connections.csv (First Name"),
        (None, (), "can't read the file"),
        ("one", ("--me", "https://linkedin.com/in/carol"), "or messages.csv"),
        ("conversation", (), "pass --me"),
        ("conversation", ("--me", "not a url"), "not a LinkedIn profile URL"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    options: tuple[str, ...],
    fragment: str,
) -> None:
    path = tmp_path / "messages.csv"
    if content == "conversation":
        export(
            path,
            [
                row(
                    ("Carol", "https://linkedin.com/in/carol"),
                    [("Dan", "https://linkedin.com/in/dan")],
                )
            ],
        )
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = crm(capsys, "--db", db, "--now", AT, "import", "linkedin", str(path), *options)
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err, err
    assert interactions(db) == 0


def test_your_profile_can_be_set_once_in_the_config(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[linkedin]\nprofile = "https://www.linkedin.com/in/Carol/"\n')
    monkeypatch.setenv("CRM_CONFIG", str(config))
    path = export(
        tmp_path / "messages.csv",
        [row(("Carol", "https://linkedin.com/in/carol"), [("Dan", "https://linkedin.com/in/dan")])],
    )
    code, out, err = crm(capsys, "--db", db, "--now", AT, "import", "linkedin", str(path))
    assert (code, err) == (0, "")
    assert "skipped 1: no known contact" in out


@pytest.mark.parametrize(
    "text",
    ['[linkedin]\nprofile = "carol@example.org"\n', '[linkedin]\nme = "x"\n', "linkedin = 1\n"],
)
def test_a_bad_linkedin_setting_is_one_clear_error(tmp_path: Path, text: str) -> None:
    from crm.config import ConfigError, load_settings

    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=r"\[linkedin\]"):
        load_settings(config)
