"""Reading the dates and times users type ("fri 10am", "in 3 days", "2026-12-01") as naive UTC."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

from crm.domain.zones import to_local, to_utc

if TYPE_CHECKING:
    from dateutil.relativedelta import relativedelta

Tense = Literal["past", "future"]
"""Which side of now an incomplete date means: "past" for when something happened, "future"
for when to do something."""

FUTURE_DEFAULT_TIME = time(9, 0)
"""A next touch typed as a bare date lands at the start of the working day."""

PAST_DEFAULT_TIME = time(12, 0)
"""A past conversation typed as a bare date is placed mid-day, the least wrong guess for a log."""

MAX_DISTANCE = timedelta(days=100 * 366)
"""Anything further from now than this is a typo, not a plan or a memory."""

MAX_TEXT_LENGTH = 80

END_OF_WEEK_TIME = time(17, 0)
""""End of week" is Friday at the end of the working day."""

EXAMPLES = "'tomorrow 4pm', 'fri', 'in 3 days', '2 hours ago' or '2026-12-01 14:30'"

_DAY_OFFSETS = {"today": 0, "tomorrow": 1, "yesterday": -1}

# Parts of the day, each at a time a person would pick for it.
_PARTS_OF_DAY = {"morning": time(9, 0), "afternoon": time(14, 0), "evening": time(19, 0)}

# Vague amounts, as the playbook says them: "in a couple of days", "a few weeks ago".
_VAGUE_AMOUNTS = {"a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3}

_END_OF_WEEK = frozenset({"end of week", "end of the week", "end of this week", "eow"})

_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

# "m" is minutes ("5m ago"); months need "mo" so the two never collide.
_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
    **dict.fromkeys(("mo", "mos", "month", "months"), "months"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "years"),
}
_CLOCK_UNITS = frozenset({"minutes", "hours"})

_AMOUNT = (
    r"(?:(?P<count>\d+) ?|(?P<vague>a couple of|a couple|couple of|a few) |(?P<article>an?) )"
    r"(?P<unit>[a-z]+)"
)
_IN = re.compile(rf"in {_AMOUNT}", re.ASCII)
_AGO = re.compile(rf"{_AMOUNT} ago", re.ASCII)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2})?", re.ASCII)
_WEEKDAY = re.compile(r"(?:(?P<which>next|last|this) )?(?P<name>[a-z]+)", re.ASCII)
_MONTH_FIRST = re.compile(r"(?P<month>[a-z]+) (?P<day>\d{1,2})(?: (?P<year>\d{4}))?", re.ASCII)
_DAY_FIRST = re.compile(r"(?P<day>\d{1,2}) (?P<month>[a-z]+)(?: (?P<year>\d{4}))?", re.ASCII)
_TWELVE_HOUR = re.compile(
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))? ?(?P<half>[ap])\.?m\.?", re.ASCII
)
_TWENTY_FOUR_HOUR = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})", re.ASCII)
# "this afternoon" is today's afternoon; "tonight" is this evening.
_THIS_PART_OF_DAY = re.compile(r"\b(?:this (morning|afternoon|evening)|(tonight))\b", re.ASCII)
_DECLINED = re.compile(
    r"none(?:\s*[:\-\u2013\u2014,]\s*|\s+)(?P<reason>.*)", re.IGNORECASE | re.DOTALL
)
_DECLINED_BARE = re.compile(r"none\s*[:\-\u2013\u2014,]?", re.IGNORECASE)

_Resolver = Callable[[time | None], datetime]


class WhenError(ValueError):
    """Raised when typed text isn't a date or time we can read; the message is shown as is."""


@dataclass(frozen=True)
class NextTouch:
    """The next touch the user committed to, or ``at=None`` with the reason they declined."""

    at: datetime | None
    reason: str = ""


def parse_when(text: str, *, now: datetime, tz: tzinfo, direction: Tense = "future") -> datetime:
    """Read what a user typed as a moment, interpreted in their time zone, returned as naive UTC.

    Relative forms ("now", "in 3 hours", "2 days ago", "in 2 weeks") are exact; hours and
    minutes count on the clock, days and longer count local calendar days, so "in 3 days"
    across a daylight-saving change keeps its wall-clock time. "A couple of" is 2, "a few" 3.
    Incomplete forms take ``direction``: a bare weekday or time is the next such moment after
    now ("future") or the latest one at or before now ("past"), today included when the moment
    falls on that side; "next fri" and "last fri" never mean today. A date without a time is
    09:00 (future) or 12:00 (past) local, except that a bare date that is today never lands on
    the wrong side of now. "Morning" is 09:00, "afternoon" 14:00, "evening" and "tonight"
    19:00. "Next week" is next week's Monday at 09:00; "end of week" is Friday 17:00, the
    nearest one on the ``direction`` side of now (so on a Saturday, a plan for "end of week"
    is next Friday).

    Every calendar form is a wall-clock time in ``tz`` on its own date, with that date's
    offset. A wall time the clocks skip (New York, 2027-03-14 02:30) is read with the offset
    from before the change, so it lands as far after the change as it was typed after the
    hour: 03:30 daylight time. A wall time that happens twice (New York, 2026-11-01 01:30)
    is the first of the two, in daylight time (05:30 UTC). Both are zoneinfo's ``fold=0``.

    Args:
        text: What the user typed.
        now: The current time (naive UTC).
        tz: The user's time zone.
        direction: Which side of now incomplete dates mean.

    Returns:
        The moment, as naive UTC.

    Raises:
        WhenError: The text isn't a date or time this function reads, or is absurdly far away.
    """
    if direction not in ("past", "future"):
        raise ValueError(f"direction must be 'past' or 'future', not {direction!r}")
    if not text.strip():
        raise WhenError(f"Type a date or time, such as {EXAMPLES}.")
    if len(text) > MAX_TEXT_LENGTH:
        raise WhenError(f"{_quoted(text)} is too long to be a date or time.")
    phrase = " ".join(text.replace(",", " ").casefold().split())
    phrase = _THIS_PART_OF_DAY.sub(lambda m: f"today {m[1] or 'evening'}", phrase)
    try:
        moment = _parse_instant(phrase, now)
        if moment is None:
            local = _parse_calendar(phrase, to_local(now, tz), direction, text)
            if local is None:
                raise WhenError(f"Can't read {_quoted(text)} as a date or time; try {EXAMPLES}.")
            moment = to_utc(local, tz)
    except OverflowError as error:
        raise WhenError(f"{_quoted(text)} is too far from today.") from error
    except WhenError:
        raise
    except ValueError as error:
        # Out-of-range fields ("2026-02-30", "25:00", "24:00") land here from datetime and dateutil.
        raise WhenError(f"{_quoted(text)} is not a real date or time.") from error
    if abs(moment - now) > MAX_DISTANCE:
        raise WhenError(f"{_quoted(text)} is too far from today.")
    return moment


def parse_next_touch(
    text: str, *, now: datetime, tz: tzinfo, default: datetime | None
) -> NextTouch:
    """Read the "next touch" field: a moment, empty for ``default``, or "none: reason" to decline.

    Declining the ring needs a reason, so a bare "none" is refused. An empty field with no
    default gives ``NextTouch(None)`` with no reason: the caller asked for no next touch.

    Args:
        text: What the user typed.
        now: The current time (naive UTC).
        tz: The user's time zone.
        default: The suggested next touch, used when the field is left empty.

    Returns:
        The next touch, or the reason there is none.

    Raises:
        WhenError: The text is neither a moment nor a reasoned "none".
    """
    stripped = text.strip()
    if not stripped:
        return NextTouch(at=default)
    if _DECLINED_BARE.fullmatch(stripped):
        raise WhenError("Say why there is no next touch, e.g. 'none: they hired someone else'.")
    declined = _DECLINED.fullmatch(stripped)
    if declined:
        return NextTouch(at=None, reason=" ".join(declined["reason"].split()))
    return NextTouch(
        at=require_ahead(
            stripped, parse_when(stripped, now=now, tz=tz, direction="future"), now=now
        )
    )


def require_ahead(text: str, moment: datetime, *, now: datetime) -> datetime:
    """``moment`` if it is now or later; a next touch in the past is refused with WhenError.

    Args:
        text: What the user typed, quoted in the message.
        moment: What it was read as (naive UTC).
        now: The current time (naive UTC).

    Returns:
        ``moment``.

    Raises:
        WhenError: ``moment`` is before ``now``.
    """
    if moment < now:
        raise WhenError(f"{_quoted(text)} is in the past; a next touch is ahead of you.")
    return moment


def _quoted(text: str) -> str:
    """The user's text, quoted for a one-line message and cut short if it is long."""
    text = " ".join(text.split())  # a pasted newline or tab must not break the line
    shown = text if len(text) <= 40 else text[:39] + "…"
    return f"“{shown}”"


def _parse_instant(phrase: str, now: datetime) -> datetime | None:
    """Read the forms that are exact moments, counted on the UTC clock: now, N minutes/hours."""
    if phrase == "now":
        return now
    amount = _relative_amount(phrase)
    if amount is None or amount[1] not in _CLOCK_UNITS:
        return None
    count, unit = amount
    return now + timedelta(**{unit: count})


def _relative_amount(phrase: str) -> tuple[int, str] | None:
    """Read "in N units" / "N units ago" as a signed count and a unit name, or None."""
    for pattern, sign in ((_IN, 1), (_AGO, -1)):
        match = pattern.fullmatch(phrase)
        if match and match["unit"] in _UNITS:
            if match["vague"]:
                count = _VAGUE_AMOUNTS[match["vague"]]
            else:
                count = 1 if match["article"] else int(match["count"])
            return sign * count, _UNITS[match["unit"]]
    return None


def _parse_calendar(phrase: str, local_now: datetime, tense: Tense, text: str) -> datetime | None:
    """Read the calendar forms (a day, a time, or both) as naive local time, or None."""
    if _ISO_DATETIME.fullmatch(phrase):
        return datetime.fromisoformat(phrase)
    words = phrase.split(" ")
    readings: set[datetime] = set()
    for split_at in range(len(words) + 1):
        head, tail = words[:split_at], words[split_at:]
        for day_words, time_words in ((head, tail), (tail, head)):
            reading = _read_day_and_time(day_words, time_words, local_now, tense)
            if reading is not None:
                readings.add(reading)
    if len(readings) > 1:
        raise WhenError(f"{_quoted(text)} can be read more than one way; be more specific.")
    return readings.pop() if readings else None


def _read_day_and_time(
    day_words: list[str], time_words: list[str], local_now: datetime, tense: Tense
) -> datetime | None:
    """Read one split of the phrase into a day part and a time part, or None if either fails."""
    if day_words and day_words[-1] == "at":
        day_words = day_words[:-1]
    if time_words and time_words[0] == "at":
        time_words = time_words[1:]
    if not day_words and not time_words:
        return None
    at = _parse_time(" ".join(time_words)) if time_words else None
    if time_words and at is None:
        return None
    if not day_words:
        return _nearest(local_now, tense, at, lambda _day: True, skip_today=False)
    resolve = _parse_day(" ".join(day_words), local_now, tense)
    return None if resolve is None else resolve(at)


def _parse_time(phrase: str) -> time | None:
    """Read a time of day ("4pm", "10:30am", "16:00", "noon", "morning"), or None."""
    if phrase == "noon":
        return time(12, 0)
    if phrase in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[phrase]
    twelve = _TWELVE_HOUR.fullmatch(phrase)
    if twelve:
        hour, minute = int(twelve["hour"]), int(twelve["minute"] or 0)
        if not 1 <= hour <= 12:
            raise ValueError("12-hour clock hour out of range")
        return time(hour % 12 + (12 if twelve["half"] == "p" else 0), minute)
    twenty_four = _TWENTY_FOUR_HOUR.fullmatch(phrase)
    if twenty_four:
        return time(int(twenty_four["hour"]), int(twenty_four["minute"]))
    return None


def _parse_day(phrase: str, local_now: datetime, tense: Tense) -> _Resolver | None:
    """Read a day ("tomorrow", "fri", "in 3 days", "2026-12-01", "dec 1") as a resolver, or None."""
    today = local_now.date()
    if phrase in _DAY_OFFSETS:
        return _on_date(today + timedelta(days=_DAY_OFFSETS[phrase]), local_now, tense)
    if phrase == "next week":
        monday = today + timedelta(days=7 - today.weekday())
        return lambda at: datetime.combine(monday, at or FUTURE_DEFAULT_TIME)
    if phrase in _END_OF_WEEK:
        return lambda at: _nearest(
            local_now,
            tense,
            at or END_OF_WEEK_TIME,
            lambda day: day.weekday() == 4,
            skip_today=False,
        )
    weekday = _WEEKDAY.fullmatch(phrase)
    if weekday and weekday["name"] in _WEEKDAYS:
        number = _WEEKDAYS[weekday["name"]]
        which = weekday["which"]
        forced: Tense | None = "future" if which == "next" else "past" if which == "last" else None
        return lambda at: _nearest(
            local_now,
            forced or tense,
            at,
            lambda day: day.weekday() == number,
            skip_today=forced is not None,
        )
    amount = _relative_amount(phrase)
    if amount is not None and amount[1] not in _CLOCK_UNITS:
        count, unit = amount
        moved = local_now + _calendar_step(unit, count)
        return lambda at: moved if at is None else datetime.combine(moved.date(), at)
    if _ISO_DATE.fullmatch(phrase):
        return _on_date(date.fromisoformat(phrase), local_now, tense)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        named = pattern.fullmatch(phrase)
        if named and named["month"] in _MONTHS:
            return _on_month_day(
                _MONTHS[named["month"]],
                int(named["day"]),
                int(named["year"]) if named["year"] else None,
                local_now,
                tense,
            )
    return None


def _calendar_step(unit: str, count: int) -> relativedelta:
    """A step of ``count`` calendar units; months and years clip to the month's last day."""
    # Imported here: dateutil is slow to import, and `crm --now` reads ISO moments only.
    from dateutil.relativedelta import relativedelta

    if unit == "days":
        return relativedelta(days=count)
    if unit == "weeks":
        return relativedelta(weeks=count)
    if unit == "months":
        return relativedelta(months=count)
    return relativedelta(years=count)


def _default_time(tense: Tense) -> time:
    """The time of day given to a date typed without one."""
    return FUTURE_DEFAULT_TIME if tense == "future" else PAST_DEFAULT_TIME


def _on_date(day: date, local_now: datetime, tense: Tense) -> _Resolver:
    """A resolver for a fixed date; a bare today is kept on the requested side of now."""

    def resolve(at: time | None) -> datetime:
        if at is not None:
            return datetime.combine(day, at)
        moment = datetime.combine(day, _default_time(tense))
        if day != local_now.date():
            return moment
        # "today" as a next touch must not already be overdue, nor a logged "today" in the future.
        return max(moment, local_now) if tense == "future" else min(moment, local_now)

    return resolve


def _on_month_day(
    month: int, day_of_month: int, year: int | None, local_now: datetime, tense: Tense
) -> _Resolver:
    """A resolver for "dec 1" / "1 dec 2026"; without a year, the nearest such date on the side."""
    if year is not None:
        return _on_date(date(year, month, day_of_month), local_now, tense)
    today = local_now.date()
    step = 1 if tense == "future" else -1
    for years_away in range(9):
        try:
            candidate = date(today.year + step * years_away, month, day_of_month)
        except ValueError:
            continue  # 29 February outside a leap year
        if (candidate >= today) if tense == "future" else (candidate <= today):
            return _on_date(candidate, local_now, tense)
    raise ValueError("no such day of the year")


def _nearest(
    local_now: datetime,
    tense: Tense,
    at: time | None,
    matches: Callable[[date], bool],
    *,
    skip_today: bool,
) -> datetime:
    """The first matching day, walking from today in ``tense``, whose moment is on that side."""
    if at is None:
        at = _default_time(tense)
    step = timedelta(days=1 if tense == "future" else -1)
    day = local_now.date()
    for days_away in range(8):
        candidate = datetime.combine(day + step * days_away, at)
        on_side = candidate > local_now if tense == "future" else candidate <= local_now
        if on_side and matches(candidate.date()) and not (skip_today and days_away == 0):
            return candidate
    raise ValueError("no matching day within a week")
