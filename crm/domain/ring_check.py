"""The ring in words: does a message own its next step, or hand it to the other side?

"Hope to hear from you soon" gives the ring up; "I'll call you on Thursday if I haven't heard
back" keeps it. The phrase lists are data (ring_phrases/{en,ru,tl}.toml), every language's
list applies to every text (people mix languages), and a commitment with a day in the user's
own text is a next touch on that day.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from importlib import resources
from itertools import islice
from typing import Any

from crm.domain.day_words import LANGUAGES, MONTHS, WEEKDAYS, on_day
from crm.domain.followups import default_next_touch
from crm.domain.zones import to_local


class RingVerdict(StrEnum):
    """What a text does with the ring."""

    KEPT = "kept"
    """The user names their own next step."""
    GIVEN_UP = "given-up"
    """The text hands the next step to the other side and names none of the user's."""
    SILENT = "silent"
    """Neither: a plain note."""


@dataclass(frozen=True)
class RingPhrase:
    """One phrase that hands the next step to the other side."""

    phrase: str
    start: int
    end: int
    language: str
    why: str


@dataclass(frozen=True)
class Commitment:
    """The user's own next step in the text ("I'll call you on Thursday")."""

    phrase: str
    start: int
    end: int
    language: str
    due: datetime | None
    """Naive UTC: the day named (local 09:00 unless a time is named), None if no day."""


@dataclass(frozen=True)
class RingCheck:
    """The verdict on one text, the phrases behind it and what to say instead."""

    verdict: RingVerdict
    phrases: tuple[RingPhrase, ...]
    commitment: Commitment | None
    suggestion: str
    language: str


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    why: str
    sentence_start: bool = False


@dataclass(frozen=True)
class _Language:
    code: str
    closing: str
    give_up: tuple[_Pattern, ...]
    commitment: tuple[_Pattern, ...]
    negations: frozenset[str]
    markers: frozenset[str]


_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "ё": "е", "‐": "-", "‑": "-"})


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A data pattern as a regex: a space matches any run of whitespace (a wrapped line too)."""
    pattern = pattern.translate(_FOLD).replace("Ё", "Е")  # read as the text is: ё as е, ’ as '
    return re.compile(pattern.replace(" ?", r"\s*").replace(" ", r"\s+"), re.IGNORECASE)


def phrase_data(language: str) -> dict[str, Any]:
    """The raw data file of one language (ring_phrases/<language>.toml)."""
    source = resources.files("crm.domain.ring_phrases").joinpath(f"{language}.toml")
    return tomllib.loads(source.read_text(encoding="utf-8"))


@cache
def _languages() -> tuple[_Language, ...]:
    """Every language's lists, read once."""
    loaded = []
    for code in LANGUAGES:
        data = phrase_data(code)

        def patterns(key: str, data: dict[str, Any] = data) -> tuple[_Pattern, ...]:
            return tuple(
                _Pattern(
                    compile_pattern(entry["pattern"]),
                    entry["why"],
                    bool(entry.get("sentence_start", False)),
                )
                for entry in data[key]
            )

        loaded.append(
            _Language(
                code=code,
                closing=data["closing"],
                give_up=patterns("give_up"),
                commitment=patterns("commitment"),
                negations=frozenset(data["negations"]),
                markers=frozenset(data["markers"]),
            )
        )
    return tuple(loaded)


def _language(code: str) -> _Language:
    return next((lang for lang in _languages() if lang.code == code), _languages()[0])


def _normalized(text: str) -> str:
    """The text as patterns read it, offset for offset: lower case, ’ as ', ё as е."""
    out = []
    for char in text:
        lower = char.lower()
        if len(lower) != 1:  # "İ" lowers to two characters; keeping it keeps the offsets
            lower = char
        out.append(lower)
    return "".join(out).translate(_FOLD)


# A full stop after a month's or a clock's abbreviation ("Dec. 10", "3 p.m.") ends no sentence.
_SENTENCE_END = re.compile(
    r"(?<!\b(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec|p\.m|a\.m))"
    r"[.!?…;]+(?=\s|$|[\"”»)])|\n\s*\n"
)
_WORD = re.compile(r"[\w'-]+")


SENTENCE_REACH = 300
"""How far from a phrase (in characters) its sentence is read: a day or a negation further away
belongs to another thought, and a text without full stops stays linear to check."""


COMMITMENTS_READ = 50
"""How many of a text's commitments are read for a day; a message makes a few, and a pasted
log of thousands must not take minutes."""


class _Sentences:
    """Where the sentences of a normalised text end, found once per text."""

    def __init__(self, norm: str) -> None:
        self.length = len(norm)
        marks = list(_SENTENCE_END.finditer(norm))
        self.starts = [mark.start() for mark in marks]
        self.ends = [mark.end() for mark in marks]
        self.questions = ["?" in mark.group() for mark in marks]

    def bounds(self, at: int) -> tuple[int, int]:
        """The sentence around offset ``at`` (within SENTENCE_REACH of it): from after the
        previous end mark to the start of its own."""
        before = bisect_right(self.ends, at)
        start = self.ends[before - 1] if before else 0
        after = bisect_left(self.starts, at)
        end = self.starts[after] if after < len(self.starts) else self.length
        return max(start, at - SENTENCE_REACH), min(end, at + SENTENCE_REACH)

    def is_question(self, end: int) -> bool:
        """Whether the sentence holding offset ``end`` ends with a question mark."""
        after = bisect_left(self.starts, end)
        return after < len(self.starts) and self.questions[after]


def _negated(norm: str, sentence_start: int, start: int, negations: frozenset[str]) -> bool:
    """Whether the word just before ``start`` (in its sentence) is a negation ("не позвоню")."""
    before = _WORD.findall(norm[max(sentence_start, start - 40) : start])
    return bool(before) and before[-1] in negations


def _give_ups(norm: str, text: str) -> list[RingPhrase]:
    """Every give-up phrase of every language, in text order, overlaps left out."""
    found: list[RingPhrase] = []
    for lang in _languages():
        for pattern in lang.give_up:
            for match in pattern.regex.finditer(norm):
                if match.end() > match.start():
                    found.append(
                        RingPhrase(
                            text[match.start() : match.end()],
                            match.start(),
                            match.end(),
                            lang.code,
                            pattern.why,
                        )
                    )
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[RingPhrase] = []
    for phrase in found:
        if not kept or phrase.start >= kept[-1].end:
            kept.append(phrase)
    return kept


def _commitment_matches(
    norm: str, sentences: _Sentences
) -> Iterator[tuple[_Language, re.Match[str]]]:
    """The user's own next steps, in text order: not negated, not asked, not third person."""
    found = []
    for lang in _languages():
        for pattern in lang.commitment:
            for match in pattern.regex.finditer(norm):
                sentence_start, _ = sentences.bounds(match.start())
                if pattern.sentence_start and norm[sentence_start : match.start()].strip():
                    continue
                if _negated(norm, sentence_start, match.start(), lang.negations):
                    continue
                if sentences.is_question(match.end()):
                    continue
                found.append((lang, match))
    found.sort(key=lambda item: item[1].start())
    yield from found


# --- Reading the day of a commitment -------------------------------------------------------

_DayReader = Callable[[re.Match[str], date], date | None]

_EN_WEEKDAY = (
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wednesday|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|saturday|sunday)"
)
_EN_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)

# Small numbers as words: "a couple of", «пару», "dalawang".
_NUMBER_WORDS = {
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "a few": 3,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "a": 1,
    "one": 1,
    "пару": 2,
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "несколько": 3,
    "один": 1,
    "одну": 1,
    "isang": 1,
    "isa": 1,
    "dalawang": 2,
    "dalawa": 2,
    "tatlong": 3,
    "tatlo": 3,
    "apat na": 4,
    "apat": 4,
    "limang": 5,
    "lima": 5,
}


def _number(words: str | None) -> int:
    if not words:
        return 1
    words = " ".join(words.split())
    return int(words) if words.isdigit() else _NUMBER_WORDS.get(words, 0)


def _alternatives(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))  # plain words: no regex syntax


_EN_NUMBER = r"(?P<n>\d+|" + _alternatives([w for w in _NUMBER_WORDS if w.isascii()]) + ")"
_RU_NUMBER = r"(?P<n>\d+|" + _alternatives([w for w in _NUMBER_WORDS if not w.isascii()]) + ")"
_TL_NUMBER = _EN_NUMBER


def _ru_weekday_forms(nominative: str) -> str:
    """A Russian weekday's inflected forms, from its dictionary form: пятница → пятниц[аыуе]."""
    if nominative.endswith("а"):
        return nominative[:-1] + "(?:а|ы|у|е|ам)"
    if nominative.endswith("е"):
        return nominative[:-1] + "(?:е|я|ю|ям)"
    return nominative + "(?:|а|у|ом|е|ам)"


def _with(name: str, alternatives: list[str]) -> str:
    return f"(?P<{name}>" + "|".join(f"(?:{a})" for a in alternatives) + ")"


_RU_WEEKDAY = _with("wd", [_ru_weekday_forms(day) for day in WEEKDAYS["ru"]])
_TL_WEEKDAY = _with("wd", [day.lower() for day in WEEKDAYS["tl"]])
_RU_MONTH = _with("mon", list(MONTHS["ru"]))
_TL_MONTH = _with("mon", [m.lower() for m in MONTHS["tl"]])


def _next_weekday(today: date, weekday: int) -> date:
    """The next such weekday after today; the same weekday as today is a week later."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _end_of_week(today: date) -> date:
    return today + timedelta(days=(4 - today.weekday()) % 7)


def _parsed(words: Callable[[re.Match[str]], str]) -> _DayReader:
    """A reader that hands the English words ``words`` makes of a match to the date parser."""

    def read(match: re.Match[str], today: date) -> date | None:
        # Imported here, as below: the app's first frame may import this module, not the parser.
        from crm.domain.when import WhenError, parse_when

        start_of_today = datetime.combine(today, datetime.min.time())
        try:
            return parse_when(words(match), now=start_of_today, tz=UTC).date()
        except WhenError:
            return None

    return read


def _month_first(match: re.Match[str]) -> str:
    """ "10th of December, 2026" as the parser reads it: "dec 10 2026"."""
    return " ".join(filter(None, (match["mon"].rstrip(".")[:3], match["d"], match["y"])))


def _weekday_index(match: re.Match[str], names: tuple[str, ...], prefix_len: int) -> int:
    word = match["wd"].lower()
    return next(i for i, name in enumerate(names) if word.startswith(name.lower()[:prefix_len]))


def _month_day(match: re.Match[str], months: tuple[str, ...], today: date) -> date | None:
    word = match["mon"].lower().rstrip(".")
    month = next(i for i, name in enumerate(months, 1) if name.lower().startswith(word[:3]))
    day = int(match["d"])
    year = int(match["y"]) if match["y"] else today.year
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if match["y"] is None and found < today:
        found = found.replace(year=year + 1)
    return found


def _by_offset(days: int) -> _DayReader:
    return lambda _match, today: today + timedelta(days=days)


def _in_units(unit_days: int) -> _DayReader:
    return lambda match, today: today + timedelta(days=_number(match["n"]) * unit_days)


_DAYS: tuple[tuple[re.Pattern[str], _DayReader], ...] = tuple(
    (compile_pattern(pattern), reader)
    for pattern, reader in (
        # English: the words the date parser reads, put the way it reads them.
        (r"\b(?:the )?day after tomorrow\b", _by_offset(2)),
        (r"\btomorrow\b", _parsed(lambda _m: "tomorrow")),
        (r"\b(?:next|early next) week\b", _parsed(lambda _m: "next week")),
        (r"\b(?:(?:by )?(?:the )?end of (?:the |this )?week|eow)\b", _parsed(lambda _m: "eow")),
        (
            rf"\bin {_EN_NUMBER} (?P<u>days?|weeks?)\b",
            _parsed(lambda m: f"in {_number(m['n'])} {m['u']}"),
        ),
        (r"\b\d{4}-\d{2}-\d{2}\b", _parsed(lambda m: m.group())),
        (
            rf"\b{_EN_MONTH} (?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<y>\d{{4}}))?",
            _parsed(_month_first),
        ),
        (
            rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_EN_MONTH}(?:,? (?P<y>\d{{4}}))?",
            _parsed(_month_first),
        ),
        (
            # "next fri" is the parser's "the coming one, never today": the rule for a weekday.
            rf"\b(?:(?:on|by|next|this|before|until) )?{_EN_WEEKDAY}\b",
            _parsed(lambda m: f"next {m['wd']}"),
        ),
        # Russian
        (r"\bпослезавтра\b", _by_offset(2)),
        (r"\bзавтра\b", _by_offset(1)),
        (r"\bна следующей неделе\b", lambda _m, today: _next_monday(today)),
        (r"\b(?:в|к) конц[уе] недели\b", lambda _m, t: _end_of_week(t)),
        (r"\bчерез неделю\b", _by_offset(7)),
        (r"\bчерез день\b", _by_offset(1)),
        (rf"\bчерез {_RU_NUMBER} (?:дня|дней|день)\b", _in_units(1)),
        (rf"\bчерез {_RU_NUMBER} (?:недели|недель|неделю)\b", _in_units(7)),
        (
            rf"\b(?P<d>\d{{1,2}}) {_RU_MONTH}(?: (?P<y>\d{{4}}))?",
            lambda m, t: _month_day(m, MONTHS["ru"], t),
        ),
        (
            rf"(?:\b(?:в|во|к|ко|до|на|по) )?\b{_RU_WEEKDAY}\b",
            lambda m, t: _next_weekday(t, _weekday_index(m, WEEKDAYS["ru"], 3)),
        ),
        # Tagalog
        (r"\b(?:sa )?makalawa\b", _by_offset(2)),
        (r"\bbukas\b", _by_offset(1)),
        (r"\bsa susunod na linggo\b", lambda _m, today: _next_monday(today)),
        (
            rf"\b(?:pagkalipas|makalipas) (?:ng|ang) {_TL_NUMBER} (?:na )?(?P<u>araw|linggo)\b",
            lambda m, today: (
                today + timedelta(days=_number(m["n"]) * (7 if m["u"] == "linggo" else 1))
            ),
        ),
        (
            rf"\bsa loob ng {_TL_NUMBER} (?:na )?(?P<u>araw|linggo)\b",
            lambda m, today: (
                today + timedelta(days=_number(m["n"]) * (7 if m["u"] == "linggo" else 1))
            ),
        ),
        (
            rf"\b(?:sa )?ika-?(?P<d>\d{{1,2}}) ng {_TL_MONTH}(?: (?P<y>\d{{4}}))?",
            lambda m, t: _month_day(m, MONTHS["tl"], t),
        ),
        (
            # "Linggo" alone is also "week": Sunday needs its "sa".
            rf"\b(?:sa (?:darating na )?{_TL_WEEKDAY}"
            r"|(?P<wd2>lunes|martes|miyerkules|huwebes|biyernes|sabado))\b",
            lambda m, t: _next_weekday(
                t,
                [d.lower() for d in WEEKDAYS["tl"]].index((m["wd"] or m["wd2"]).lower()),
            ),
        ),
    )
)

_TIME = compile_pattern(
    r"\b(?:(?:at|в|во|sa|ng|by|around) )?(?:alas-?)?"
    r"(?P<clock>\d{1,2}(?::\d{2})? ?(?:[ap]\.m\.|[ap]m\b)|\d{1,2}:\d{2}\b)"
)


@dataclass(frozen=True)
class _Day:
    start: int
    end: int
    day: date
    clock: str | None


def _read_day(norm: str, start: int, end: int, today: date) -> _Day | None:
    """The first day named between ``start`` and ``end``, with a time if one is named."""
    best: _Day | None = None
    for pattern, reader in _DAYS:
        for match in pattern.finditer(norm, start, end):
            if best is not None and match.start() >= best.start:
                break
            day = reader(match, today)
            if day is not None:
                best = _Day(match.start(), match.end(), day, None)
                break
    if best is None:
        return None
    clock = _TIME.search(norm, start, end)
    if clock is None or (clock.start() < best.end and best.start < clock.end()):
        return best
    return _Day(
        min(best.start, clock.start()), max(best.end, clock.end()), best.day, clock["clock"]
    )


def _due(day: _Day, said_at: datetime, tz: tzinfo) -> datetime | None:
    """The moment a day (and time) names, as naive UTC, read by the date parser for DST."""
    from crm.domain.when import FUTURE_DEFAULT_TIME, WhenError, parse_when

    clock = day.clock or f"{FUTURE_DEFAULT_TIME:%H:%M}"
    clock = " ".join(clock.replace(".", "").split())
    try:
        return parse_when(f"{day.day.isoformat()} {clock}", now=said_at, tz=tz)
    except WhenError:
        return None


def find_commitment(text: str, *, said_at: datetime, tz: tzinfo) -> Commitment | None:
    """The user's own next step in ``text``, with the day it names read from ``said_at``.

    The first commitment that names a day (in its own sentence) wins; otherwise the first one,
    with ``due=None``. A weekday is the next such day after the local day of ``said_at``.
    """
    norm = _normalized(text)
    today = to_local(said_at, tz).date()
    first: Commitment | None = None
    sentences = _Sentences(norm)
    for lang, match in islice(_commitment_matches(norm, sentences), COMMITMENTS_READ):
        sentence_start, sentence_end = sentences.bounds(match.start())
        day = _read_day(norm, match.end(), sentence_end, today) or _read_day(
            norm, sentence_start, match.start(), today
        )
        due = _due(day, said_at, tz) if day is not None else None
        start, end = match.start(), match.end()
        if day is not None and due is not None:
            start, end = min(start, day.start), max(end, day.end)
            return Commitment(text[start:end], start, end, lang.code, due)
        if first is None:
            first = Commitment(text[start:end], start, end, lang.code, None)
    return first


def detect_language(text: str) -> str:
    """Cyrillic → ru; two Tagalog marker words → tl; else en."""
    if re.search(r"[\u0400-\u04ff]", text):
        return "ru"
    words = set(_WORD.findall(_normalized(text)))
    return "tl" if len(words & _language("tl").markers) >= 2 else "en"


def owning_closing(language: str, day: date, today: date) -> str:
    """A closing that owns the next step on ``day``, in ``language`` (unknown reads as English)."""
    language = language if language in LANGUAGES else "en"
    sentence: str = _language(language).closing.format(day=on_day(language, day, today))
    return sentence[0].upper() + sentence[1:]


def check_ring(text: str, *, now: datetime, tz: tzinfo, language: str | None = None) -> RingCheck:
    """Whether ``text`` keeps the ring, the phrases that give it up, and an owning closing.

    A text with the user's own next step is KEPT, whatever else it says; one that hands the
    step over without one is GIVEN_UP; anything else is SILENT. The suggestion names the
    default next touch (two business days) and is empty only when KEPT with a day.
    """
    commitment = find_commitment(text, said_at=now, tz=tz)
    phrases = () if commitment is not None else tuple(_give_ups(_normalized(text), text))
    if commitment is not None:
        verdict = RingVerdict.KEPT
    elif phrases:
        verdict = RingVerdict.GIVEN_UP
    else:
        verdict = RingVerdict.SILENT
    code = language or (phrases[0].language if phrases else detect_language(text))
    suggestion = ""
    if commitment is None or commitment.due is None:
        today = to_local(now, tz).date()
        suggestion = owning_closing(
            code, to_local(default_next_touch(now, tz=tz), tz).date(), today
        )
    return RingCheck(verdict, phrases, commitment, suggestion, code)
