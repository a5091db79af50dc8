"""`crm log` says what it did, warns then and there, and records their promise; `crm followup
done` on a thank-you e-mail plans the note; `crm agenda` teaches the rule."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_cli_daily import Cli, one_line_error

# Tuesday 8 December 2026, 15:00 (tests run with TZ=UTC).
NOW = "2026-12-08 15:00"


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "crm.sqlite3", capsys)


@pytest.fixture
def process(cli: Cli) -> dict[str, int]:
    """Staff Engineer at Initech: Ann interviewed the user last week; Katie referred them."""
    ann = cli.new_id("contact", "add", "Ann Lee", "--company", "Initech", now=NOW)
    katie = cli.new_id("contact", "add", "Katie Referrer", now=NOW)
    opp = cli.new_id(
        "opportunity", "add", "--company", "Initech", "--role", "Staff Engineer",
        "--referrer", "Katie", now=NOW,
    )  # fmt: skip
    cli.new_id(
        "interview", "add", str(opp), "--at", "2026-12-01 10:00", "--interviewer", "Ann Lee",
        now=NOW,
    )  # fmt: skip
    return {"ann": ann, "katie": katie, "opp": opp}


def log(*args: str) -> list[str]:
    return ["log", "Ann Lee", "--channel", "email", "--kind", "check-in", *args]


def test_log_says_what_it_settled_and_planned_in_words(cli: Cli, process: dict[str, int]) -> None:
    code, out, err = cli(*log("--summary", "Sent my CV", "--next", "2026-12-10 10:00"), now=NOW)
    assert (code, err) == (0, "")
    [first, planned] = out.splitlines()
    assert first.startswith("Logged conversation #") and first.endswith(
        " with Ann Lee (check-in by email)."
    )
    assert planned.startswith("Planned: Check in, due Thu 10 Dec 10:00 (#")
    out = cli.ok(*log("--summary", "Called back", "--next", "fri 10am"), now="2026-12-09 12:00")
    assert out.splitlines()[1].startswith("Settled: Check in (#")


def test_the_ring_given_up_is_one_warning_line_with_the_fix(
    cli: Cli, process: dict[str, int]
) -> None:
    code, out, err = cli(*log("--summary", "Hope to hear soon", "--no-next", "waiting"), now=NOW)
    assert code == 0 and out.startswith("Logged conversation #")
    assert err == (
        "crm: warning: Ring given up: no next touch of yours for Staff Engineer at Initech;"
        " add --next WHEN, or --promised WHEN if they said when they'd reply.\n"
    )


def test_their_promise_plans_your_follow_up_and_keeps_the_ring(
    cli: Cli, process: dict[str, int]
) -> None:
    out = cli.ok(*log("--summary", "They'll decide by Thursday", "--promised", "thu"), now=NOW)
    assert out.splitlines()[1].startswith(
        "Planned: Ann Lee said they'd reply by Thu 10 Dec — follow up, due Fri 11 Dec 09:00 (#"
    )
    with closing(sqlite3.connect(cli.db)) as connection:
        [(promised,)] = connection.execute("SELECT promised_at FROM interaction").fetchall()
    assert promised.startswith("2026-12-10")
    agenda = cli.agenda(now=NOW)
    assert agenda["rings_dropped"] == []
    [item] = agenda["upcoming"]
    assert item["title"] == "Check in"
    assert item["note"] == "Ann Lee said they'd reply by Thu 10 Dec — follow up"


def test_promised_with_no_next_is_refused_and_writes_nothing(
    cli: Cli, process: dict[str, int]
) -> None:
    result = cli(*log("--summary", "x", "--promised", "thu", "--no-next", "why"), now=NOW)
    one_line_error(*result, "not both")
    with closing(sqlite3.connect(cli.db)) as connection:
        assert connection.execute("SELECT COUNT(*) FROM interaction").fetchone() == (0,)


def test_a_bad_promise_is_one_line(cli: Cli, process: dict[str, int]) -> None:
    one_line_error(*cli(*log("--summary", "x", "--promised", "blursday"), now=NOW), "--promised")


def test_log_json_lists_ids_settled_planned_and_warnings(cli: Cli, process: dict[str, int]) -> None:
    out = cli.ok(*log("--summary", "x", "--promised", "thu", "--json"), now=NOW)
    logged = json.loads(out)
    assert logged["contact"] == "Ann Lee" and logged["contact_id"] == process["ann"]
    assert logged["opportunity_id"] == process["opp"]
    assert logged["promised_at"].startswith("2026-12-10")
    assert logged["settled"] == [] and logged["warnings"] == []
    [planned] = logged["planned"]
    assert planned["kind"] == "check-in"
    assert planned["window_start"] == "2026-12-11T09:00:00Z"
    assert planned["why"].startswith("Keep the ring")
    code, out, err = cli(*log("--summary", "y", "--no-next", "--json"), now="2026-12-09 10:00")
    [warning] = json.loads(out)["warnings"]
    assert warning["kind"] == "ring-given-up" and warning["text"] in err


def test_a_third_casual_touch_is_warned(cli: Cli, process: dict[str, int]) -> None:
    casual = ["log", "Ann Lee", "--channel", "email", "--kind", "casual", "--next", "in 5 days"]
    cli.ok(*casual, "--summary", "An article", now="2026-12-02 10:00")
    cli.ok(*casual, "--summary", "The match", now="2026-12-05 10:00")
    code, _, err = cli(*casual, "--summary", "Another one", now=NOW)
    assert code == 0
    assert err == (
        "crm: warning: Third casual touch: that's 3 with Ann Lee in Staff Engineer at Initech;"
        " one or two per person per process is enough, keep to the check-ins.\n"
    )


def test_thanking_the_referrer_plans_no_check_in_and_warns_nothing(
    cli: Cli, process: dict[str, int]
) -> None:
    out = cli.ok(
        "log", "Katie", "--channel", "email", "--kind", "thank-you", "--summary", "Thanks!",
        now=NOW,
    )  # fmt: skip
    assert out.splitlines()[1:] == []


def test_a_thank_you_email_marked_done_plans_the_handwritten_note(
    cli: Cli, process: dict[str, int]
) -> None:
    cli.ok("interview", "add", str(process["opp"]), "--at", "2026-12-08 10:00",
           "--interviewer", "Ann Lee", now="2026-12-07 10:00")  # fmt: skip
    cli.ok("interview", "done", "2", "--at", "2026-12-08 11:00", now=NOW)
    [email] = [i for i in cli.agenda(now=NOW)["due"] if i["kind"] == "thank-you-email"]
    out = cli.ok("followup", "done", str(email["id"]), now=NOW)
    lines = out.splitlines()
    assert lines[0] == f"Done: follow-up #{email['id']}."
    assert lines[1].startswith("Planned: Send a handwritten thank-you note, due Wed 09 Dec 15:00")
    [note] = [i for i in cli.agenda(now="2026-12-09 16:00")["due"] if i["contact"] == "Ann Lee"]
    assert note["kind"] == "handwritten-note"


def test_contact_add_honours_now(cli: Cli) -> None:
    cli.ok("contact", "add", "Zoë Brontë", now="2026-01-02 03:04")
    with closing(sqlite3.connect(cli.db)) as connection:
        row = connection.execute("SELECT created_at, updated_at FROM contact").fetchone()
    assert row == ("2026-01-02 03:04:00", "2026-01-02 03:04:00")


def test_the_agenda_teaches_the_rule(cli: Cli, process: dict[str, int]) -> None:
    cli.ok(*log("--summary", "x", "--next", "2026-12-09 10:00"), now=NOW)
    other = cli.new_id("opportunity", "add", "--company", "Globex", "--role", "SRE", now=NOW)
    agenda = cli.agenda(now="2026-12-09 12:00")
    [item] = agenda["due"]
    assert item["why"] == "Keep the ring: you own the next touch, on your schedule, not theirs"
    [ring] = agenda["rings_dropped"]
    assert ring["id"] == other and ring["why"].startswith("Ring dropped: no next step of yours")
    out = cli.ok("agenda", now="2026-12-09 12:00")
    assert "Keep the ring: you own the next touch" in out
    assert "Ring dropped: no next step of yours is scheduled" in out


def test_declining_a_next_touch_warns_even_while_a_thank_you_note_is_pending(
    cli: Cli, process: dict[str, int]
) -> None:
    """A pending note or thank-you doesn't hold the ring: only a check-in of the user's does."""
    cli.ok("interview", "done", "1", now=NOW)
    code, out, err = cli(
        "log", "Ann Lee", "--channel", "email", "--kind", "thank-you", "--summary", "Thanks!",
        "--no-next", "waiting for them", now=NOW,
    )  # fmt: skip
    assert code == 0 and "Planned: Send a handwritten thank-you note" in out
    assert err.startswith("crm: warning: Ring given up: ") and len(err.splitlines()) == 1
