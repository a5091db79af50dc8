"""Likely duplicate contacts: the same e-mail, the same LinkedIn profile, or the same name
(ignoring case, accents and word order) at the same company."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from crm.domain.text import strip_case_and_marks


@dataclass(frozen=True)
class DuplicateFacts:
    """What duplicate detection looks at for one contact."""

    contact_id: int
    name: str
    company_key: str
    email: str
    linkedin_url: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Contacts that are probably one person, and why."""

    contact_ids: tuple[int, ...]
    reason: str


def name_signature(name: str) -> str:
    """A name with case, accents, punctuation and word order ignored:
    "Núñez, José" = "jose nunez"."""
    words = "".join(ch if ch.isalnum() else " " for ch in strip_case_and_marks(name)).split()
    return " ".join(sorted(words))


def find_duplicates(contacts: Iterable[DuplicateFacts]) -> list[DuplicateGroup]:
    """Groups of two or more contacts sharing an e-mail, a profile, or a name at one company.

    A pair found by several rules is reported once, under the first rule that found it
    (e-mail, then LinkedIn, then name), so the list reads as a to-do list.
    """
    keyed: dict[tuple[str, str], list[int]] = defaultdict(list)
    for facts in contacts:
        if facts.email.strip():
            keyed[("the same e-mail", facts.email.strip().casefold())].append(facts.contact_id)
        if facts.linkedin_url.strip():
            url = facts.linkedin_url.strip().casefold().rstrip("/")
            keyed[("the same LinkedIn profile", url)].append(facts.contact_id)
        signature = name_signature(facts.name)
        if signature:
            keyed[("the same name at the same company", f"{signature}|{facts.company_key}")].append(
                facts.contact_id
            )
    groups: list[DuplicateGroup] = []
    seen: set[tuple[int, ...]] = set()
    order = ("the same e-mail", "the same LinkedIn profile", "the same name at the same company")
    for reason in order:
        for (rule, _), ids in sorted(keyed.items(), key=lambda item: sorted(item[1])):
            members = tuple(sorted(set(ids)))
            if rule != reason or len(members) < 2 or members in seen:
                continue
            seen.add(members)
            groups.append(DuplicateGroup(members, reason))
    return groups


def combined_text(kept: str, other: str) -> str:
    """Two free-text fields merged without losing either: both kept when they differ."""
    kept, other = kept.strip(), other.strip()
    if not other or other.casefold() in kept.casefold():
        return kept
    if not kept:
        return other
    return f"{kept}\n{other}"
