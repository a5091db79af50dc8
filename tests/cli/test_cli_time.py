"""Time zones from the command line: typed times in the user's zone on their own date, text in
local time, JSON in UTC with a Z; the zone from config.toml or TZ; weekdays and --next."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm import paths
from crm.clock import utc_now
from tests.cli.test_cli_daily import Cli, one_line_error


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "crm.sqlite3", capsys)


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set TZ for the test (and the C library), as a user's shell would."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def stored(cli: Cli, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(cli.db)) as connection:
        return connection.execute(sql).fetchall()


def schedule(cli: Cli, at: str, now: str) -> int:
    """Ann Lee at Acme, and an interview with her at ``at``; returns the interview's id."""
    cli.new_id("contact", "add", "Ann Lee", "--company", "Acme", now=now)
    opp = cli.new_id("opportunity", "add", "--company", "Acme", "--role", "SRE", now=now)
    return cli.new_id("interview", "add", str(opp), "--at", at, "--interviewer", "Ann", now=now)


def test_an_interview_typed_in_new_york_daylight_time_keeps_its_hour(
    cli: Cli, zone: Callable[[str], None]
) -> None:
    # The case: on 30 October New York is on EDT (UTC-4), though today it is on EST.
    zone("America/New_York")
    interview = schedule(cli, "2026-10-30 15:00", now="2026-10-28 09:00")
    assert stored(cli, "SELECT starts_at FROM interview") == [("2026-10-30 19:00:00",)]
    title = cli.ok("backchannel", "--interview", str(interview), now="2026-10-28 09:00")
    assert "interview on 2026-10-30 15:00" in title and "UTC" not in title
    cli.ok("interview", "done", str(interview), now="2026-10-30 17:00")
    [thanks] = cli.agenda(now="2026-10-31 09:00")["due"]
    # Two to 48 hours after the 16:00 EDT end; JSON is UTC with a Z.
    assert (thanks["window_start"], thanks["window_end"]) == (
        "2026-10-30T22:00:00Z",
        "2026-11-01T20:00:00Z",
    )
    code, out, err = cli("interview", "done", str(interview), now="2026-10-30 18:00")
    one_line_error(code, out, err, "already marked done (2026-10-30 16:00)")


def test_now_is_read_in_the_zone_of_its_date(cli: Cli, zone: Callable[[str], None]) -> None:
    zone("America/New_York")
    cli.new_id("contact", "add", "Ann Lee", now="2026-07-01 12:00")
    cli.ok(
        "log",
        "Ann",
        "--channel",
        "call",
        "--kind",
        "other",
        "--summary",
        "hi",
        now="2026-07-01 12:00",
    )
    assert stored(cli, "SELECT occurred_at FROM interaction") == [("2026-07-01 16:00:00",)]


def test_the_config_zone_wins_over_tz(cli: Cli, zone: Callable[[str], None]) -> None:
    zone("America/New_York")
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[time]\nzone = "Asia/Kolkata"\n')
    schedule(cli, "2026-10-30 15:00", now="2026-10-28 09:00")
    assert stored(cli, "SELECT starts_at FROM interview") == [("2026-10-30 09:30:00",)]


def test_an_unknown_config_zone_is_one_warning_and_tz_is_used(cli: Cli) -> None:
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[time]\nzone = "Mars/Olympus_Mons"\n')
    code, out, err = cli("contact", "add", "Ann Lee")
    assert code == 0 and out.strip().isdigit()
    assert err.count("\n") == 1 and "[time] zone" in err and "Mars/Olympus_Mons" in err
    cli("opportunity", "add", "--company", "Acme", "--role", "SRE")
    cli("interview", "add", "1", "--at", "2026-11-20 15:00", "--interviewer", "Ann")
    assert stored(cli, "SELECT starts_at FROM interview") == [("2026-11-20 15:00:00",)]


def test_a_tz_zoneinfo_does_not_know_never_crashes(cli: Cli, zone: Callable[[str], None]) -> None:
    zone("Nowhere/Special")  # the C library takes junk as UTC, and so do we
    schedule(cli, "2026-11-20 15:00", now="2026-11-18 15:00")
    assert stored(cli, "SELECT starts_at FROM interview") == [("2026-11-20 15:00:00",)]


def test_a_posix_tz_rule_is_followed_per_date(cli: Cli, zone: Callable[[str], None]) -> None:
    zone("CET-1CEST,M3.5.0,M10.5.0/3")  # Central Europe, written as a rule
    schedule(cli, "2026-07-01 15:00", now="2026-06-01 12:00")
    assert stored(cli, "SELECT starts_at FROM interview") == [("2026-07-01 13:00:00",)]


def test_now_reads_a_bare_weekday_as_the_coming_one(cli: Cli) -> None:
    before = utc_now()
    cli.new_id("contact", "add", "Ann Lee")
    cli.ok("log", "Ann", "--channel", "call", "--kind", "other", "--summary", "hi", now="fri")
    [(text,)] = stored(cli, "SELECT occurred_at FROM interaction")
    moment = datetime.fromisoformat(str(text))
    assert moment.weekday() == 4
    assert before < moment <= before + timedelta(days=7)


def test_at_reads_a_bare_weekday_as_the_past_one(cli: Cli) -> None:
    cli.new_id("contact", "add", "Ann Lee")
    # Wednesday 18 November: "fri" was the 13th.
    cli.ok("log", "Ann", "--channel", "call", "--kind", "other", "--summary", "hi", "--at", "fri")
    assert stored(cli, "SELECT occurred_at FROM interaction") == [("2026-11-13 12:00:00",)]


def test_a_next_touch_in_the_past_is_refused_and_nothing_is_written(cli: Cli) -> None:
    cli.new_id("contact", "add", "Ann Lee")
    before = cli.rows()
    code, out, err = cli(
        "log", "Ann", "--channel", "call", "--kind", "other", "--summary", "hi",
        "--next", "yesterday",
    )  # fmt: skip
    one_line_error(code, out, err, "--next: “yesterday” is in the past; a next touch is ahead")
    assert cli.rows() == before


def test_a_next_touch_in_words_is_read(cli: Cli) -> None:
    cli.new_id("contact", "add", "Ann Lee")
    cli.ok(
        "log", "Ann", "--channel", "call", "--kind", "other", "--summary", "hi",
        "--next", "in a couple of days",
    )  # fmt: skip
    agenda = json.loads(cli.ok("agenda", "--json", now="2026-11-20 16:00"))
    assert [item["window_start"] for item in agenda["due"]] == ["2026-11-20T15:00:00Z"]


def test_the_reference_list_shows_the_local_day(cli: Cli, zone: Callable[[str], None]) -> None:
    zone("America/New_York")
    cli.new_id("contact", "add", "Ann Lee", now="2026-11-18 22:00")
    cli.ok("references", "add", "Ann", "--relationship", "boss", "--talking-points", "ops")
    # 21:00 in New York is already the 19th in UTC.
    cli.ok("references", "briefed", "Ann", "--at", "2026-11-18 21:00", now="2026-11-18 22:00")
    listed = cli.ok("references", now="2026-11-18 22:00")
    assert "2026-11-18" in listed and "2026-11-19" not in listed
    [entry] = json.loads(cli.ok("references", "--json", now="2026-11-18 22:00"))
    assert entry["last_briefed_at"] == "2026-11-19T02:00:00Z"
