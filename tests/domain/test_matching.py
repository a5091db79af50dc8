"""Who an imported person is: identifiers first, then the name at the same company."""

from __future__ import annotations

import pytest

from crm.domain.matching import (
    Person,
    Verdict,
    email_key,
    match_person,
    name_key,
    phone_key,
    profile_key,
)


def person(
    contact_id: int = -1,
    name: str = "",
    company: str = "",
    profiles: tuple[str, ...] = (),
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
) -> Person:
    return Person(
        contact_id,
        name_key(name),
        company,
        frozenset(profile_key(url) for url in profiles),
        frozenset(email_key(address) for address in emails),
        frozenset(phone_key(number, "DE") for number in phones),
    )


@pytest.mark.parametrize(
    "spelling",
    [
        "https://www.linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez",
        "http://es.linkedin.com/in/José-Núñez/",
        "HTTPS://LINKEDIN.COM/in/jos%c3%a9-n%c3%ba%c3%b1ez?trk=public_profile",
        "linkedin.com/in/josé-núñez#about",
    ],
)
def test_every_spelling_of_a_profile_is_one_identifier(spelling: str) -> None:
    assert profile_key(spelling) == "https://linkedin.com/in/jos%C3%A9-n%C3%BA%C3%B1ez"


@pytest.mark.parametrize(
    ("number", "region", "key"),
    [
        ("+49 30 1234567", None, "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("tel:+49-30-123-4567", "US", "+49301234567"),
        ("(0)30 / 123 45 67", "DE", "+49301234567"),
        ("+1 (555) 010-0199", "DE", "+15550100199"),
        ("030 1234567", None, "tel:0301234567"),  # no country known: its digits still match
        ("12", "DE", ""),  # an extension, not a number
        ("", "DE", ""),
    ],
)
def test_phones_are_compared_in_e164(number: str, region: str | None, key: str) -> None:
    assert phone_key(number, region) == key


def test_names_fold_case_accents_punctuation_spacing_and_order() -> None:
    assert name_key("José Núñez") == name_key("NÚÑEZ, jose") == name_key("jose  nunez")
    assert name_key("山田 太郎") == name_key("山田太郎")
    assert name_key("Кэти Смирнова") == name_key("кэти  СМИРНОВА")
    assert name_key("Ann Lee") != name_key("Ann Leigh")


def test_any_shared_identifier_is_the_same_person() -> None:
    known = [
        person(1, "Ann Lee", "acme", emails=("ann@acme.example", "ann@home.example")),
        person(2, "Bob", phones=("+49 30 1234567",)),
        person(3, "Zoë", profiles=("https://www.linkedin.com/in/zoe",)),
    ]
    by_second_email = match_person(person(name="A. Lee", emails=("ANN@home.example",)), known)
    assert (by_second_email.verdict, by_second_email.contact_id) == (Verdict.SAME, 1)
    assert by_second_email.reason == "the same e-mail"
    by_phone = match_person(person(name="Robert", phones=("030/1234567",)), known)
    assert (by_phone.contact_id, by_phone.reason) == (2, "the same phone")
    by_profile = match_person(person(profiles=("http://de.linkedin.com/in/Zoe/",)), known)
    assert (by_profile.contact_id, by_profile.reason) == (3, "the same LinkedIn profile")


def test_the_name_at_the_same_company_is_the_same_person_unless_profiles_differ() -> None:
    typed = person(1, "Кэти Смирнова", "initech")
    incoming = person(name="кэти смирнова", company="initech", emails=("k@initech.example",))
    match = match_person(incoming, [typed])
    assert (match.verdict, match.contact_id) == (Verdict.SAME, 1)
    assert match.reason == "the same name at the same company"

    profiled = person(1, "Ann Lee", "acme", profiles=("https://linkedin.com/in/ann-lee-1",))
    other = person(name="Ann Lee", company="acme", profiles=("https://linkedin.com/in/ann-lee-2",))
    contradicted = match_person(other, [profiled])
    assert (contradicted.verdict, contradicted.possible) == (Verdict.NEW, (1,))


def test_the_same_name_elsewhere_is_only_a_possible_duplicate() -> None:
    known = [person(4, "José Núñez", "globex"), person(2, "José Núñez", "")]
    for company in ("initech", ""):
        match = match_person(person(name="Jose Nunez", company=company), known)
        assert (match.verdict, match.contact_id, match.possible) == (Verdict.NEW, None, (2, 4))


def test_identifiers_pointing_at_two_people_are_ambiguous_unless_a_profile_decides() -> None:
    known = [
        person(1, "Ann", emails=("ann@acme.example",)),
        person(2, "Ann Lee", phones=("+49 30 1234567",), profiles=("linkedin.com/in/annlee",)),
    ]
    both = person(name="Ann Lee", emails=("ann@acme.example",), phones=("030 1234567",))
    match = match_person(both, known)
    assert (match.verdict, match.candidates) == (Verdict.AMBIGUOUS, (1, 2))
    with_profile = person(
        name="Ann Lee",
        emails=("ann@acme.example",),
        profiles=("https://www.linkedin.com/in/annlee",),
    )
    assert match_person(with_profile, known).contact_id == 2


def test_a_stranger_is_new_with_nothing_to_review() -> None:
    match = match_person(person(name="Mark O'Neil", emails=("m@x.example",)), [])
    assert (match.verdict, match.contact_id, match.possible) == (Verdict.NEW, None, ())


def test_a_common_name_lists_only_its_oldest_look_alikes() -> None:
    known = [person(cid, "Liam Khan", f"company {cid}") for cid in range(40, 0, -1)]
    match = match_person(person(name="Liam Khan"), known)
    assert match.possible == (1, 2, 3, 4, 5)
