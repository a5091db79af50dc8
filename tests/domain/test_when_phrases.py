"""Typed dates in the words people use: "in a couple of days", "next week", "end of week",
"tomorrow morning"; which side of now a bare weekday falls on; a next touch in the past."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crm.domain.when import (
    NextTouch,
    Tense,
    WhenError,
    parse_next_touch,
    parse_when,
    require_ahead,
    to_utc,
)

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 15, 0)  # Wednesday 18 November 2026, 10:00 in New York


def when(text: str, direction: Tense = "future", now: datetime = NOW) -> datetime:
    return parse_when(text, now=now, tz=NEW_YORK, direction=direction)


def ny(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    """A New York wall-clock time as the naive UTC parse_when returns."""
    return to_utc(datetime(year, month, day, hour, minute), NEW_YORK)


@pytest.mark.parametrize("direction", ["past", "future"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The article's own phrase: a couple of days is two calendar days, a few is three.
        ("in a couple of days", ny(11, 20, 10)),
        ("in a couple days", ny(11, 20, 10)),
        ("in a few days", ny(11, 21, 10)),
        ("a couple of days ago", ny(11, 16, 10)),
        ("a few weeks ago", ny(10, 28, 10)),
        ("in a few hours", NOW + timedelta(hours=3)),
        ("in a couple of hours", NOW + timedelta(hours=2)),
        # "next week" is the Monday of next week at the start of the working day.
        ("next week", ny(11, 23, 9)),
        ("Next Week", ny(11, 23, 9)),
        ("next week 2pm", ny(11, 23, 14)),
        ("tomorrow morning", ny(11, 19, 9)),
        ("tomorrow afternoon", ny(11, 19, 14)),
        ("tomorrow evening", ny(11, 19, 19)),
        ("this morning", ny(11, 18, 9)),
        ("this afternoon", ny(11, 18, 14)),
        ("tonight", ny(11, 18, 19)),
        ("yesterday afternoon", ny(11, 17, 14)),
    ],
)
def test_spoken_phrases(text: str, direction: Tense, expected: datetime) -> None:
    assert when(text, direction) == expected


def test_a_couple_of_days_counts_calendar_days_across_a_clock_change() -> None:
    # Saturday 31 October 2026, 10:00 EDT; two days later the clocks have gone back.
    now = ny(10, 31, 10)
    assert when("in a couple of days", now=now) == ny(11, 2, 10)
    assert when("in a couple of days", now=now) - now == timedelta(days=2, hours=1)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (ny(11, 16, 8), ny(11, 20, 17)),  # Monday morning: this Friday
        (NOW, ny(11, 20, 17)),  # Wednesday
        (ny(11, 20, 16, 59), ny(11, 20, 17)),  # Friday, just before five
        # Once this week's end has passed, "end of week" is the end of next week.
        (ny(11, 20, 17, 1), ny(11, 27, 17)),  # Friday evening
        (ny(11, 21, 12), ny(11, 27, 17)),  # Saturday
        (ny(11, 22, 12), ny(11, 27, 17)),  # Sunday
    ],
)
def test_end_of_week_is_friday_five_pm_ahead(now: datetime, expected: datetime) -> None:
    for text in ("end of week", "end of the week", "end of this week", "eow"):
        assert when(text, now=now) == expected


def test_end_of_week_in_the_past_is_the_last_one_gone_by() -> None:
    assert when("end of week", "past", now=ny(11, 21, 12)) == ny(11, 20, 17)
    assert when("end of week", "past") == ny(11, 13, 17)


def test_a_bare_weekday_ahead_or_behind() -> None:
    # Wednesday: "fri" is this Friday for a plan or --now, last Friday for --at.
    assert when("fri", "future") == ny(11, 20, 9)
    assert when("fri", "past") == ny(11, 13, 12)
    assert when("fri afternoon", "future") == ny(11, 20, 14)
    assert when("fri afternoon", "past") == ny(11, 13, 14)


def test_next_week_is_next_mondays_even_on_a_sunday() -> None:
    assert when("next week", now=ny(11, 22, 20)) == ny(11, 23, 9)
    assert when("next week", now=ny(11, 23, 8)) == ny(11, 30, 9)


def test_a_next_touch_in_the_past_is_refused() -> None:
    with pytest.raises(WhenError, match="“yesterday” is in the past; a next touch is ahead"):
        parse_next_touch("yesterday", now=NOW, tz=NEW_YORK, default=None)
    with pytest.raises(WhenError, match="in the past"):
        parse_next_touch("this morning", now=NOW, tz=NEW_YORK, default=None)
    assert parse_next_touch("now", now=NOW, tz=NEW_YORK, default=None) == NextTouch(NOW)
    assert parse_next_touch("tomorrow morning", now=NOW, tz=NEW_YORK, default=None) == NextTouch(
        ny(11, 19, 9)
    )


def test_require_ahead_lets_now_and_later_through() -> None:
    assert require_ahead("now", NOW, now=NOW) == NOW
    with pytest.raises(WhenError, match="“2 hours ago” is in the past"):
        require_ahead("2 hours ago", NOW - timedelta(hours=2), now=NOW)
