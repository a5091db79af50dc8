"""The Today view's services on a real SQLite file: sections cut to a limit with honest totals,
every follow-up where the domain puts it, and the going-cold list capped."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crm.db import db
from crm.db.models import FollowUp
from crm.domain.followups import follow_up_state, how_late
from crm.domain.types import (
    Agenda,
    Channel,
    ContactDraft,
    FollowUpKind,
    FollowUpState,
    InteractionKind,
    LogDraft,
)
from crm.services import conversations, followups, suggestions
from crm.services.contacts import create_contact
from crm.services.tx import reading, writing

NOW = datetime(2026, 11, 18, 15, 0)
S = timedelta(seconds=1)
H = timedelta(hours=1)
D = timedelta(days=1)

SECTIONS = ("overdue", "due", "upcoming")
SECTION_OF = {
    FollowUpState.OVERDUE: "overdue",
    FollowUpState.DUE: "due",
    FollowUpState.DUE_SOON: "due",
    FollowUpState.UPCOMING: "upcoming",
}


def person(name: str, **fields: object) -> int:
    return create_contact(ContactDraft(name=name, **fields), now=NOW - 400 * D)  # type: ignore[arg-type]


def add_follow_ups(
    contact_id: int,
    windows: list[tuple[datetime, datetime, datetime | None, datetime | None]],
) -> list[int]:
    """Insert follow-ups as (window start, window end, snoozed until, done at); returns ids."""
    with writing():
        return [
            int(
                FollowUp.insert(
                    contact=contact_id,
                    kind=FollowUpKind.CHECK_IN.value,
                    window_start=start,
                    window_end=end,
                    snoozed_until=snoozed,
                    done_at=done,
                    created_at=NOW - 30 * D,
                ).execute()
            )
            for start, end, snoozed, done in windows
        ]


def expected(now: datetime, tz: tzinfo, limit: int) -> dict[str, tuple[int, list[int]]]:
    """Per section, (total, ids listed): every pending follow-up judged by the domain alone."""
    horizon = now + followups.UPCOMING_DAYS * D
    found: dict[str, list[tuple[datetime, int]]] = {section: [] for section in SECTIONS}
    with reading():
        rows = list(
            FollowUp.select(
                FollowUp.id, FollowUp.window_start, FollowUp.window_end, FollowUp.snoozed_until
            )
            .where(FollowUp.done_at.is_null())
            .tuples()
        )
    for follow_up_id, start, end, snoozed in rows:
        state = follow_up_state(start, end, done_at=None, snoozed_until=snoozed, now=now, tz=tz)
        section = SECTION_OF.get(state)
        if section is None or (section == "upcoming" and start > horizon):
            continue
        found[section].append((start if section == "upcoming" else end, follow_up_id))
    return {
        section: (len(keys), [follow_up_id for _, follow_up_id in sorted(keys)[:limit]])
        for section, keys in found.items()
    }


def shown(agenda: Agenda) -> dict[str, tuple[int, list[int]]]:
    return {
        section: (
            getattr(agenda, f"{section}_total"),
            [item.id for item in getattr(agenda, section)],
        )
        for section in SECTIONS
    }


# --- sections, limits and totals --------------------------------------------------------------


def test_a_section_lists_the_most_pressing_and_counts_them_all(db_path: Path) -> None:
    ann = person("Ann Lee")
    late = add_follow_ups(
        ann, [(NOW - (10 - n) * D, NOW - (9 - n) * D, None, None) for n in range(5)]
    )
    due = add_follow_ups(ann, [(NOW - H, NOW + n * H + H, None, None) for n in range(3)])
    coming = add_follow_ups(
        ann, [(NOW + n * D + H, NOW + n * D + 2 * H, None, None) for n in range(4)]
    )
    agenda = followups.agenda(now=NOW, tz=UTC, limit=2)
    assert shown(agenda) == {
        "overdue": (5, late[:2]),
        "due": (3, due[:2]),
        "upcoming": (4, coming[:2]),
    }
    everything = followups.agenda(now=NOW, tz=UTC)
    assert shown(everything) == {"overdue": (5, late), "due": (3, due), "upcoming": (4, coming)}


def test_totals_default_to_what_is_listed() -> None:
    empty = Agenda((), (), (), ())
    assert (empty.overdue_total, empty.due_total, empty.upcoming_total) == (0, 0, 0)
    suggestions_only = suggestions.TodaySuggestions()
    assert suggestions_only.going_cold_total == 0


def test_done_follow_ups_are_neither_listed_nor_counted(db_path: Path) -> None:
    ann = person("Ann Lee")
    add_follow_ups(ann, [(NOW - 3 * D, NOW - 2 * D, None, NOW - 2 * D)] * 3)
    [open_one] = add_follow_ups(ann, [(NOW - 3 * D, NOW - 2 * D, None, None)])
    assert shown(followups.agenda(now=NOW, tz=UTC, limit=1))["overdue"] == (1, [open_one])


def test_snoozed_follow_ups_are_judged_by_the_domain(db_path: Path) -> None:
    ann = person("Ann Lee")
    hidden, back_due, back_late, back_later = add_follow_ups(
        ann,
        [
            # Long overdue, snoozed until tomorrow: hidden, and not counted anywhere.
            (NOW - 5 * D, NOW - 4 * D, NOW + D, None),
            # Snoozed until an hour ago: due again, with a day's grace.
            (NOW - 5 * D, NOW - 4 * D, NOW - H, None),
            # Snoozed until two days ago: the grace is over, so it is overdue.
            (NOW - 5 * D, NOW - 4 * D, NOW - 2 * D, None),
            # Snoozed (already over) but its window starts in three days: upcoming.
            (NOW + 3 * D, NOW + 4 * D, NOW - H, None),
        ],
    )
    agenda = followups.agenda(now=NOW, tz=UTC)
    assert shown(agenda) == {
        "overdue": (1, [back_late]),
        "due": (1, [back_due]),
        "upcoming": (1, [back_later]),
    }
    assert [item.state for item in agenda.due] == [FollowUpState.DUE]
    assert hidden not in {item.id for section in SECTIONS for item in getattr(agenda, section)}


def test_a_window_that_ends_before_it_starts_is_judged_by_the_domain(db_path: Path) -> None:
    ann = person("Ann Lee")
    # Ends yesterday but starts tomorrow: the domain calls it upcoming, not overdue.
    [odd] = add_follow_ups(ann, [(NOW + D, NOW - D, None, None)])
    agenda = followups.agenda(now=NOW, tz=UTC)
    assert shown(agenda) == {"overdue": (0, []), "due": (0, []), "upcoming": (1, [odd])}


EDGES = [
    -3 * D,
    -D - S,
    -D,
    -H,
    -S,
    timedelta(0),
    S,
    timedelta(microseconds=500),
    2 * H,
    7 * D - S,
    7 * D,
    7 * D + S,
    9 * D,
]
LENGTHS = [timedelta(0), S, 2 * H, D, 2 * D]
SNOOZES = [None, -3 * D, -D - S, -D, -H, timedelta(0), S, 2 * D, 8 * D]


@pytest.fixture
def every_shape(db_path: Path) -> None:
    """Follow-ups with windows and snoozes on and around every edge of NOW (some done)."""
    ann, bo = person("Ann Lee"), person("Bo Chen")
    windows = [
        (NOW + start, NOW + start + length, None if snooze is None else NOW + snooze, None)
        for start, length, snooze in itertools.product(EDGES, LENGTHS, SNOOZES)
    ]
    windows += [(NOW + start, NOW + start - H, None, None) for start in EDGES]  # ends first
    windows += [(NOW - D, NOW + D, None, NOW - H), (NOW - 3 * D, NOW - 2 * D, NOW - H, NOW)]  # done
    add_follow_ups(ann, windows[::2])
    add_follow_ups(bo, windows[1::2])


@pytest.mark.parametrize(
    "tz", [UTC, ZoneInfo("America/New_York"), ZoneInfo("Pacific/Auckland")], ids=str
)
@pytest.mark.parametrize("limit", [7, 1000])
def test_every_follow_up_is_where_the_domain_puts_it(
    every_shape: None, tz: tzinfo, limit: int
) -> None:
    for now in (NOW, NOW + S, NOW - D, NOW + timedelta(microseconds=500), NOW + 7 * D):
        agenda = followups.agenda(now=now, tz=tz, limit=limit)
        assert shown(agenda) == expected(now, tz, limit), now
        for item in agenda.overdue + agenda.due + agenda.upcoming:
            state = follow_up_state(
                item.window_start,
                item.window_end,
                done_at=None,
                snoozed_until=item.snoozed_until,
                now=now,
                tz=tz,
            )
            assert item.state is state
            counted_from = item.window_start if state is FollowUpState.UPCOMING else item.window_end
            assert item.late == how_late(counted_from, now)


def test_the_agenda_queries_read_indexes_not_the_whole_table(db_path: Path) -> None:
    bounds = {"now": "2026-11-18 15:00:00", "horizon": "2026-11-25 15:00:00", "limit": 10}
    statements = [*followups._SECTION_SQL.values(), followups._COUNTS_SQL, followups._SET_APART_SQL]
    with reading():
        plans = [
            [row[-1] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", bounds)]
            for sql in statements
        ]
    for plan in plans:
        reads = [step for step in plan if " f " in f" {step} " or "follow_up" in step]
        assert reads and all(step.startswith("SEARCH") for step in reads), plan
    assert "follow_up_snoozed_or_inverted" in " ".join(plans[-1])


# --- going cold --------------------------------------------------------------------------------


def touched(contact_id: int, at: datetime) -> None:
    conversations.log_conversation(
        LogDraft(contact_id, Channel.CALL, InteractionKind.CASUAL, at, "Catch-up"), now=NOW
    )


def test_going_cold_lists_the_longest_silent_and_counts_everyone(db_path: Path) -> None:
    for days in (40, 90, 60, 200, 35):
        touched(person(f"Silent {days}", keep_in_touch_days=30), NOW - days * D)
    touched(person("Warm", keep_in_touch_days=30), NOW - 2 * D)
    never = person("Never Met", keep_in_touch_days=30)  # added 400 days ago, never in touch
    ideas = suggestions.today(now=NOW, cold_limit=3)
    assert [c.name for c in ideas.going_cold] == ["Never Met", "Silent 200", "Silent 90"]
    assert ideas.going_cold[0].contact_id == never and ideas.going_cold[0].last_touch_at is None
    assert ideas.going_cold_total == 6
    everyone = suggestions.today(now=NOW).going_cold
    assert everyone[:3] == ideas.going_cold and len(everyone) == 6


def test_going_cold_is_decided_by_the_exact_interval(db_path: Path) -> None:
    on_the_day = person("On The Day", keep_in_touch_days=30)
    a_second_over = person("A Second Over", keep_in_touch_days=30)
    touched(on_the_day, NOW - 30 * D)
    touched(a_second_over, NOW - 30 * D - S)
    assert [c.name for c in suggestions.today(now=NOW).going_cold] == ["A Second Over"]


def test_suggestions_stop_when_asked(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touched(person("Silent", keep_in_touch_days=30), NOW - 90 * D)
    monkeypatch.setattr(suggestions, "STOP_CHECK_STEPS", 1)
    with pytest.raises(suggestions.Stopped):
        suggestions.today(now=NOW, stop=lambda: True)
    assert suggestions.today(now=NOW, stop=lambda: False) == suggestions.today(now=NOW)
    with reading():  # the connection is usable again afterwards
        assert db.execute_sql("SELECT COUNT(*) FROM contact").fetchone()[0] == 1
