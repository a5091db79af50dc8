"""Folding, company keys and input checks: pure rules."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from crm.domain.companies import company_key
from crm.domain.text import _CJK_RANGES, _UNDECOMPOSABLE, fold, sort_key, strip_case_and_marks
from crm.domain.types import ContactDraft
from crm.domain.validation import InvalidInput, checked_draft, contact_problems, normalise_draft


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Кэти", "кэти"),
        ("КЭТИ СМИРНОВА", "кэти смирнова"),
        ("José Núñez", "jose nunez"),
        ("Zoë Brontë", "zoe bronte"),
        ("Łukasz Wójcik", "lukasz wojcik"),
        ("Søren Ærø", "soren aero"),
        ("Straße", "strasse"),
        ("Ёлка", "елка"),
        ("ACME", "acme"),
        ("  many   spaces ", "many spaces"),
    ],
)
def test_fold_drops_case_and_marks_in_every_script(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_splits_cjk_into_single_characters() -> None:
    assert fold("山田 太郎 (Yamada Taro)") == "山 田 太 郎 (yamada taro)"
    assert fold("山田太郎") == fold("山田 太郎")
    assert fold("김민지") == "김 민 지"


def test_sort_key_ignores_case_and_accents_but_keeps_cjk_together() -> None:
    assert sort_key("Émile") == sort_key("emile")
    assert sort_key("山田 太郎") == "山田 太郎"
    assert sorted(["zed", "Émile", "adam"], key=sort_key) == ["adam", "Émile", "zed"]


@pytest.mark.parametrize(
    "name", ["Acme", "Acme, Inc.", "ACME Inc", "acme corp", "The Acme Company", "Acmé LLC"]
)
def test_company_names_match_loosely(name: str) -> None:
    assert company_key(name) == "acme"


def test_company_key_keeps_distinct_companies_apart() -> None:
    assert company_key("Acme Labs") != company_key("Acme")
    assert company_key("Inc") == "inc"  # a name made only of a suffix is still a name
    assert company_key("  ") == ""


def test_normalise_draft_trims_and_deduplicates_topics() -> None:
    draft = normalise_draft(
        ContactDraft(name="  Ann   Lee ", topics=(" Agile skeptic", "agile SKEPTIC", "", "chess"))
    )
    assert draft.name == "Ann Lee"
    assert draft.topics == ("Agile skeptic", "chess")


@pytest.mark.parametrize(
    ("draft", "fragment"),
    [
        (ContactDraft(name=""), "needs a name"),
        (ContactDraft(name="   "), "needs a name"),
        (ContactDraft(name="A", email="not-an-email"), "e-mail"),
        (ContactDraft(name="A", linkedin_url="https://example.com/x"), "LinkedIn"),
        (ContactDraft(name="A", keep_in_touch_days=0), "positive"),
        (ContactDraft(name="x" * 201), "at most"),
    ],
)
def test_bad_drafts_are_refused_with_a_message(draft: ContactDraft, fragment: str) -> None:
    problems = contact_problems(normalise_draft(draft))
    assert any(fragment in problem for problem in problems)
    with pytest.raises(InvalidInput):
        checked_draft(draft)


def test_good_draft_passes() -> None:
    draft = ContactDraft(
        name="Кэти Смирнова",
        email="katya@example.ru",
        linkedin_url="https://www.linkedin.com/in/katya",
        keep_in_touch_days=30,
    )
    assert contact_problems(draft) == []


def _reference_strip(text: str) -> str:
    """strip_case_and_marks as first written: the faster one must give exactly this."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    composed = unicodedata.normalize("NFC", stripped).translate(_UNDECOMPOSABLE)
    return re.sub(r"\s+", " ", composed).strip()


# The CJK characters fold() splits, as first written (a regular expression).
_CJK_CHAR = re.compile(
    "([\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f])"
)


def _reference_fold(text: str) -> str:
    return re.sub(r"\s+", " ", _CJK_CHAR.sub(r" \1 ", _reference_strip(text))).strip()


def test_folding_is_the_same_as_the_reference_for_every_character_that_changes() -> None:
    # The index holds text folded by earlier versions: any difference would hide contacts.
    changing = [
        char
        for char in map(chr, range(0x80, 0x110000))
        if unicodedata.decomposition(char)
        or unicodedata.combining(char)
        or char.isspace()
        or char.casefold() != char
    ]
    assert len(changing) > 5_000
    cjk = [char for char in map(chr, range(0x2E80, 0x2FA20, 37)) if _CJK_CHAR.match(char)]
    edges = [chr(code) for low, high in _CJK_RANGES for code in (low - 1, low, high, high + 1)]
    for char in [*changing, *cjk, *edges, *map(chr, _UNDECOMPOSABLE), "x"]:
        text = f"A{char}é {char}Ǆ\u0301 {char}山"
        assert strip_case_and_marks(text) == _reference_strip(text), hex(ord(char))
        assert fold(text) == _reference_fold(text), hex(ord(char))


def test_folding_is_the_same_as_the_reference_for_mixed_text() -> None:
    rng = random.Random(6)
    pool = [
        *map(chr, range(0x20, 0x2B0)),
        *map(chr, range(0x300, 0x370)),
        *map(chr, range(0x400, 0x530)),
        *map(chr, range(0x1100, 0x1200)),
        *map(chr, range(0x3040, 0x3100)),
        *"\t\n\x0b\x85\xa0\u2028\u3000ﬁ①㍱Ⅻ가각山田ᄀ\u1161\u11a8ᄒ\u0b47\u0b3e\U0001d165",
    ]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 16)))
        assert strip_case_and_marks(text) == _reference_strip(text), repr(text)
        assert fold(text) == _reference_fold(text), repr(text)
