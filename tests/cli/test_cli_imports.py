"""`crm import linkedin|list|undo`, run the way a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import crm

FIXTURES = Path(__file__).parent.parent / "fixtures" / "linkedin"
EN = str(FIXTURES / "connections_en.csv")
EN_NEWER = str(FIXTURES / "connections_en_newer.csv")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "crm.sqlite3")


def search(capsys: pytest.CaptureFixture[str], db: str, text: str) -> list[str]:
    code, out, _ = crm(capsys, "--db", db, "search", text, "--json")
    assert code == 0
    return [row["name"] for row in json.loads(out)]


def test_import_prints_a_summary_with_skipped_lines(capsys, db: str) -> None:
    code, out, err = crm(capsys, "--db", db, "--now", "2026-11-18 15:00", "import", "linkedin", EN)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "Imported connections_en.csv as import #1: 7 created, 0 updated, 0 unchanged, 2 skipped."
    )
    assert "  line 13: no profile URL or e-mail to match on" in lines
    assert "  line 14: no name" in lines
    assert lines[-1] == "Take it back with: crm import undo 1"
    assert search(capsys, db, "петров") == ["Ярослав Петров"]


def test_second_import_changes_nothing_and_newer_export_updates(capsys, db: str) -> None:
    crm(capsys, "--db", db, "import", "linkedin", EN)
    code, out, _ = crm(capsys, "--db", db, "import", "linkedin", EN, "--json")
    summary = json.loads(out)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 7)
    assert summary["batch"] == 2
    assert summary["skipped"][0] == {"line": 13, "reason": "no profile URL or e-mail to match on"}
    code, out, _ = crm(capsys, "--db", db, "import", "linkedin", EN_NEWER)
    assert code == 0 and "1 created, 3 updated, 4 unchanged, 0 skipped" in out
    code, out, _ = crm(capsys, "--db", db, "search", "bob", "--json")
    [bob] = json.loads(out)
    assert (bob["company"], bob["role"]) == ("Globex", "Staff Engineer")


def test_dry_run_writes_nothing(capsys, db: str) -> None:
    code, out, _ = crm(capsys, "--db", db, "import", "linkedin", EN, "--dry-run")
    assert code == 0 and out.startswith("Dry run of connections_en.csv, nothing written")
    assert "undo" not in out
    assert search(capsys, db, "lee") == []
    code, out, _ = crm(capsys, "--db", db, "import", "list")
    assert out.strip() == "No imports yet."


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("too_many_columns.csv", None, "too_many_columns.csv: line 6: the row has 8 columns"),
        ("no_header.csv", None, "no_header.csv: no header row found"),
        ("empty.csv", b"", "empty.csv: the file is empty"),
        (
            "latin1.csv",
            b"Vorname,Nachname,URL\nJ\xfcrgen,M,\n",
            "latin1.csv: line 2: the file isn't UTF-8",
        ),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "photo.csv: line 3: this looks like a binary"),
        ("missing.csv", "absent", "missing.csv: can't read"),
    ],
)
def test_a_malformed_file_is_one_line_nonzero_and_writes_nothing(
    capsys, db: str, tmp_path: Path, name: str, content: bytes | str | None, fragment: str
) -> None:
    crm(capsys, "--db", db, "import", "linkedin", EN)
    if content is None:
        path = FIXTURES / name
    else:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
    code, out, err = crm(capsys, "--db", db, "import", "linkedin", str(path))
    assert code != 0
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""
    code, out, _ = crm(capsys, "--db", db, "import", "list", "--json")
    assert len(json.loads(out)) == 1
    assert len(search(capsys, db, "linkedin")) == 7  # everyone's how_met mentions LinkedIn


def test_list_shows_batches(capsys, db: str) -> None:
    crm(capsys, "--db", db, "--now", "2026-11-18 15:00", "import", "linkedin", EN)
    crm(capsys, "--db", db, "--now", "2026-11-19 09:30", "import", "linkedin", EN_NEWER)
    code, out, _ = crm(capsys, "--db", db, "import", "list")
    assert code == 0
    assert out.splitlines() == [
        "#2  2026-11-19 09:30  linkedin  connections_en_newer.csv: 1 created, 3 updated, "
        "4 unchanged, 0 skipped",
        "#1  2026-11-18 15:00  linkedin  connections_en.csv: 7 created, 0 updated, "
        "0 unchanged, 2 skipped",
    ]
    code, out, _ = crm(capsys, "--db", db, "import", "list", "--json")
    batches = json.loads(out)
    assert [(b["id"], b["created"], b["updated"], b["undone_at"]) for b in batches] == [
        (2, 1, 3, None),
        (1, 7, 0, None),
    ]
    assert batches[1]["created_at"] == "2026-11-18T15:00:00Z"


def test_undo_then_undo_again_or_unknown(capsys, db: str) -> None:
    crm(capsys, "--db", db, "import", "linkedin", EN)
    crm(capsys, "--db", db, "import", "linkedin", EN_NEWER)
    code, out, err = crm(capsys, "--db", db, "import", "undo", "2")
    assert code == 0, err
    assert out.strip() == "Undid import #2: removed 1 contacts, restored 3."
    code, out, _ = crm(capsys, "--db", db, "search", "bob", "--json")
    assert json.loads(out)[0]["company"] == "Initech"
    code, _, err = crm(capsys, "--db", db, "import", "undo", "2")
    assert code != 0 and "Import #2 was already undone" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = crm(capsys, "--db", db, "import", "undo", "41")
    assert code != 0 and "There is no import #41." in err
    code, _, err = crm(capsys, "--db", db, "import", "undo", "one")
    assert code != 0 and "not a valid integer" in err
    code, out, _ = crm(capsys, "--db", db, "import", "undo", "1")
    assert code == 0 and "removed 7 contacts" in out
    assert search(capsys, db, "lee") == []


def test_import_help_lists_the_commands(capsys) -> None:
    code, out, _ = crm(capsys, "import", "--help")
    assert code == 0
    assert all(command in out for command in ("linkedin", "list", "undo"))


def test_the_summary_says_who_was_updated_and_lists_possible_duplicates(
    capsys, db: str, tmp_path: Path
) -> None:
    crm(capsys, "--db", db, "contact", "add", "Ann Lee", "--company", "Acme")
    crm(capsys, "--db", db, "contact", "add", "José Núñez", "--company", "Initech")
    code, out, err = crm(capsys, "--db", db, "import", "linkedin", EN)
    assert code == 0, err
    lines = out.splitlines()
    assert "Updated:" in lines
    assert "  Ann Lee: role, e-mail, LinkedIn profile, how you met" in lines
    assert "1 possible duplicates" in out and "José Núñez (#" in out
    assert "looks like José Núñez (#2)" in out
    code, out, _ = crm(capsys, "--db", db, "import", "list", "--json")
    [batch] = json.loads(out)
    assert batch["changes"][0]["name"] == "Ann Lee"
    assert batch["possible_duplicates"][0]["like"] == [{"contact": 2, "name": "José Núñez"}]


def test_import_look_alikes_are_listed_by_duplicates_and_a_merge_is_shown_first(
    capsys, db: str
) -> None:
    crm(capsys, "--db", db, "contact", "add", "José Núñez", "--company", "Initech")
    crm(capsys, "--db", db, "import", "linkedin", EN)
    code, out, _ = crm(capsys, "--db", db, "duplicates")
    assert code == 0 and "the same name (listed by import #1):" in out
    assert "see what a merge does: crm merge 1 " in out
    new_id = json.loads(crm(capsys, "--db", db, "duplicates", "--json")[1])[0]["contacts"][1]["id"]
    code, out, _ = crm(capsys, "--db", db, "merge", "1", str(new_id), "--dry-run")
    assert code == 0
    assert out.splitlines()[0] == f"Keeps José Núñez (#1); removes José Núñez (#{new_id})."
    assert "LinkedIn: https://linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez (from #" in out
    assert "Nothing changed." in out
    code, out, _ = crm(capsys, "--db", db, "search", "nunez", "--json")
    assert len(json.loads(out)) == 2
