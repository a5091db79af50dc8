"""Naming a day in a message, in the languages crm writes and reads: "on Thursday", «в четверг»,
"sa Huwebes".

A closing that owns the next step names a concrete day; the drafts and the ring checker's
suggestion both say it with these words, and the commitment reader understands them back.
"""

from __future__ import annotations

from datetime import date

LANGUAGES = ("en", "ru", "tl")
"""The languages the ring checker reads: English and the two articles' (Russian, Tagalog)."""

DRAFT_LANGUAGES = ("en", "ru")
"""The languages crm writes drafts in out of the box."""

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "tl": "Tagalog"}

WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ru": ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"),
    "tl": ("Lunes", "Martes", "Miyerkules", "Huwebes", "Biyernes", "Sabado", "Linggo"),
}
"""Weekday names, Monday first, in the nominative (the dictionary form)."""

RU_WEEKDAYS_ON = (
    "в понедельник",
    "во вторник",
    "в среду",
    "в четверг",
    "в пятницу",
    "в субботу",
    "в воскресенье",
)
"""«On Monday» …: Russian puts the weekday in the accusative after «в» («во» before «вт»)."""

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    "tl": (
        "Enero",
        "Pebrero",
        "Marso",
        "Abril",
        "Mayo",
        "Hunyo",
        "Hulyo",
        "Agosto",
        "Setyembre",
        "Oktubre",
        "Nobyembre",
        "Disyembre",
    ),
}
"""Month names as a date says them ("10 December", «10 декабря» in the genitive, "Disyembre")."""

_TOMORROW = {"en": "tomorrow", "ru": "завтра", "tl": "bukas"}
_TODAY = {"en": "today", "ru": "сегодня", "tl": "ngayong araw"}

WEEKDAY_REACH = 6
"""Up to this many days ahead a weekday names one day unambiguously; further needs a date."""


def on_day(language: str, day: date, today: date) -> str:
    """How a message in ``language`` says "on ``day``", seen from ``today``.

    "tomorrow" for tomorrow, the weekday within the coming week ("on Thursday", «в четверг»,
    "sa Huwebes"), and the date beyond it ("on 10 December", «10 декабря», "sa ika-10 ng
    Disyembre"), so that the day is never ambiguous. An unknown language reads as English.
    """
    language = language if language in LANGUAGES else "en"
    ahead = (day - today).days
    if ahead == 0:
        return _TODAY[language]
    if ahead == 1:
        return _TOMORROW[language]
    if 1 < ahead <= WEEKDAY_REACH:
        weekday = day.weekday()
        if language == "ru":
            return RU_WEEKDAYS_ON[weekday]
        if language == "tl":
            return f"sa {WEEKDAYS['tl'][weekday]}"
        return f"on {WEEKDAYS['en'][weekday]}"
    month = MONTHS[language][day.month - 1]
    year = f" {day.year}" if day.year != today.year else ""
    if language == "ru":
        return f"{day.day} {month}{year}" + (" г." if year else "")
    if language == "tl":
        return f"sa ika-{day.day} ng {month}{year}"
    return f"on {day.day} {month}{year}"
