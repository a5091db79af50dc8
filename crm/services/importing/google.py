"""Google Contacts' CSV export in, as an undoable batch: both layouts, read by column name.

The current export (``First Name, …, Organization Name, Organization Title, …, Labels,
E-mail 1 - Label, E-mail 1 - Value, …``) and the legacy "Google CSV" (``Name, Given Name, …,
Group Membership, E-mail 1 - Type, …, Organization 1 - Name, …``). Cells holding several
values join them with `` ::: ``; a label starting with ``* `` marks the primary one. Rows
become ``AddressCard``s and go through the same matching and writing as vCards.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crm.domain.linkedin import SkippedRow, csv_problem
from crm.domain.linkedin_header import match_header
from crm.domain.text import clean_text
from crm.domain.validation import MAX_NAME_LENGTH
from crm.services.importing.batches import ImportResult, Progress
from crm.services.importing.cards import (
    AddressCard,
    ParsedCards,
    clean_email,
    clean_phone,
    clean_topics,
    linkedin_profile,
    phone_key,
    unique_methods,
)
from crm.services.importing.pipeline import import_cards

SOURCE_GOOGLE = "google"
SEPARATOR = " ::: "
MAX_FIELD_LENGTH = 100_000  # far beyond any real cell; keeps a runaway quote from eating the file

CURRENT = "current"
LEGACY = "legacy"

# "E-mail 1 - Value", "Phone 2 - Label", "Organization 1 - Name", "Website 1 - Type"…
_NUMBERED = re.compile(r"^(e-?mail|phone|website|organization) (\d+) - ([a-z]+)$")
# Google's own words for a phone or e-mail, written in lower case like vCard labels.
_KNOWN_LABELS = frozenset(
    {"home", "work", "mobile", "main", "other", "home fax", "work fax", "pager", "google voice"}
)
_ARCHIVE_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


class GoogleContactsError(ValueError):
    """The file can't be imported; the message names the line when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line
        """The 1-based line of the file the problem is on, or None for the whole file."""


@dataclass(frozen=True)
class _Columns:
    """Where each field is in a row, for one of the two layouts."""

    layout: str
    name: int | None  # the legacy layout's full name
    name_parts: tuple[int, ...]  # prefix, first, middle, last, suffix (those present)
    fallback_names: tuple[int, ...]  # nickname, "File As"
    company: int | None
    role: int | None
    notes: int | None
    labels: int | None
    emails: tuple[tuple[int, int | None], ...]  # (value, label) columns
    phones: tuple[tuple[int, int | None], ...]
    websites: tuple[tuple[int, int | None], ...]


def _key(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split()).lower()


def _columns(header: list[str]) -> _Columns | None:
    """The layout of a header row, or None if it isn't Google's."""
    at: dict[str, int] = {}
    for index, cell in enumerate(header):
        at.setdefault(_key(cell), index)
    if "given name" in at or "group membership" in at:
        layout = LEGACY
        parts = ("name prefix", "given name", "additional name", "family name", "name suffix")
        labels = at.get("group membership")
    elif "first name" in at and (
        {"labels", "organization name", "e-mail 1 - value", "phone 1 - value"} & at.keys()
    ):
        layout = CURRENT
        parts = ("name prefix", "first name", "middle name", "last name", "name suffix")
        labels = at.get("labels")
    else:
        return None
    numbered: dict[tuple[str, int], dict[str, int]] = {}
    for key, index in at.items():
        found = _NUMBERED.match(key)
        if found:
            kind = "email" if found[1].startswith("e") else found[1]
            numbered.setdefault((kind, int(found[2])), {})[found[3]] = index

    def pairs(kind: str) -> tuple[tuple[int, int | None], ...]:
        found = sorted((n, cells) for (k, n), cells in numbered.items() if k == kind)
        return tuple(
            (cells["value"], cells.get("label", cells.get("type")))
            for _n, cells in found
            if "value" in cells
        )

    organizations = sorted((n, cells) for (k, n), cells in numbered.items() if k == "organization")
    first_org = organizations[0][1] if organizations else {}
    return _Columns(
        layout=layout,
        name=at.get("name") if layout == LEGACY else None,
        name_parts=tuple(at[part] for part in parts if part in at),
        fallback_names=tuple(at[part] for part in ("nickname", "file as") if part in at),
        company=at.get("organization name", first_org.get("name")),
        role=at.get("organization title", first_org.get("title")),
        notes=at.get("notes"),
        labels=labels,
        emails=pairs("email"),
        phones=pairs("phone"),
        websites=pairs("website"),
    )


def _decode(data: bytes) -> str:
    """The text of an export: UTF-8 with or without a BOM, or UTF-16 with one."""
    if not data.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise GoogleContactsError("the file is empty")
    if data.startswith(_ARCHIVE_SIGNATURES):
        raise GoogleContactsError("this is a ZIP archive, not a CSV file; unzip it first")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise GoogleContactsError("the file starts like UTF-16 text but isn't") from error
    nul = data.find(b"\x00")
    if nul >= 0:
        raise GoogleContactsError(
            "this looks like a binary file, not a CSV export", line=data.count(b"\n", 0, nul) + 1
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        raise GoogleContactsError(
            f"the file isn't UTF-8 text (byte 0x{bad} can't be read); export it again from "
            "Google Contacts",
            line=data.count(b"\n", 0, error.start) + 1,
        ) from error


def _values(cell: str) -> list[str]:
    return [value.strip() for value in cell.split(SEPARATOR)] if cell else []


def _label(cell: str) -> tuple[str, int]:
    """A method's label and rank: Google marks the primary one with ``* ``."""
    label = " ".join(cell.split())
    rank = 101
    if label.startswith("*"):
        label, rank = label[1:].strip(), 1
    return (label.lower() if label.lower() in _KNOWN_LABELS else label), rank


def _methods(
    record: list[str], columns: tuple[tuple[int, int | None], ...], clean: Callable[[str], str]
) -> list[tuple[int, str, str]]:
    """(rank, value, label) of every value in these columns that ``clean`` keeps."""
    methods: list[tuple[int, str, str]] = []
    for value_at, label_at in columns:
        label, rank = _label(record[label_at]) if label_at is not None else ("", 101)
        for value in _values(record[value_at]):
            cleaned = clean(value)
            if cleaned:
                methods.append((rank, cleaned, label))
    return methods


def _card(record: list[str], line: int, columns: _Columns) -> AddressCard | SkippedRow:
    def cell(index: int | None) -> str:
        return " ".join(record[index].split()) if index is not None else ""

    name = cell(columns.name)
    if not name:
        name = " ".join(filter(None, (cell(index) for index in columns.name_parts)))
    for index in columns.fallback_names:
        name = name or cell(index)
    if not name:
        return SkippedRow(line, "no name")
    if len(name) > MAX_NAME_LENGTH:
        return SkippedRow(line, f"name longer than {MAX_NAME_LENGTH} characters")
    profiles: list[str] = []
    urls: list[tuple[int, str, str]] = []
    for rank, url, label in _methods(record, columns.websites, str.strip):
        profile = linkedin_profile(url)
        if profile:
            profiles.append(profile)
        else:
            urls.append((rank, url, label))
    emails = _methods(record, columns.emails, clean_email)
    phones = _methods(record, columns.phones, clean_phone)
    return AddressCard(
        line=line,
        where=f"line {line}",
        uid="",
        name=name,
        company=cell(columns.company),
        role=cell(columns.role),
        emails=unique_methods(emails, str.casefold),
        phones=unique_methods(phones, phone_key),
        urls=unique_methods(urls, str.casefold),
        linkedin_url=profiles[0] if profiles else "",
        note=record[columns.notes].strip() if columns.notes is not None else "",
        topics=clean_topics(_values(record[columns.labels])) if columns.labels is not None else (),
    )


def _looks_like_linkedin(text: str) -> bool:
    """Whether one of the first rows is the header of LinkedIn's Connections.csv."""
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        return any(match_header(row) for _n, row in zip(range(20), rows, strict=False))
    except csv.Error:
        return False


def parse_google_csv(data: bytes) -> tuple[ParsedCards, str]:
    """Read a whole Google Contacts export; returns the cards and the layout.

    Raises:
        GoogleContactsError: the file isn't a readable Google Contacts CSV; the message
            names the line at fault. Nothing is half-read.
    """
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns: _Columns | None = None
    header_line = 0
    width = 0
    parsed = ParsedCards()
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise GoogleContactsError(csv_problem(error), line=line) from error
        if not "".join(record).strip():
            continue
        if columns is None:
            columns = _columns(record)
            if columns is None:
                hint = (
                    "; it looks like LinkedIn's Connections.csv: use `crm import linkedin`"
                    if _looks_like_linkedin(text)
                    else ""
                )
                raise GoogleContactsError(
                    "the first row isn't a Google Contacts header: expected columns such as "
                    "First Name, Last Name, E-mail 1 - Value (or, in the older layout, Name, "
                    f"Given Name, Family Name){hint}",
                    line=line,
                )
            header_line, width = line, len(record)
            continue
        if len(record) > width and "".join(record[width:]).strip():
            raise GoogleContactsError(
                f"the row has {len(record)} columns but the header (line {header_line}) has "
                f"{width}; is a comma in a name or note not quoted?",
                line=line,
            )
        if any(len(value) > MAX_FIELD_LENGTH for value in record):
            raise GoogleContactsError(
                f"a field is longer than {MAX_FIELD_LENGTH:,} characters (an unclosed quote?)",
                line=line,
            )
        record = [clean_text(value, allow_newlines=True) for value in record]
        record += [""] * (width - len(record))
        card = _card(record, line, columns)
        if isinstance(card, SkippedRow):
            parsed.skipped.append(card)
        else:
            parsed.cards.append(card)
    if columns is None:
        raise GoogleContactsError("the file is empty")
    return parsed, columns.layout


def import_google_contacts(
    path: Path,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a Google Contacts CSV export as one undoable batch (source "google").

    Rows match contacts by a UID made from the name, phone and e-mail, then as vCards do
    (any e-mail, phone or profile, then the name at the same company), so importing the
    same file again changes nothing. Labels (``Group
    Membership`` in the older layout) become topics, without Google's ``* myContacts``.

    Args:
        path: the contacts.csv Google Contacts exported.
        now: the import's time (naive UTC).
        progress: called with (rows done, rows in the file) as the import goes on.
        dry_run: work out and return what would happen without writing anything.

    Raises:
        GoogleContactsError: nothing was written; the message names the line at fault.
    """
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError as error:
        raise GoogleContactsError("it is a folder, not a CSV file") from error
    except OSError as error:
        raise GoogleContactsError(f"can't read the file: {error.strerror or error}") from error
    parsed, _layout = parse_google_csv(data)
    if progress is not None:
        progress(0, parsed.rows)
    return import_cards(
        parsed,
        source=SOURCE_GOOGLE,
        filename=Path(path).name,
        now=now,
        progress=progress,
        dry_run=dry_run,
    )


__all__ = [
    "CURRENT",
    "LEGACY",
    "SOURCE_GOOGLE",
    "GoogleContactsError",
    "import_google_contacts",
    "parse_google_csv",
]
