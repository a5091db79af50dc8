"""Matching imported people to known contacts, and filling what they lack, for every importer.

The rules are crm/domain/matching.py's; this module reads the contacts they need (every
identifier, name and company key, in a few queries), plans what a matched contact gains,
and writes it with what undo needs to take it back exactly.

"Typed by hand": a contact the user created (no import batch), or one edited since the last
import that wrote it (its ``updated_at`` is later than that import), is the user's: an import
only fills its empty fields and adds e-mails, phones, links and topics it lacks. A contact
still as an import left it may also have its company and role replaced by a newer import of
the same source as the one that created it (people change jobs; a LinkedIn export and an
address book disagreeing on a title would otherwise undo each other on every re-import).
"""

from __future__ import annotations

import json
import locale
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, cast

from crm.db.search import index_contacts
from crm.domain.linkedin_urls import normalize_profile_url
from crm.domain.matching import (
    Match,
    Person,
    Verdict,
    email_key,
    match_person,
    name_key,
    name_key_of_sort_key,
    phone_key,
)

# A URL that normalize_profile_url would return unchanged, recognised without the work.
_PLAIN_CANONICAL = re.compile(r"https://linkedin\.com(?:/[a-z0-9\-_.~!$&'()*+,;=:@]+)+\Z")
_NOT_DIGITS = re.compile(r"\D")
_TAIL = 7  # phones are looked up by their last digits before they are parsed
_REGION = re.compile(r"^[a-z]{2,3}_([A-Z]{2})\b")

CHANGE_LABELS = {
    "company_id": "company",
    "role": "role",
    "email": "e-mail",
    "phone": "phone",
    "linkedin_url": "LinkedIn profile",
    "how_met": "how you met",
    "relationship_note": "note",
}
"""How a summary names each contact field an import may fill (undo restores exactly these)."""


def default_phone_region() -> str | None:
    """The country of phone numbers written without a country code: the locale's (LC_ALL,
    LC_CTYPE or LANG, e.g. "de_DE.UTF-8" -> "DE"), since that is the country the user
    writes numbers for; None when the locale names none ("C", "POSIX")."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(name, "")
        if value:
            found = _REGION.match(value)
            return found[1] if found else None
    found = _REGION.match(locale.getlocale()[0] or "")
    return found[1] if found else None


class Incoming(Protocol):
    """A person an importer read (cards.AddressCard has exactly these)."""

    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def emails(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def phones(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def urls(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def linkedin_url(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def how_met(self) -> str: ...
    @property
    def topics(self) -> tuple[str, ...]: ...


def _profile(url: str) -> str:
    return url if _PLAIN_CANONICAL.match(url) else normalize_profile_url(url)


def _tail(number: str) -> str:
    digits = _NOT_DIGITS.sub("", number)
    return digits[-_TAIL:] if len(digits) >= _TAIL else ""


class KnownPeople:
    """Every contact's identifiers and name, read once, to match an import's people against.

    Call inside a connection; ``find`` then needs none.
    """

    def __init__(self, cursor: sqlite3.Cursor, region: str | None, *, phones: bool) -> None:
        self.region = region
        self._by_profile: dict[str, list[int]] = {}
        self._by_email: dict[str, list[int]] = {}
        self._by_tail: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] | None = None  # built when a name is first needed
        # sort key, company key, and the profile URLs, e-mails and phones, as stored
        self._facts: dict[int, tuple[str, str, list[str], list[str], list[str]]] = {}
        self._people: dict[int, Person] = {}
        for contact_id, key, company, email, phone, url in cursor.execute(
            "SELECT c.id, c.sort_key, COALESCE(co.key, ''), c.email, c.phone, c.linkedin_url"
            " FROM contact c LEFT JOIN company co ON co.id = c.company_id"
        ):
            self._facts[contact_id] = (
                key,
                company,
                [url] if url else [],
                [email] if email else [],
                [phone] if phone else [],
            )
        for contact_id, kind, value in cursor.execute(
            "SELECT contact_id, kind, value FROM contact_method ORDER BY id"
        ):
            facts = self._facts.get(contact_id)
            if facts is not None and value:
                slot = {"url": 2, "email": 3, "phone": 4}.get(kind)
                if slot is not None:
                    cast("list[str]", facts[slot]).append(value)
        for contact_id, (_name, _company, urls, emails, numbers) in self._facts.items():
            for url in urls:
                profile = _profile(url) if "linkedin" in url.lower() else ""
                if profile:
                    self._by_profile.setdefault(profile, []).append(contact_id)
            for email in emails:
                self._by_email.setdefault(email_key(email), []).append(contact_id)
            if phones:
                for number in numbers:
                    tail = _tail(number)
                    if tail:
                        self._by_tail.setdefault(tail, []).append(contact_id)

    def _names(self) -> dict[str, list[int]]:
        """Contacts by name_key, folded from their stored sort keys on first use."""
        if self._by_name is None:
            self._by_name = {}
            for contact_id, (key, *_rest) in self._facts.items():
                folded = name_key_of_sort_key(key)
                if folded:
                    self._by_name.setdefault(folded, []).append(contact_id)
        return self._by_name

    def person(self, contact_id: int) -> Person:
        """The matching facts of one known contact (phones parsed on first use)."""
        known = self._people.get(contact_id)
        if known is None:
            key, company, urls, emails, numbers = self._facts[contact_id]
            known = self._people[contact_id] = Person(
                contact_id,
                name_key_of_sort_key(key),
                company,
                frozenset(p for p in (_profile(u) for u in urls if "linkedin" in u.lower()) if p),
                frozenset(email_key(e) for e in emails),
                frozenset(k for k in (phone_key(n, self.region) for n in numbers) if k),
            )
        return known

    def incoming(self, record: Incoming, company_key: str, *, named: bool = True) -> Person:
        """The matching facts of a person coming in (without its name unless ``named``)."""
        return Person(
            -1,
            name_key(record.name) if named else "",
            company_key,
            frozenset({record.linkedin_url}) if record.linkedin_url else frozenset(),
            frozenset(email_key(address) for address, _label in record.emails),
            frozenset(
                k for k in (phone_key(number, self.region) for number, _ in record.phones) if k
            ),
        )

    def find(self, record: Incoming, company_key: str) -> Match:
        """Who ``record`` is among the known contacts (see domain.matching.match_person).

        Identifiers are tried first, alone: a name shared by hundreds of contacts is then
        only folded and looked up for people no identifier settles (the same answer, since
        names count only when no identifier matches).
        """
        if record.linkedin_url:
            holders = self._by_profile.get(record.linkedin_url, ())
            if len(holders) == 1:  # the one contact with this profile: nothing can outrank it
                return Match(Verdict.SAME, holders[0], "the same LinkedIn profile")
        person = self.incoming(record, company_key, named=False)
        ids: set[int] = set()
        for profile in person.profiles:
            ids.update(self._by_profile.get(profile, ()))
        for address in person.emails:
            ids.update(self._by_email.get(address, ()))
        for number, _label in record.phones:
            ids.update(self._by_tail.get(_tail(number), ()))
        if ids:
            match = match_person(person, (self.person(contact_id) for contact_id in ids))
            if match.verdict is not Verdict.NEW:
                return match
        if not self._facts:
            return Match(Verdict.NEW)
        person = replace(person, name=name_key(record.name))
        ids.update(self._names().get(person.name, ()))
        return match_person(person, (self.person(contact_id) for contact_id in ids))


# --- what a match gains --------------------------------------------------------------------


@dataclass
class KnownContact:
    """A matched contact as it is before the import: what a fill may change, and its extras."""

    id: int
    name: str
    company_id: int | None
    company_key: str
    role: str
    email: str
    phone: str
    linkedin_url: str
    how_met: str
    relationship_note: str
    updated_at: str
    typed: bool  # the user's own (see the module's docstring): only empty fields are filled
    source: str  # the source of the import that created it, "" for one typed in
    methods: list[tuple[str, str]] = field(default_factory=list)  # kind, value
    topics: list[str] = field(default_factory=list)


def known_contacts(cursor: sqlite3.Cursor, ids: Iterable[int]) -> dict[int, KnownContact]:
    """The matched contacts' fields, extra methods and topics, by id."""
    wanted = json.dumps(sorted(set(ids)))
    contacts = {
        row[0]: KnownContact(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            row[10],
            typed=bool(row[11]),
            source=row[12] or "",
        )
        for row in cursor.execute(
            "SELECT c.id, c.name, c.company_id, COALESCE(co.key, ''), c.role, c.email, c.phone,"
            " c.linkedin_url, c.how_met, c.relationship_note, c.updated_at,"
            " c.import_batch_id IS NULL OR c.updated_at > COALESCE((SELECT MAX(b.created_at)"
            "   FROM import_batch b WHERE b.undone_at IS NULL AND (b.id = c.import_batch_id"
            "   OR b.id IN (SELECT ic.batch_id FROM import_change ic"
            "               WHERE ic.contact_id = c.id))), ''),"
            " (SELECT source FROM import_batch WHERE id = c.import_batch_id)"
            " FROM contact c LEFT JOIN company co ON co.id = c.company_id"
            " WHERE c.id IN (SELECT value FROM json_each(?))",
            (wanted,),
        )
    }
    for contact_id, kind, value in cursor.execute(
        "SELECT contact_id, kind, value FROM contact_method"
        " WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY position, id",
        (wanted,),
    ):
        contacts[contact_id].methods.append((kind, value))
    for contact_id, name in cursor.execute(
        "SELECT contact_id, name FROM contact_topic"
        " WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY position, id",
        (wanted,),
    ):
        contacts[contact_id].topics.append(name)
    return contacts


@dataclass
class Fill:
    """What an import changes on one matched contact."""

    contact: KnownContact
    changes: dict[str, Any] = field(default_factory=dict)  # column -> new value
    methods: list[tuple[str, str, str]] = field(default_factory=list)  # kind, value, label
    topics: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes or self.methods or self.topics)

    def description(self) -> str:
        """What the summary says of it: "phone, note, 1 e-mail added, 2 topics added"."""
        parts = [CHANGE_LABELS[name] for name in CHANGE_LABELS if name in self.changes]
        for kind, one, many in (("email", "e-mail", "e-mails"), ("phone", "phone", "phones")):
            count = sum(1 for method in self.methods if method[0] == kind)
            if count:
                parts.append(f"{count} {one if count == 1 else many} added")
        links = sum(1 for method in self.methods if method[0] == "url")
        if links:
            parts.append(f"{links} link{'' if links == 1 else 's'} added")
        if self.topics:
            parts.append(f"{len(self.topics)} topic{'' if len(self.topics) == 1 else 's'} added")
        return ", ".join(parts)


def plan_fill(
    contact: KnownContact,
    record: Incoming,
    company: tuple[str, Callable[[], int | None]],
    region: str | None,
    source: str,
) -> Fill:
    """What ``record`` adds to ``contact``: empty fields filled, new e-mails, phones, links
    and topics added; company and role replaced only on a contact that isn't the user's own
    and that an import from ``source`` created (see the module's docstring).

    ``company`` is the record's company key and a function giving (planning) its id.
    """
    fill = Fill(contact)
    key, company_id = company
    refresh = not contact.typed and contact.source == source
    if key and key != contact.company_key and (not contact.company_key or refresh):
        fill.changes["company_id"] = company_id()
    if record.role and record.role != contact.role and (not contact.role or refresh):
        fill.changes["role"] = record.role
    if record.linkedin_url and not contact.linkedin_url:
        fill.changes["linkedin_url"] = record.linkedin_url
    for column, field_name in (("how_met", "how_met"), ("relationship_note", "note")):
        if not getattr(contact, column).strip():  # read the record's only when it can fill
            value = getattr(record, field_name)
            if value.strip():
                fill.changes[column] = value

    def add(kind: str, column: str, values: Sequence[tuple[str, str]], keyed: Callable[[str], str]):
        have = {keyed(value) for k, value in contact.methods if k == kind}
        if getattr(contact, column):
            have.add(keyed(getattr(contact, column)))
        for value, label in values:
            folded = keyed(value)
            if not value or folded in have:
                continue
            have.add(folded)
            if not getattr(contact, column) and column not in fill.changes:
                fill.changes[column] = value
            else:
                fill.methods.append((kind, value, label))

    add("email", "email", record.emails, email_key)
    add("phone", "phone", record.phones, lambda n: phone_key(n, region) or n.strip())
    have_urls = {value.strip().casefold() for kind, value in contact.methods if kind == "url"}
    have_urls.add(contact.linkedin_url.strip().casefold())
    for value, label in record.urls:
        if value.strip() and value.strip().casefold() not in have_urls:
            have_urls.add(value.strip().casefold())
            fill.methods.append(("url", value, label))
    have_topics = {topic.casefold() for topic in contact.topics}
    for topic in record.topics:
        if topic.casefold() not in have_topics:
            have_topics.add(topic.casefold())
            fill.topics.append(topic)
    return fill


_CHANGE_SQL = (
    "INSERT INTO import_change (batch_id, contact_id, action, previous) VALUES (?, ?, ?, ?)"
)


def write_fills(cursor: sqlite3.Cursor, fills: Sequence[Fill], batch_id: int, stamp: str) -> None:
    """Apply the fills, keeping for each contact its previous values and the ids of the rows
    added, so undo_import restores it exactly. Call inside the import's transaction."""
    if not fills:
        return
    next_method = (cursor.execute("SELECT MAX(id) FROM contact_method").fetchone()[0] or 0) + 1
    next_topic = (cursor.execute("SELECT MAX(id) FROM contact_topic").fetchone()[0] or 0) + 1
    methods: list[tuple[object, ...]] = []
    topics: list[tuple[object, ...]] = []
    changes: list[tuple[object, ...]] = []
    for fill in fills:
        contact = fill.contact
        previous: dict[str, Any] = {name: getattr(contact, name) for name in fill.changes}
        previous["updated_at"] = contact.updated_at
        if fill.methods:
            previous["added_methods"] = list(range(next_method, next_method + len(fill.methods)))
            for position, (kind, value, label) in enumerate(fill.methods, len(contact.methods)):
                methods.append((next_method, contact.id, kind, value, label, position))
                next_method += 1
        if fill.topics:
            previous["added_topics"] = list(range(next_topic, next_topic + len(fill.topics)))
            for position, name in enumerate(fill.topics, len(contact.topics)):
                topics.append((next_topic, contact.id, name, position))
                next_topic += 1
        columns = {**fill.changes, "updated_at": stamp}
        assignments = ", ".join(f"{name} = ?" for name in columns)
        cursor.execute(
            f"UPDATE contact SET {assignments} WHERE id = ?", (*columns.values(), contact.id)
        )
        changes.append((batch_id, contact.id, "updated", json.dumps(previous, ensure_ascii=False)))
    cursor.executemany(
        "INSERT INTO contact_method (id, contact_id, kind, value, label, position)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        methods,
    )
    cursor.executemany(
        "INSERT INTO contact_topic (id, contact_id, name, position) VALUES (?, ?, ?, ?)", topics
    )
    cursor.executemany(_CHANGE_SQL, changes)
    index_contacts([fill.contact.id for fill in fills])


def data_version(cursor: sqlite3.Cursor) -> int:
    """SQLite's count of commits by other connections: a plan made while it stayed the same
    still describes the database (an import's own connection commits nothing meanwhile)."""
    return int(cursor.execute("PRAGMA data_version").fetchone()[0])


__all__ = [
    "CHANGE_LABELS",
    "Fill",
    "Incoming",
    "KnownContact",
    "KnownPeople",
    "data_version",
    "default_phone_region",
    "known_contacts",
    "plan_fill",
    "write_fills",
]
