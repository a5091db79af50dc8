"""LinkedIn's Connections.csv: its reader's rows planned and written by the import pipeline.

Every row is matched (matching.py: who is who by profile or e-mail, then the name at the
same company) and creates a contact, fills one or leaves it alone; rows repeating a profile
or an e-mail earlier in the file are skipped. Planning takes no lock; the write lock is held
only to write (planning again first if another connection wrote meanwhile).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path

from crm.db import db
from crm.db.bulk import CHUNK, NO_EXTRAS, Extras, NewContact
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
from crm.services.importing.batches import (
    ImportResult,
    Progress,
)
from crm.services.importing.matching import (
    KnownPeople,
    default_phone_region,
)
from crm.services.importing.pipeline import (
    Plan,
    collector_paused,
    fill_matches,
    run_import,
)

SOURCE_LINKEDIN = "linkedin"


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


_Create = tuple[Connection, int | None]  # the connection, its company's id
_Plan = Plan[_Create]


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
    plan: _Plan = Plan(skipped=list(skipped))
    cursor = db.cursor()
    companies = plan.companies
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
        key = companies.key(connection.company)
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
            plan.creates.append((connection, companies.id_for(connection.company)))
        elif contact_id in matched_lines:
            first_line = matched_lines[contact_id]
            plan.skipped.append(SkippedRow(line, f"same contact as line {first_line}"))
        else:
            matched_lines[contact_id] = line
            matches.append((person, contact_id))

    return fill_matches(plan, cursor, matches, region, SOURCE_LINKEDIN)


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
        row: NewContact = {
            "id": contact_id,
            "uid": uids.pop(),
            "name": connection.name,
            "sort_key": name_keys.of(connection.name)[0],
            "company_id": company_id,
            "role": connection.position,
            "email": connection.email,
            "linkedin_url": connection.url,
            "how_met": how_met,
            "import_batch_id": batch_id,
            "created_at": stamp,
            "updated_at": stamp,
        }
        yield row, NO_EXTRAS


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
    with collector_paused():
        return _import_linkedin(path, now=now, progress=progress, dry_run=dry_run)


def _import_linkedin(
    path: Path, *, now: datetime | None, progress: Progress | None, dry_run: bool
) -> ImportResult:
    parsed = read_export(path)
    total = len(parsed.connections) + len(parsed.skipped)
    done = 0

    def report(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(min(done, total), total)  # a plan made again counts its rows twice

    report(0)
    # Parsing (above) and planning take no lock; the write lock is held only for the writing.
    result = run_import(
        source=SOURCE_LINKEDIN,
        filename=Path(path).name,
        rows=total,
        now=now,
        dry_run=dry_run,
        plan=partial(_plan_import, parsed.connections, parsed.skipped),
        new_contacts=_new_contacts,
        name_of=_connection_name,
        report=report,
    )
    if progress is not None and done < total:
        progress(total, total)
    return result


def _connection_name(create: _Create) -> str:
    return create[0].name
