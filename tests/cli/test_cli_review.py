"""`crm review`: the list (text and JSON), accept, skip and ignore; a mistake is one line."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.test_cli import crm
from tests.cli.test_cli_mail import AT
from tests.cli.test_cli_mail import setup as setup  # the fixture: Ann at Initech, in process
from tests.invite_fixtures import proposed_detail
from tests.services.test_mail_import import ME, NOW, D, mbox, message

INVITATION_UID = "abc-123@initech.example"
INVITATION = proposed_detail(
    INVITATION_UID,
    "Technical interview",
    datetime(2026, 12, 10, 14),
    datetime(2026, 12, 10, 15),
    ("Ann Lee", "ann@initech.example"),
    [("山田 太郎", "taro@initech.example")],
)


@pytest.fixture
def proposed(setup: Path, tmp_path: Path, capsys) -> Path:  # type: ignore[no-untyped-def]
    """Two people proposed by a mail import, and an interview from an invitation."""
    path = mbox(
        tmp_path / "all.mbox",
        [
            message("Катя Иванова <katya@initech.example>", ME, "Hi", at=NOW - 3 * D),
            message("=?utf-8?b?5bGx55SwIOWkqumDjg==?= <taro@initech.example>", ME, at=NOW - D),
        ],
    )
    code, out, err = crm(capsys, "--db", str(setup), "--now", AT, "import", "mail", str(path))
    assert code == 0, err
    assert "Proposed 2 people to review (not created; crm review):" in out
    with closing(sqlite3.connect(setup)) as connection, connection:
        connection.execute(
            "INSERT INTO mail_proposal (kind, address, name, company_id, first_seen,"
            " last_seen, messages, state, detail)"
            " VALUES ('interview', ?, 'Ann Lee', 1, ?, ?, 1, 'pending', ?)",
            (
                INVITATION_UID,
                str(NOW - 2 * D),
                str(NOW - 2 * D),
                INVITATION,
            ),
        )
    return setup


def test_review_lists_people_and_interviews_newest_first(proposed: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = crm(capsys, "--db", str(proposed), "review")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "#2  山田 太郎 <taro@initech.example> at Initech · 1 message, last 2026-12-07 15:00",
        "#3  Interview: Technical interview, 2026-12-10 14:00 at Initech"
        " · 1 message, last 2026-12-06 15:00",
        "#1  Катя Иванова <katya@initech.example> at Initech · 1 message, last 2026-12-05 15:00",
        "crm review accept ID [--name NAME | --opportunity OPP] · skip ID · ignore ID",
    ]


def test_review_json_has_stable_fields(proposed: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = crm(capsys, "--db", str(proposed), "review", "--json")
    data = json.loads(out)
    assert [item["kind"] for item in data] == ["contact", "interview", "contact"]
    assert data[0] == {
        "id": 2,
        "kind": "contact",
        "name": "山田 太郎",
        "email": "taro@initech.example",
        "company": "Initech",
        "company_id": 1,
        "first_seen": "2026-12-07T15:00:00Z",
        "last_seen": "2026-12-07T15:00:00Z",
        "messages": 1,
        "interview": None,
    }
    assert data[1]["email"] is None
    assert data[1]["interview"] == {
        "uid": "abc-123@initech.example",
        "summary": "Technical interview",
        "starts_at": "2026-12-10T14:00:00Z",
        "ends_at": "2026-12-10T15:00:00Z",
        "location": "Zoom",
        "organizer": {"name": "Ann Lee", "email": "ann@initech.example"},
        "attendees": [{"name": "山田 太郎", "email": "taro@initech.example"}],
        "opportunity_id": 1,
    }


def test_accept_skip_and_ignore(proposed: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = ("--db", str(proposed), "--now", AT)
    code, out, err = crm(capsys, *db, "review", "accept", "1", "--name", "Katya Ivanova")
    assert (code, err) == (0, "")
    assert out.startswith("Added Katya Ivanova at Initech (#2). Importing the same mail file")
    code, out, _ = crm(capsys, *db, "search", "katya", "--json")
    assert [(c["name"], c["company"]) for c in json.loads(out)] == [("Katya Ivanova", "Initech")]
    code, out, _ = crm(capsys, *db, "review", "skip", "3")
    assert (code, out) == (0, "Skipped #3: it comes back only with newer mail.\n")
    code, out, _ = crm(capsys, *db, "review", "ignore", "2")
    assert (code, out) == (0, "Ignored #2: never proposed again.\n")
    code, out, err = crm(capsys, *db, "review")
    assert (code, out, err) == (0, "", "Nothing to review.\n")
    code, out, _ = crm(capsys, *db, "review", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accept", "99"), "crm: There is no proposal #99 (crm review lists them).\n"),
        (("accept", "3"), "crm: Say which opportunity proposal #3 is an interview of"),
        (("accept", "1", "--opportunity", "1"), "crm: An opportunity is for an interview"),
        (("accept", "1", "--name", " "), "crm: A contact needs a name.\n"),
        (("skip", "x"), "crm: Invalid value for 'ID': 'x' is not a valid integer."),
    ],
)
def test_mistakes_are_one_line_and_change_nothing(  # type: ignore[no-untyped-def]
    proposed: Path, capsys, args: tuple[str, ...], message: str
) -> None:
    code, out, err = crm(capsys, "--db", str(proposed), "--now", AT, "review", *args)
    assert code != 0 and out == ""
    assert err.startswith(message) and err.count("\n") == 1
    code, out, _ = crm(capsys, "--db", str(proposed), "review", "--json")
    assert len(json.loads(out)) == 3


def test_an_answered_proposal_says_so(proposed: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = ("--db", str(proposed), "--now", AT)
    assert crm(capsys, *db, "review", "ignore", "1")[0] == 0
    code, _, err = crm(capsys, *db, "review", "accept", "1")
    assert (code, err) == (1, "crm: Proposal #1 was already ignored.\n")


def test_accepting_an_interview_schedules_it_for_that_opportunity(proposed: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = ("--db", str(proposed), "--now", AT)
    code, out, err = crm(capsys, *db, "review", "accept", "3", "--opportunity", "1")
    assert (code, err) == (0, ""), err
    assert "Technical interview" in out
    code, out, _ = crm(capsys, *db, "review", "--json")
    assert [p["kind"] for p in json.loads(out)] == ["contact", "contact"]
    code, out, err = crm(capsys, *db, "review", "accept", "3", "--opportunity", "1")
    assert (code, err) == (1, "crm: Proposal #3 was already accepted.\n")
    with closing(sqlite3.connect(proposed)) as connection:
        rows = connection.execute(
            "SELECT opportunity_id, starts_at, invite_uid, cancelled_at FROM interview"
        ).fetchall()
    assert rows == [(1, "2026-12-10 14:00:00", INVITATION_UID, None)]
