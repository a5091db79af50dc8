"""The command line, run the way a user runs it: one line on error, JSON for scripts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crm import __version__
from crm.cli import main


def crm(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``crm ARGS`` in-process; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = crm(capsys, "--version")
    assert code == 0 and __version__ in out


def test_locate_prints_database_and_config(tmp_path: Path, capsys) -> None:
    code, out, _ = crm(capsys, "--db", str(tmp_path / "x.db"), "locate")
    assert code == 0
    assert str(tmp_path / "x.db") in out and "config.toml" in out


def test_crm_db_environment_variable_is_used(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CRM_DB", str(tmp_path / "env.db"))
    code, out, _ = crm(capsys, "locate", "db")
    assert out.strip() == str(tmp_path / "env.db")


def test_add_then_search_in_cyrillic(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "x.db")
    code, out, _ = crm(
        capsys, "--db", db, "contact", "add", "Кэти Смирнова", "--company", "Initech"
    )
    assert code == 0
    new_id = int(out.strip())
    code, out, _ = crm(capsys, "--db", db, "search", "кэти", "--json")
    assert code == 0
    found = json.loads(out)
    assert [(c["id"], c["name"], c["company"]) for c in found] == [
        (new_id, "Кэти Смирнова", "Initech")
    ]
    assert {"id", "name", "company", "role", "email"} <= set(found[0])


def test_contact_add_takes_every_field(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "x.db")
    crm(
        capsys,
        "--db",
        db,
        "contact",
        "add",
        "Ann Lee",
        "--company",
        "Acme",
        "--role",
        "CTO",
        "--email",
        "ann@acme.test",
        "--phone",
        "+1 555",
        "--linkedin",
        "https://www.linkedin.com/in/annlee",
        "--topic",
        "chess",
        "--topic",
        "Agile skeptic",
        "--note",
        "Met at PyCon",
    )
    code, out, _ = crm(capsys, "--db", db, "search", "agile", "--json")
    [ann] = json.loads(out)
    assert (ann["name"], ann["role"], ann["email"]) == ("Ann Lee", "CTO", "ann@acme.test")


def test_search_table_output_lines_up(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "x.db")
    crm(capsys, "--db", db, "contact", "add", "山田 太郎", "--company", "Sony")
    code, out, _ = crm(capsys, "--db", db, "search", "sony")
    assert code == 0 and "山田 太郎" in out and "Sony" in out


def test_search_with_no_match_says_so(tmp_path: Path, capsys) -> None:
    code, out, err = crm(capsys, "--db", str(tmp_path / "x.db"), "search", "nobody")
    assert code == 1 and "No contacts match" in err
    code, out, err = crm(capsys, "--db", str(tmp_path / "x.db"), "search", "nobody", "--json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["contact", "add", ""], "needs a name"),
        (["contact", "add", "A", "--email", "nope"], "e-mail"),
        (["search", "--bogus"], "No such option"),
        (["search"], "Give something to search for"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(tmp_path: Path, capsys, args, fragment) -> None:
    db = tmp_path / "x.db"
    code, out, err = crm(capsys, "--db", str(db), *args)
    assert code != 0
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_refused_contact_changes_nothing(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "x.db")
    crm(capsys, "--db", db, "contact", "add", "", "--company", "Initech")
    code, out, _ = crm(capsys, "--db", db, "search", "", "--company", "initech", "--json")
    assert json.loads(out) == []


def test_not_a_database_is_refused_and_untouched(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    code, _, err = crm(capsys, "--db", str(notes), "search", "x")
    assert code != 0 and "not a crm database" in err
    assert notes.read_text() == "keep me"
    assert len(err.strip().splitlines()) == 1


def test_db_under_a_file_is_refused(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = crm(capsys, "--db", str(blocker / "crm.db"), "contact", "add", "A")
    assert code != 0 and "Can't create" in err and "Traceback" not in err


def test_demo_no_open_writes_the_sample(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "demo.db")
    code, out, _ = crm(capsys, "--db", db, "demo", "--no-open")
    assert code == 0 and "contacts" in out
    code, out, _ = crm(capsys, "--db", db, "search", "acme", "--json")
    found = json.loads(out)
    assert found and all("Acme" in c["company"] or "acme" in json.dumps(c).lower() for c in found)


def test_demo_adds_generated_contacts(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "demo.db")
    crm(capsys, "--db", db, "demo", "--no-open", "--contacts", "500")
    code, out, _ = crm(capsys, "--db", db, "search", "", "--company", "acme", "--json")
    assert code == 0
    from crm.services import contacts

    assert contacts.count_contacts() >= 530


def test_demo_refuses_a_database_with_contacts(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "mine.db")
    crm(capsys, "--db", db, "contact", "add", "My Real Contact")
    code, _, err = crm(capsys, "--db", db, "demo", "--no-open")
    assert code != 0 and "already holds 1 contacts" in err


def test_installed_entry_point_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crm", "--db", str(tmp_path / "x.db"), "search", "--json", "x"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_opening_the_app_takes_the_days_backup_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from crm import cli as cli_module

    db = tmp_path / "crm.sqlite3"
    assert crm(capsys, "--db", str(db), "demo", "--no-open")[0] == 0
    seen: list[str] = []

    def fake_app(path: Path, now: object) -> None:
        # The app starts while the copy may still run in its own thread.
        seen.extend(thread.name for thread in threading.enumerate())

    monkeypatch.setattr(cli_module, "run_tui", fake_app)
    code, _, err = crm(capsys, "--db", str(db))
    assert code == 0, err
    assert seen, "the app was not opened"
    daily = list((tmp_path / "backups").glob("crm-*-daily.sqlite3"))
    assert len(daily) == 1  # taken by the time crm exits
    assert "daily-backup" not in [thread.name for thread in threading.enumerate()]
