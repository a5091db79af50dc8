"""Imports as undoable batches: LinkedIn's Connections.csv, planned in memory, written at once.

An import reads and checks the whole file, then decides for every row, without a lock, whether
it creates a contact, fills and adds to one (services/import_matching.py: who is who by every
identifier, then the name at the same company) or leaves one alone; it then takes the write
lock only to write (planning again first if another connection wrote meanwhile): new contacts
and their search rows by raw ``executemany``, fills with ``import_change`` rows that keep the
previous values and the rows added, so ``undo_import`` can put everything back.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from crm.clock import utc_now
from crm.db import db
from crm.db.bulk import CHUNK, NO_EXTRAS, Extras, NewContact, write_contacts
from crm.db.models import ImportBatch
from crm.db.search import index_contacts
from crm.db.typed import as_datetime, as_datetime_or_none, stored_time
from crm.domain.companies import clean_company_name, company_key
from crm.domain.linkedin import (
    Connection,
    LinkedInExportError,
    ParsedExport,
    SkippedRow,
    how_met_text,
    read_export_stream,
)
from crm.domain.matching import Verdict
from crm.domain.text import fold_sort_key, sort_key
from crm.services.import_matching import (
    Fill,
    KnownPeople,
    data_version,
    default_phone_region,
    known_contacts,
    plan_fill,
    write_fills,
)
from crm.services.tx import reading, writing
from crm.zone import local_text

SOURCE_LINKEDIN = "linkedin"
Progress = Callable[[int, int], None]
"""Called as ``progress(rows_done, rows_total)`` while an import runs."""

_RESTORABLE = (
    "company_id",
    "role",
    "email",
    "phone",
    "linkedin_url",
    "how_met",
    "relationship_note",
    "updated_at",
)


class ImportBatchNotFound(LookupError):
    """No import batch has the id asked for."""


class ImportAlreadyUndone(ValueError):
    """The batch was undone before; undoing it again would do nothing (or harm)."""


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    batch_id: int | None  # None for a dry run
    filename: str
    created: int
    updated: int
    unchanged: int
    skipped: tuple[SkippedRow, ...]
    companies_created: int
    dry_run: bool = False
    changes: tuple[ContactChange, ...] = ()  # the contacts updated, and how
    possible_duplicates: tuple[PossibleDuplicate, ...] = ()  # created beside a look-alike


@dataclass(frozen=True)
class ContactChange:
    """One known contact an import updated, and how: "phone, note, 1 e-mail added"."""

    contact_id: int
    name: str
    how: str


@dataclass(frozen=True)
class PossibleDuplicate:
    """A person an import created although contacts of the same name exist (other company,
    none, or another LinkedIn profile): listed for review, never merged on a guess."""

    contact_id: int | None  # None in a dry run, where nothing was created
    name: str
    like: tuple[int, ...]  # the existing contacts of the same name
    like_names: tuple[str, ...]

    def text(self) -> str:
        """The line a summary shows: "José Núñez (#12) looks like José Núñez (#3)"."""
        new = f" (#{self.contact_id})" if self.contact_id is not None else ""
        others = ", ".join(
            f"{name} (#{cid})" for cid, name in zip(self.like, self.like_names, strict=True)
        )
        return f"{self.name}{new} looks like {others}"


@dataclass(frozen=True)
class ImportBatchInfo:
    """One import in the history, for `crm import list` and the app."""

    id: int
    source: str
    filename: str
    created_at: datetime
    created: int
    updated: int
    unchanged: int
    skipped: tuple[SkippedRow, ...]
    undone_at: datetime | None
    changes: tuple[ContactChange, ...] = ()
    possible_duplicates: tuple[PossibleDuplicate, ...] = ()


@dataclass(frozen=True)
class UndoResult:
    """What undoing a batch did."""

    batch_id: int
    removed: int  # contacts the batch had created
    restored: int  # contacts the batch had updated, back to their earlier values
    companies_removed: int  # companies the batch had created and nobody uses any more
    kept: int = 0  # created contacts kept because the user has worked with them since


# --- fast keys -----------------------------------------------------------------------------


class _NameKeys(dict[str, tuple[str, str]]):
    """sort_key() and fold() of names, the Unicode work done once per word.

    First and last names repeat across an address book, and both functions work word by
    word (what they change never spans a space), so a name's keys are its words' keys.
    """

    def of(self, name: str) -> tuple[str, str]:
        """(sort_key(name), fold(name))."""
        if name.isascii():
            key = " ".join(name.lower().split())
            return key, key
        words = [self[word] for word in name.split()]
        return (
            " ".join([key for key, _folded in words if key]),
            " ".join([folded for _key, folded in words if folded]),
        )

    def __missing__(self, word: str) -> tuple[str, str]:
        key = sort_key(word)
        value = self[word] = (key, fold_sort_key(key))
        return value


def _uids(count: int) -> list[str]:
    """``count`` distinct version-4 UUIDs as text, much quicker in bulk than models.new_uid.

    74 random bits are shared by the batch and the last 48 count up from a random start:
    unique within the batch, and as unlikely as any two random UUIDs to meet another's.
    """
    digits = os.urandom(16).hex()
    variant = "89ab"[int(digits[16], 16) & 3]
    prefix = f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-"
    start = int(digits[20:], 16)
    return [f"{prefix}{(start + n) & 0xFFFF_FFFF_FFFF:012x}" for n in range(count)]


@contextmanager
def _collector_paused() -> Iterator[None]:
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


# --- planning ------------------------------------------------------------------------------


@dataclass
class _Plan:
    creates: list[tuple[Connection, int | None]] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    new_companies: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, key
    company_names: dict[int, str] = field(default_factory=dict)
    # Creates (by their index in ``creates``) beside contacts of the same name, for review.
    possible: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    known_names: dict[int, str] = field(default_factory=dict)  # names of those contacts


class _Companies:
    """Company ids by loose key, creating (in the plan) the ones not seen before."""

    def __init__(self, cursor: sqlite3.Cursor, plan: _Plan) -> None:
        rows = cursor.execute("SELECT id, key, name FROM company").fetchall()
        self._ids = {key: company_id for company_id, key, _name in rows}
        self._names = plan.company_names
        self._names.update((company_id, name) for company_id, _key, name in rows)
        self._next_id = max((row[0] for row in rows), default=0) + 1
        self._plan = plan

    def id_for(self, name: str, key: str) -> int | None:
        if not key:
            return None
        company_id = self._ids.get(key)
        if company_id is None:
            company_id = self._ids[key] = self._next_id
            self._next_id += 1
            display = clean_company_name(name)
            self._names[company_id] = display
            self._plan.new_companies.append((company_id, display, key))
        return company_id


class _CompanyKeys(dict[str, str]):
    """company_key() of the company names in a file, each computed once."""

    def __missing__(self, name: str) -> str:
        value = self[name] = company_key(clean_company_name(name))
        return value


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _json_ids(ids: Iterable[int]) -> str:
    return json.dumps(list(ids))


class _LinkedInPerson:
    """A connection as the matching and filling shared with the other importers see it."""

    __slots__ = ("_connection", "emails")
    phones: tuple[tuple[str, str], ...] = ()
    urls: tuple[tuple[str, str], ...] = ()
    note = ""
    topics: tuple[str, ...] = ()

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.emails = ((connection.email, ""),) if connection.email else ()

    @property
    def name(self) -> str:
        return self._connection.name

    @property
    def company(self) -> str:
        return self._connection.company

    @property
    def role(self) -> str:
        return self._connection.position

    @property
    def linkedin_url(self) -> str:
        return self._connection.url

    @property
    def how_met(self) -> str:  # worked out only for the few contacts that lack one
        return how_met_text(self._connection)


def _plan_import(connections: Sequence[Connection], skipped: Sequence[SkippedRow]) -> _Plan:
    """Decide what every row does, from one read of the contacts the file can match."""
    plan = _Plan(skipped=list(skipped))
    keys = _CompanyKeys()
    cursor = db.cursor()
    companies = _Companies(cursor, plan)
    region = default_phone_region()
    known = KnownPeople(cursor, region, phones=False)

    matches: list[tuple[_LinkedInPerson, int]] = []
    seen_urls: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    matched_lines: dict[int, int] = {}
    for connection in connections:
        line = connection.line
        if connection.url:
            if connection.url in seen_urls:
                first_line = seen_urls[connection.url]
                plan.skipped.append(SkippedRow(line, f"same profile as line {first_line}"))
                continue
            seen_urls[connection.url] = line
        elif connection.email:
            email = connection.email.lower()
            if email in seen_emails:
                plan.skipped.append(SkippedRow(line, f"same e-mail as line {seen_emails[email]}"))
                continue
            seen_emails[email] = line
        else:
            plan.skipped.append(SkippedRow(line, "no profile URL or e-mail to match on"))
            continue
        key = keys[connection.company]
        person = _LinkedInPerson(connection)
        match = known.find(person, key)
        if match.verdict is Verdict.AMBIGUOUS:
            plan.skipped.append(
                SkippedRow(line, f"its e-mail matches {len(match.candidates)} contacts")
            )
            continue
        contact_id = match.contact_id
        if contact_id is None:
            if match.possible:
                plan.possible.append((len(plan.creates), match.possible))
            plan.creates.append((connection, companies.id_for(connection.company, key)))
        elif contact_id in matched_lines:
            first_line = matched_lines[contact_id]
            plan.skipped.append(SkippedRow(line, f"same contact as line {first_line}"))
        else:
            matched_lines[contact_id] = line
            matches.append((person, contact_id))

    details = known_contacts(cursor, {contact_id for _, contact_id in matches})
    for person, contact_id in matches:
        key = keys[person.company]
        fill = plan_fill(
            details[contact_id],
            person,
            (key, lambda person=person, key=key: companies.id_for(person.company, key)),
            region,
            SOURCE_LINKEDIN,
        )
        if fill:
            plan.fills.append(fill)
        else:
            plan.unchanged += 1
    _name_possible(cursor, plan)
    plan.skipped.sort(key=lambda row: row.line)
    return plan


def _name_possible(cursor: sqlite3.Cursor, plan: _Plan) -> None:
    """Read the names of the contacts the plan's creates look like, for the summary."""
    ids = {cid for _index, like in plan.possible for cid in like}
    if ids:
        plan.known_names.update(
            cursor.execute(
                "SELECT id, name FROM contact WHERE id IN (SELECT value FROM json_each(?))",
                (_json_ids(sorted(ids)),),
            ).fetchall()
        )


# --- writing -------------------------------------------------------------------------------

_COMPANY_SQL = (
    "INSERT INTO company (id, name, key, website, notes, created_at) VALUES (?, ?, ?, '', '', ?)"
)


def _new_contacts(
    plan: _Plan, batch_id: int, stamp: str, first_id: int
) -> Iterator[tuple[NewContact, Extras]]:
    """The rows of the new contacts, ids from ``first_id`` on, made as they are written."""
    how_met_texts: dict[object, str] = {}  # connections made on one day share the text
    name_keys = _NameKeys()
    uids: list[str] = []
    for contact_id, (connection, company_id) in enumerate(plan.creates, start=first_id):
        if not uids:
            uids = _uids(CHUNK)
        date_key = connection.connected_on or connection.connected_on_text
        how_met = how_met_texts.get(date_key)
        if how_met is None:
            how_met = how_met_texts[date_key] = how_met_text(connection)
        row = NewContact(
            id=contact_id,
            uid=uids.pop(),
            name=connection.name,
            sort_key=name_keys.of(connection.name)[0],
            company_id=company_id,
            role=connection.position,
            email=connection.email,
            linkedin_url=connection.url,
            how_met=how_met,
            import_batch_id=batch_id,
            created_at=stamp,
            updated_at=stamp,
        )
        yield row, NO_EXTRAS


def next_contact_id(cursor: sqlite3.Cursor) -> int:
    """The id the first contact an import creates gets (they are numbered on from it)."""
    return int((cursor.execute("SELECT MAX(id) FROM contact").fetchone()[0] or 0) + 1)


def summary_json(
    *,
    rows: int,
    created: int,
    fills: Sequence[Fill],
    unchanged: int,
    skipped: Sequence[SkippedRow],
    new_companies: Sequence[tuple[int, str, str]],
    possible: Sequence[PossibleDuplicate],
) -> str:
    """The batch's summary, as ``list_imports`` and the app read it back."""
    return json.dumps(
        {
            "rows": rows,
            "created": created,
            "updated": len(fills),
            "unchanged": unchanged,
            "skipped": [[row.line, row.reason] for row in skipped],
            "companies_created": [company_id for company_id, _, _ in new_companies],
            "changes": [[fill.contact.id, fill.contact.name, fill.description()] for fill in fills],
            "possible_duplicates": [
                [item.contact_id, item.name, list(item.like), list(item.like_names)]
                for item in possible
            ],
        },
        ensure_ascii=False,
    )


def contact_changes(fills: Sequence[Fill]) -> tuple[ContactChange, ...]:
    return tuple(
        ContactChange(fill.contact.id, fill.contact.name, fill.description()) for fill in fills
    )


def _possible(plan: _Plan, first_id: int | None) -> list[PossibleDuplicate]:
    return [
        PossibleDuplicate(
            None if first_id is None else first_id + index,
            plan.creates[index][0].name,
            like,
            tuple(plan.known_names.get(cid, "") for cid in like),
        )
        for index, like in plan.possible
    ]


def read_export(path: Path) -> ParsedExport:
    """The rows of an export file, read a block at a time (the file is never held whole).

    Raises:
        LinkedInExportError: the file can't be read, or isn't a valid export.
    """
    try:
        with Path(path).open("rb") as stream:
            return read_export_stream(stream)
    except IsADirectoryError as error:
        raise LinkedInExportError("it is a folder, not a CSV file") from error
    except OSError as error:
        raise LinkedInExportError(f"can't read the file: {error.strerror or error}") from error


def import_linkedin(
    path: Path,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a LinkedIn Connections.csv as one undoable batch.

    Args:
        path: the export file.
        now: the import's time (naive UTC), for the batch and the contacts' timestamps.
        progress: called with (rows done, rows in the file) as the import goes on.
        dry_run: work out and return what would happen without writing anything.

    Raises:
        LinkedInExportError: the file can't be read or isn't a valid export; the message
            names the line at fault, and nothing has been written.
    """
    with _collector_paused():
        return _import_linkedin(path, now=now, progress=progress, dry_run=dry_run)


def _import_linkedin(
    path: Path, *, now: datetime | None, progress: Progress | None, dry_run: bool
) -> ImportResult:
    parsed = read_export(path)
    moment = (now or utc_now()).replace(microsecond=0)
    stamp = stored_time(moment)
    total = len(parsed.connections) + len(parsed.skipped)
    done = 0

    def report(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(min(done, total), total)  # a plan made again counts its rows twice

    report(0)
    batch_id: int | None = None
    first_id: int | None = None
    # Parsing (above) and planning take no lock; the write lock is held only for the writing.
    with db.connection_context():
        with reading():
            version = data_version(db.cursor())
            plan = _plan_import(parsed.connections, parsed.skipped)
        report(plan.unchanged + len(plan.skipped))
        if not dry_run:
            with writing():
                cursor = db.cursor()
                if data_version(cursor) != version:
                    # Someone wrote since the plan was made: plan again against what is there.
                    plan = _plan_import(parsed.connections, parsed.skipped)
                first_id = next_contact_id(cursor)
                possible = _possible(plan, first_id)
                batch_id = int(
                    ImportBatch.insert(
                        source=SOURCE_LINKEDIN,
                        filename=Path(path).name,
                        created_at=moment,
                        summary=summary_json(
                            rows=total,
                            created=len(plan.creates),
                            fills=plan.fills,
                            unchanged=plan.unchanged,
                            skipped=plan.skipped,
                            new_companies=plan.new_companies,
                            possible=possible,
                        ),
                    ).execute()
                )
                cursor.executemany(_COMPANY_SQL, [(*row, stamp) for row in plan.new_companies])
                write_contacts(
                    cursor,
                    _new_contacts(plan, batch_id, stamp, first_id),
                    len(plan.creates),
                    plan.company_names,
                    report,
                )
                write_fills(cursor, plan.fills, batch_id, stamp)
                report(len(plan.fills))
    if progress is not None and done < total:
        progress(total, total)
    return ImportResult(
        batch_id=batch_id,
        filename=Path(path).name,
        created=len(plan.creates),
        updated=len(plan.fills),
        unchanged=plan.unchanged,
        skipped=tuple(plan.skipped),
        companies_created=len(plan.new_companies),
        dry_run=dry_run,
        changes=contact_changes(plan.fills),
        possible_duplicates=tuple(_possible(plan, first_id)),
    )


# --- history and undo ----------------------------------------------------------------------


def _info(batch: ImportBatch) -> ImportBatchInfo:
    try:
        summary = json.loads(batch.summary or "{}")
    except ValueError:
        summary = {}
    created_at = as_datetime(batch.created_at)
    return ImportBatchInfo(
        id=batch.id,
        source=batch.source,
        filename=batch.filename,
        created_at=created_at,
        created=int(summary.get("created", 0)),
        updated=int(summary.get("updated", 0)),
        unchanged=int(summary.get("unchanged", 0)),
        skipped=tuple(
            SkippedRow(int(line), str(reason)) for line, reason in summary.get("skipped", ())
        ),
        undone_at=as_datetime_or_none(batch.undone_at),
        changes=tuple(
            ContactChange(int(cid), str(name), str(how))
            for cid, name, how in summary.get("changes", ())
        ),
        possible_duplicates=tuple(
            PossibleDuplicate(
                None if cid is None else int(cid), str(name), tuple(like), tuple(like_names)
            )
            for cid, name, like, like_names in summary.get("possible_duplicates", ())
        ),
    )


def list_imports(limit: int = 100) -> list[ImportBatchInfo]:
    """The most recent imports, newest first."""
    with reading():
        batches = ImportBatch.select().order_by(ImportBatch.id.desc()).limit(limit)
        return [_info(batch) for batch in batches]


def get_import(batch_id: int) -> ImportBatchInfo:
    """One import's record; raises ImportBatchNotFound."""
    with reading():
        batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
        if batch is None:
            raise ImportBatchNotFound(f"There is no import #{batch_id}.")
        return _info(batch)


def undo_import(batch_id: int, *, now: datetime | None = None) -> UndoResult:
    """Take an import back: remove the contacts it created, restore the ones it updated.

    Contacts that existed before the import and were not changed by it are not touched.
    Created contacts the user has since worked with (conversations, follow-ups, interviews,
    connections, references, referrals) are kept, so an undo never deletes the user's own notes.

    Raises:
        ImportBatchNotFound: no batch has that id.
        ImportAlreadyUndone: the batch was undone before.
    """
    moment = (now or utc_now()).replace(microsecond=0)
    with writing():
        batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
        if batch is None:
            raise ImportBatchNotFound(f"There is no import #{batch_id}.")
        if batch.undone_at is not None:
            undone = as_datetime(batch.undone_at)
            when = f" on {local_text(undone)}" if undone else ""
            raise ImportAlreadyUndone(f"Import #{batch_id} was already undone{when}.")
        cursor = db.cursor()
        restored = _restore_updated(cursor, batch_id)
        # No action loses data: people the user has since talked to, interviewed with, linked
        # or listed as references stay (detached from the batch) instead of taking that with them.
        kept = cursor.execute(
            "UPDATE contact SET import_batch_id = NULL WHERE import_batch_id = ? AND ("
            " EXISTS (SELECT 1 FROM interaction WHERE contact_id = contact.id)"
            " OR EXISTS (SELECT 1 FROM follow_up WHERE contact_id = contact.id)"
            " OR EXISTS (SELECT 1 FROM interview_interviewer WHERE contact_id = contact.id)"
            " OR EXISTS (SELECT 1 FROM connection WHERE contact_a_id = contact.id"
            "            OR contact_b_id = contact.id)"
            " OR EXISTS (SELECT 1 FROM reference WHERE contact_id = contact.id)"
            " OR EXISTS (SELECT 1 FROM opportunity_person WHERE contact_id = contact.id))",
            (batch_id,),
        ).rowcount
        cursor.execute(
            "DELETE FROM contact_index WHERE rowid IN"
            " (SELECT id FROM contact WHERE import_batch_id = ?)",
            (batch_id,),
        )
        removed = cursor.execute(
            "DELETE FROM contact WHERE import_batch_id = ?", (batch_id,)
        ).rowcount
        companies_removed = _remove_unused_companies(cursor, batch)
        index_contacts(restored)
        ImportBatch.update(undone_at=moment).where(ImportBatch.id == batch_id).execute()
    return UndoResult(batch_id, removed, len(restored), companies_removed, kept)


def _restore_updated(cursor: sqlite3.Cursor, batch_id: int) -> list[int]:
    """Put back the fields a batch changed; returns the ids of the contacts restored."""
    changes = cursor.execute(
        "SELECT ic.contact_id, ic.previous FROM import_change ic"
        " JOIN contact c ON c.id = ic.contact_id"
        " WHERE ic.batch_id = ? AND ic.action = 'updated' ORDER BY ic.id DESC",
        (batch_id,),
    ).fetchall()
    company_ids = {cid for (cid,) in cursor.execute("SELECT id FROM company")}
    restored: list[int] = []
    for contact_id, previous_json in changes:
        recorded = json.loads(previous_json or "{}")
        # The e-mails, phones, links and topics the import added go; the user's own stay.
        for table, key in (("contact_method", "added_methods"), ("contact_topic", "added_topics")):
            if recorded.get(key):
                cursor.execute(
                    f"DELETE FROM {table} WHERE contact_id = ?"
                    " AND id IN (SELECT value FROM json_each(?))",
                    (contact_id, _json_ids(recorded[key])),
                )
        previous = {name: value for name, value in recorded.items() if name in _RESTORABLE}
        if previous.get("company_id") not in company_ids and "company_id" in previous:
            previous["company_id"] = None  # the old company was deleted since
        if not previous:
            continue
        assignments = ", ".join(f"{name} = ?" for name in previous)
        cursor.execute(
            f"UPDATE contact SET {assignments} WHERE id = ?", (*previous.values(), contact_id)
        )
        restored.append(contact_id)
    return restored


def _remove_unused_companies(cursor: sqlite3.Cursor, batch: ImportBatch) -> int:
    """Delete the companies a batch created that no contact or opportunity uses any more."""
    try:
        company_ids = json.loads(batch.summary or "{}").get("companies_created", [])
    except ValueError:
        return 0
    if not company_ids:
        return 0
    return int(
        cursor.execute(
            "DELETE FROM company WHERE id IN (SELECT value FROM json_each(?))"
            " AND NOT EXISTS (SELECT 1 FROM contact WHERE contact.company_id = company.id)"
            " AND NOT EXISTS"
            " (SELECT 1 FROM opportunity WHERE opportunity.company_id = company.id)",
            (_json_ids(company_ids),),
        ).rowcount
    )


__all__ = [
    "SOURCE_LINKEDIN",
    "ImportAlreadyUndone",
    "ImportBatchInfo",
    "ImportBatchNotFound",
    "ImportResult",
    "LinkedInExportError",
    "Progress",
    "UndoResult",
    "get_import",
    "import_linkedin",
    "list_imports",
    "read_export",
    "undo_import",
]


# --- building blocks for other importers (vCard, Google Contacts) ---------------------------


class CompanyPlanner:
    """Company ids by name for an import, planning (not yet writing) the companies that are new.

    Use it inside ``reading()`` or ``writing()``; ``write_batch`` inserts the companies planned.
    """

    def __init__(self) -> None:
        self._plan = _Plan()
        self._companies = _Companies(db.cursor(), self._plan)
        self._keys = _CompanyKeys()

    def key(self, name: str) -> str:
        """The loose key of a company name: "Acme, Inc." and "ACME" share one."""
        return self._keys[name]

    def id_for(self, name: str) -> int | None:
        """The id of the company called ``name``, planned as new when unknown; None if blank."""
        return self._companies.id_for(name, self._keys[name])

    @property
    def company_names(self) -> dict[int, str]:
        """The display names of the known and planned companies, by id."""
        return self._plan.company_names

    @property
    def new_companies(self) -> list[tuple[int, str, str]]:
        """(id, name, key) of the companies planned so far."""
        return self._plan.new_companies


def write_batch(
    *,
    source: str,
    filename: str,
    moment: datetime,
    rows: int,
    created: int,
    fills: Sequence[Fill],
    unchanged: int,
    skipped: Sequence[SkippedRow],
    companies: CompanyPlanner,
    possible: Sequence[PossibleDuplicate] = (),
) -> int:
    """Record an import another importer planned, as a batch ``undo_import`` can take back.

    Call inside ``writing()``. Inserts the batch (with the summary ``list_imports`` reads), the
    planned companies, and the fills with what undo needs; the caller then inserts the
    contacts it creates with ``import_batch_id`` set to the id returned.

    Args:
        source: "vcard", "google", …
        filename: the file (or folder) imported, as shown in the history.
        moment: the import's time, naive UTC without microseconds.
        rows: how many records the file held.
        created: how many contacts the caller is about to insert.
        fills: what matched contacts gain (import_matching.plan_fill).
        unchanged: how many records matched a contact and changed nothing.
        skipped: the records left out, and why.
        companies: the planner that gave the company ids of creates and fills.
        possible: created people who look like known ones, with the ids they will get.
    """
    summary = summary_json(
        rows=rows,
        created=created,
        fills=fills,
        unchanged=unchanged,
        skipped=skipped,
        new_companies=companies.new_companies,
        possible=possible,
    )
    batch_id = int(
        ImportBatch.insert(
            source=source, filename=filename, created_at=moment, summary=summary
        ).execute()
    )
    stamp = stored_time(moment)
    cursor = db.cursor()
    cursor.executemany(_COMPANY_SQL, [(*row, stamp) for row in companies.new_companies])
    write_fills(cursor, fills, batch_id, stamp)
    return batch_id


__all__ += [
    "CompanyPlanner",
    "ContactChange",
    "PossibleDuplicate",
    "contact_changes",
    "data_version",
    "next_contact_id",
    "summary_json",
    "write_batch",
]
