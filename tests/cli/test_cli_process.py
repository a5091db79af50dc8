"""`crm opportunity …` for a process's life: several referrers, who pulled strings, closing it
and what the agenda says afterwards, and follow-ups planned late."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_cli_daily import NOW, Cli, one_line_error, summary


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "crm.sqlite3", capsys)


@pytest.fixture
def people(cli: Cli) -> dict[str, int]:
    return {
        "katie": cli.new_id("contact", "add", "Katie Referrer", "--company", "Globex"),
        "rita": cli.new_id("contact", "add", "Rita Referrer", "--company", "Hays"),
        "sam": cli.new_id("contact", "add", "Sam Strings", "--company", "Hooli"),
        "ann": cli.new_id("contact", "add", "Ann Lee", "--company", "Acme"),
        "ann2": cli.new_id("contact", "add", "Ann Smith", "--company", "Initech"),
    }


def helpers(cli: Cli) -> list[list[tuple[str, str]]]:
    listed = json.loads(cli.ok("opportunity", "list", "--json"))
    return [[(h["name"], h["role"]) for h in item["helpers"]] for item in listed]


def add_acme(cli: Cli, *extra: str, now: str = NOW) -> int:
    return cli.new_id(
        "opportunity", "add", "--company", "Acme", "--role", "Engineer", *extra, now=now
    )


def test_several_referrers_and_who_pulled_strings_are_all_kept(
    cli: Cli, people: dict[str, int]
) -> None:
    add_acme(
        cli, "--referrer", "Katie", "--referrer", str(people["rita"]), "--pulled-strings", "Sam"
    )
    assert helpers(cli) == [
        [
            ("Katie Referrer", "referrer"),
            ("Rita Referrer", "referrer"),
            ("Sam Strings", "pulled-strings"),
        ]
    ]
    text = cli.ok("opportunity", "list")
    assert "Katie Referrer, Rita Referrer" in text and "Sam Strings" in text


@pytest.mark.parametrize(("name", "fragment"), [("Nobody", "No contact matches"), ("Ann", "Ann")])
def test_an_unknown_or_ambiguous_helper_writes_nothing(
    cli: Cli, people: dict[str, int], name: str, fragment: str
) -> None:
    code, out, err = cli(
        "opportunity", "add", "--company", "Acme", "--role", "Engineer",
        "--referrer", "Katie", "--pulled-strings", name,
    )  # fmt: skip
    assert code != 0 and out == "" and fragment in err
    if name == "Nobody":
        one_line_error(code, out, err, fragment)
    assert json.loads(cli.ok("opportunity", "list", "--json")) == []


def test_helpers_are_added_and_removed_later(cli: Cli, people: dict[str, int]) -> None:
    opp = add_acme(cli, "--referrer", "Katie")
    cli.ok("opportunity", "referrer", str(opp), "Sam", "--pulled-strings")
    cli.ok("opportunity", "referrer", str(opp), "Rita")
    cli.ok("opportunity", "referrer", str(opp), "Katie", "--remove")
    assert helpers(cli) == [[("Sam Strings", "pulled-strings"), ("Rita Referrer", "referrer")]]
    one_line_error(*cli("opportunity", "referrer", str(opp), "Katie", "--remove"), "isn't")
    one_line_error(*cli("opportunity", "referrer", "99", "Katie"), "no opportunity #99")


def test_closing_tells_every_helper_how_it_ended_and_clears_the_overdue(
    cli: Cli, people: dict[str, int]
) -> None:
    opp = add_acme(cli, "--referrer", "Katie", "--pulled-strings", "Sam", now="2026-05-01 09:00")
    interview = cli.new_id(
        "interview", "add", str(opp), "--at", "2026-05-20 10:00", "--interviewer", "Ann Lee",
        now="2026-05-01 09:00",
    )  # fmt: skip
    cli.ok("interview", "done", str(interview), now="2026-05-20 12:00")
    assert len(cli.agenda()["overdue"]) == 3  # half a year of "177 days late"

    said = cli.ok("opportunity", "stage", str(opp), "rejected").splitlines()
    assert said[:2] == [
        "Engineer at Acme: now rejected.",
        "Cancelled 3 pending follow-ups (kept in history).",
    ]
    assert [line.split(",")[0] for line in said[2:4]] == ["Planned: Tell them how it ended"] * 2
    assert said[4] == (
        "Keep in touch: 3 people from this process, every 90 days (the marathon goes on)."
    )
    reopened = cli.ok("opportunity", "stage", str(opp), "interviewing").splitlines()
    assert reopened == [
        "Engineer at Acme: now interviewing.",
        "Cancelled 2 pending follow-ups (the close had planned).",
    ]
    cli.ok("opportunity", "stage", str(opp), "rejected")

    agenda = cli.agenda()
    assert agenda["overdue"] == []
    assert summary(agenda["due"]) == [
        ("Katie Referrer", "tell-outcome"),
        ("Sam Strings", "tell-outcome"),
    ]
    assert {item["title"] for item in agenda["due"]} == {"Tell them how it ended"}


def test_a_follow_up_planned_late_says_why_in_the_agenda(
    cli: Cli, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per follow-up
    opp = add_acme(cli, now="2026-11-01 09:00")
    interview = cli.new_id(
        "interview", "add", str(opp), "--at", "2026-11-13 10:00", "--interviewer", "Ann Lee",
        now="2026-11-01 09:00",
    )  # fmt: skip
    cli.ok("interview", "done", str(interview))
    [item] = cli.agenda()["overdue"]
    assert item["note"] == "planned late: the interview ended 5 days ago"
    assert "planned late: the interview ended 5 days ago" in cli.ok("agenda")


def test_closing_uses_the_configured_keep_in_touch_interval(
    cli: Cli, people: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[keep_in_touch]\nafter_process_days = 30\n")
    monkeypatch.setenv("CRM_CONFIG", str(config))
    opp = add_acme(cli, "--referrer", "Katie")
    cli.ok("opportunity", "stage", str(opp), "withdrawn")
    with closing(sqlite3.connect(cli.db)) as connection:
        days = dict(connection.execute("SELECT id, keep_in_touch_days FROM contact"))
    assert days[people["katie"]] == 30 and days[people["rita"]] is None
