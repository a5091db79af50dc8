"""What an address book holds: the cleaned-up person every reader but LinkedIn's makes."""

from __future__ import annotations

import operator
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from crm.domain.linkedin import SkippedRow
from crm.domain.linkedin_urls import is_profile_url, normalize_profile_url
from crm.domain.text import fold

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOT_DIGITS = re.compile(r"[^\d+]")
_RANK = operator.itemgetter(0)
_TAB_OR_NEWLINE = re.compile(r"[\t\r\n]")
_UID_NAMESPACE = uuid.UUID("0b5c8f4e-5a42-4c0e-9a51-43f1d3c1a6a5")

# Google's own labels, not the user's: they would be a topic on every contact.
SYSTEM_LABELS = frozenset({"mycontacts", "starred"})


# --- what an address book holds ----------------------------------------------------------


@dataclass(frozen=True)
class AddressCard:
    """One person read from an address book (a vCard, a row of Google's CSV), cleaned up."""

    line: int  # where it starts in its file
    where: str  # how messages name it: "card 3", "ann.vcf", "line 12"
    uid: str  # "" when the source has none
    name: str
    company: str = ""
    role: str = ""
    emails: tuple[tuple[str, str], ...] = ()  # (address, label), primary first
    phones: tuple[tuple[str, str], ...] = ()  # (number, label), primary first
    urls: tuple[tuple[str, str], ...] = ()  # web addresses other than the LinkedIn profile
    linkedin_url: str = ""  # normalised profile URL
    note: str = ""
    how_met: str = ""
    topics: tuple[str, ...] = ()


@dataclass
class ParsedCards:
    """Everything usable in an address book, plus what was left out."""

    cards: list[AddressCard] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.cards) + len(self.skipped)


def derived_uid(
    name: str, phones: Sequence[tuple[str, str]], emails: Sequence[tuple[str, str]] = ()
) -> str:
    """A stable UID for a person whose source has none: from the name, first phone and e-mail.

    Re-importing the same file then finds the contacts it made even when they have no
    e-mail or profile to match on (old phones' vCards, most Google rows).
    """
    phone = _NOT_DIGITS.sub("", phones[0][0]) if phones else ""
    email = emails[0][0].lower() if emails else ""
    return str(uuid.uuid5(_UID_NAMESPACE, f"{fold(name)}|{phone}|{email}"))


def clean_topics(topics: Iterable[str]) -> tuple[str, ...]:
    """Topics with whitespace tidied, blanks, repeats and Google's system labels dropped."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for topic in topics:
        text = " ".join(topic.split())
        if text.startswith("* "):
            text = text[2:].strip()
        key = text.casefold()
        if not text or key in seen or key.replace(" ", "") in SYSTEM_LABELS:
            continue
        seen.add(key)
        cleaned.append(text)
    return tuple(cleaned)


def clean_email(text: str) -> str:
    """An e-mail address as the contact form accepts it, or "" when it isn't one."""
    address = text.strip()
    if address[:7].lower() == "mailto:":
        address = address[7:]
    return address if _EMAIL.match(address) else ""


def clean_phone(text: str) -> str:
    """A phone number without a ``tel:`` scheme or stray whitespace."""
    number = " ".join(text.split())
    if number[:4].lower() == "tel:":
        number = number[4:]
    return number


def unique_methods(
    methods: Iterable[tuple[int, str, str]], key: Callable[[str], str]
) -> tuple[tuple[str, str], ...]:
    """(value, label) ordered by preference rank (stable), without repeats or blanks."""
    if isinstance(methods, list) and len(methods) < 2:  # most people: none or one
        return tuple((value, label) for _rank, value, label in methods if value)
    kept: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _rank, value, label in sorted(methods, key=_RANK):
        folded = key(value)
        if value and folded not in seen:
            seen.add(folded)
            kept.append((value, label))
    return tuple(kept)


def phone_key(number: str) -> str:
    """What two spellings of one phone number share: its digits (and a leading +)."""
    return _NOT_DIGITS.sub("", number) or number


def linkedin_profile(url: str) -> str:
    """The normalised LinkedIn profile in a URL, or "" when it isn't one."""
    if url.isascii() and "linkedin" not in url.lower() and not _TAB_OR_NEWLINE.search(url):
        return ""  # a host can't become linkedin.com without the word (tabs and newlines drop)
    normalised = normalize_profile_url(url) if url.strip() else ""
    return normalised if is_profile_url(normalised) else ""
