"""Duplicate detection rules."""

from __future__ import annotations

from crm.domain.duplicates import DuplicateFacts, combined_text, find_duplicates, name_signature


def facts(cid: int, name: str, company: str = "", email: str = "", url: str = "") -> DuplicateFacts:
    return DuplicateFacts(cid, name, company, email, url)


def test_name_signature_ignores_case_accents_and_order() -> None:
    assert name_signature("Núñez, José") == name_signature("jose NUNEZ")
    assert name_signature("山田 太郎") == name_signature("太郎 山田")
    assert name_signature("Ann Lee") != name_signature("Ann Leeson")


def test_same_email_linkedin_or_name_at_company() -> None:
    groups = find_duplicates(
        [
            facts(1, "Ann Lee", "acme", email="ann@acme.test"),
            facts(2, "A. Lee", "initech", email="ANN@acme.test"),
            facts(3, "Bob Stone", "globex", url="https://linkedin.com/in/bob"),
            facts(4, "Robert Stone", "", url="https://linkedin.com/in/bob/"),
            facts(5, "José Núñez", "acme"),
            facts(6, "Nunez Jose", "acme"),
            facts(7, "José Núñez", "globex"),
        ]
    )
    assert [(g.contact_ids, g.reason) for g in groups] == [
        ((1, 2), "the same e-mail"),
        ((3, 4), "the same LinkedIn profile"),
        ((5, 6), "the same name at the same company"),
    ]


def test_same_name_at_different_companies_is_not_a_duplicate() -> None:
    assert find_duplicates([facts(1, "Ann Lee", "acme"), facts(2, "Ann Lee", "globex")]) == []


def test_a_pair_is_reported_once() -> None:
    groups = find_duplicates(
        [
            facts(1, "Ann Lee", "acme", email="a@x.test"),
            facts(2, "Ann Lee", "acme", email="a@x.test"),
        ]
    )
    assert len(groups) == 1 and groups[0].reason == "the same e-mail"


def test_combined_text_keeps_both_when_they_differ() -> None:
    assert combined_text("Met at PyCon", "") == "Met at PyCon"
    assert combined_text("", "Met at PyCon") == "Met at PyCon"
    assert combined_text("Met at PyCon", "met at pycon") == "Met at PyCon"
    assert combined_text("Met at PyCon", "Likes chess") == "Met at PyCon\nLikes chess"
