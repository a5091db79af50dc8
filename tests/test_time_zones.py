"""Typed → stored → shown, in zones of both hemispheres, with and without daylight saving.

Each typed wall time is read with the offset of its own date, stored as UTC and shown back
as the same wall time; the two edge readings (a time the clocks skip, a time they pass twice)
are the ones parse_when documents.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.domain.followups import (
    CHECK_IN_BUSINESS_DAYS,
    WINDOWS,
    add_business_days,
    default_next_touch,
    plan_follow_up,
)
from crm.domain.types import FollowUpKind
from crm.domain.when import parse_when
from crm.domain.zones import to_local, to_utc
from crm.zone import local_text

ZONE_NAMES = (
    "America/New_York",  # north, DST
    "Europe/Berlin",  # north, DST, other dates
    "Australia/Sydney",  # south: DST over the new year
    "Australia/Lord_Howe",  # south, a half-hour DST shift
    "America/St_Johns",  # a half-hour offset with DST
    "Asia/Kolkata",  # a half-hour offset, no DST
    "Asia/Tokyo",  # no DST
)
ZONES = [ZoneInfo(name) for name in ZONE_NAMES]
NOW = datetime(2026, 11, 18, 15, 0)


def _transitions(zone: ZoneInfo) -> list[datetime]:
    """The UTC hours in 2026–2027 after which ``zone`` changes its offset."""
    found = []
    moment = datetime(2026, 1, 1)
    offset = to_local(moment, zone) - moment
    while moment < datetime(2028, 1, 1):
        moment += timedelta(hours=1)
        now_offset = to_local(moment, zone) - moment
        if now_offset != offset:
            found.append(moment)
            offset = now_offset
    return found


TRANSITIONS = {zone.key: _transitions(zone) for zone in ZONES}


def test_the_zones_cover_both_hemispheres_and_no_dst() -> None:
    assert len(TRANSITIONS["America/New_York"]) == 4
    assert TRANSITIONS["Australia/Sydney"][0].month == 4  # autumn in April: the south
    assert TRANSITIONS["Asia/Kolkata"] == TRANSITIONS["Asia/Tokyo"] == []


@st.composite
def wall_times(draw: st.DrawFn) -> tuple[ZoneInfo, datetime]:
    """A zone and a local wall time within a day and a half of one of its clock changes."""
    zone = draw(st.sampled_from(ZONES))
    changes = TRANSITIONS[zone.key] or [datetime(2026, 3, 29, 1), datetime(2026, 10, 25, 1)]
    around = to_local(draw(st.sampled_from(changes)), zone)
    minutes = draw(st.integers(-36 * 60, 36 * 60))
    return zone, around + timedelta(minutes=minutes)


def _offsets(wall: datetime, zone: ZoneInfo) -> tuple[timedelta, timedelta]:
    """The offsets zoneinfo gives ``wall`` read as the first (fold=0) and second (fold=1)."""
    first = wall.replace(tzinfo=zone).utcoffset()
    second = wall.replace(tzinfo=zone, fold=1).utcoffset()
    assert first is not None and second is not None
    return first, second


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether some UTC moment shows as ``wall`` in ``zone`` (False in a spring-forward gap)."""
    return any(to_local(wall - offset, zone) == wall for offset in _offsets(wall, zone))


@settings(max_examples=400, deadline=None)
@given(wall_times())
def test_a_typed_wall_time_is_stored_with_its_dates_offset_and_shown_back(
    case: tuple[ZoneInfo, datetime],
) -> None:
    zone, wall = case
    typed = f"{wall:%Y-%m-%d %H:%M}"
    for direction in ("past", "future"):
        stored = parse_when(typed, now=NOW, tz=zone, direction=direction)  # type: ignore[arg-type]
        first, second = _offsets(wall, zone)
        assert stored == wall - first  # fold=0: the offset in force before any change
        shown = local_text(stored, zone)
        if _exists(wall, zone):
            assert shown == typed
        else:  # in the gap: moved on by the gap's length
            assert shown == f"{wall + (second - first):%Y-%m-%d %H:%M}"


@settings(max_examples=300, deadline=None)
@given(wall_times(), st.integers(1, 9))
def test_in_n_days_keeps_the_wall_clock_across_a_change(
    case: tuple[ZoneInfo, datetime], days: int
) -> None:
    zone, wall = case
    if not _exists(wall, zone):
        return
    now = to_utc(wall, zone)
    later = to_local(parse_when(f"in {days} days", now=now, tz=zone), zone)
    assert later.date() == wall.date() + timedelta(days=days)
    if _exists(wall + timedelta(days=days), zone):
        assert later.time() == wall.time()


@settings(max_examples=300, deadline=None)
@given(wall_times())
def test_day_windows_count_local_days_and_hour_windows_exact_hours(
    case: tuple[ZoneInfo, datetime],
) -> None:
    zone, wall = case
    if not _exists(wall, zone):
        return
    start = to_utc(wall, zone)
    week = plan_follow_up(FollowUpKind.KEEP_IN_TOUCH, start, 1, tz=zone)
    end_wall = wall + timedelta(days=7)
    if _exists(end_wall, zone):
        assert to_local(week.window_end, zone) == end_wall
    thanks = plan_follow_up(FollowUpKind.THANK_YOU_EMAIL, start, 1, tz=zone)
    assert thanks.window_end - start == WINDOWS[FollowUpKind.THANK_YOU_EMAIL].end
    nudge = default_next_touch(start, tz=zone)
    assert to_local(nudge, zone).date() == add_business_days(wall, CHECK_IN_BUSINESS_DAYS).date()
    assert to_local(nudge, zone).weekday() < 5


def test_without_a_zone_day_windows_are_plain_days() -> None:
    planned = plan_follow_up(FollowUpKind.CASUAL_TOUCH, NOW, 1)
    assert planned.window_end - planned.window_start == timedelta(days=7)


def test_a_week_across_the_new_york_fall_back_keeps_its_hour() -> None:
    ny = ZoneInfo("America/New_York")
    start = to_utc(datetime(2026, 10, 30, 15, 0), ny)  # Friday, EDT
    week = plan_follow_up(FollowUpKind.KEEP_IN_TOUCH, start, 1, tz=ny)
    assert to_local(week.window_end, ny) == datetime(2026, 11, 6, 15, 0)  # EST, still 15:00
    assert week.window_end - start == timedelta(days=7, hours=1)


# --- the two edge readings, documented in parse_when ------------------------------------------

NEW_YORK = ZoneInfo("America/New_York")


def test_a_time_the_clocks_skip_is_moved_on_by_the_gap() -> None:
    stored = parse_when("2027-03-14 02:30", now=NOW, tz=NEW_YORK)
    assert stored == datetime(2027, 3, 14, 7, 30)  # read as EST, i.e. 03:30 EDT
    assert local_text(stored, NEW_YORK) == "2027-03-14 03:30"


def test_a_time_the_clocks_pass_twice_is_the_first_one() -> None:
    stored = parse_when("2026-11-01 01:30", now=NOW, tz=NEW_YORK)
    assert stored == datetime(2026, 11, 1, 5, 30)  # 01:30 EDT, before the clocks go back
    assert local_text(stored, NEW_YORK) == "2026-11-01 01:30"
    assert local_text(stored + timedelta(hours=1), NEW_YORK) == "2026-11-01 01:30"  # the second


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_NAMES)
def test_shown_times_are_local_on_their_own_date(zone: ZoneInfo) -> None:
    for month in (1, 7):
        moment = datetime(2026, month, 15, 12, 0)
        expected = moment.replace(tzinfo=UTC).astimezone(zone)
        assert local_text(moment, zone) == f"{expected:%Y-%m-%d %H:%M}"
