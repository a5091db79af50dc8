"""The pure side of drafts: choosing the template, reading it, filling it, marking blanks."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from crm.domain.day_words import DRAFT_LANGUAGES
from crm.domain.drafts import (
    DraftFacts,
    TemplateProblem,
    blank,
    fill,
    first_name,
    joined,
    parse_template,
    round_words,
    short_line,
    template_names,
)
from crm.domain.types import FollowUpKind, Stage

TEMPLATES = Path(str(files("crm").joinpath("templates", "drafts")))
GIVING_UP = ("hope to hear", "let me know", "жду ответа", "жду вашего ответа", "дайте знать")


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_every_kind_has_a_shipped_template_that_parses(language: str) -> None:
    for kind in FollowUpKind:
        assert (TEMPLATES / language / f"{kind.value}.txt").is_file(), kind
    for path in sorted((TEMPLATES / language).glob("*.txt")):
        parse_template(path.read_text(encoding="utf-8"), path.name)
        text = path.read_text(encoding="utf-8").casefold()
        assert "${next_day}" in text, path.name
        assert not any(phrase in text for phrase in GIVING_UP), path.name


def test_the_variants_are_chosen_before_the_kind() -> None:
    assert template_names(FollowUpKind.TELL_INTERVIEWED, quiet=True) == (
        "tell-interviewed.quiet",
        "tell-interviewed",
    )
    assert template_names(FollowUpKind.CHECK_IN, quiet=True) == ("check-in",)
    assert template_names(FollowUpKind.TELL_OUTCOME, stage=Stage.REJECTED) == (
        "tell-outcome.rejected",
        "tell-outcome",
    )
    assert template_names(FollowUpKind.TELL_OUTCOME, stage=Stage.OFFER) == ("tell-outcome",)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Dear ${name}", "“Subject: …”"),
        ("Subject: ${nope}\n\nHi", "${nope}"),
        ("Subject: x\n\n$ 5", "$$"),
    ],
)
def test_a_bad_template_is_one_line_naming_the_file(text: str, fragment: str) -> None:
    with pytest.raises(TemplateProblem) as raised:
        parse_template(text, "mine.txt")
    assert str(raised.value).startswith("mine.txt: ") and fragment in str(raised.value)


def test_values_are_never_read_as_templates() -> None:
    subject, body = parse_template("Subject: ${topic}\n\nAbout ${topic}; ${next_day}.\n", "t")
    facts = DraftFacts(
        follow_up_id=1, kind=FollowUpKind.CASUAL_TOUCH, language="en", today=date(2026, 12, 3),
        next_day=date(2026, 12, 7), contact_id=2, contact_name="Ann", topics=("${name} [b]",),
    )  # fmt: skip
    draft = fill(subject, body, facts)
    assert draft.subject == "${name} [b]"
    assert draft.body == "About ${name} [b]; on Monday.\n"
    assert draft.blanks == ()


def test_helpers_say_names_rounds_and_notes_per_language() -> None:
    assert first_name("Кэти Смирнова") == "Кэти"
    assert first_name("山田 太郎 (Yamada Taro)") == "山田 太郎"
    assert joined("en", ("Ann", "Bob", "Kim")) == "Ann, Bob and Kim"
    assert joined("ru", ("Ann", "Кэти")) == "Ann и Кэти"
    assert round_words("en", 2) == "second-round"
    assert round_words("ru", 3) == "третьего этапа"
    assert short_line("\n- Asked about on-call.\nMore") == "Asked about on-call"
    assert blank("ru", "topic") == "[[тема разговора]]"
    assert blank("en", "signature") == "[[your name]]"
