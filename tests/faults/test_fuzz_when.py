"""Bad input, fuzzed: typed dates and times are read, or refused with WhenError, never a crash.

Phrases are built from the words the parser knows (and near misses of them), in every
order, with out-of-range numbers, in time zones with odd offsets and DST gaps, around
"now"s from 1900 to 2200; plus random text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain.when import MAX_DISTANCE, WhenError, parse_next_touch, parse_when
from tests.faults.fuzzing import fuzz_settings

pytestmark = pytest.mark.faults

ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC", "America/New_York", "Europe/Berlin", "Asia/Kathmandu", "Pacific/Chatham",
        "Australia/Lord_Howe", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns",
    )
]  # fmt: skip

WORDS = [
    "now", "today", "tomorrow", "yesterday", "in", "ago", "at", "next", "last", "this",
    "noon", "a", "an", "mon", "tues", "wed", "thurs", "fri", "sat", "sunday", "jan",
    "feb", "march", "may", "sept", "dec", "m", "min", "h", "hours", "d", "days", "w",
    "weeks", "mo", "months", "y", "years", "am", "pm", "p.m.", "none", "none:", "none -",
    ",", ":", "-", "T", "Z", "+05:30", "fortnight", "moon", "in in", "ago ago",
]  # fmt: skip

NUMBERS = st.one_of(
    st.integers(0, 60),
    st.integers(0, 10**12),
    st.sampled_from([0, 1, 12, 13, 24, 25, 29, 30, 31, 32, 59, 60, 99, 366, 9999, 10000]),
).map(str)

CLOCKS = st.builds(
    lambda hour, minute, suffix: f"{hour}:{minute:02d}{suffix}",
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from(["", "am", "pm", " am", "a.m.", "p"]),
)

DATES = st.builds(
    lambda year, month, day, time: f"{year:04d}-{month:02d}-{day:02d}{time}",
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(["", " 10:00", "T23:59", " 24:00", "t00:00:60", " 9:5"]),
)

PHRASES = st.lists(
    st.one_of(st.sampled_from(WORDS), NUMBERS, CLOCKS, DATES), min_size=1, max_size=5
).map(" ".join)

TEXT = st.one_of(PHRASES, PHRASES, PHRASES, st.text(max_size=40), st.text(max_size=200))

NOWS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))


@pytest.fixture
def counted(tally: Callable[[str, int], None]):  # type: ignore[no-untyped-def]
    """A counter of inputs, tallied when the test ends."""
    counts: dict[str, int] = {}
    yield counts
    for target, count in counts.items():
        tally(f"fuzz inputs tried: {target}", count)


@pytest.mark.slow
@fuzz_settings(2500)
@given(
    text=TEXT,
    now=NOWS,
    zone=st.sampled_from(ZONES),
    direction=st.sampled_from(["past", "future"]),
)
def test_parse_when(counted, text: str, now: datetime, zone: ZoneInfo, direction: str) -> None:  # type: ignore[no-untyped-def]
    counted["parse_when"] = counted.get("parse_when", 0) + 1
    try:
        moment = parse_when(text, now=now, tz=zone, direction=direction)  # type: ignore[arg-type]
    except WhenError as error:
        assert str(error).strip() and "\n" not in str(error)
        return
    assert moment.tzinfo is None
    assert abs(moment - now) <= MAX_DISTANCE


@fuzz_settings(500)
@given(
    text=st.one_of(TEXT, TEXT.map(lambda phrase: "none: " + phrase)),
    now=NOWS,
    zone=st.sampled_from(ZONES),
    has_default=st.booleans(),
)
def test_parse_next_touch(  # type: ignore[no-untyped-def]
    counted, text: str, now: datetime, zone: ZoneInfo, has_default: bool
) -> None:
    counted["parse_next_touch"] = counted.get("parse_next_touch", 0) + 1
    default = now + timedelta(days=2) if has_default else None
    try:
        touch = parse_next_touch(text, now=now, tz=zone, default=default)
    except WhenError as error:
        assert str(error).strip() and "\n" not in str(error)
        return
    assert touch.at is None or touch.at.tzinfo is None
