"""`crm import invite FILE.ics`: one line per invitation, JSON for scripts, a dry run that
writes nothing, and bad files as one line; `crm import mail` reports invitations too."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.test_cli import crm
from tests.cli.test_cli_mail import AT, ann_in_process
from tests.invite_fixtures import google_ics, google_mail, outlook_ics
from tests.services.test_mail_import import ME, NOW, D, mbox

START = datetime(2026, 12, 10, 18)
END = datetime(2026, 12, 10, 19)


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:  # type: ignore[no-untyped-def]
    return ann_in_process(tmp_path, monkeypatch, capsys, "ann.lee@initech.example")


def rows(db: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(
            "SELECT invite_uid, invite_sequence, starts_at, cancelled_at FROM interview"
        ).fetchall()


def invite(setup: Path, capsys, path: Path, *options: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return crm(capsys, "--db", str(setup), "--now", AT, "import", "invite", str(path), *options)


def test_import_invite_schedules_reschedules_and_cancels(
    setup: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "invite.ics"
    first.write_text(outlook_ics("o-1", datetime(2026, 12, 10, 10), datetime(2026, 12, 10, 11)))
    code, out, err = invite(setup, capsys, first)
    assert (code, err) == (0, "")
    assert out == "Scheduled: “Interview” — Staff Engineer at Initech, 2026-12-10 18:00\n"
    code, out, _ = invite(setup, capsys, first)
    assert out.startswith("Already up to date: “Interview”")
    moved = tmp_path / "moved.ics"
    moved.write_text(
        outlook_ics("o-1", datetime(2026, 12, 11, 10), datetime(2026, 12, 11, 11), sequence=1)
    )
    code, out, _ = invite(setup, capsys, moved, "--json")
    data = json.loads(out)
    assert data["dry_run"] is False
    [entry] = data["interviews"]
    assert entry["action"] == "rescheduled" and entry["interview_id"] == 1
    assert entry["line"] == "Rescheduled: “Interview” — Staff Engineer at Initech, 2026-12-11 18:00"
    cancel = tmp_path / "cancel.ics"
    cancel.write_text(
        outlook_ics(
            "o-1",
            datetime(2026, 12, 11, 10),
            datetime(2026, 12, 11, 11),
            method="CANCEL",
            sequence=2,
        )
    )
    code, out, _ = invite(setup, capsys, cancel, "--dry-run")
    assert out.endswith("Dry run: nothing was written.\n") and out.startswith("Cancelled:")
    assert rows(setup) == [("o-1", 1, "2026-12-11 18:00:00", None)]
    code, out, _ = invite(setup, capsys, cancel)
    assert out.startswith("Cancelled: “Interview”")
    assert rows(setup) == [("o-1", 2, "2026-12-11 18:00:00", "2026-12-08 15:00:00")]
    code, out, _ = crm(capsys, "--db", str(setup), "--now", AT, "opportunity", "show", "1")
    assert "Round 1 Interview: 2026-12-11 18:00 · Ann Lee · cancelled" in out


def test_stranger_attendees_are_listed_as_proposed(setup: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "g.ics"
    path.write_text(
        google_ics("g-1", START, END, attendees=[("Bob", "bob@initech.example", "ACCEPTED")])
    )
    code, out, _ = invite(setup, capsys, path)
    assert code == 0
    assert "Proposed 1 person to review (not created; crm review): bob@initech.example" in out


def test_missing_or_broken_file_is_one_line(setup: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = invite(setup, capsys, tmp_path / "nope.ics")
    assert code != 0 and out == "" and err.count("\n") == 1 and "doesn't exist" in err
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    code, out, err = invite(setup, capsys, broken)
    assert code != 0 and err.count("\n") == 1 and "no readable start (DTSTART)" in err
    code, out, err = invite(setup, capsys, tmp_path)
    assert code != 0 and err.count("\n") == 1 and "is a folder" in err
    assert rows(setup) == []


def test_import_mail_reports_invitations(setup: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = mbox(
        tmp_path / "all.mbox",
        [
            google_mail(
                google_ics("g-1", START, END),
                sender="Ann Lee <ann.lee@initech.example>",
                to=ME,
                subject="Invitation: Interview",
                at=NOW - D,
                message_id="<g1@google.com>",
            )
        ],
    )
    code, out, err = crm(capsys, "--db", str(setup), "--now", AT, "import", "mail", str(path))
    assert (code, err) == (0, "")
    assert "Invitations:\n  Scheduled: “Interview” — Staff Engineer at Initech" in out
    copy = tmp_path / "copy.mbox"  # the same file again would be resumed at its end
    copy.write_bytes(path.read_bytes())
    code, out, _ = crm(
        capsys, "--db", str(setup), "--now", AT, "import", "mail", str(copy), "--json"
    )
    assert json.loads(out)["interviews"] == [
        "Already up to date: “Interview” — Staff Engineer at Initech, 2026-12-10 18:00"
    ]


@pytest.mark.faults
def test_an_endless_file_or_a_huge_one_is_refused_without_reading_it_all(
    setup: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.ics"
    big.write_bytes(b"BEGIN:VCALENDAR\r\n" + b"X" * 6_000_000)
    code, out, err = invite(setup, capsys, big)
    assert (
        code != 0
        and out == ""
        and err == "crm: big.ics is too big for an invitation (over 5 MB).\n"
    )
    # /dev/zero has no size and no end: only the limit's worth is read.
    code, out, err = invite(setup, capsys, Path("/dev/zero"))
    assert code != 0 and err == "crm: zero is too big for an invitation (over 5 MB).\n"
    assert rows(setup) == []
