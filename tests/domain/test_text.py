"""Folding, company keys and input checks: pure rules."""

from __future__ import annotations

import pytest

from crm.domain.companies import company_key
from crm.domain.text import fold, sort_key
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
