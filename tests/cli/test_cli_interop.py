"""`crm import vcard|google` and `crm export vcard|ics`, run the way a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vobject
from icalendar import Calendar

from tests.cli.test_cli import crm

FIXTURES = Path(__file__).parent.parent / "fixtures"
APPLE = str(FIXTURES / "vcard" / "apple_30.vcf")
ANDROID = str(FIXTURES / "vcard" / "android_21.vcf")
VDIR = str(FIXTURES / "vcard" / "vdir")
GOOGLE = str(FIXTURES / "google" / "contacts_current.csv")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "crm.sqlite3")


def names(capsys: pytest.CaptureFixture[str], db: str, text: str) -> list[str]:
    code, out, _ = crm(capsys, "--db", db, "search", text, "--json")
    assert code == 0
    return [row["name"] for row in json.loads(out)]


def test_import_vcard_prints_a_summary_and_can_be_undone(capsys, db: str) -> None:
    code, out, err = crm(
        capsys, "--db", db, "--now", "2026-11-18 15:00", "import", "vcard", ANDROID
    )
    assert code == 0, err
    assert out.splitlines() == [
        "Imported android_21.vcf as import #1: 2 created, 0 updated, 0 unchanged, 0 skipped.",
        "Take it back with: crm import undo 1",
    ]
    assert names(capsys, db, "петров") == ["Ярослав Петров"]
    code, out, _ = crm(capsys, "--db", db, "import", "vcard", ANDROID, "--json")
    summary = json.loads(out)
    assert (summary["batch"], summary["created"], summary["unchanged"]) == (2, 0, 2)
    code, out, _ = crm(capsys, "--db", db, "import", "list")
    assert "  vcard  android_21.vcf: 2 created" in out.splitlines()[-1]
    code, out, _ = crm(capsys, "--db", db, "import", "undo", "1")
    assert code == 0 and "removed 2 contacts" in out
    assert names(capsys, db, "петров") == []


def test_import_vcard_from_a_vdir_and_dry_run(capsys, db: str) -> None:
    code, out, _ = crm(capsys, "--db", db, "import", "vcard", VDIR, "--dry-run")
    assert code == 0
    assert out.strip() == (
        "Dry run of vdir, nothing written: would be 3 created, 0 updated, 0 unchanged, 0 skipped."
    )
    code, out, _ = crm(capsys, "--db", db, "import", "vcard", VDIR)
    assert code == 0 and "3 created" in out


def test_a_broken_vcard_is_one_line_naming_file_card_and_line(
    capsys, db: str, tmp_path: Path
) -> None:
    crm(capsys, "--db", db, "import", "vcard", APPLE)
    broken = tmp_path / "broken.vcf"
    broken.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEND:VCARD\nBEGIN:VCARD\nFN:Bob\nno colon here\n"
        "END:VCARD\n",
        encoding="utf-8",
    )
    code, out, err = crm(capsys, "--db", db, "import", "vcard", str(broken))
    assert code != 0 and out == ""
    assert "broken.vcf, card 2, line 7: this line isn't a vCard property" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, out, _ = crm(capsys, "--db", db, "import", "list", "--json")
    assert len(json.loads(out)) == 1
    assert names(capsys, db, "bob") == []


def test_import_google_lists_skipped_rows(capsys, db: str) -> None:
    code, out, err = crm(capsys, "--db", db, "import", "google", GOOGLE)
    assert code == 0, err
    assert out.splitlines()[:3] == [
        "Imported contacts_current.csv as import #1: 4 created, 0 updated, 0 unchanged, 1 skipped.",
        "Skipped:",
        "  line 8: no name",
    ]
    assert names(capsys, db, "рекрутеры") == ["Ярослав Петров"]


def test_import_google_failure_is_one_line(capsys, db: str, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Vorname,Nachname\nAnn,Lee\n", encoding="utf-8")
    code, out, err = crm(capsys, "--db", db, "import", "google", str(path))
    assert code != 0 and out == ""
    assert "people.csv: line 1: the first row isn't a Google Contacts header" in err
    assert len(err.strip().splitlines()) == 1


def test_export_vcard_to_stdout_file_and_vdir(capsys, db: str, tmp_path: Path) -> None:
    crm(capsys, "--db", db, "import", "vcard", APPLE)
    crm(capsys, "--db", db, "import", "vcard", VDIR)
    code, out, _ = crm(capsys, "--db", db, "export", "vcard")
    assert code == 0 and "\r\n" in out
    cards = list(vobject.readComponents(out))
    assert len(cards) == 4 and {c.version.value for c in cards} == {"3.0"}
    target = tmp_path / "out" / "contacts.vcf"
    code, out, _ = crm(capsys, "--db", db, "export", "vcard", "-o", str(target), "--version", "4.0")
    assert code == 0 and out.strip() == f"Exported 4 contacts to {target}."
    assert target.read_bytes().count(b"VERSION:4.0\r\n") == 4
    book = tmp_path / "book"
    code, out, _ = crm(capsys, "--db", db, "export", "vcard", "--vdir", str(book))
    assert out.strip() == f"Exported 4 contacts to {book}: 4 written, 0 unchanged, 0 removed."
    assert (book / "6B29FC40-CA47-1067-B31D-00DD010662DA.vcf").exists()
    code, out, _ = crm(capsys, "--db", db, "export", "vcard", "--vdir", str(book))
    assert out.strip() == f"Exported 4 contacts to {book}: 0 written, 4 unchanged, 0 removed."
    code, _, err = crm(
        capsys, "--db", db, "export", "vcard", "-o", str(target), "--vdir", str(book)
    )
    assert code != 0 and "either -o FILE or --vdir DIR" in err
    code, _, err = crm(capsys, "--db", db, "export", "vcard", "-o", db)
    assert code != 0 and "is the database itself" in err
    assert names(capsys, db, "jose") == ["José Núñez"]


def test_export_ics(capsys, db: str, tmp_path: Path) -> None:
    crm(capsys, "--db", db, "contact", "add", "Ann Lee", "--company", "Acme")
    crm(capsys, "--db", db, "opportunity", "add", "--company", "Acme", "--role", "Backend Engineer")
    code, _, err = crm(
        capsys,
        "--db",
        db,
        "interview",
        "add",
        "1",
        "--at",
        "2026-12-01 10:00",
        "--interviewer",
        "Ann Lee",
    )
    assert code == 0, err
    target = tmp_path / "jobs.ics"
    code, out, err = crm(
        capsys, "--db", db, "--now", "2026-11-18 15:00", "export", "ics", "-o", str(target)
    )
    assert code == 0, err
    assert out.strip() == f"Exported 1 entry to {target}."
    [event] = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Interview: Backend Engineer at Acme"
    assert "Ann Lee" in str(event["DESCRIPTION"])
    code, out, _ = crm(capsys, "--db", db, "export", "ics")
    assert code == 0 and out.startswith("BEGIN:VCALENDAR")
    folder = tmp_path / "cal"
    code, out, _ = crm(capsys, "--db", db, "export", "ics", "--vdir", str(folder))
    assert out.strip() == f"Exported 1 entry to {folder}: 1 written, 0 unchanged, 0 removed."
