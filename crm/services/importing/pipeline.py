"""The one import pipeline: records -> match and plan -> write a batch (undone by batches.py).

A reader turns its file into records (``cards.AddressCard``, or LinkedIn's connections)
and a ``Plan``: what each record creates, fills or leaves alone, matched against the
contacts by matching.py (``import_cards`` does this for address-book cards). ``run_import``
plans without a lock, then writes the batch, its companies and fills
(``batches.write_batch``) and the new contacts (``crm.db.bulk.write_contacts``) in one
transaction.
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Generic, TypeVar

from crm.clock import utc_now
from crm.db import db
from crm.db.bulk import Extras, NewContact, write_contacts
from crm.db.typed import stored_time
from crm.domain.companies import clean_company_name, company_key
from crm.domain.linkedin import SkippedRow
from crm.domain.matching import Verdict
from crm.domain.text import sort_key
from crm.services.importing import batches
from crm.services.importing.batches import ImportResult, PossibleDuplicate, Progress
from crm.services.importing.cards import AddressCard, ParsedCards, derived_uid
from crm.services.importing.matching import (
    Fill,
    Incoming,
    KnownPeople,
    data_version,
    default_phone_region,
    known_contacts,
    plan_fill,
)
from crm.services.tx import reading, writing

_Create = TypeVar("_Create")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector while an import builds its rows.

    An import makes a few tuples per row and keeps them all until it ends, so the collector
    would only walk them again and again to find cycles that aren't there.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _CompanyKeys(dict[str, str]):
    """company_key() of the company names in a file, each computed once."""

    def __missing__(self, name: str) -> str:
        value = self[name] = company_key(clean_company_name(name))
        return value


class CompanyPlanner:
    """Company ids by name for an import, planning (not yet writing) the companies that are new.

    Use it inside ``reading()`` or ``writing()``; ``batches.write_batch`` inserts the
    companies planned.
    """

    def __init__(self) -> None:
        rows = db.cursor().execute("SELECT id, key, name FROM company").fetchall()
        self._ids = {key: company_id for company_id, key, _name in rows}
        self._next_id = max((row[0] for row in rows), default=0) + 1
        self._keys = _CompanyKeys()
        self.company_names: dict[int, str] = {company_id: name for company_id, _k, name in rows}
        """The display names of the known and planned companies, by id."""
        self.new_companies: list[tuple[int, str, str]] = []
        """(id, name, key) of the companies planned so far."""

    def key(self, name: str) -> str:
        """The loose key of a company name: "Acme, Inc." and "ACME" share one."""
        return self._keys[name]

    def id_for(self, name: str) -> int | None:
        """The id of the company called ``name``, planned as new when unknown; None if blank."""
        key = self._keys[name]
        if not key:
            return None
        company_id = self._ids.get(key)
        if company_id is None:
            company_id = self._ids[key] = self._next_id
            self._next_id += 1
            display = clean_company_name(name)
            self.company_names[company_id] = display
            self.new_companies.append((company_id, display, key))
        return company_id


def next_contact_id(cursor: sqlite3.Cursor) -> int:
    """The id the first contact an import creates gets (they are numbered on from it)."""
    return int((cursor.execute("SELECT MAX(id) FROM contact").fetchone()[0] or 0) + 1)


def names_of(
    cursor: sqlite3.Cursor, possible: Iterable[tuple[int, tuple[int, ...]]]
) -> dict[int, str]:
    """The names of the contacts that planned creates look like, for the summary."""
    ids = sorted({cid for _index, like in possible for cid in like})
    if not ids:
        return {}
    return dict(
        cursor.execute(
            "SELECT id, name FROM contact WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        ).fetchall()
    )


def possible_duplicates(
    names: Sequence[str],
    possible: Iterable[tuple[int, tuple[int, ...]]],
    known_names: dict[int, str],
    first_id: int | None,
) -> list[PossibleDuplicate]:
    """The creates (by index into ``names``) that look like known contacts, with the ids they
    get from ``first_id`` on (None in a dry run)."""
    return [
        PossibleDuplicate(
            None if first_id is None else first_id + index,
            names[index],
            like,
            tuple(known_names.get(cid, "") for cid in like),
        )
        for index, like in possible
    ]


@dataclass
class Plan(Generic[_Create]):
    """What an import will do: the records it creates, the fills, what it leaves alone."""

    creates: list[_Create] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    companies: CompanyPlanner = field(default_factory=CompanyPlanner)
    # Creates (by their index in ``creates``) beside contacts of the same name, for review.
    possible: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    known_names: dict[int, str] = field(default_factory=dict)  # names of those contacts


def fill_matches(
    plan: Plan[_Create],
    cursor: sqlite3.Cursor,
    matches: Sequence[tuple[Incoming, int]],
    region: str | None,
    source: str,
) -> Plan[_Create]:
    """Finish a plan: what each record matched to a contact adds to it (or that it changes
    nothing), the names of the contacts its creates look like, its skipped rows in order."""
    companies = plan.companies
    details = known_contacts(cursor, {contact_id for _record, contact_id in matches})
    for record, contact_id in matches:
        fill = plan_fill(
            details[contact_id],
            record,
            (companies.key(record.company), partial(companies.id_for, record.company)),
            region,
            source,
        )
        if fill:
            plan.fills.append(fill)
        else:
            plan.unchanged += 1
    plan.known_names = names_of(cursor, plan.possible)
    plan.skipped.sort(key=lambda row: row.line)
    return plan


NewContacts = Callable[[Plan[_Create], int, str, int], Iterator[tuple[NewContact, Extras]]]
"""Makes the rows of a plan's creates, given the batch id, the stamp and the first new id."""


def run_import(
    *,
    source: str,
    filename: str,
    rows: int,
    now: datetime | None,
    dry_run: bool,
    plan: Callable[[], Plan[_Create]],
    new_contacts: NewContacts[_Create],
    name_of: Callable[[_Create], str],
    report: Callable[[int], None] | None = None,
) -> ImportResult:
    """Plan an import without a lock, then write it as one batch in one transaction.

    ``plan`` is called inside ``reading()``, and again inside ``writing()`` if another
    connection wrote meanwhile; ``report`` hears how many rows are done as it goes.
    """
    moment = (now or utc_now()).replace(microsecond=0)
    stamp = stored_time(moment)
    batch_id: int | None = None
    first_id: int | None = None
    with db.connection_context():
        with reading():
            version = data_version(db.cursor())
            planned = plan()
        if report is not None:
            report(planned.unchanged + len(planned.skipped))
        if not dry_run:
            with writing():
                cursor = db.cursor()
                if data_version(cursor) != version:
                    # Someone wrote since the plan was made: plan again against what is there.
                    planned = plan()
                first_id = next_contact_id(cursor)
                names = [name_of(create) for create in planned.creates]
                batch_id = batches.write_batch(
                    source=source,
                    filename=filename,
                    moment=moment,
                    rows=rows,
                    created=len(planned.creates),
                    fills=planned.fills,
                    unchanged=planned.unchanged,
                    skipped=planned.skipped,
                    new_companies=planned.companies.new_companies,
                    possible=possible_duplicates(
                        names, planned.possible, planned.known_names, first_id
                    ),
                )
                write_contacts(
                    cursor,
                    new_contacts(planned, batch_id, stamp, first_id),
                    len(planned.creates),
                    planned.companies.company_names,
                    report,
                )
                if report is not None:
                    report(len(planned.fills))
    names = [name_of(create) for create in planned.creates]
    return ImportResult(
        batch_id=batch_id,
        filename=filename,
        created=len(planned.creates),
        updated=len(planned.fills),
        unchanged=planned.unchanged,
        skipped=tuple(planned.skipped),
        companies_created=len(planned.companies.new_companies),
        dry_run=dry_run,
        changes=batches.contact_changes(planned.fills),
        possible_duplicates=tuple(
            possible_duplicates(names, planned.possible, planned.known_names, first_id)
        ),
    )


# --- matching, planning and writing (vCards and Google Contacts) -------------------------


_Card = tuple[AddressCard, str, int | None]  # the card, its UID, its company's id


def _at(card: AddressCard) -> str:
    """The " (card 3)" after a reason, unless the card is named by its line already."""
    return "" if card.where == f"line {card.line}" else f" ({card.where})"


def _json(values: Iterable[str]) -> str:
    return json.dumps(sorted(set(values)), ensure_ascii=False)


def _known_uids(cards: Sequence[tuple[AddressCard, str]]) -> dict[str, int]:
    rows = db.cursor().execute(
        "SELECT uid, id FROM contact WHERE uid IN (SELECT value FROM json_each(?))",
        (_json(uid for _card, uid in cards),),
    )
    return dict(rows.fetchall())


def _plan(parsed: ParsedCards, source: str) -> Plan[_Card]:
    """Decide what every card does, from one read of the contacts the cards can match.

    A card is its contact when it carries the contact's UID; otherwise the shared rules
    decide (domain.matching: any identifier, then the name at the same company).
    """
    plan: Plan[_Card] = Plan(skipped=list(parsed.skipped))
    companies = plan.companies
    with_uids = [
        (card, card.uid or derived_uid(card.name, card.phones, card.emails))
        for card in parsed.cards
    ]
    cursor = db.cursor()
    by_uid = _known_uids(with_uids)
    region = default_phone_region()
    known = KnownPeople(cursor, region, phones=any(card.phones for card in parsed.cards))

    seen_uids: dict[str, str] = {}
    new_emails: dict[str, str] = {}
    new_urls: dict[str, str] = {}
    matched: dict[int, str] = {}
    matches: list[tuple[AddressCard, int]] = []
    for card, uid in with_uids:
        if uid in seen_uids:
            same = "the same UID" if card.uid else "the same name, phone and e-mail"
            plan.skipped.append(SkippedRow(card.line, f"{same} as {seen_uids[uid]}{_at(card)}"))
            continue
        seen_uids[uid] = card.where
        contact_id = by_uid.get(uid)
        possible: tuple[int, ...] = ()
        if contact_id is None:
            match = known.find(card, companies.key(card.company))
            if match.verdict is Verdict.AMBIGUOUS:
                plan.skipped.append(
                    SkippedRow(
                        card.line,
                        f"its e-mails match {len(match.candidates)} contacts{_at(card)}",
                    )
                )
                continue
            contact_id, possible = match.contact_id, match.possible
        if contact_id is None:
            earlier = next(
                (new_emails[a.lower()] for a, _label in card.emails if a.lower() in new_emails),
                new_urls.get(card.linkedin_url) if card.linkedin_url else None,
            )
            if earlier is not None:
                plan.skipped.append(SkippedRow(card.line, f"same person as {earlier}{_at(card)}"))
                continue
            for address, _label in card.emails:
                new_emails.setdefault(address.lower(), card.where)
            if card.linkedin_url:
                new_urls.setdefault(card.linkedin_url, card.where)
            if possible:
                plan.possible.append((len(plan.creates), possible))
            plan.creates.append((card, uid, companies.id_for(card.company)))
        elif contact_id in matched:
            plan.skipped.append(
                SkippedRow(card.line, f"same contact as {matched[contact_id]}{_at(card)}")
            )
        else:
            matched[contact_id] = card.where
            matches.append((card, contact_id))

    return fill_matches(plan, cursor, matches, region, source)


def _new_contacts(
    plan: Plan[_Card], batch_id: int, stamp: str, first_id: int
) -> Iterator[tuple[NewContact, Extras]]:
    """The rows of the new contacts, ids from ``first_id`` on, with their topics and the
    e-mails, phones and URLs beyond the first."""
    for contact_id, (card, uid, company_id) in enumerate(plan.creates, start=first_id):
        row: NewContact = {
            "id": contact_id,
            "uid": uid,
            "name": card.name,
            "sort_key": sort_key(card.name),
            "company_id": company_id,
            "role": card.role,
            "email": card.emails[0][0] if card.emails else "",
            "phone": card.phones[0][0] if card.phones else "",
            "linkedin_url": card.linkedin_url,
            "how_met": card.how_met,
            "relationship_note": card.note,
            "import_batch_id": batch_id,
            "created_at": stamp,
            "updated_at": stamp,
        }
        methods: list[tuple[str, str, str]] = []
        if len(card.emails) > 1 or len(card.phones) > 1 or card.urls:
            methods = [
                *(("email", value, label) for value, label in card.emails[1:]),
                *(("phone", value, label) for value, label in card.phones[1:]),
                *(("url", value, label) for value, label in card.urls),
            ]
        yield row, (card.topics, methods)


def import_cards(
    parsed: ParsedCards,
    *,
    source: str,
    filename: str,
    now: datetime | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Match, plan and write address-book cards as one undoable import batch.

    Reads the contacts the cards can match once, without a lock, and decides for every card
    whether it creates a contact, fills and adds to one (matching.plan_fill, which
    undo takes back exactly) or leaves one alone; then writes it all in one transaction,
    planning again first if someone else wrote meanwhile.

    Args:
        parsed: the cards and the rows already skipped while reading.
        source: the batch's source, "vcard" or "google".
        filename: the file imported, for the history.
        now: the import's time (naive UTC).
        progress: called with (rows, rows) when the import is written.
        dry_run: work out and return what would happen without writing anything.
    """
    result = run_import(
        source=source,
        filename=filename,
        rows=parsed.rows,
        now=now,
        dry_run=dry_run,
        plan=partial(_plan, parsed, source),
        new_contacts=_new_contacts,
        name_of=_card_name,
    )
    if progress is not None:
        progress(parsed.rows, parsed.rows)
    return result


def _card_name(create: _Card) -> str:
    return create[0].name
