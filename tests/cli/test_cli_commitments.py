"""`crm log` with the user's own commitment in the summary plans the next touch on that day."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli_daily import Cli

NOW = "2026-12-08 15:00"  # Tuesday 8 December 2026 (tests run with TZ=UTC)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    cli = Cli(tmp_path / "crm.sqlite3", capsys)
    cli.new_id("contact", "add", "Ann Lee", "--company", "Initech", now=NOW)
    opp = cli.new_id(
        "opportunity", "add", "--company", "Initech", "--role", "Staff Engineer", now=NOW
    )
    cli.new_id(
        "interview", "add", str(opp), "--at", "2026-12-01 10:00", "--interviewer", "Ann Lee",
        now=NOW,
    )  # fmt: skip
    return cli


def log(cli: Cli, summary: str, *args: str) -> str:
    out = cli.ok(
        "log",
        "Ann Lee",
        "--channel",
        "email",
        "--kind",
        "check-in",
        "--summary",
        summary,
        *args,
        now=NOW,
    )
    return out.splitlines()[1]


def test_an_english_commitment_is_the_next_touch(cli: Cli) -> None:
    assert log(cli, "Sent the deck. I'll follow up on Thursday.").startswith(
        "Planned: Check in, due Thu 10 Dec 09:00"
    )


def test_a_russian_commitment_is_the_next_touch(cli: Cli) -> None:
    assert log(cli, "Отправил резюме, наберу вам в пятницу в 15:00").startswith(
        "Planned: Check in, due Fri 11 Dec 15:00"
    )


def test_next_wins_over_the_summary(cli: Cli) -> None:
    assert log(cli, "I'll follow up on Thursday.", "--next", "2026-12-09 11:00").startswith(
        "Planned: Check in, due Wed 09 Dec 11:00"
    )


def test_no_commitment_is_two_business_days(cli: Cli) -> None:
    assert log(cli, "Hope to hear from you soon").startswith(
        "Planned: Check in, due Thu 10 Dec 15:00"
    )
