"""Reading LinkedIn's Connections.csv export: decode it, find the header, check every row.

The header's names per language are in ``crm.domain.linkedin_header``, the profile-URL
rules in ``crm.domain.linkedin_urls``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import AnyStr, BinaryIO, NamedTuple

from crm.domain.linkedin_header import match_header
from crm.domain.linkedin_urls import COMMON_PROFILE, is_profile_url, normalize_profile_url
from crm.domain.text import clean_text, strip_case_and_marks

MAX_NAME_LENGTH = 200  # as domain.validation: longer names could not be edited afterwards
MAX_FIELD_LENGTH = 10_000  # far beyond any real cell; keeps a runaway quote from eating the file
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# --- errors and results --------------------------------------------------------------------


class LinkedInExportError(ValueError):
    """The file can't be imported; the message names the line when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line
        """The 1-based line of the file the problem is on, or None for the whole file."""


class Connection(NamedTuple):
    """One connection from the export, cleaned up (a tuple: cheap to make by the thousand)."""

    line: int  # where the row starts in the file (1-based, preamble included)
    name: str
    url: str  # normalised profile URL, or "" when the row has none
    email: str  # "" when hidden by the connection's privacy settings
    company: str
    position: str
    connected_on: date | None
    connected_on_text: str  # the cell as written, for dates in a format we don't read


@dataclass(frozen=True)
class SkippedRow:
    """A row that was not imported, and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class ParsedExport:
    """Everything usable in an export, plus the rows that were left out."""

    connections: tuple[Connection, ...]
    skipped: tuple[SkippedRow, ...]
    header_line: int
    language: str  # of the header: "en", "de", …


# --- dates ---------------------------------------------------------------------------------

_MONTH_NAMES = (
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "januar februar marz april mai juni juli august september oktober november dezember",
    "jan feb mar apr mai jun jul aug sep okt nov dez",
    "janv fevr mars avr mai juin juil aout sept oct nov dec",
    "ene feb mar abr may jun jul ago sept oct nov dic",
    "jan fev mar abr mai jun jul ago set out nov dez",
    "gen feb mar apr mag giu lug ago set ott nov dic",
    "jan feb mrt apr mei jun jul aug sep okt nov dec",
    "january february march april may june july august september october november december",
)
_MONTHS: dict[str, int] = {}
for _names in _MONTH_NAMES:
    for _number, _month in enumerate(_names.split(), start=1):
        _MONTHS.setdefault(_month, _number)
_ENGLISH_MONTHS = _MONTH_NAMES[0].title().split()
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?\s+(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_connected_on(text: str) -> date | None:
    """The date in a "Connected On" cell ("15 Mar 2023", "15 Mär 2023", "2023-03-15"), or None."""
    cleaned = " ".join(text.split())
    try:
        if found := _ISO_DATE.match(cleaned):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _DAY_MONTH_YEAR.match(cleaned):
            month = _MONTHS.get(strip_case_and_marks(found[2]))
            if month is not None:
                return date(int(found[3]), month, int(found[1]))
    except ValueError:  # 31 Feb and the like
        return None
    return None


def format_day(day: date) -> str:
    """A date the way LinkedIn writes it, whatever the export's language: "15 Mar 2023"."""
    return f"{day.day:02d} {_ENGLISH_MONTHS[day.month - 1]} {day.year}"


def how_met_text(connection: Connection) -> str:
    """What a new contact's "how met" says: "LinkedIn connection since 15 Mar 2023"."""
    if connection.connected_on is not None:
        return f"LinkedIn connection since {format_day(connection.connected_on)}"
    raw = " ".join(connection.connected_on_text.split())
    if raw and len(raw) <= 40:
        return f"LinkedIn connection since {raw}"
    return "LinkedIn connection"


# --- decoding ------------------------------------------------------------------------------

_ARCHIVE_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


def _line_of(data: bytes, offset: int) -> int:
    """The line a byte is on, counting CRLF, CR and LF line ends as the csv module does."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


READ_SIZE = 1 << 20  # bytes read at a time: the file is never held whole
_BLANK = b" \t\r\n\x0b\x0c"


def _whole_lines_end(data: AnyStr, lf: AnyStr, cr: AnyStr) -> int:
    """Where the whole lines at the start of ``data`` end; 0 when there is none yet.

    After the last LF, or after a CR that is followed by something else (so a CRLF is
    never torn in two; a file of CR line ends is cut at its CRs).
    """
    return data.rfind(lf) + 1 or data.rfind(cr, 0, len(data) - 1) + 1


def _chunks(stream: BinaryIO, first: bytes) -> Iterator[bytes]:
    yield first
    while chunk := stream.read(READ_SIZE):
        yield chunk


def export_lines(stream: BinaryIO) -> Iterator[str]:
    """The lines of an export read from ``stream`` a block at a time, split as csv expects.

    UTF-8 with or without a byte-order mark, or UTF-16 with one (Excel's "Unicode text").
    Raises LinkedInExportError, naming the line where there is one, for a file that is empty,
    a ZIP archive, binary or not valid text, when the reading reaches the fault.
    """
    first = stream.read(max(READ_SIZE, 4))  # enough for every signature looked for
    if first.startswith(_ARCHIVE_SIGNATURES):
        raise LinkedInExportError(
            "this is a ZIP archive (or an Excel workbook), not a CSV file; unzip LinkedIn's "
            "download and import the Connections.csv inside it",
            line=1,
        )
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield from _utf16_lines(_chunks(stream, first))
        return
    lines_before = 0  # whole lines of the blocks read so far, counted as the csv module does
    seen_text = False
    rest = b""
    for chunk in _chunks(stream, first.removeprefix(codecs.BOM_UTF8)):
        data = rest + chunk
        # Binary files are told apart before text errors: their first read holds the NULs.
        nul = data.find(b"\x00")
        if nul >= 0:
            raise LinkedInExportError(
                "this looks like a binary file (it contains NUL bytes), not a CSV export",
                line=lines_before + _line_of(data, nul),
            )
        cut = _whole_lines_end(data, b"\n", b"\r")
        block, rest = data[:cut], data[cut:]  # an unfinished line waits for the next chunk
        seen_text = seen_text or bool(block.strip(_BLANK))
        for line in _utf8_lines(block, lines_before):
            lines_before += 1
            yield line
    seen_text = seen_text or bool(rest.strip(_BLANK))
    yield from _utf8_lines(rest, lines_before)
    if not seen_text:
        raise LinkedInExportError("the file is empty")


def _utf8_lines(block: bytes, lines_before: int) -> Iterator[str]:
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = block[error.start : error.start + 1].hex()
        raise LinkedInExportError(
            f"the file isn't UTF-8 text (byte 0x{bad} can't be read); export it again from "
            "LinkedIn or save it as CSV UTF-8",
            line=lines_before + _line_of(block, error.start),
        ) from error
    return iter(io.StringIO(text, newline=""))


def _utf16_lines(chunks: Iterator[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-16")()
    seen_text = False
    rest = ""
    try:
        for chunk in chunks:
            text = rest + decoder.decode(chunk)
            if "\x00" in text:
                raise LinkedInExportError("the file contains NUL characters; it isn't a CSV export")
            cut = _whole_lines_end(text, "\n", "\r")
            block, rest = text[:cut], text[cut:]
            seen_text = seen_text or bool(block.strip())
            yield from io.StringIO(block, newline="")
        rest += decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise LinkedInExportError(
            "the file starts like UTF-16 text but isn't valid UTF-16", line=None
        ) from error
    if "\x00" in rest:
        raise LinkedInExportError("the file contains NUL characters; it isn't a CSV export")
    if not (seen_text or rest.strip()):
        raise LinkedInExportError("the file is empty")
    yield from io.StringIO(rest, newline="")


# --- rows ----------------------------------------------------------------------------------

_CSV_MESSAGES = {
    "unexpected end of data": "a quoted field is never closed",
    "',' expected after '\"'": 'a closing quote is followed by more text (write "" for a quote)',
}


def csv_problem(error: csv.Error) -> str:
    """What is wrong with a CSV row, in words (for LinkedIn's and Google's exports alike)."""
    text = str(error)
    for fragment, message in _CSV_MESSAGES.items():
        if fragment in text:
            return message
    if "field larger than field limit" in text:
        return "a field is far too long (an unclosed quote?)"
    return f"the row can't be read as CSV ({text})"


@dataclass(frozen=True)
class _Header:
    line: int
    language: str
    columns: dict[str, int]
    width: int
    delimiter: str


# LinkedIn writes commas; a spreadsheet saving in a German or French locale writes semicolons,
# and Excel's "Unicode text" is tab-separated UTF-16.
_DELIMITERS = (",", ";", "\t")


class CountedLines:
    """The lines of a file, counting those read (a header search's error says how many)."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return line


def header_rows(lines: Iterator[str]) -> Iterator[tuple[int, list[str], str]]:
    """Each line as cells, split by each delimiter it holds, with its number: where an
    export's header row may be (the preamble above it varies). Ends with the lines."""
    for number, line in enumerate(lines, start=1):
        for delimiter in _DELIMITERS:
            if delimiter not in line:
                continue
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:
                continue
            yield number, cells, delimiter


def lines_read(number: int) -> str:
    """ "one line", "1,204 lines": how much was read looking for a header."""
    return "one line" if number == 1 else f"{number:,} lines"


def _find_header(lines: Iterator[str]) -> _Header:
    """Read lines up to the header row, wherever the preamble above it ends."""
    counted = CountedLines(lines)
    for number, cells, delimiter in header_rows(counted):
        if found := match_header(cells):
            return _Header(number, found[0], found[1], len(cells), delimiter)
    raise LinkedInExportError(
        f"no header row found in its {lines_read(counted.count)}: expected a line with the"
        " columns First Name, Last Name, URL, Email Address, Company, Position, Connected On"
        " (or their translations)"
    )


_FIELD_TOO_LONG = f"a field is longer than {MAX_FIELD_LENGTH:,} characters (an unclosed quote?)"


class _CleanedCells(dict[str, str]):
    """Cells with their runs of whitespace made one space and control characters dropped,
    each distinct cell cleaned once."""

    def __missing__(self, cell: str) -> str:
        value = self[cell] = " ".join(clean_text(cell).split())
        return value


class _ConnectedDates(dict[str, tuple[str, date | None]]):
    """ "Connected On" cells as (cleaned text, date read from it), each distinct cell read once."""

    def __missing__(self, cell: str) -> tuple[str, date | None]:
        text = " ".join(clean_text(cell).split())
        value = self[cell] = (text, parse_connected_on(text))
        return value


def parse_export(data: bytes) -> ParsedExport:
    """Read a whole Connections.csv held in memory (see read_export_stream)."""
    return read_export_stream(io.BytesIO(data))


def read_export_stream(stream: BinaryIO) -> ParsedExport:
    """Read a whole Connections.csv from an open file, or raise LinkedInExportError naming the line.

    The file is read a block at a time and only the rows kept stay in memory. Nothing is
    half-read: a file that fails anywhere fails as a whole, so a caller can check the entire
    file before writing any of it.
    """
    lines = export_lines(stream)
    header = _find_header(lines)
    header_line, columns, width = header.line, header.columns, header.width
    reader = csv.reader(lines, delimiter=header.delimiter, strict=True)
    connections: list[Connection] = []
    skipped: list[SkippedRow] = []
    # Names, dates, companies and positions repeat across rows: each cell is cleaned up once.
    cleaned = _CleanedCells()
    dates = _ConnectedDates()
    # Rows are padded to the header's width plus one empty cell, where absent columns point.
    first, last = columns["first_name"], columns["last_name"]
    url_at, email_at, company_at, position_at, date_at = (
        columns.get(name, width) for name in ("url", "email", "company", "position", "connected_on")
    )
    padding = [""] * (width + 1)
    common_profile = COMMON_PROFILE.match
    make = tuple.__new__  # what Connection(...) calls, without its Python-level step
    line = header_line + 1  # where the next row starts
    try:
        for record in reader:
            row_line, line = line, header_line + reader.line_num + 1
            size = len(record)
            if size > width and "".join(record[width:]).strip():
                raise LinkedInExportError(
                    f"the row has {size} columns but the header (line {header_line}) has "
                    f"{width}; is a comma in a name or company not quoted?",
                    line=row_line,
                )
            joined = "".join(record)
            if not joined.strip():
                continue  # blank lines and rows of commas: LinkedIn writes a few
            if len(joined) > MAX_FIELD_LENGTH and any(len(c) > MAX_FIELD_LENGTH for c in record):
                raise LinkedInExportError(_FIELD_TOO_LONG, line=row_line)
            if size <= width:
                record += padding[size:]
            else:
                record[width] = ""
            # The words of "first last" are those of first, then those of last.
            given, family = cleaned[record[first]], cleaned[record[last]]
            name = f"{given} {family}" if given and family else given or family
            if not name:
                skipped.append(SkippedRow(row_line, "no name"))
                continue
            if len(name) > MAX_NAME_LENGTH:
                skipped.append(
                    SkippedRow(row_line, f"name longer than {MAX_NAME_LENGTH} characters")
                )
                continue
            cell = record[url_at]
            if found := common_profile(cell):  # as normalize_profile_url would, sooner
                url = "https://linkedin.com" + found[1]
            elif raw_url := clean_text(cell).strip():
                url = normalize_profile_url(raw_url)
                if not is_profile_url(url):
                    shown = " ".join(raw_url.split())[:80]
                    skipped.append(SkippedRow(row_line, f"not a LinkedIn profile URL: {shown}"))
                    continue
            else:
                url = ""
            email = clean_text(record[email_at]).strip()
            if email and not _EMAIL.match(email):
                email = ""  # a contact with it could not be saved from the form later
            dated = dates[record[date_at]]
            company, position = cleaned[record[company_at]], cleaned[record[position_at]]
            connections.append(
                make(
                    Connection,
                    (row_line, name, url, email, company, position, dated[1], dated[0]),
                )
            )
    except csv.Error as error:
        raise LinkedInExportError(csv_problem(error), line=line) from error
    return ParsedExport(tuple(connections), tuple(skipped), header_line, header.language)


__all__ = [
    "Connection",
    "LinkedInExportError",
    "ParsedExport",
    "SkippedRow",
    "export_lines",
    "format_day",
    "how_met_text",
    "parse_connected_on",
    "parse_export",
    "read_export_stream",
]
