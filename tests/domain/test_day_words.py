from datetime import date

import pytest

from crm.domain.day_words import on_day

TODAY = date(2026, 12, 3)  # a Thursday


@pytest.mark.parametrize(
    ("language", "day", "words"),
    [
        ("en", date(2026, 12, 3), "today"),
        ("en", date(2026, 12, 4), "tomorrow"),
        ("en", date(2026, 12, 7), "on Monday"),
        ("en", date(2026, 12, 9), "on Wednesday"),
        ("en", date(2026, 12, 10), "on 10 December"),
        ("en", date(2027, 1, 4), "on 4 January 2027"),
        ("ru", date(2026, 12, 4), "завтра"),
        ("ru", date(2026, 12, 8), "во вторник"),
        ("ru", date(2026, 12, 5), "в субботу"),
        ("ru", date(2026, 12, 11), "11 декабря"),
        ("tl", date(2026, 12, 4), "bukas"),
        ("tl", date(2026, 12, 7), "sa Lunes"),
        ("tl", date(2026, 12, 25), "sa ika-25 ng Disyembre"),
        ("xx", date(2026, 12, 8), "on Tuesday"),
    ],
)
def test_a_day_is_named_without_ambiguity(language: str, day: date, words: str) -> None:
    assert on_day(language, day, TODAY) == words
