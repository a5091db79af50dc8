"""References and noise from the command line: briefing settles the brief, strained references
are warned about, bonus points are marked, and the agenda drops what isn't dropped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli_daily import NOW, Cli


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "crm.sqlite3", capsys)


@pytest.fixture
def refs(cli: Cli) -> dict[str, int]:
    """Mark (knows Ann, Initech's interviewer), Eve (left strained), an Initech process."""
    ids = {
        "mark": cli.new_id("contact", "add", "Mark Farmingham", "--company", "Umbrella"),
        "eve": cli.new_id("contact", "add", "Eve Stone", "--rapport", "strained"),
        "ann": cli.new_id("contact", "add", "Ann Lee", "--company", "Initech"),
    }
    ids["opp"] = cli.new_id(
        "opportunity", "add", "--company", "Initech", "--role", "Staff Engineer"
    )
    cli.new_id(
        "interview", "add", str(ids["opp"]), "--at", "2026-11-25 10:00", "--interviewer", "Ann Lee"
    )
    cli.ok("connect", "Ann Lee", "Mark Farmingham")
    for name in ("Mark Farmingham", "Eve Stone"):
        cli.ok("references", "add", name, "--relationship", "Manager", "--talking-points", "Grew")
    return ids


def listed(cli: Cli) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in json.loads(cli.ok("references", "--json"))}


def briefs(cli: Cli, now: str = NOW) -> list[str]:
    agenda = cli.agenda(now=now)
    return [
        item["contact"]
        for section in ("overdue", "due", "upcoming")
        for item in agenda[section]
        if item["kind"] == "brief-reference"
    ]


def test_briefed_settles_the_brief_and_says_so(cli: Cli, refs: dict[str, int]) -> None:
    give = ("references", "give", "Mark Farmingham", "--opportunity", str(refs["opp"]))
    cli.ok(*give, now="2026-11-17 09:00")
    assert briefs(cli) == ["Mark Farmingham"]
    out = cli.ok("references", "briefed", "Mark", "--at", "today 10:00")
    assert out == (
        "Briefed Mark Farmingham (Wed 18 Nov 10:00); "
        "settled: Brief your reference for Staff Engineer at Initech.\n"
    )
    assert briefs(cli) == []
    assert listed(cli)["Mark Farmingham"]["last_briefed_at"] == "2026-11-18T10:00:00Z"


def test_briefed_with_nothing_pending_still_says_what_it_did(
    cli: Cli, refs: dict[str, int]
) -> None:
    assert cli.ok("references", "briefed", "Eve Stone") == "Briefed Eve Stone (Wed 18 Nov 15:00).\n"


def test_briefing_someone_off_the_list_is_one_line(cli: Cli, refs: dict[str, int]) -> None:
    code, out, err = cli("references", "briefed", "Ann Lee")
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1
    assert "isn't on the reference list" in err
    assert listed(cli)["Mark Farmingham"]["last_briefed_at"] is None


def test_the_list_warns_about_a_strained_reference(cli: Cli, refs: dict[str, int]) -> None:
    warning = (
        "You left things strained with Eve Stone: brief them first or choose another reference."
    )
    people = listed(cli)
    assert people["Eve Stone"]["warning"] == warning
    assert people["Eve Stone"]["warnings"] == [warning]
    assert people["Mark Farmingham"]["warning"] is None
    table = cli.ok("references")
    assert "strained with Eve Stone" in " ".join(table.split())


def test_giving_a_strained_reference_warns_on_stderr_and_still_gives(
    cli: Cli, refs: dict[str, int]
) -> None:
    code, out, err = cli("references", "give", "Eve Stone", "--opportunity", str(refs["opp"]))
    assert code == 0
    assert err == (
        "crm: warning: You left things strained with Eve Stone:"
        " brief them first or choose another reference.\n"
    )
    assert out.startswith("Given;")
    assert listed(cli)["Eve Stone"]["given_to"] == ["Initech"]


def test_a_reference_who_knows_an_interviewer_is_marked(cli: Cli, refs: dict[str, int]) -> None:
    out = cli.ok("references", "give", "Mark Farmingham", "--opportunity", str(refs["opp"]))
    assert out == (
        "Given; 1 follow-up(s) planned.\n"
        "Bonus points: Mark Farmingham knows Ann Lee (interviewer)."
        " Mention that you both know Ann Lee (interviewer).\n"
    )
    [given] = listed(cli)["Mark Farmingham"]["given"]
    assert given == {
        "opportunity_id": refs["opp"],
        "opportunity": "Staff Engineer at Initech",
        "company": "Initech",
        "given_at": "2026-11-18T15:00:00Z",
        "knows_interviewers": ["Ann Lee"],
        "talking_point": "Mention that you both know Ann Lee (interviewer)",
    }
    table = cli.ok("references")  # a narrow table wraps the cell, so look for its parts
    assert "Initech (knows" in table and "Ann Lee)" in table


# --- noise ---------------------------------------------------------------------------------------


def test_the_agenda_leaves_out_rings_held_by_an_interview_and_leads(
    cli: Cli, refs: dict[str, int]
) -> None:
    lead = cli.new_id(
        "opportunity", "add", "--company", "Hooli", "--role", "SRE", "--stage", "lead"
    )
    applied = cli.new_id("opportunity", "add", "--company", "Globex", "--role", "SRE")
    dropped = [ring["id"] for ring in cli.agenda()["rings_dropped"]]
    assert refs["opp"] not in dropped and lead not in dropped
    assert dropped == [applied]


def test_the_text_agenda_shows_the_strained_warning(cli: Cli, refs: dict[str, int]) -> None:
    bo = cli.new_id("contact", "add", "Bo Chen", "--company", "Initech")
    cli.ok("connect", "Eve Stone", "Bo Chen")
    for day in ("2026-11-10 10:00", "2026-11-12 10:00"):
        interview = cli.new_id(
            "interview", "add", str(refs["opp"]), "--at", day, "--interviewer", str(bo)
        )
        cli.ok("interview", "done", str(interview))
    [idea] = [i for i in cli.agenda()["backchannel"] if i["contact"] == "Eve Stone"]
    assert idea["warning"]
    text = " ".join(cli.ok("agenda").split())
    eve = "Eve Stone — knows Bo Chen (interviewer), one of your references"
    assert f"{eve} (Staff Engineer at Initech) ⚠ {idea['warning']}" in text
    assert "Mark Farmingham — knows Ann Lee (interviewer), one of your references" in text
