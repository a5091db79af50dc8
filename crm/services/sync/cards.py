"""Contacts as the cards of an address book (CardDAV), both ways.

Every contact is a vCard 3.0 with its stable UID. What the phone changes in the fields a card
shares with crm (name, e-mails, phones, organisation, title, note, URLs, categories) comes
back field by field (crm.domain.sync.merge_fields); what crm alone knows (rapport,
keep-in-touch, how you met, connections) is never taken from a card. A card made on the
phone is imported as an undoable batch, matched against the people crm knows; a card
deleted on the server leaves its contact alone and is not sent again until ``send_again``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from peewee import Expression

from crm.clock import utc_now
from crm.db import db
from crm.db.models import Contact, SyncCollection, SyncItem
from crm.db.typed import tuples
from crm.domain.matching import Verdict
from crm.domain.sync import FieldValue, SyncAction, SyncReport, digest, merge_fields
from crm.domain.validation import InvalidInput
from crm.services.contacts import CardFields, ContactNotFound, update_card_fields
from crm.services.importing.carddav import SOURCE_CARDDAV, read_server_card
from crm.services.importing.cards import (
    AddressCard,
    clean_email,
    clean_phone,
    clean_topics,
    derived_uid,
    linkedin_profile,
    phone_key,
    unique_methods,
)
from crm.services.importing.matching import KnownPeople, default_phone_region
from crm.services.importing.pipeline import CompanyPlanner, import_cards
from crm.services.sync import state
from crm.services.sync.engine import LocalItem, Pulled
from crm.services.sync.state import ItemState
from crm.services.tx import writing
from crm.services.vcard_export import VCardContact, contact_cards, vcard_text

Values = dict[str, FieldValue]


def _line(text: str) -> str:
    return " ".join(text.split())


def _values_of_contact(card: VCardContact) -> Values:
    """The synced fields of a contact, tidied exactly as the card reader tidies them."""
    emails = [(0, card.email, "")] + [(1, v, "") for k, v, _ in card.methods if k == "email"]
    phones = [(0, card.phone, "")] + [(1, v, "") for k, v, _ in card.methods if k == "phone"]
    urls = [(1, v.strip(), "") for k, v, _ in card.methods if k == "url"]
    linkedin = (card.linkedin_url,) if card.linkedin_url else ()
    return {
        "name": _line(card.name),
        "emails": tuple(v for v, _ in unique_methods(_cleaned(emails, clean_email), str.casefold)),
        "phones": tuple(v for v, _ in unique_methods(_cleaned(phones, clean_phone), phone_key)),
        "org": _line(card.company),
        "title": _line(card.role),
        "note": card.note.strip(),
        "urls": linkedin
        + tuple(v for v, _ in unique_methods(urls, str.casefold) if v != card.linkedin_url),
        "categories": clean_topics(card.topics),
    }


def _cleaned(
    methods: list[tuple[int, str, str]], clean: Callable[[str], str]
) -> list[tuple[int, str, str]]:
    return [(rank, clean(value), label) for rank, value, label in methods]


def _values_of_card(card: AddressCard) -> Values:
    linkedin = (card.linkedin_url,) if card.linkedin_url else ()
    return {
        "name": card.name,
        "emails": tuple(value for value, _ in card.emails),
        "phones": tuple(value for value, _ in card.phones),
        "org": card.company,
        "title": card.role,
        "note": card.note,
        "urls": linkedin + tuple(value for value, _ in card.urls),
        "categories": card.topics,
    }


def _base(values: Values, rev: str, extra: Sequence[str] = ()) -> str:
    kept = {"extra": list(extra)} if extra else {}
    return json.dumps({**values, "rev": rev, **kept}, ensure_ascii=False, sort_keys=True)


# What crm writes into a card itself; anything else a phone put there (a photo, an address,
# a birthday) is carried along unchanged whenever crm sends the card back.
_OWN_PROPERTIES = frozenset(
    {
        "BEGIN", "END", "VERSION", "PRODID", "UID", "REV", "FN", "N", "EMAIL", "TEL", "ORG",
        "TITLE", "NOTE", "URL", "CATEGORIES", "X-ABLABEL",
    }
)  # fmt: skip


def _extra_lines(body: str) -> list[str]:
    """The properties of a server card that crm doesn't write, each as one unfolded line."""
    lines: list[str] = []
    for raw in body.replace("\r\n", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    kept = []
    for line in lines:
        name = line.split(":", 1)[0].split(";", 1)[0].rsplit(".", 1)[-1].upper()
        if name not in _OWN_PROPERTIES:
            kept.append(line)
    return kept


def _with_extra(text: str, extra: Sequence[str]) -> str:
    if not extra:
        return text
    end = text.rindex("END:VCARD")
    return text[:end] + "".join(f"{line}\r\n" for line in extra) + text[end:]


def _extra_of(base: str) -> list[str]:
    if not base:
        return []
    extra = json.loads(base).get("extra", [])
    return [str(line) for line in extra] if isinstance(extra, list) else []


def _read_base(text: str) -> tuple[dict[str, FieldValue] | None, str]:
    """(the fields both sides agreed on, the REV crm sent with them) from an item's base."""
    if not text:
        return None, ""
    raw = json.loads(text)
    rev = str(raw.pop("rev", ""))
    raw.pop("extra", None)
    return {k: tuple(v) if isinstance(v, list) else str(v) for k, v in raw.items()}, rev


def _rev(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _shown(value: FieldValue) -> str:
    return ", ".join(value) if isinstance(value, tuple) else value


class ContactCards:
    """The address book: every contact as a card, and the phone's cards as contacts."""

    name = "cards"
    kind = "addressbook"
    content_type = "text/vcard"
    suffix = ".vcf"

    def __init__(self, book: str = "") -> None:
        self.book = book

    def local(self, server_uids: dict[str, str]) -> dict[str, LocalItem]:
        extras = {
            uid: _extra_of(base)
            for uid, base in tuples(
                SyncItem.select(SyncItem.uid, SyncItem.base).where(
                    (SyncItem.collection == self.name) & SyncItem.base.contains('"extra"')
                )
            )
        }
        return {
            card.uid: self._item(card, server_uids, extras.get(card.uid, ()))
            for card in contact_cards()
        }

    def _item(
        self, card: VCardContact, server_uids: dict[str, str], extra: Sequence[str] = ()
    ) -> LocalItem:
        shown = card if card.uid not in server_uids else replace(card, uid=server_uids[card.uid])
        base = _base(_values_of_contact(card), _rev(card.updated_at), extra)
        return LocalItem(card.uid, _with_extra(vcard_text(shown, "3.0"), extra), base, card.name)

    def owns(self, uids: list[str]) -> set[str]:
        return {uid for (uid,) in tuples(Contact.select(Contact.uid).where(Contact.uid.in_(uids)))}

    def uid_of(self, body: str) -> str:
        read = read_server_card(body, "")
        return read.card.uid if read is not None and read.card is not None else ""

    def pulled(
        self, known: ItemState, body: str, now: datetime, report: SyncReport
    ) -> Pulled | None:
        found = contact_cards(_ids(Contact.uid == known.uid))
        read = read_server_card(body, known.href)
        if not found:
            # Deleted in crm: keep the state so the push deletes the card (If-Match).
            return Pulled(known.base, server_current=False)
        contact = found[0]
        if read is None or read.card is None:
            report.note(self.name, SyncAction.CHANGED_ON_PHONE, contact.name, "unreadable card")
            return Pulled(known.base, server_current=False)
        base, sent_rev = _read_base(known.base)
        local = _values_of_contact(contact)
        remote = _values_of_card(read.card)
        # A phone that edits a card without touching REV leaves crm's own: that says nothing
        # of when the phone changed it, so it counts as changed now.
        remote_at = None if read.rev is None or _rev(read.rev) == sent_rev else read.rev
        merged = merge_fields(base, local, remote, local_at=contact.updated_at, remote_at=remote_at)
        for conflict in merged.conflicts:
            kept, lost = _shown(conflict.kept), _shown(conflict.lost)
            state.tell(
                report,
                self.name,
                SyncAction.CONFLICT,
                now,
                contact.name,
                said=f"{conflict.field}: kept {kept}, lost {lost}",
                uid=known.uid,
                contact_id=contact.contact_id,
                field=conflict.field,
                kept=kept,
                lost=lost,
                winner=conflict.winner,
            )
        if merged.local_changed:
            changed = sorted(k for k in merged.values if merged.values[k] != local.get(k))
            try:
                update_card_fields(
                    contact.contact_id, _fields(merged.values, contact, read.card), now=now
                )
            except (InvalidInput, ContactNotFound) as error:
                report.note(self.name, SyncAction.CHANGED_ON_PHONE, contact.name, str(error))
                return Pulled(known.base, server_current=False)
            state.tell(
                report,
                self.name,
                SyncAction.CHANGED_ON_PHONE,
                now,
                contact.name,
                said=", ".join(changed),
                uid=known.uid,
                contact_id=contact.contact_id,
                fields=changed,
            )
        return Pulled(
            _base(merged.values, sent_rev, _extra_lines(body)),
            server_current=not merged.remote_changed,
        )

    def foreign(
        self, href: str, uid: str, body: str, now: datetime, report: SyncReport
    ) -> ItemState | None:
        read = read_server_card(body, href)
        if read is None or read.card is None:
            return state.left_alone(
                report, self.name, href, uid, "", now, said="not a person's card"
            )
        card = read.card
        result = import_cards(
            read.parsed, source=SOURCE_CARDDAV, filename=self.book or "address book", now=now
        )
        contact = _imported(card)
        if contact is None:
            why = result.skipped[0].reason if result.skipped else "not imported"
            return state.left_alone(report, self.name, href, uid, card.name, now, said=why)
        contact_id, contact_uid = contact
        mine = contact_cards([contact_id])[0]
        server_uid = "" if contact_uid == card.uid else card.uid
        extra = _extra_lines(body)
        item = self._item(mine, {contact_uid: server_uid} if server_uid else {}, extra)
        # Same values on both sides: nothing to send; else crm's merged card goes back.
        same = _values_of_contact(mine) == _values_of_card(card)
        state.tell(
            report,
            self.name,
            SyncAction.CREATED_ON_PHONE,
            now,
            mine.name,
            uid=contact_uid,
            contact_id=contact_id,
            batch=result.batch_id,
            matched=bool(server_uid),
        )
        return ItemState(
            contact_uid,
            href,
            "",
            digest(item.body) if same else "",
            _base(_values_of_card(card), _rev(read.rev) if read.rev else "", extra),
            "",
            server_uid,
        )

    def gone(self, known: ItemState, now: datetime, report: SyncReport) -> ItemState | None:
        found = contact_cards(_ids(Contact.uid == known.uid))
        if not found:
            return None
        contact = found[0]
        state.tell(
            report,
            self.name,
            SyncAction.DELETED_ON_SERVER,
            now,
            contact.name,
            said="not sent again",
            uid=known.uid,
            contact_id=contact.contact_id,
        )
        return ItemState(known.uid, known.href, "", "", known.base, "deleted", known.server_uid)


def _ids(where: Expression) -> list[int]:
    return [cid for (cid,) in tuples(Contact.select(Contact.id).where(where))]


def _imported(card: AddressCard) -> tuple[int, str] | None:
    """(id, uid) of the contact an imported card made or was matched to, or None."""
    uid = card.uid or derived_uid(card.name, card.phones, card.emails)
    row = Contact.select(Contact.id, Contact.uid).where(Contact.uid == uid).tuples().first()
    if row is not None:
        return int(row[0]), str(row[1])
    known = KnownPeople(db.cursor(), default_phone_region(), phones=bool(card.phones))
    match = known.find(card, CompanyPlanner().key(card.company))
    if match.verdict is not Verdict.SAME or match.contact_id is None:
        return None
    row = (
        Contact.select(Contact.id, Contact.uid)
        .where(Contact.id == match.contact_id)
        .tuples()
        .first()
    )
    return (int(row[0]), str(row[1])) if row is not None else None


def _fields(values: Values, contact: VCardContact, card: AddressCard) -> CardFields:
    """The merged values as a contact's fields, each e-mail, phone and URL with the label
    the card or crm gave it."""
    labels: dict[tuple[str, str], str] = {}
    for kind, value, label in contact.methods:
        labels[(kind, value.casefold())] = label
    for kind, pairs in (("email", card.emails), ("phone", card.phones), ("url", card.urls)):
        for value, label in pairs:
            labels.setdefault((kind, value.casefold()), label)

    def labelled(kind: str, key: str) -> tuple[tuple[str, str], ...]:
        return tuple((v, labels.get((kind, v.casefold()), "")) for v in values[key])

    urls = labelled("url", "urls")
    linkedin = next((v for v, _ in urls if linkedin_profile(v)), "")
    return CardFields(
        name=str(values["name"]),
        company=str(values["org"]),
        role=str(values["title"]),
        note=str(values["note"]),
        emails=labelled("email", "emails"),
        phones=labelled("phone", "phones"),
        linkedin_url=linkedin_profile(linkedin) if linkedin else "",
        urls=tuple((v, lb) for v, lb in urls if v != linkedin),
        topics=tuple(values["categories"]),
    )


def send_again(contact_id: int, *, now: datetime | None = None) -> bool:
    """Let a contact whose card was deleted on the server be sent again by the next sync.

    Returns False when its card wasn't being kept off the server (nothing to do).

    Raises:
        ContactNotFound: no such contact.
    """
    moment = now or utc_now()
    with writing():
        row = Contact.select(Contact.uid).where(Contact.id == contact_id).tuples().first()
        if row is None:
            raise ContactNotFound(f"There is no contact #{contact_id}.")
        uid = str(row[0])
        dropped = (
            SyncItem.delete()
            .where(
                (SyncItem.collection == ContactCards.name)
                & (SyncItem.uid == uid)
                & (SyncItem.state == "deleted")
            )
            .execute()
        )
        if not dropped:
            return False
        # The change clock doesn't see sync state: make the next sync look at crm's cards.
        SyncCollection.update(clock=-1).where(SyncCollection.name == ContactCards.name).execute()
        state.record(
            ContactCards.name, SyncAction.PUSHED_AGAIN, moment, uid=uid, contact_id=contact_id
        )
    return True


__all__ = ["ContactCards", "send_again"]
