"""`crm opportunity add/edit/show/list` with what a job seeker tracks about a posting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli_daily import Cli, one_line_error

DETAILS = (
    "--url",
    "https://jobs.example/42?ref=[bold]",
    "--location",
    "Zürich, hybrid",
    "--salary",
    "CHF 140–160k",
    "--applied",
    "yesterday 9:30",
    "--cv",
    "cv v3.pdf",
    "--note",
    "Recruiter: Kat\nAsk about on-call",
)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "crm.sqlite3", capsys)


def add(cli: Cli, *extra: str) -> int:
    return cli.new_id("opportunity", "add", "--company", "Initech", "--role", "SRE", *extra)


def show(cli: Cli, opportunity_id: int) -> dict:
    return json.loads(cli.ok("opportunity", "show", str(opportunity_id), "--json"))


def test_add_with_details_then_show_and_list(cli: Cli) -> None:
    katie = cli.new_id("contact", "add", "Katie Referrer")
    opp = add(cli, "--referrer", str(katie), *DETAILS)
    cli.ok("interview", "add", str(opp), "--at", "fri 10:00", "--interviewer", str(katie))
    shown = show(cli, opp)
    assert {k: shown[k] for k in ("url", "location", "salary", "applied_at", "cv", "notes")} == {
        "url": "https://jobs.example/42?ref=[bold]",
        "location": "Zürich, hybrid",
        "salary": "CHF 140–160k",
        "applied_at": "2026-11-17T09:30:00Z",
        "cv": "cv v3.pdf",
        "notes": "Recruiter: Kat\nAsk about on-call",
    }
    assert shown["stage"] == "interviewing" and shown["created_at"] == "2026-11-18T15:00:00Z"
    assert shown["helpers"] == [{"contact_id": katie, "name": "Katie Referrer", "role": "referrer"}]
    assert [i["interviewers"] for i in shown["interviews"]] == [
        [{"contact_id": katie, "name": "Katie Referrer"}]
    ]
    [listed] = json.loads(cli.ok("opportunity", "list", "--json"))
    assert listed["url"] == shown["url"] and listed["applied_at"] == shown["applied_at"]
    assert listed["interviews"] == 1

    text = cli.ok("opportunity", "show", str(opp))
    assert "Link: https://jobs.example/42?ref=[bold]" in text
    assert "Applied: 2026-11-17 09:30" in text
    assert "  Ask about on-call" in text and "Referred by: Katie Referrer" in text


def test_edit_changes_only_the_options_given(cli: Cli) -> None:
    opp = add(cli, *DETAILS)
    before = show(cli, opp)
    out = cli.ok("opportunity", "edit", str(opp), "--salary", "€90k", "--role", "Staff SRE")
    assert out.strip() == f"Opportunity #{opp} saved: Staff SRE at Initech."
    after = show(cli, opp)
    assert after == {**before, "salary": "€90k", "role": "Staff SRE"}
    cli.ok("opportunity", "edit", str(opp), "--applied", "", "--url", "", "--company", "Globex")
    after = show(cli, opp)
    assert (after["applied_at"], after["url"], after["company"]) == (None, "", "Globex")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--url", "ftp://jobs.example"), "isn't a web address"),
        (("--url", "jobs.example/42"), "isn't a web address"),
        (("--applied", "blorp"), "--applied: Can't read"),
        (("--role", " "), "needs a role"),
        ((), "Nothing to change"),
    ],
)
def test_bad_edits_say_one_line_and_change_nothing(
    cli: Cli, args: tuple[str, ...], fragment: str
) -> None:
    opp = add(cli, *DETAILS)
    before = cli.rows()
    one_line_error(*cli("opportunity", "edit", str(opp), *args), fragment)
    assert cli.rows() == before


def test_bad_details_on_add_say_one_line_and_add_nothing(cli: Cli) -> None:
    add(cli)
    before = cli.rows()
    one_line_error(*cli("opportunity", "add", "--company", "A", "--role", "B", "--url", "x"), "web")
    one_line_error(
        *cli("opportunity", "add", "--company", "A", "--role", "B", "--applied", "soon-ish"),
        "--applied",
    )
    assert cli.rows() == before


def test_show_and_edit_a_missing_opportunity(cli: Cli) -> None:
    add(cli)
    one_line_error(*cli("opportunity", "show", "9"), "There is no opportunity #9.")
    one_line_error(*cli("opportunity", "edit", "9", "--cv", "x"), "There is no opportunity #9.")
