"""vCards out: every contact as one .vcf text (3.0 or 4.0), or as a vdir."""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from peewee import JOIN
from vobject.base import (  # type: ignore[import-untyped]
    backslashEscape,
    foldOneLine,
)

from crm.db.models import Company, Contact, ContactMethod, ContactTopic
from crm.db.typed import as_datetime, tuples
from crm.services.tx import reading
from crm.services.vdir import ExportResult, sync_vdir, vdir_file_name

VERSIONS = ("3.0", "4.0")
PRODID = "-//crm//crm export//EN"

_FOLD_AT = 75  # vobject's line length; shorter lines are written as they are


@dataclass(frozen=True)
class VCardContact:
    uid: str
    name: str
    company: str
    role: str
    email: str
    phone: str
    linkedin_url: str
    how_met: str
    note: str
    updated_at: datetime
    topics: tuple[str, ...]
    methods: tuple[tuple[str, str, str], ...]  # kind, value, label
    contact_id: int = 0


def contact_cards(contact_ids: Collection[int] | None = None) -> list[VCardContact]:
    """Every contact (or those in ``contact_ids``) with its topics and extra methods, in name
    order (one read)."""
    with reading():
        topic_query = ContactTopic.select(ContactTopic.contact, ContactTopic.name)
        method_query = ContactMethod.select(
            ContactMethod.contact, ContactMethod.kind, ContactMethod.value, ContactMethod.label
        )
        contact_query = Contact.select(
            Contact.id,
            Contact.uid,
            Contact.name,
            Company.name,
            Contact.role,
            Contact.email,
            Contact.phone,
            Contact.linkedin_url,
            Contact.how_met,
            Contact.relationship_note,
            Contact.updated_at,
        )
        if contact_ids is not None:
            wanted = list(contact_ids)
            topic_query = topic_query.where(ContactTopic.contact.in_(wanted))
            method_query = method_query.where(ContactMethod.contact.in_(wanted))
            contact_query = contact_query.where(Contact.id.in_(wanted))
        topics: dict[int, list[str]] = {}
        for contact_id, name in tuples(
            topic_query.order_by(ContactTopic.contact, ContactTopic.position, ContactTopic.id)
        ):
            topics.setdefault(contact_id, []).append(name)
        methods: dict[int, list[tuple[str, str, str]]] = {}
        for contact_id, kind, value, label in tuples(
            method_query.order_by(ContactMethod.contact, ContactMethod.position, ContactMethod.id)
        ):
            methods.setdefault(contact_id, []).append((kind, value, label))
        rows = tuples(
            contact_query.join(
                Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id)
            ).order_by(Contact.sort_key, Contact.id)
        )
        return [
            VCardContact(
                uid=uid,
                name=name,
                company=company or "",
                role=role,
                email=email,
                phone=phone,
                linkedin_url=url,
                how_met=how_met,
                note=note,
                updated_at=as_datetime(updated_at),
                topics=tuple(topics.get(contact_id, ())),
                methods=tuple(methods.get(contact_id, ())),
                contact_id=contact_id,
            )
            for (
                contact_id,
                uid,
                name,
                company,
                role,
                email,
                phone,
                url,
                how_met,
                note,
                updated_at,
            ) in rows
        ]


# Labels a TYPE parameter can say; any other label goes in Apple's grouped X-ABLabel.
_STANDARD_TYPES = {
    "home": "home",
    "work": "work",
    "mobile": "cell",
    "cell": "cell",
    "fax": "fax",
    "pager": "pager",
    "video": "video",
    "voice": "voice",
    "textphone": "textphone",
}


def _split_name(name: str) -> tuple[str, str]:
    """(family, given) for N: the last word and the rest; FN stays the name that counts."""
    words = name.split()
    if len(words) < 2:
        return "", name
    return words[-1], " ".join(words[:-1])


class _CardWriter:
    """Content lines of one card, escaped and folded by vobject's own helpers."""

    def __init__(self, version: str) -> None:
        self.version = version
        self._out = io.StringIO()
        self._groups = 0

    def line(self, name: str, value: str, params: str = "", group: str = "") -> None:
        text = f"{group}.{name}{params}:{value}" if group else f"{name}{params}:{value}"
        if len(text) < _FOLD_AT:
            self._out.write(text + "\r\n")
        else:
            foldOneLine(self._out, text, _FOLD_AT)

    def text(self, name: str, value: str) -> None:
        if value:
            self.line(name, backslashEscape(value))

    def method(self, name: str, value: str, label: str, *, pref: bool) -> None:
        """EMAIL, TEL or URL with its label as TYPE values, or else as an X-ABLabel."""
        words = label.lower().split()
        types = [_STANDARD_TYPES[word] for word in words if word in _STANDARD_TYPES]
        custom = bool(label.strip()) and len(types) < len(words)
        if self.version == "3.0":
            if name == "EMAIL":
                types.insert(0, "INTERNET")
            if pref:
                types.append("pref")
            params = ";TYPE=" + ",".join(t.upper() for t in types) if types else ""
        else:
            params = ";TYPE=" + ",".join(types) if types else ""
            params += ";PREF=1" if pref else ""
        escaped = backslashEscape(value)
        if custom:
            self._groups += 1
            group = f"item{self._groups}"
            self.line(name, escaped, params, group)
            self.line("X-ABLabel", backslashEscape(" ".join(label.split())), group=group)
        else:
            self.line(name, escaped, params)

    def result(self) -> str:
        return self._out.getvalue()


def vcard_text(card: VCardContact, version: str = "3.0") -> str:
    """One contact as a vCard ("3.0" or "4.0"), CRLF line ends."""
    writer = _CardWriter(version)
    writer.line("BEGIN", "VCARD")
    writer.line("VERSION", version)
    writer.line("PRODID", PRODID)
    writer.text("UID", card.uid)
    if version == "4.0":
        writer.line("KIND", "individual")
    writer.text("FN", card.name)
    family, given = _split_name(card.name)
    writer.line("N", f"{backslashEscape(family)};{backslashEscape(given)};;;")
    writer.text("ORG", card.company)
    writer.text("TITLE", card.role)
    emails = [(card.email, "")] if card.email else []
    phones = [(card.phone, "")] if card.phone else []
    urls: list[tuple[str, str]] = []
    for kind, value, label in card.methods:
        {"email": emails, "phone": phones}.get(kind, urls).append((value, label))
    for position, (value, label) in enumerate(emails):
        writer.method("EMAIL", value, label, pref=position == 0 and bool(card.email))
    for position, (value, label) in enumerate(phones):
        writer.method("TEL", value, label, pref=position == 0 and bool(card.phone))
    if card.linkedin_url:
        writer.line("URL", backslashEscape(card.linkedin_url))
        writer.line("X-SOCIALPROFILE", backslashEscape(card.linkedin_url), ";TYPE=linkedin")
    for value, label in urls:
        if value != card.linkedin_url:
            writer.method("URL", value, label, pref=False)
    if card.topics:
        writer.line("CATEGORIES", ",".join(backslashEscape(topic) for topic in card.topics))
    writer.text("NOTE", card.note)
    writer.text("X-CRM-HOW-MET", card.how_met)
    writer.line("REV", card.updated_at.strftime("%Y%m%dT%H%M%SZ"))
    writer.line("END", "VCARD")
    return writer.result()


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        raise ValueError(f"vCard version {version} isn't supported (3.0 or 4.0)")


def export_vcards(*, version: str = "3.0") -> tuple[str, int]:
    """Every contact as vCards in one text; returns (text, number of cards)."""
    _check_version(version)
    cards = contact_cards()
    return "".join(vcard_text(card, version) for card in cards), len(cards)


def export_vcard_dir(directory: Path, *, version: str = "3.0") -> ExportResult:
    """Every contact as ``UID.vcf`` in a vdir (khard, vdirsyncer), rewriting changed cards.

    A contact keeps its file from one export to the next, and files of ours whose contact
    was deleted are removed; files other programs put there are left alone.
    """
    _check_version(version)
    items = [
        (vdir_file_name(card.uid, ".vcf"), vcard_text(card, version).encode("utf-8"))
        for card in contact_cards()
    ]
    return sync_vdir(Path(directory), items, suffix=".vcf", ours=f"PRODID:{PRODID}".encode())
