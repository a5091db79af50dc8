"""Imports as undoable batches: what an import did, its record, the history, and undo.

``write_batch`` records an import the pipeline planned: the batch with its summary, the
companies it creates, and the fills with the previous values and the rows they add, so
``undo_import`` can put everything back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from crm.clock import utc_now
from crm.db import db
from crm.db.models import ImportBatch
from crm.db.search import index_contacts
from crm.db.typed import as_datetime, as_datetime_or_none, stored_time
from crm.domain.linkedin import (
    SkippedRow,
)
from crm.services.importing.matching import (
    Fill,
    write_fills,
)
from crm.services.tx import reading, writing
from crm.zone import local_text

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


_COMPANY_SQL = (
    "INSERT INTO company (id, name, key, website, notes, created_at) VALUES (?, ?, ?, '', '', ?)"
)


def _json_ids(ids: Iterable[int]) -> str:
    return json.dumps(list(ids))


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
    new_companies: Sequence[tuple[int, str, str]],
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
        fills: what matched contacts gain (matching.plan_fill).
        unchanged: how many records matched a contact and changed nothing.
        skipped: the records left out, and why.
        new_companies: (id, name, key) of the companies the import creates.
        possible: created people who look like known ones, with the ids they will get.
    """
    summary = summary_json(
        rows=rows,
        created=created,
        fills=fills,
        unchanged=unchanged,
        skipped=skipped,
        new_companies=new_companies,
        possible=possible,
    )
    batch_id = int(
        ImportBatch.insert(
            source=source, filename=filename, created_at=moment, summary=summary
        ).execute()
    )
    stamp = stored_time(moment)
    cursor = db.cursor()
    cursor.executemany(_COMPANY_SQL, [(*row, stamp) for row in new_companies])
    write_fills(cursor, fills, batch_id, stamp)
    return batch_id


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
