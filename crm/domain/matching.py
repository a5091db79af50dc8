"""Whether a person coming in from an import is someone already known.

Identifiers decide first: a LinkedIn profile (any spelling of its URL), an e-mail address
(case-folded) or a phone number (E.164). Without one, the folded full name at the same
company does, unless an identifier contradicts it (both have LinkedIn profiles, and they
differ: one profile is one person). The same name elsewhere, or at no company, is only a
*possible* duplicate: the import creates the person and lists the likeness for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from crm.domain.linkedin_urls import normalize_profile_url
from crm.domain.text import fold, fold_sort_key

_NOT_WORD = re.compile(r"[^\w]+")
_NOT_DIGITS = re.compile(r"\D")
MAX_LOOKALIKES = 5  # contacts named beside a possible duplicate: the oldest, enough to review
MIN_LOCAL_DIGITS = 7  # fewer digits can't tell one person from another: an extension, a typo


def name_key(name: str) -> str:
    """A full name folded for matching: case, accents, punctuation, spacing and word order
    ignored ("Núñez, José" = "jose nunez"; "山田太郎" = "山田 太郎")."""
    return _words_key(fold(name))


def name_key_of_sort_key(key: str) -> str:
    """name_key(name) given the contact's stored sort_key(name), without folding again."""
    return _words_key(fold_sort_key(key))


def _words_key(folded: str) -> str:
    return " ".join(sorted(_NOT_WORD.sub(" ", folded).replace("_", " ").split()))


def email_key(address: str) -> str:
    """An e-mail address as two spellings of it share: trimmed and case-folded."""
    return address.strip().casefold()


def profile_key(url: str) -> str:
    """A LinkedIn profile URL in its one canonical spelling, or "" when it is blank."""
    return normalize_profile_url(url) if url.strip() else ""


def phone_key(number: str, region: str | None) -> str:
    """A phone number in E.164 ("+4930123456"), or "" when it can't be one.

    ``region`` (ISO 3166 code, e.g. "DE") is the country of numbers written without a
    country code; without it such a number keeps only its digits (prefixed "tel:"), which
    still matches the same local number written another way.
    """
    import phonenumbers  # a slow import, paid only by imports that carry phone numbers

    text = number.strip()
    if text[:4].lower() == "tel:":
        text = text[4:]
    digits = _NOT_DIGITS.sub("", text)
    if len(digits) < MIN_LOCAL_DIGITS:
        return ""
    try:
        parsed = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return f"tel:{digits}"


@dataclass(frozen=True)
class Person:
    """What matching looks at for one person, every value already a key (see *_key above)."""

    id: int  # the contact's id; -1 for a person coming in
    name: str  # name_key
    company: str  # company_key, "" for none
    profiles: frozenset[str] = field(default_factory=frozenset)
    emails: frozenset[str] = field(default_factory=frozenset)
    phones: frozenset[str] = field(default_factory=frozenset)


class Verdict(Enum):
    SAME = "same"  # the incoming person is this contact: fill and add, don't create
    AMBIGUOUS = "ambiguous"  # its identifiers point at several contacts: leave it out
    NEW = "new"  # nobody known: create (possibly listing look-alikes)


@dataclass(frozen=True)
class Match:
    """What matching decided for one incoming person."""

    verdict: Verdict
    contact_id: int | None = None  # for SAME
    reason: str = ""  # why: "the same e-mail", "the same name at the same company", …
    candidates: tuple[int, ...] = ()  # AMBIGUOUS: the contacts it points at
    possible: tuple[int, ...] = ()  # NEW: contacts of the same name (oldest first, at most
    # MAX_LOOKALIKES), listed for review


def contradicts(incoming: Person, known: Person) -> bool:
    """Whether an identifier says these are two people: two different LinkedIn profiles."""
    return bool(incoming.profiles and known.profiles and not incoming.profiles & known.profiles)


def shared_identifier(incoming: Person, known: Person) -> str:
    """The strongest identifier the two share, as a reason; "" when none."""
    if incoming.profiles & known.profiles:
        return "the same LinkedIn profile"
    if incoming.emails & known.emails:
        return "the same e-mail"
    if incoming.phones & known.phones:
        return "the same phone"
    return ""


def match_person(incoming: Person, candidates: Iterable[Person]) -> Match:
    """Decide whether ``incoming`` is one of ``candidates`` (the contacts sharing any of its
    identifiers or its name); see the module's rules. Ties go to the oldest contact (lowest
    id) only among name matches; identifiers pointing at several contacts are ambiguous
    unless exactly one of them shares the LinkedIn profile."""
    by_identifier: dict[int, str] = {}
    same_company: list[int] = []
    same_name: list[int] = []
    for known in sorted(set(candidates), key=lambda person: person.id):
        if contradicts(incoming, known):
            if incoming.name and known.name == incoming.name:
                same_name.append(known.id)
            continue
        reason = shared_identifier(incoming, known)
        if reason:
            by_identifier[known.id] = reason
        elif incoming.name and known.name == incoming.name:
            if incoming.company and known.company == incoming.company:
                same_company.append(known.id)
            else:
                same_name.append(known.id)
    if len(by_identifier) == 1:
        ((contact_id, reason),) = by_identifier.items()
        return Match(Verdict.SAME, contact_id, reason)
    if by_identifier:
        profiled = [cid for cid, why in by_identifier.items() if why == "the same LinkedIn profile"]
        if len(profiled) == 1:
            return Match(Verdict.SAME, profiled[0], "the same LinkedIn profile")
        return Match(Verdict.AMBIGUOUS, candidates=tuple(sorted(by_identifier)))
    if same_company:
        return Match(Verdict.SAME, same_company[0], "the same name at the same company")
    return Match(Verdict.NEW, possible=tuple(same_name[:MAX_LOOKALIKES]))


__all__ = [
    "Match",
    "Person",
    "Verdict",
    "contradicts",
    "email_key",
    "match_person",
    "name_key",
    "name_key_of_sort_key",
    "phone_key",
    "profile_key",
    "shared_identifier",
]
