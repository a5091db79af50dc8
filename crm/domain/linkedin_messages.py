"""LinkedIn's messages.csv: its header, its rows as messages, whose profile is the user's,
and who each message is with. Pure: the file is read and matched by crm.services."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import BinaryIO

from crm.domain.linkedin import (
    CountedLines,
    LinkedInExportError,
    csv_problem,
    export_lines,
    header_rows,
    lines_read,
)
from crm.domain.linkedin_header import match_header
from crm.domain.linkedin_urls import is_profile_url, normalize_profile_url
from crm.domain.mail import html_text
from crm.domain.text import clean_text
from crm.domain.types import Direction

# Column names of messages.csv, matched after folding case, spaces and punctuation; LinkedIn
# writes them in English whatever the export's language. Exports before mid-2023 lack the
# recipients' URLs, and the draft and attachment columns come and go.
MESSAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "conversation_id": ("CONVERSATION ID",),
    "title": ("CONVERSATION TITLE",),
    "sender": ("FROM",),
    "sender_url": ("SENDER PROFILE URL",),
    "to": ("TO",),
    "recipient_urls": ("RECIPIENT PROFILE URLS", "RECIPIENT PROFILE URL"),
    "date": ("DATE",),
    "subject": ("SUBJECT",),
    "content": ("CONTENT",),
    "folder": ("FOLDER",),
    "draft": ("IS MESSAGE DRAFT",),
}
_REQUIRED = ("conversation_id", "sender", "date", "content")
_NOT_LETTERS = re.compile(r"[\W_]+")
_LOOKUP = {
    _NOT_LETTERS.sub("", name.casefold()): field
    for field, names in MESSAGE_COLUMNS.items()
    for name in names
}
_TAG = re.compile(r"<(?:p|br|div|span|a|b|i|strong|em|ul|ol|li)\b[^>]*>", re.IGNORECASE)
_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
MESSAGE_ID_PREFIX = "linkedin:"
"""What a LinkedIn message's id starts with (mail's are <...@...>)."""
_YES = frozenset({"yes", "true", "1", "y"})
SKIPPED_FOLDERS = frozenset({"SPAM"})
EXPECTED_FILES = (
    "expected LinkedIn's Connections.csv (First Name, Last Name, URL, Email Address, Company, "
    "Position, Connected On) or messages.csv (CONVERSATION ID, FROM, SENDER PROFILE URL, TO, "
    "DATE, SUBJECT, CONTENT, FOLDER)"
)
"""What a file of neither kind is told."""
NOT_YOURS = (
    "can't tell which profile is yours (no one else is in every message): pass --me URL, or "
    'set [linkedin] profile = "https://linkedin.com/in/you" in config.toml'
)


class ExportKind(Enum):
    """Which of LinkedIn's files a CSV is."""

    CONNECTIONS = "connections"
    MESSAGES = "messages"


class MessageSkip:
    """Why a message wasn't logged; the words are keys of the JSON summary, as mail's are."""

    DRAFT = "draft"
    SPAM = "spam"
    AMBIGUOUS = "name matches several contacts"


@dataclass(frozen=True)
class Person:
    """A participant as the file names them: a normalised profile URL ("" when hidden) and a
    name ("" when the file doesn't pair it with the URL)."""

    url: str
    name: str


@dataclass(frozen=True)
class LinkedInMessage:
    """One row of messages.csv, cleaned up."""

    line: int
    conversation_id: str
    sender: Person
    recipients: tuple[Person, ...]
    to_text: str
    """The TO cell as written (names joined by ", "), for finding the user's name in it."""
    sent_at: datetime | None
    """Naive UTC; None when the date can't be read."""
    subject: str
    text: str
    """The content as plain text (HTML read as a reader sees it), control characters dropped."""
    folder: str
    draft: bool
    message_id: str


@dataclass(frozen=True)
class Involvement:
    """A participant of a message that isn't the user, and which way the message went."""

    person: Person
    direction: Direction


def match_messages_header(cells: list[str]) -> dict[str, int] | None:
    """The field -> column map of a messages.csv header row, or None if it isn't one."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = _LOOKUP.get(_NOT_LETTERS.sub("", cell.casefold()))
        if field is not None and field not in columns:
            columns[field] = index
    return columns if all(field in columns for field in _REQUIRED) else None


@dataclass(frozen=True)
class _Header:
    kind: ExportKind
    line: int
    columns: dict[str, int]
    width: int
    delimiter: str


def _find_header(lines: Iterator[str]) -> _Header:
    """Read lines up to the header row of either file, past any notes above it."""
    counted = CountedLines(lines)
    for number, cells, delimiter in header_rows(counted):
        if columns := match_messages_header(cells):
            return _Header(ExportKind.MESSAGES, number, columns, len(cells), delimiter)
        if found := match_header(cells):
            return _Header(ExportKind.CONNECTIONS, number, found[1], len(cells), delimiter)
    raise LinkedInExportError(
        f"no header row found in its {lines_read(counted.count)}: {EXPECTED_FILES}"
    )


def export_kind(stream: BinaryIO) -> ExportKind:
    """Whether an export is Connections.csv or messages.csv, told by its header row.

    Raises:
        LinkedInExportError: the file is neither (the message names both), or unreadable.
    """
    return _find_header(export_lines(stream)).kind


def parse_message_date(text: str) -> datetime | None:
    """A DATE cell ("2024-03-05 17:22:10 UTC", ISO with an offset) as naive UTC, or None."""
    found = _DATE.match(" ".join(text.split()))
    if found is None:
        return None
    try:
        moment = datetime(
            int(found[1]),
            int(found[2]),
            int(found[3]),
            int(found[4]),
            int(found[5]),
            int(found[6] or 0),
        )
    except ValueError:
        return None
    zone = (found[7] or "UTC").upper()
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        moment -= offset if zone[0] == "+" else -offset
    return moment


def content_text(content: str) -> str:
    """What a message says, as text: HTML content (LinkedIn writes some) read as it shows."""
    text = clean_text(content, allow_newlines=True)
    if _TAG.search(text):
        text = html_text(text)
    return text.strip()


def message_id_of(conversation_id: str, date: str, sender: str, content: str) -> str:
    """A stable id per message, the same in every export that holds it (spacing aside)."""
    parts = (conversation_id.strip(), " ".join(date.split()), sender, " ".join(content.split()))
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"{MESSAGE_ID_PREFIX}{digest[:40]}"


def name_key(name: str) -> str:
    """A full name folded for exact matching: case, Unicode form and spacing aside."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _url(cell: str) -> str:
    url = normalize_profile_url(clean_text(cell).strip())
    return url if is_profile_url(url) else ""


def _recipients(to_text: str, url_cell: str) -> tuple[Person, ...]:
    """The recipients, a name paired with each URL when the two lists line up."""
    names = [name.strip() for name in to_text.split(", ") if name.strip()] if to_text else []
    urls = [url for url in (_url(cell) for cell in url_cell.split(",")) if url]
    if urls and len(urls) == len(names):
        return tuple(Person(url, name) for url, name in zip(urls, names, strict=True))
    if urls:
        return tuple(Person(url, "") for url in urls)
    return tuple(Person("", name) for name in names)


def read_messages_stream(stream: BinaryIO) -> tuple[LinkedInMessage, ...]:
    """Every message of a messages.csv, or LinkedInExportError naming the line at fault.

    Raises:
        LinkedInExportError: the file isn't a messages.csv, or a row can't be read as CSV.
    """
    lines = export_lines(stream)
    header = _find_header(lines)
    if header.kind is not ExportKind.MESSAGES:
        raise LinkedInExportError("this is Connections.csv, not messages.csv")
    columns, width = header.columns, header.width
    at = {field: columns.get(field, width) for field in MESSAGE_COLUMNS}
    reader = csv.reader(lines, delimiter=header.delimiter, strict=True)
    messages: list[LinkedInMessage] = []
    line = header.line + 1
    try:
        for record in reader:
            row_line, line = line, header.line + reader.line_num + 1
            if not "".join(record).strip():
                continue
            record = record + [""] * max(0, width + 1 - len(record))
            record[width] = ""
            messages.append(_message(row_line, record, at))
    except csv.Error as error:
        raise LinkedInExportError(csv_problem(error), line=line) from error
    return tuple(messages)


def _message(line: int, record: list[str], at: Mapping[str, int]) -> LinkedInMessage:
    def cell(field: str) -> str:
        return " ".join(clean_text(record[at[field]]).split())

    sender = Person(_url(record[at["sender_url"]]), cell("sender"))
    content = record[at["content"]]
    date = record[at["date"]]
    return LinkedInMessage(
        line=line,
        conversation_id=cell("conversation_id"),
        sender=sender,
        recipients=_recipients(cell("to"), record[at["recipient_urls"]]),
        to_text=cell("to"),
        sent_at=parse_message_date(date),
        subject=cell("subject"),
        text=content_text(content),
        folder=cell("folder").upper(),
        draft=cell("draft").casefold() in _YES,
        message_id=message_id_of(
            record[at["conversation_id"]], date, sender.url or sender.name, content
        ),
    )


def _present(message: LinkedInMessage, url_of_name: Mapping[str, str]) -> set[str]:
    """The profile URLs of everyone a message is with, as far as the file tells."""
    urls = {message.sender.url} if message.sender.url else set()
    listed = {person.url for person in message.recipients if person.url}
    if listed:
        return urls | listed
    # No recipients' URLs (exports before mid-2023): a sender's name in TO stands for theirs;
    # a name may hold ", " itself ("Jane Doe, Ph.D."), so two neighbours are tried as one.
    names = name_key(message.to_text).split(", ")
    for index, name in enumerate(names):
        for key in (name, ", ".join(names[index : index + 2])):
            if key in url_of_name:
                urls.add(url_of_name[key])
    return urls


def profile_candidates(messages: Iterable[LinkedInMessage]) -> tuple[str, ...]:
    """The profile URLs found in every message: the user's is one of them.

    Older exports list no recipients' URLs; there a sender's name in the TO cell counts.
    Messages naming no profile at all (a "LinkedIn Member" gone) or no recipient tell nothing
    and are passed.
    """
    listed = [message for message in messages if not message.draft]
    url_of_name: dict[str, str] = {}
    for message in listed:
        if message.sender.url and message.sender.name:
            url_of_name.setdefault(name_key(message.sender.name), message.sender.url)
    common: set[str] | None = None
    for message in listed:
        if not message.recipients:
            continue  # its TO is empty: the user may be the one missing from it
        present = _present(message, url_of_name)
        if not present:
            continue
        common = present if common is None else common & present
        if not common:
            return ()
    return tuple(sorted(common or ()))


def my_name(messages: Iterable[LinkedInMessage], me: str) -> str:
    """The name the user's own messages are signed with ("" when they sent none)."""
    for message in messages:
        if message.sender.url == me and message.sender.name:
            return message.sender.name
    return ""


def involvements(message: LinkedInMessage, me: str, me_name: str) -> list[Involvement]:
    """Who a message is with besides the user: sent by the user, each recipient (outbound);
    else its sender (inbound)."""
    mine = name_key(me_name)

    def is_me(person: Person) -> bool:
        if person.url:
            return person.url == me
        return bool(mine) and name_key(person.name) == mine

    if is_me(message.sender):
        return [
            Involvement(person, Direction.OUTBOUND)
            for person in message.recipients
            if not is_me(person)
        ]
    if not (message.sender.url or message.sender.name):
        return []
    return [Involvement(message.sender, Direction.INBOUND)]


def skip_reason(message: LinkedInMessage) -> str | None:
    """Why a message is left out before anyone is matched (a MessageSkip), or None."""
    if message.draft:
        return MessageSkip.DRAFT
    if message.folder in SKIPPED_FOLDERS:
        return MessageSkip.SPAM
    return None


__all__ = [
    "EXPECTED_FILES",
    "MESSAGE_COLUMNS",
    "MESSAGE_ID_PREFIX",
    "NOT_YOURS",
    "ExportKind",
    "Involvement",
    "LinkedInMessage",
    "MessageSkip",
    "Person",
    "content_text",
    "export_kind",
    "involvements",
    "match_messages_header",
    "message_id_of",
    "my_name",
    "name_key",
    "parse_message_date",
    "profile_candidates",
    "read_messages_stream",
    "skip_reason",
]
