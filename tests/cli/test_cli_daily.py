"""The daily loop from the command line: interviews, logging, follow-ups and the agenda."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import crm

# Wednesday 18 November 2026, 15:00 (tests run with TZ=UTC).
NOW = "2026-11-18 15:00"
TABLES = (
    "company",
    "contact",
    "opportunity",
    "interview",
    "interview_interviewer",
    "interaction",
    "follow_up",
)
ITEM_KEYS = {"id", "contact", "kind", "window_start", "window_end", "opportunity"}


class Cli:
    """``crm --db DB --now WHEN …`` against one database file."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str, now: str = NOW) -> tuple[int, str, str]:
        return crm(self.capsys, "--db", str(self.db), "--now", now, *args)

    def ok(self, *args: str, now: str = NOW) -> str:
        """Run a command that must succeed; returns its stdout."""
        code, out, err = self(*args, now=now)
        assert (code, err) == (0, ""), (args, err)
        return out

    def new_id(self, *args: str, now: str = NOW) -> int:
        return int(self.ok(*args, now=now).strip())

    def agenda(self, now: str = NOW) -> dict[str, list[dict[str, Any]]]:
        return json.loads(self.ok("agenda", "--json", now=now))

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the daily-loop tables, read straight from the file."""
        with closing(sqlite3.connect(self.db)) as connection:
            return {
                table: connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
                for table in TABLES
            }


def one_line_error(code: int, out: str, err: str, fragment: str) -> None:
    assert code != 0
    assert out == ""
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("crm: ") and "Traceback" not in err


def summary(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(item["contact"], item["kind"]) for item in items]


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "crm.sqlite3", capsys)


@pytest.fixture
def people(cli: Cli) -> dict[str, int]:
    """Katie (a referrer), two interviewers at Acme, a second Ann, and Rita the recruiter."""
    return {
        "katie": cli.new_id("contact", "add", "Katie Referrer", "--company", "Globex"),
        "ann": cli.new_id("contact", "add", "Ann Lee", "--company", "Acme"),
        "bo": cli.new_id("contact", "add", "Bo Chen", "--company", "Acme"),
        "ann2": cli.new_id("contact", "add", "Ann Smith", "--company", "Initech"),
        "rita": cli.new_id("contact", "add", "Rita Recruiter", "--company", "Hays"),
    }


@pytest.fixture
def interviewed(cli: Cli, people: dict[str, int]) -> dict[str, int]:
    """An opportunity referred by Katie, and this morning's round with Ann Lee and Bo Chen."""
    opp = cli.new_id(
        "opportunity",
        "add",
        "--company",
        "Acme",
        "--role",
        "Staff Engineer",
        "--referrer",
        "Katie",
    )
    interview = cli.new_id(
        "interview",
        "add",
        str(opp),
        "--at",
        "2026-11-18 10:00",
        "--minutes",
        "45",
        "--interviewer",
        "Ann Lee",
        "--interviewer",
        str(people["bo"]),
    )
    return {**people, "opp": opp, "interview": interview}


# --- the "Done means" scenario -------------------------------------------------------------


def test_done_means_the_whole_daily_loop(cli: Cli, interviewed: dict[str, int]) -> None:
    p = interviewed
    title = "Staff Engineer at Acme"
    other = cli.new_id("opportunity", "add", "--company", "Initech", "--role", "SRE")

    out = cli.ok("interview", "done", str(p["interview"]), "--at", "2026-11-18 11:00")
    assert "3 follow-ups" in out

    today = cli.agenda()
    assert summary(today["due"]) == [
        ("Ann Lee", "thank-you-email"),
        ("Bo Chen", "thank-you-email"),
        ("Katie Referrer", "thank-referrer"),
    ]
    assert today["overdue"] == [] and today["upcoming"] == []
    for item in today["due"][:2]:
        assert (item["window_start"], item["window_end"]) == (
            "2026-11-18T13:00:00Z",
            "2026-11-20T11:00:00Z",
        )
        assert item["opportunity"] == title
    assert (today["due"][2]["window_start"], today["due"][2]["window_end"]) == (
        "2026-11-18T11:00:00Z",
        "2026-11-20T11:00:00Z",
    )
    # The open opportunity with nothing pending has given up the ring; this one holds it.
    assert [ring["id"] for ring in today["rings_dropped"]] == [other]
    assert today["rings_dropped"][0]["opportunity"] == "SRE at Initech"

    three_days_later = "2026-11-21 15:00"
    later = cli.agenda(now=three_days_later)
    assert summary(later["overdue"]) == summary(today["due"])
    assert later["due"] == []

    # The e-mail to Ann went out on Thursday evening, logged on Saturday.
    sent = "2026-11-19 18:30"
    cli.ok(
        "log",
        "Ann Lee",
        "--channel",
        "email",
        "--kind",
        "thank-you",
        "--summary",
        "Thanks for the deep dive on the queue design",
        "--at",
        sent,
        now=three_days_later,
    )
    later = cli.agenda(now=three_days_later)
    assert summary(later["overdue"]) == [
        ("Bo Chen", "thank-you-email"),
        ("Katie Referrer", "thank-referrer"),
    ]
    [note] = [item for item in sum(later.values(), []) if item.get("kind") == "handwritten-note"]
    assert note["contact"] == "Ann Lee" and note["opportunity"] == title
    assert (note["window_start"], note["window_end"]) == (
        "2026-11-20T18:30:00Z",
        "2026-11-21T18:30:00Z",
    )
    assert note in later["due"]
    assert [ring["id"] for ring in later["rings_dropped"]] == [other]


# --- interviews ----------------------------------------------------------------------------


def test_a_quiet_process_gets_no_referrer_thank_you(cli: Cli, people: dict[str, int]) -> None:
    opp = cli.new_id(
        "opportunity",
        "add",
        "--company",
        "Acme",
        "--role",
        "CTO",
        "--referrer",
        str(people["katie"]),
        "--quiet",
    )
    interview = cli.new_id(
        "interview", "add", str(opp), "--at", "2026-11-18 09:00", "--interviewer", "Bo Chen"
    )
    assert "1 follow-ups" in cli.ok("interview", "done", str(interview))
    assert summary(cli.agenda()["due"]) == [("Bo Chen", "thank-you-email")]


def test_marking_an_interview_done_twice_is_refused_and_changes_nothing(
    cli: Cli, interviewed: dict[str, int]
) -> None:
    cli.ok("interview", "done", str(interviewed["interview"]))
    before = cli.rows()
    one_line_error(
        *cli("interview", "done", str(interviewed["interview"]), now="2026-11-18 16:00"),
        "already marked done",
    )
    assert cli.rows() == before
    assert len(before["follow_up"]) == 3


def test_interview_done_defaults_to_the_scheduled_end(
    cli: Cli, interviewed: dict[str, int]
) -> None:
    cli.ok("interview", "done", str(interviewed["interview"]))
    [ann, *_] = cli.agenda()["due"]
    assert (ann["window_start"], ann["window_end"]) == (
        "2026-11-18T12:45:00Z",
        "2026-11-20T10:45:00Z",
    )


# --- logging and the ring ------------------------------------------------------------------


@pytest.fixture
def recruiter_thread(cli: Cli, people: dict[str, int]) -> int:
    """An open opportunity whose phone screen Rita ran last week; returns its id.

    She interviewed the user, so the ring is kept with her (a referrer alone needs none).
    """
    opp = cli.new_id("opportunity", "add", "--company", "Hays", "--role", "Platform Lead")
    cli.new_id("interview", "add", str(opp), "--at", "2026-11-10 10:00", "--interviewer", "Rita")
    return opp


def check_ins(agenda: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        item
        for bucket in ("overdue", "due", "upcoming")
        for item in agenda[bucket]
        if item["kind"] == "check-in"
    ]


def test_a_conversation_on_friday_schedules_the_check_in_for_tuesday(
    cli: Cli, recruiter_thread: int
) -> None:
    friday = "2026-11-20 16:00"
    cli.ok(
        "log",
        "Rita",
        "--channel",
        "call",
        "--kind",
        "check-in",
        "--summary",
        "Intro call",
        now=friday,
    )
    [check_in] = check_ins(cli.agenda(now=friday))
    assert (check_in["window_start"], check_in["window_end"]) == (
        "2026-11-24T16:00:00Z",
        "2026-11-25T16:00:00Z",
    )
    assert check_in["contact"] == "Rita Recruiter"
    assert check_in["opportunity"] == "Platform Lead at Hays"
    assert check_in in cli.agenda(now=friday)["upcoming"]
    assert check_in["id"] in [item["id"] for item in cli.agenda(now="2026-11-24 16:00")["due"]]
    assert cli.agenda(now=friday)["rings_dropped"] == []


def test_next_sets_the_check_in(cli: Cli, recruiter_thread: int) -> None:
    cli.ok(
        "log",
        "Rita",
        "--channel",
        "email",
        "--kind",
        "check-in",
        "--summary",
        "Sent CV",
        "--next",
        "2026-11-23 10:00",
    )
    [check_in] = check_ins(cli.agenda())
    assert check_in["window_start"] == "2026-11-23T10:00:00Z"


@pytest.mark.parametrize("declined", [["--no-next"], ["--no-next", "they will call me"]])
def test_no_next_declines_and_the_ring_is_reported_dropped(
    cli: Cli, recruiter_thread: int, declined: list[str]
) -> None:
    assert [r["id"] for r in cli.agenda()["rings_dropped"]] == [recruiter_thread]
    cli.ok(
        "log",
        "Rita",
        "--channel",
        "call",
        "--kind",
        "check-in",
        "--summary",
        "Chat",
        "--next",
        "mon",
    )
    assert cli.agenda()["rings_dropped"] == []
    code, out, err = cli(
        "log", "Rita", *declined, "--channel", "call", "--kind", "check-in", "--summary", "Chat"
    )
    # Allowed, but said then and there, with the fix.
    assert code == 0 and out.startswith("Logged conversation #")
    assert err == (
        "crm: warning: Ring given up: no next touch of yours for Platform Lead at Hays;"
        " add --next WHEN, or --promised WHEN if they said when they'd reply.\n"
    )
    today = cli.agenda()
    assert check_ins(today) == []
    [ring] = today["rings_dropped"]
    assert (ring["id"], ring["opportunity"]) == (recruiter_thread, "Platform Lead at Hays")


def test_next_and_no_next_together_are_refused(cli: Cli, recruiter_thread: int) -> None:
    before = cli.rows()
    result = cli(
        "log",
        "Rita",
        "--channel",
        "call",
        "--kind",
        "check-in",
        "--summary",
        "x",
        "--next",
        "mon",
        "--no-next",
        "why",
    )
    one_line_error(*result, "not both")
    assert cli.rows() == before


def test_closed_stages_never_drop_the_ring(cli: Cli, recruiter_thread: int) -> None:
    assert [r["id"] for r in cli.agenda()["rings_dropped"]] == [recruiter_thread]
    cli.ok("opportunity", "stage", str(recruiter_thread), "rejected")
    assert cli.agenda()["rings_dropped"] == []
    cli.ok("opportunity", "add", "--company", "Acme", "--role", "CTO", "--stage", "withdrawn")
    assert cli.agenda(now="2026-12-30 09:00")["rings_dropped"] == []


@pytest.mark.parametrize(
    "touch",
    [
        ["--channel", "email", "--kind", "other", "--inbound", "--summary", "They replied"],
        ["--channel", "call", "--kind", "check-in", "--summary", "I called them"],
    ],
)
def test_a_reply_or_any_touch_closes_the_pending_check_in(
    cli: Cli, recruiter_thread: int, touch: list[str]
) -> None:
    cli.ok(
        "log",
        "Rita",
        "--channel",
        "email",
        "--kind",
        "check-in",
        "--summary",
        "Sent CV",
        "--next",
        "2026-11-19 09:00",
        now="2026-11-16 10:00",
    )
    [old] = check_ins(cli.agenda(now="2026-11-20 12:00"))
    assert old["id"] in [item["id"] for item in cli.agenda(now="2026-11-20 12:00")["overdue"]]
    code, _, err = cli(
        "log", "Rita", *touch, "--no-next", "the ball is in their court", now="2026-11-20 12:00"
    )
    assert code == 0 and err.startswith("crm: warning: Ring given up")
    after = cli.agenda(now="2026-11-20 12:00")
    assert check_ins(after) == []
    assert [r["id"] for r in after["rings_dropped"]] == [recruiter_thread]


def test_a_touch_about_another_opportunity_leaves_this_check_in_open(
    cli: Cli, recruiter_thread: int
) -> None:
    other = cli.new_id(
        "opportunity", "add", "--company", "Globex", "--role", "Architect", "--referrer", "Rita"
    )
    for opp, next_touch in ((recruiter_thread, "2026-11-19 09:00"), (other, "2026-11-19 10:00")):
        cli.ok(
            "log",
            "Rita",
            "--channel",
            "email",
            "--kind",
            "check-in",
            "--summary",
            "Sent CV",
            "--opportunity",
            str(opp),
            "--next",
            next_touch,
        )
    cli.ok(
        "log",
        "Rita",
        "--channel",
        "call",
        "--kind",
        "other",
        "--inbound",
        "--summary",
        "Globex news",
        "--opportunity",
        str(other),
        "--no-next",
        now="2026-11-18 16:00",
    )
    [still_open] = check_ins(cli.agenda(now="2026-11-18 16:00"))
    assert (still_open["opportunity"], still_open["window_start"]) == (
        "Platform Lead at Hays",
        "2026-11-19T09:00:00Z",
    )


# --- which contact -------------------------------------------------------------------------


def log_args(contact: str) -> list[str]:
    return ["log", contact, "--channel", "call", "--kind", "casual", "--summary", "Coffee"]


@pytest.mark.parametrize("who", ["id", "Bo Chen", "bo chen", "katie"])
def test_log_takes_an_id_or_an_unambiguous_name(cli: Cli, people: dict[str, int], who: str) -> None:
    contact = str(people["bo"]) if who == "id" else who
    expected = people["katie"] if who == "katie" else people["bo"]
    cli.ok(*log_args(contact))
    with closing(sqlite3.connect(cli.db)) as connection:
        logged_with = connection.execute("SELECT contact_id FROM interaction").fetchall()
    assert logged_with == [(expected,)]


def test_an_ambiguous_name_lists_the_candidates(cli: Cli, people: dict[str, int]) -> None:
    before = cli.rows()
    code, out, err = cli(*log_args("Ann"))
    assert code != 0 and out == ""
    assert "matches 2 contacts" in err
    assert f"{people['ann']}  Ann Lee (Acme)" in err
    assert f"{people['ann2']}  Ann Smith (Initech)" in err
    assert cli.rows() == before


def test_two_people_with_the_same_name_need_an_id(cli: Cli, people: dict[str, int]) -> None:
    twin = cli.new_id("contact", "add", "Bo Chen", "--company", "Umbrella")
    code, _, err = cli(*log_args("Bo Chen"))
    assert code != 0 and f"{twin}  Bo Chen (Umbrella)" in err
    cli.ok(*log_args(str(twin)))


@pytest.mark.parametrize(
    ("contact", "fragment"), [("Zed Nobody", "No contact matches"), ("999", "#999")]
)
def test_an_unknown_contact_is_one_line(
    cli: Cli, people: dict[str, int], contact: str, fragment: str
) -> None:
    before = cli.rows()
    one_line_error(*cli(*log_args(contact)), fragment)
    assert cli.rows() == before


# --- follow-ups and the agenda -------------------------------------------------------------


@pytest.fixture
def three_states(cli: Cli, people: dict[str, int]) -> dict[str, int]:
    """Check-ins at NOW: Ann Lee's overdue, Bo's due, Katie's upcoming; returns their ids."""
    for name, logged_at, next_touch in (
        ("Ann Lee", "2026-11-10 10:00", "2026-11-12 10:00"),
        ("Bo Chen", "2026-11-17 10:00", "2026-11-18 09:00"),
        ("Katie", "2026-11-18 12:00", "2026-11-21 10:00"),
    ):
        cli.ok(
            "log",
            name,
            "--channel",
            "email",
            "--kind",
            "check-in",
            "--summary",
            "Hello",
            "--next",
            next_touch,
            now=logged_at,
        )
    today = cli.agenda()
    assert summary(today["overdue"]) == [("Ann Lee", "check-in")]
    assert summary(today["due"]) == [("Bo Chen", "check-in")]
    assert summary(today["upcoming"]) == [("Katie Referrer", "check-in")]
    return {
        "overdue": today["overdue"][0]["id"],
        "due": today["due"][0]["id"],
        "upcoming": today["upcoming"][0]["id"],
    }


def ids(agenda: dict[str, list[dict[str, Any]]], bucket: str) -> list[int]:
    return [item["id"] for item in agenda[bucket]]


def test_the_agenda_moves_with_the_frozen_clock(cli: Cli, three_states: dict[str, int]) -> None:
    later = cli.agenda(now="2026-11-21 12:00")
    assert ids(later, "overdue") == [three_states["overdue"], three_states["due"]]
    assert ids(later, "due") == [three_states["upcoming"]]
    assert cli.agenda(now="2026-11-01 12:00")["upcoming"] == []


def test_the_agenda_json_has_the_four_lists_and_their_fields(
    cli: Cli, three_states: dict[str, int], recruiter_thread: int
) -> None:
    today = cli.agenda()
    assert {"overdue", "due", "upcoming", "rings_dropped", "going_cold"} <= set(today)
    assert today["rings_dropped"]
    for name in ("overdue", "due", "upcoming", "rings_dropped"):
        bucket = today[name]
        assert bucket
        for item in bucket:
            assert ITEM_KEYS <= set(item), item
    overdue = today["overdue"][0]
    assert overdue == {
        **overdue,
        "id": three_states["overdue"],
        "contact": "Ann Lee",
        "kind": "check-in",
        "window_start": "2026-11-12T10:00:00Z",
        "window_end": "2026-11-13T10:00:00Z",
        "opportunity": None,
    }
    [ring] = today["rings_dropped"]
    assert (ring["id"], ring["contact"], ring["opportunity"]) == (
        recruiter_thread,
        "Rita Recruiter",
        "Platform Lead at Hays",
    )


def test_the_agenda_table_names_the_people(
    cli: Cli, three_states: dict[str, int], recruiter_thread: int
) -> None:
    out = cli.ok("agenda")
    for text in ("Overdue", "Ann Lee", "Bo Chen", "Katie Referrer", "Platform Lead at Hays"):
        assert text in out


def test_the_agenda_json_counts_every_section(cli: Cli, three_states: dict[str, int]) -> None:
    totals = {t["section"]: (t["total"], t["listed"]) for t in cli.agenda()["totals"]}
    assert totals == {"overdue": (1, 1), "due": (1, 1), "upcoming": (1, 1), "going_cold": (0, 0)}


def test_an_empty_agenda_says_so(cli: Cli) -> None:
    assert "Nothing due" in cli.ok("agenda")
    assert cli.agenda() == {
        "overdue": [],
        "due": [],
        "upcoming": [],
        "rings_dropped": [],
        "backchannel": [],
        "casual": [],
        "going_cold": [],
        "totals": [
            {"section": section, "total": 0, "listed": 0}
            for section in ("overdue", "due", "upcoming", "going_cold")
        ],
    }


def test_snooze_hides_a_follow_up_until_its_time_then_it_is_due(
    cli: Cli, three_states: dict[str, int]
) -> None:
    overdue = three_states["overdue"]
    cli.ok("followup", "snooze", str(overdue), "--until", "2026-11-20 09:00")
    everything_now = sum((ids(cli.agenda(), b) for b in ("overdue", "due", "upcoming")), [])
    assert overdue not in everything_now
    assert overdue not in sum(
        (ids(cli.agenda(now="2026-11-20 08:59"), b) for b in ("overdue", "due", "upcoming")), []
    )
    assert overdue in ids(cli.agenda(now="2026-11-20 09:00"), "due")
    assert overdue in ids(cli.agenda(now="2026-11-21 10:00"), "overdue")


def test_snoozing_into_the_past_is_refused(cli: Cli, three_states: dict[str, int]) -> None:
    before = cli.rows()
    one_line_error(
        *cli("followup", "snooze", str(three_states["due"]), "--until", "yesterday"), "future"
    )
    assert cli.rows() == before


def test_done_removes_a_follow_up(cli: Cli, three_states: dict[str, int]) -> None:
    cli.ok("followup", "done", str(three_states["overdue"]))
    assert three_states["overdue"] not in ids(cli.agenda(now="2026-12-30 09:00"), "overdue")
    assert ids(cli.agenda(), "overdue") == []
    one_line_error(*cli("followup", "done", str(three_states["overdue"])), "already done")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["followup", "done", "999"], "#999"),
        (["followup", "snooze", "999", "--until", "tomorrow"], "#999"),
        (["interview", "done", "999"], "#999"),
        (["opportunity", "stage", "999", "offer"], "#999"),
        (["interview", "add", "999", "--at", "tomorrow 10am", "--interviewer", "Bo Chen"], "#999"),
    ],
)
def test_unknown_ids_are_one_line_and_change_nothing(
    cli: Cli, three_states: dict[str, int], args: list[str], fragment: str
) -> None:
    before = cli.rows()
    one_line_error(*cli(*args), fragment)
    assert cli.rows() == before


# --- bad dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            [
                "log",
                "Rita",
                "--channel",
                "call",
                "--kind",
                "check-in",
                "--summary",
                "x",
                "--at",
                "next blursday",
            ],
            "--at",
        ),
        (
            [
                "log",
                "Rita",
                "--channel",
                "call",
                "--kind",
                "check-in",
                "--summary",
                "x",
                "--next",
                "next blursday",
            ],
            "--next",
        ),
        (
            [
                "log",
                "Rita",
                "--channel",
                "call",
                "--kind",
                "check-in",
                "--summary",
                "x",
                "--at",
                "in 3 hours",
            ],
            "future",
        ),
        (["interview", "add", "1", "--at", "next blursday", "--interviewer", "Rita"], "--at"),
        (["interview", "done", "1", "--at", "next blursday"], "--at"),
        (["followup", "snooze", "1", "--until", "next blursday"], "--until"),
    ],
)
def test_bad_dates_are_one_line_and_write_nothing(
    cli: Cli, recruiter_thread: int, args: list[str], fragment: str
) -> None:
    cli.ok("log", "Rita", "--channel", "call", "--kind", "check-in", "--summary", "Intro")
    cli.new_id(
        "interview",
        "add",
        str(recruiter_thread),
        "--at",
        "2026-11-18 09:00",
        "--interviewer",
        "Rita",
    )
    before = cli.rows()
    one_line_error(*cli(*args), fragment)
    assert cli.rows() == before


@pytest.mark.parametrize(
    "args",
    [
        ["agenda"],
        ["log", "Rita", "--channel", "call", "--kind", "check-in", "--summary", "x"],
        ["opportunity", "add", "--company", "Acme", "--role", "CTO"],
    ],
)
def test_a_bad_now_is_one_line_and_writes_nothing(
    cli: Cli, people: dict[str, int], args: list[str]
) -> None:
    before = cli.rows()
    one_line_error(*cli(*args, now="nonsense"), "--now")
    assert cli.rows() == before


def test_a_long_agenda_lists_the_most_urgent_and_counts_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "big.sqlite3"
    code, _, err = crm(
        capsys,
        "--db",
        str(db),
        "--now",
        NOW,
        "demo",
        "--no-open",
        "--contacts",
        "100",
        "--follow-ups",
        "400",
    )
    assert code == 0, err
    cli = Cli(db, capsys)
    totals = {t["section"]: (t["total"], t["listed"]) for t in cli.agenda()["totals"]}
    overdue_total, overdue_listed = totals["overdue"]
    assert overdue_total > overdue_listed > 0
    out = cli.ok("agenda")
    assert f"Overdue ({overdue_total:,})" in out
    assert f"… and {overdue_total - overdue_listed:,} more" in out


def test_log_with_a_contact_in_two_open_opportunities_warns_that_no_ring_was_kept(
    cli: Cli, interviewed: dict[str, int]
) -> None:
    second = cli.new_id(
        "opportunity", "add", "--company", "Initech", "--role", "SRE", "--referrer", "Katie"
    )
    code, out, err = cli(*log_args("Katie"))
    assert code == 0 and out.startswith("Logged conversation #")  # logged all the same
    assert "logged on no opportunity" in err
    assert f"#{interviewed['opp']}, #{second}" in err
    assert len(err.strip().splitlines()) == 1
    # Saying which, or when to follow up, needs no warning.
    for extra in (["--opportunity", str(second)], ["--next", "fri 10am"], ["--no-next", "met"]):
        code, out, err = cli(*log_args("Katie"), *extra)
        assert (code, err) == (0, ""), extra


def test_log_with_one_open_opportunity_takes_it_without_a_word(
    cli: Cli, interviewed: dict[str, int]
) -> None:
    cli.ok(*log_args("Katie"))  # ok() asserts nothing was printed on stderr
    with closing(sqlite3.connect(cli.db)) as connection:
        (on,) = connection.execute("SELECT opportunity_id FROM interaction").fetchone()
    assert on == interviewed["opp"]


# --- agenda --exit-code ------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [(), ("--json",)], ids=["text", "json"])
def test_agenda_exit_code_says_whether_anything_is_overdue(
    cli: Cli, interviewed: dict[str, int], as_json: tuple[str, ...]
) -> None:
    cli.ok("interview", "done", str(interviewed["interview"]), "--at", "2026-11-18 11:00")
    due_only = cli("agenda", *as_json, "--exit-code")
    assert due_only == (0, cli.ok("agenda", *as_json), "")  # output unchanged
    three_days_later = "2026-11-21 15:00"
    code, out, err = cli("agenda", *as_json, "--exit-code", now=three_days_later)
    assert (code, err) == (1, "")
    assert out == cli.ok("agenda", *as_json, now=three_days_later)
    assert "Ann Lee" in out
