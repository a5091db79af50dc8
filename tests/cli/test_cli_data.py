"""`crm export`, `crm import json`, `crm backup` and `crm restore`, run as a user runs them."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from crm.db import close_database, migrate, open_database
from crm.services.demo import write_sample
from tests.cli.test_cli import crm

NOW = "2026-11-18 15:00"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Path]:
    """A database file holding the demo sample (written as `crm demo` writes it)."""
    path = tmp_path / "demo.sqlite3"
    open_database(path)
    migrate()
    write_sample(datetime(2026, 11, 18, 15, 0))
    close_database()
    yield path
    close_database()


def _names(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM contact ORDER BY name").fetchall()
    connection.close()
    return [name for (name,) in rows]


def test_export_import_export_gives_the_same_file(demo: Path, tmp_path: Path, capsys) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    code, out, _ = crm(capsys, "--db", str(demo), "export", "json", "-o", str(first))
    assert code == 0 and "Exported 40 contacts" in out
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    copy = str(tmp_path / "copy.sqlite3")
    code, out, err = crm(capsys, "--db", copy, "import", "json", str(first))
    assert code == 0, err
    assert "40 contacts" in out
    code, _, _ = crm(capsys, "--db", copy, "export", "json", "-o", str(second))
    assert code == 0
    assert second.read_bytes() == first.read_bytes()
    code, out, _ = crm(capsys, "--db", copy, "search", "кэти", "--json")
    assert [c["name"] for c in json.loads(out)] == ["Кэти Смирнова"]


@pytest.mark.parametrize("dash", [(), ("-o", "-")])
def test_export_json_to_standard_output(demo: Path, capsys, dash: tuple[str, ...]) -> None:
    code, out, _ = crm(capsys, "--db", str(demo), "export", "json", *dash)
    assert code == 0
    document = json.loads(out)
    assert (document["format"], document["version"], len(document["contacts"])) == ("crm", 1, 40)


def test_import_into_a_database_with_contacts_is_refused_in_one_line(
    demo: Path, tmp_path: Path, capsys
) -> None:
    export = tmp_path / "export.json"
    crm(capsys, "--db", str(demo), "export", "json", "-o", str(export))
    code, out, err = crm(capsys, "--db", str(demo), "import", "json", str(export))
    assert code == 1 and out == ""
    assert err == ("crm: the database already holds 40 contacts; import JSON into a new database\n")


def test_a_broken_file_is_refused_and_nothing_is_written(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "crm", "version": 1, "contacts": [{"uid": "a"}]}')
    db = tmp_path / "new.sqlite3"
    code, _, err = crm(capsys, "--db", str(db), "import", "json", str(broken))
    assert code == 1
    assert err == "crm: broken.json: contacts[0].name: expected text\n"
    assert _names(db) == []
    code, _, err = crm(capsys, "--db", str(db), "import", "json", str(tmp_path / "nope.json"))
    assert code == 1 and err.count("\n") == 1 and "doesn't exist" in err


def test_export_csv_contacts_to_a_file_is_excel_ready(demo: Path, tmp_path: Path, capsys) -> None:
    crm(capsys, "--db", str(demo), "contact", "add", '=HYPERLINK("x")', "--phone", "+1 555")
    sheet = tmp_path / "contacts.csv"
    code, out, _ = crm(capsys, "--db", str(demo), "export", "csv", "contacts", "-o", str(sheet))
    assert code == 0 and out == f"Exported 41 contacts to {sheet}.\n"
    data = sheet.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfName,Company,Role,E-mail,Phone,LinkedIn,Topics")
    text = data.decode("utf-8-sig")
    assert "Кэти Смирнова" in text
    assert "'=HYPERLINK" in text and "'+1 555" in text
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600


def test_export_csv_interactions_to_standard_output(
    demo: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from crm.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--db", str(demo), "export", "csv", "interactions"])
    out, _ = capsysbinary.readouterr()
    assert done.value.code == 0
    assert out.startswith(b"\xef\xbb\xbfWhen (UTC),Contact,Company")
    assert out.count(b"\r\n") == 16  # header + 15 sample interactions


def test_export_refuses_to_overwrite_the_database(demo: Path, capsys) -> None:
    before = demo.read_bytes()[:100]
    code, _, err = crm(capsys, "--db", str(demo), "export", "json", "-o", str(demo))
    assert code == 1 and "is the database itself" in err
    assert demo.read_bytes()[:100] == before


def test_backup_and_restore(demo: Path, tmp_path: Path, capsys) -> None:
    code, out, err = crm(capsys, "--db", str(demo), "--now", NOW, "backup")
    assert code == 0, err
    backup = Path(out.strip().removeprefix("Backed up to "))
    assert backup.parent == demo.parent / "backups"
    assert backup.name.startswith("crm-") and backup.suffix == ".sqlite3"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700

    crm(capsys, "--db", str(demo), "contact", "add", "Added After Backup")
    assert "Added After Backup" in _names(demo)
    code, out, err = crm(capsys, "--db", str(demo), "--now", NOW, "restore", str(backup))
    assert code == 0, err
    assert "Added After Backup" not in _names(demo)
    kept = Path(out.splitlines()[-1].removeprefix("The previous database is kept at "))
    assert "Added After Backup" in _names(kept)


def test_backup_to_an_existing_file_is_refused(demo: Path, tmp_path: Path, capsys) -> None:
    taken = tmp_path / "taken.sqlite3"
    taken.write_text("mine")
    code, _, err = crm(capsys, "--db", str(demo), "backup", "-o", str(taken))
    assert code == 1 and err.count("\n") == 1 and "already exists" in err
    assert taken.read_text() == "mine"


def test_restore_refuses_a_text_file_and_changes_nothing(
    demo: Path, tmp_path: Path, capsys
) -> None:
    before = _names(demo)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    code, out, err = crm(capsys, "--db", str(demo), "restore", str(notes))
    assert code == 1 and out == ""
    assert err == f"crm: {notes} is not a crm database (not an SQLite file).\n"
    assert _names(demo) == before
    assert not (demo.parent / "backups").exists()
