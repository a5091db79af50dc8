"""Reading typed dates and times: every accepted form, both directions, two zones, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain.when import (
    NextTouch,
    Tense,
    WhenError,
    parse_next_touch,
    parse_when,
    to_local,
    to_utc,
)

NOW = datetime(2026, 11, 18, 15, 0)  # a Wednesday, 15:00 UTC
MINUS_5 = timezone(timedelta(hours=-5))  # NOW is 10:00 local there
PLUS_9 = timezone(timedelta(hours=9))  # NOW is already Thursday 00:00 there


def when(text: str, tz: tzinfo = MINUS_5, direction: Tense = "future") -> datetime:
    """parse_when at NOW."""
    return parse_when(text, now=NOW, tz=tz, direction=direction)


def local(month: int, day: int, hour: int = 0, minute: int = 0, tz: tzinfo = MINUS_5) -> datetime:
    """A 2026 wall-clock time in ``tz``, as the naive UTC parse_when returns."""
    return to_utc(datetime(2026, month, day, hour, minute), tz)


def test_local_and_utc_round_trip() -> None:
    assert to_local(NOW, MINUS_5) == datetime(2026, 11, 18, 10, 0)
    assert to_utc(datetime(2026, 11, 18, 10, 0), MINUS_5) == NOW
    assert to_local(NOW, UTC) == NOW


# --- relative forms: exact, the same either direction ---------------------------------------


@pytest.mark.parametrize("direction", ["past", "future"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("Now", NOW),
        ("3 hours ago", NOW - timedelta(hours=3)),
        ("an hour ago", NOW - timedelta(hours=1)),
        ("5m ago", NOW - timedelta(minutes=5)),
        ("45 min ago", NOW - timedelta(minutes=45)),
        ("in 1 hour", NOW + timedelta(hours=1)),
        ("in 2h", NOW + timedelta(hours=2)),
        ("in 90 minutes", NOW + timedelta(minutes=90)),
        ("2 days ago", NOW - timedelta(days=2)),
        ("a day ago", NOW - timedelta(days=1)),
        ("in 3 days", NOW + timedelta(days=3)),
        ("in 2 weeks", NOW + timedelta(weeks=2)),
        ("in a week", NOW + timedelta(weeks=1)),
        ("1 week ago", NOW - timedelta(weeks=1)),
        ("in 1 month", datetime(2026, 12, 18, 15, 0)),
        ("2 months ago", datetime(2026, 9, 18, 15, 0)),
        ("in 1 year", datetime(2027, 11, 18, 15, 0)),
        ("0 days ago", NOW),
        ("  in   3   days  ", NOW + timedelta(days=3)),
    ],
)
def test_relative_forms(text: str, expected: datetime, direction: Tense) -> None:
    assert when(text, direction=direction) == expected
    assert when(text, tz=UTC, direction=direction) == expected


def test_relative_days_with_a_time() -> None:
    assert when("in 2 days at 4pm") == local(11, 20, 16)
    assert when("2 days ago 9:15", direction="past") == local(11, 16, 9, 15)


def test_months_clip_to_the_end_of_the_month() -> None:
    jan_31 = datetime(2026, 1, 31, 12, 0)
    assert parse_when("in 1 month", now=jan_31, tz=UTC) == datetime(2026, 2, 28, 12, 0)


# --- named days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "direction", "expected"),
    [
        ("tomorrow", "future", local(11, 19, 9)),
        ("tomorrow", "past", local(11, 19, 12)),
        ("yesterday", "past", local(11, 17, 12)),
        ("yesterday", "future", local(11, 17, 9)),
        ("yesterday 4pm", "past", local(11, 17, 16)),
        ("yesterday at 4pm", "past", local(11, 17, 16)),
        ("4pm yesterday", "past", local(11, 17, 16)),
        ("tomorrow 10:30am", "future", local(11, 19, 10, 30)),
        ("tomorrow noon", "future", local(11, 19, 12)),
        ("today 4pm", "future", local(11, 18, 16)),
        ("today 8am", "future", local(11, 18, 8)),  # an explicit time is taken as typed
    ],
)
def test_named_days(text: str, direction: Tense, expected: datetime) -> None:
    assert when(text, direction=direction) == expected


def test_bare_today_stays_on_the_requested_side_of_now() -> None:
    # 10:00 local: 09:00 would already be past for a next touch, 12:00 still ahead for a log.
    assert when("today", direction="future") == NOW
    assert when("today", direction="past") == NOW
    # 15:00 UTC: 09:00 is past, 12:00 is past too.
    assert when("today", tz=UTC, direction="future") == NOW
    assert when("today", tz=UTC, direction="past") == datetime(2026, 11, 18, 12, 0)
    early = datetime(2026, 11, 18, 7, 0)
    assert parse_when("today", now=early, tz=UTC) == datetime(2026, 11, 18, 9, 0)


def test_days_are_local_days() -> None:
    # In UTC+9 it is already Thursday, so "tomorrow" is Friday there.
    assert when("tomorrow", tz=PLUS_9) == local(11, 20, 9, tz=PLUS_9)
    assert when("yesterday 4pm", tz=PLUS_9, direction="past") == local(11, 18, 16, tz=PLUS_9)


# --- weekdays -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "future", "past"),
    [
        ("fri", local(11, 20, 9), local(11, 13, 12)),
        ("friday", local(11, 20, 9), local(11, 13, 12)),
        ("Friday", local(11, 20, 9), local(11, 13, 12)),
        ("mon", local(11, 23, 9), local(11, 16, 12)),
        ("mon 10:00", local(11, 23, 10), local(11, 16, 10)),
        ("tue", local(11, 24, 9), local(11, 17, 12)),
        ("tues", local(11, 24, 9), local(11, 17, 12)),
        ("thu", local(11, 19, 9), local(11, 12, 12)),
        ("thurs 3pm", local(11, 19, 15), local(11, 12, 15)),
        ("sat", local(11, 21, 9), local(11, 14, 12)),
        ("sunday", local(11, 22, 9), local(11, 15, 12)),
        ("fri at 2:30pm", local(11, 20, 14, 30), local(11, 13, 14, 30)),
    ],
)
def test_weekdays_are_the_next_or_the_last_one(text: str, future: datetime, past: datetime) -> None:
    assert when(text, direction="future") == future
    assert when(text, direction="past") == past


def test_todays_weekday_means_today_only_on_the_right_side_of_now() -> None:
    # Wednesday 10:00 local.
    assert when("wed", direction="future") == local(11, 25, 9)  # 09:00 today is gone
    assert when("wed 11am", direction="future") == local(11, 18, 11)
    assert when("wed 9am", direction="past") == local(11, 18, 9)
    assert when("wed", direction="past") == local(11, 11, 12)  # 12:00 today hasn't come


def test_next_and_last_never_mean_today() -> None:
    assert when("next wed 11am", direction="future") == local(11, 25, 11)
    assert when("last wed 9am", direction="past") == local(11, 11, 9)
    assert when("next fri", direction="past") == local(11, 20, 9)
    assert when("last fri", direction="future") == local(11, 13, 12)
    assert when("this fri") == local(11, 20, 9)


# --- times of day -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "future", "past"),
    [
        ("4pm", local(11, 18, 16), local(11, 17, 16)),
        ("4 pm", local(11, 18, 16), local(11, 17, 16)),
        ("4 p.m.", local(11, 18, 16), local(11, 17, 16)),
        ("16:00", local(11, 18, 16), local(11, 17, 16)),
        ("10:30am", local(11, 18, 10, 30), local(11, 17, 10, 30)),
        ("9am", local(11, 19, 9), local(11, 18, 9)),
        ("10:00", local(11, 19, 10), local(11, 18, 10)),  # exactly now: past, not future
        ("12am", local(11, 19, 0), local(11, 18, 0)),
        ("12pm", local(11, 18, 12), local(11, 17, 12)),
        ("at 7:05", local(11, 19, 7, 5), local(11, 18, 7, 5)),
    ],
)
def test_times_are_the_next_or_the_last_such_moment(
    text: str, future: datetime, past: datetime
) -> None:
    assert when(text, direction="future") == future
    assert when(text, direction="past") == past


# --- calendar dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "future", "past"),
    [
        ("2026-12-01", local(12, 1, 9), local(12, 1, 12)),
        ("2026-12-01 14:30", local(12, 1, 14, 30), local(12, 1, 14, 30)),
        ("2026-12-01T14:30", local(12, 1, 14, 30), local(12, 1, 14, 30)),
        ("2026-12-01t14:30:00", local(12, 1, 14, 30), local(12, 1, 14, 30)),
        ("2026-12-01 4pm", local(12, 1, 16), local(12, 1, 16)),
        ("2026-12-01 9:05", local(12, 1, 9, 5), local(12, 1, 9, 5)),
        ("2026-11-02", local(11, 2, 9), local(11, 2, 12)),
        ("dec 1 2026", local(12, 1, 9), local(12, 1, 12)),
        ("1 December, 2026", local(12, 1, 9), local(12, 1, 12)),
        ("December 1, 2026 at 3pm", local(12, 1, 15), local(12, 1, 15)),
    ],
)
def test_calendar_dates(text: str, future: datetime, past: datetime) -> None:
    assert when(text, direction="future") == future
    assert when(text, direction="past") == past


def test_a_date_without_a_year_is_the_nearest_one_on_the_side() -> None:
    assert when("dec 1", direction="future") == local(12, 1, 9)
    assert when("dec 1", direction="past") == to_utc(datetime(2025, 12, 1, 12, 0), MINUS_5)
    assert when("3 nov", direction="future") == to_utc(datetime(2027, 11, 3, 9, 0), MINUS_5)
    assert when("3 nov 2pm", direction="past") == local(11, 3, 14)
    assert when("nov 18", direction="future") == NOW  # today, clamped like "today"
    assert when("nov 18 8am", direction="future") == local(11, 18, 8)
    assert when("feb 29") == to_utc(datetime(2028, 2, 29, 9, 0), MINUS_5)


def test_iso_dates_in_utc() -> None:
    assert when("2026-12-01 14:30", tz=UTC) == datetime(2026, 12, 1, 14, 30)
    assert when("2026-12-01", tz=UTC) == datetime(2026, 12, 1, 9, 0)
    assert when("2026-12-01", tz=UTC, direction="past") == datetime(2026, 12, 1, 12, 0)


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "next blursday",
        "blursday",
        "32/13/2026",
        "12/01/2026",
        "in -3 days",
        "-3 days ago",
        "in 9999999 days",
        "in 99999999999999999999999999 days",
        "9999999 hours ago",
        "in 200 years",
        "2026-02-30",
        "2026-13-01",
        "2026-12-01 25:00",
        "0001-01-01",
        "feb 30",
        "25:00",
        "13pm",
        "0am",
        "10",
        "mon 10",
        "in 3 fortnights",
        "in 3 hours at 4pm",
        "tomorrow yesterday",
        "4pm 5pm",
        "soon",
        "tomorrowish",
        "fri fri",
        "2026-12-01T14:30+02:00",
        "x" * 200,
    ],
)
def test_unreadable_text_raises_when_error_naming_it(text: str) -> None:
    with pytest.raises(WhenError) as raised:
        when(text)
    if text.strip() and len(text) < 40:
        assert text.strip() in str(raised.value)


def test_when_error_is_a_value_error() -> None:
    assert issubclass(WhenError, ValueError)


def test_a_bad_direction_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="direction"):
        parse_when("now", now=NOW, tz=UTC, direction="sideways")  # type: ignore[arg-type]


@given(st.text(max_size=60))
def test_any_text_gives_a_moment_or_a_when_error(text: str) -> None:
    for direction in ("past", "future"):
        try:
            result = parse_when(text, now=NOW, tz=MINUS_5, direction=direction)
        except WhenError:
            continue
        assert isinstance(result, datetime)
        assert result.tzinfo is None


@given(
    st.lists(
        st.sampled_from(
            [
                "in",
                "ago",
                "at",
                "next",
                "last",
                "3",
                "a",
                "days",
                "h",
                "fri",
                "4pm",
                "10:30",
                "tomorrow",
                "today",
                "dec",
                "1",
                "2026",
                "2026-12-01",
                "noon",
                "-",
                "99999999",
            ]
        ),
        max_size=5,
    ).map(" ".join)
)
def test_any_mix_of_known_words_gives_a_moment_or_a_when_error(text: str) -> None:
    for direction in ("past", "future"):
        try:
            result = parse_when(text, now=NOW, tz=UTC, direction=direction)
        except WhenError:
            continue
        assert isinstance(result, datetime)
        assert abs(result - NOW) < timedelta(days=36600)


# --- next touch -------------------------------------------------------------------------------

DEFAULT = datetime(2026, 11, 20, 15, 0)


def next_touch(text: str, default: datetime | None = DEFAULT) -> NextTouch:
    """parse_next_touch at NOW in UTC-5."""
    return parse_next_touch(text, now=NOW, tz=MINUS_5, default=default)


def test_empty_next_touch_is_the_default() -> None:
    assert next_touch("") == NextTouch(DEFAULT)
    assert next_touch("   ") == NextTouch(DEFAULT)
    assert next_touch("", default=None) == NextTouch(None)


def test_next_touch_reads_the_future() -> None:
    assert next_touch("fri") == NextTouch(local(11, 20, 9))
    assert next_touch("in 2 days") == NextTouch(NOW + timedelta(days=2))
    assert next_touch("4pm") == NextTouch(local(11, 18, 16))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("none: they hired someone else", "they hired someone else"),
        ("None - waiting for their offer", "waiting for their offer"),
        ("none — on holiday", "on holiday"),
        ("none, withdrew", "withdrew"),
        ("none they ghosted me", "they ghosted me"),
        ("NONE:   spaced    out  ", "spaced out"),
    ],
)
def test_none_with_a_reason_declines_the_next_touch(text: str, reason: str) -> None:
    assert next_touch(text) == NextTouch(None, reason)


@pytest.mark.parametrize("text", ["none", "None", " none ", "none:", "none -", "none —"])
def test_none_without_a_reason_asks_for_one(text: str) -> None:
    with pytest.raises(WhenError, match="why"):
        next_touch(text)


@pytest.mark.parametrize("text", ["nonesuch", "next blursday", "in -1 days"])
def test_unreadable_next_touch_raises(text: str) -> None:
    with pytest.raises(WhenError):
        next_touch(text)


def test_iso_midnight_written_as_24_00_is_refused_like_other_clock_times() -> None:
    with pytest.raises(WhenError, match="not a real date or time"):
        when("2026-12-01 24:00", tz=UTC)
