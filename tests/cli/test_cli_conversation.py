"""`crm conversation show/edit/delete`: a logged conversation read in full, corrected and
deleted, with what it settled and planned following along; bad input is one line."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_cli_daily import Cli, one_line_error

# Tuesday 8 December 2026, 15:00 (tests run with TZ=UTC).
NOW = "2026-12-08 15:00"


class AtNow(Cli):
    """The shared CLI runner, at this file's "now"."""

    def __call__(self, *args: str, now: str = NOW) -> tuple[int, str, str]:
        return super().__call__(*args, now=now)

    def ok(self, *args: str, now: str = NOW) -> str:
        return super().ok(*args, now=now)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return AtNow(tmp_path / "crm.sqlite3", capsys)


@pytest.fixture
def thanked(cli: Cli) -> dict[str, int]:
    """Ann interviewed the user this morning; the thank-you e-mail to her is logged."""
    ann = cli.new_id("contact", "add", "Ann Lee", "--company", "Initech", now=NOW)
    opp = cli.new_id(
        "opportunity", "add", "--company", "Initech", "--role", "Staff Engineer", now=NOW
    )
    interview = cli.new_id(
        "interview", "add", str(opp), "--at", "2026-12-08 09:00", "--interviewer", "Ann Lee",
        now=NOW,
    )  # fmt: skip
    cli.ok("interview", "done", str(interview), "--at", "2026-12-08 10:00", now=NOW)
    logged = json.loads(
        cli.ok(
            "log",
            "Ann Lee",
            "--channel",
            "email",
            "--kind",
            "thank-you",
            "--at",
            "13:00",
            "--summary",
            "Thanked Ann for the deep dive on the billing system",
            "--json",
            now=NOW,
        )  # fmt: skip
    )
    return {"ann": ann, "opp": opp, "conversation": logged["interaction_id"]}


def pending_kinds(cli: Cli) -> list[str]:
    with closing(sqlite3.connect(cli.db)) as connection:
        query = "SELECT kind FROM follow_up WHERE done_at IS NULL ORDER BY kind"
        return [kind for (kind,) in connection.execute(query)]


def test_show_prints_every_field_and_the_whole_summary(cli: Cli, thanked: dict[str, int]) -> None:
    out = cli.ok("conversation", "show", str(thanked["conversation"]))
    assert out.splitlines()[0] == f"Conversation #{thanked['conversation']}"
    assert "When: Tue 08 Dec 2026 13:00" in out
    assert "Kind: thank-you" in out and "Channel: email" in out
    assert "Opportunity: Staff Engineer at Initech" in out
    assert "Summary: Thanked Ann for the deep dive on the billing system" in out
    assert "Settled: Send a thank-you e-mail" in out
    view = json.loads(cli.ok("conversation", "show", str(thanked["conversation"]), "--json"))
    assert view["summary"] == "Thanked Ann for the deep dive on the billing system"
    assert view["occurred_at"].startswith("2026-12-08T13:00")
    assert [note["kind"] for note in view["settled"]] == ["thank-you-email"]
    assert [note["kind"] for note in view["planned"]] == ["handwritten-note", "check-in"]


def test_edit_changes_the_kind_and_brings_the_thank_you_back(
    cli: Cli, thanked: dict[str, int]
) -> None:
    cid = str(thanked["conversation"])
    assert "thank-you-email" not in pending_kinds(cli)
    out = cli.ok("conversation", "edit", cid, "--kind", "check-in", "--summary", "Line 1")
    assert out.splitlines()[0] == f"Saved conversation #{cid} with Ann Lee."
    assert "Back to do: Send a thank-you e-mail" in out
    assert "Cancelled: Send a handwritten thank-you note" in out
    assert "thank-you-email" in pending_kinds(cli)
    assert "handwritten-note" not in pending_kinds(cli)
    view = json.loads(cli.ok("conversation", "show", cid, "--json"))
    assert (view["kind"], view["summary"]) == ("check-in", "Line 1")
    changed = json.loads(cli.ok("conversation", "edit", cid, "--kind", "thank-you", "--json"))
    assert [note["kind"] for note in changed["settled"]] == ["thank-you-email"]
    assert "thank-you-email" not in pending_kinds(cli)


def test_edit_at_is_local_time_and_moves_the_note(cli: Cli, thanked: dict[str, int]) -> None:
    cid = str(thanked["conversation"])
    changed = json.loads(cli.ok("conversation", "edit", cid, "--at", "14:00", "--json"))
    assert changed["conversation"]["occurred_at"].startswith("2026-12-08T14:00")
    [note] = [n for n in changed["moved"] if n["kind"] == "handwritten-note"]
    assert note["window_start"].startswith("2026-12-09T14:00")


def test_delete_needs_yes_then_brings_the_thank_you_back(cli: Cli, thanked: dict[str, int]) -> None:
    cid = str(thanked["conversation"])
    before = cli.rows()
    one_line_error(*cli("conversation", "delete", cid), "--yes")
    assert cli.rows() == before
    out = cli.ok("conversation", "delete", cid, "--yes")
    assert out.splitlines()[0] == f"Deleted conversation #{cid} with Ann Lee."
    assert "Back to do: Send a thank-you e-mail" in out
    assert pending_kinds(cli).count("thank-you-email") == 1
    assert "handwritten-note" not in pending_kinds(cli)
    one_line_error(*cli("conversation", "show", cid), f"no conversation #{cid}")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("show", "999"), "There is no conversation #999."),
        (("edit", "999", "--summary", "x"), "There is no conversation #999."),
        (("delete", "999", "--yes"), "There is no conversation #999."),
        (("edit", "CID"), "Say what to change"),
        (("edit", "CID", "--at", "tomorrow 10:00"), "future"),
        (("edit", "CID", "--at", "the day after never"), "--at"),
        (("edit", "CID", "--kind", "gossip"), "--kind"),
        (("show", "abc"), "ID"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    cli: Cli, thanked: dict[str, int], args: tuple[str, ...], fragment: str
) -> None:
    before = cli.rows()
    args = tuple(str(thanked["conversation"]) if a == "CID" else a for a in args)
    one_line_error(*cli("conversation", *args), fragment)
    assert cli.rows() == before
