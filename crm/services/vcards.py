"""vCards in and out: import a .vcf file or a vdir as an undoable batch, export 3.0 or 4.0.

Reading splits lines exactly as vobject's ``getLogicalLines`` and ``parseLine`` do (unfolding,
quoted-printable soft breaks, group, name, parameters and value), but with one regex over the
whole text instead of a buffer per physical line, which is much cheaper on files with
photos (hundreds of folded lines each); it uses vobject's grammar (``line_re``, rewritten
so that a malformed line can't make the regex engine backtrack for minutes), its
``parseParams`` and list splitting (``stringToTextValues``), then reads each card's
properties here. vobject's ``readComponents`` builds a tree of Python objects per line,
too slow for big address books, and its text decoding keeps only what comes before
the first unescaped comma of a NOTE or TITLE, which vCard 2.1 doesn't escape. Writing
likewise uses vobject's escaping and line folding directly, far cheaper than
``Component.serialize``.

Google Contacts' CSV (services/google_contacts.py) comes in through the same ``AddressCard``
and ``import_cards``: matching, planning and writing are shared.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import json
import operator
import os
import quopri
import re
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from peewee import JOIN
from vobject.base import (  # type: ignore[import-untyped]
    backslashEscape,
    foldOneLine,
)
from vobject.base import parseParams as parse_params
from vobject.icalendar import stringToTextValues  # type: ignore[import-untyped]

from crm.clock import utc_now
from crm.db import db
from crm.db.bulk import Extras, NewContact, write_contacts
from crm.db.models import Company, Contact, ContactMethod, ContactTopic
from crm.db.typed import as_datetime, stored_time, tuples
from crm.domain.linkedin import SkippedRow, is_profile_url, normalize_profile_url
from crm.domain.matching import Verdict
from crm.domain.text import clean_text, fold, sort_key
from crm.domain.validation import MAX_NAME_LENGTH
from crm.services import imports
from crm.services.import_matching import (
    Fill,
    KnownPeople,
    default_phone_region,
    known_contacts,
    plan_fill,
)
from crm.services.imports import ImportResult, Progress
from crm.services.tx import reading, writing

SOURCE_VCARD = "vcard"
VERSIONS = ("3.0", "4.0")
PRODID = "-//crm//crm export//EN"
VCARD_SUFFIXES = (".vcf", ".vcard")
PROGRESS_EVERY = 500  # cards read between progress reports

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SURROGATES = re.compile("[\udc80-\udcff]")
_NOT_DIGITS = re.compile(r"[^\d+]")
_RANK = operator.itemgetter(0)
_TAB_OR_NEWLINE = re.compile(r"[\t\r\n]")
_ARCHIVE_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_UID_NAMESPACE = uuid.UUID("0b5c8f4e-5a42-4c0e-9a51-43f1d3c1a6a5")
_FOLD_AT = 75  # vobject's line length; shorter lines are written as they are

# Google's own labels, not the user's: they would be a topic on every contact.
SYSTEM_LABELS = frozenset({"mycontacts", "starred"})


class VCardError(ValueError):
    """A vCard file can't be imported; the message names the file, card and line at fault."""

    def __init__(
        self, message: str, *, file: str = "", card: int | None = None, line: int | None = None
    ) -> None:
        where = ", ".join(
            part
            for part in (
                file,
                f"card {card}" if card is not None else "",
                f"line {line}" if line is not None else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.file = file
        """The file at fault (inside a vdir, the card's own file)."""
        self.card = card
        """The 1-based number of the card in that file, or None."""
        self.line = line
        """The 1-based line, or None for the whole file."""


# --- what an address book holds ----------------------------------------------------------


@dataclass(frozen=True)
class AddressCard:
    """One person read from an address book (a vCard, a row of Google's CSV), cleaned up."""

    line: int  # where it starts in its file
    where: str  # how messages name it: "card 3", "ann.vcf", "line 12"
    uid: str  # "" when the source has none
    name: str
    company: str = ""
    role: str = ""
    emails: tuple[tuple[str, str], ...] = ()  # (address, label), primary first
    phones: tuple[tuple[str, str], ...] = ()  # (number, label), primary first
    urls: tuple[tuple[str, str], ...] = ()  # web addresses other than the LinkedIn profile
    linkedin_url: str = ""  # normalised profile URL
    note: str = ""
    how_met: str = ""
    topics: tuple[str, ...] = ()


@dataclass
class ParsedCards:
    """Everything usable in an address book, plus what was left out."""

    cards: list[AddressCard] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.cards) + len(self.skipped)


def derived_uid(
    name: str, phones: Sequence[tuple[str, str]], emails: Sequence[tuple[str, str]] = ()
) -> str:
    """A stable UID for a person whose source has none: from the name, first phone and e-mail.

    Re-importing the same file then finds the contacts it made even when they have no
    e-mail or profile to match on (old phones' vCards, most Google rows).
    """
    phone = _NOT_DIGITS.sub("", phones[0][0]) if phones else ""
    email = emails[0][0].lower() if emails else ""
    return str(uuid.uuid5(_UID_NAMESPACE, f"{fold(name)}|{phone}|{email}"))


def clean_topics(topics: Iterable[str]) -> tuple[str, ...]:
    """Topics with whitespace tidied, blanks, repeats and Google's system labels dropped."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for topic in topics:
        text = " ".join(topic.split())
        if text.startswith("* "):
            text = text[2:].strip()
        key = text.casefold()
        if not text or key in seen or key.replace(" ", "") in SYSTEM_LABELS:
            continue
        seen.add(key)
        cleaned.append(text)
    return tuple(cleaned)


def clean_email(text: str) -> str:
    """An e-mail address as the contact form accepts it, or "" when it isn't one."""
    address = text.strip()
    if address[:7].lower() == "mailto:":
        address = address[7:]
    return address if _EMAIL.match(address) else ""


def clean_phone(text: str) -> str:
    """A phone number without a ``tel:`` scheme or stray whitespace."""
    number = " ".join(text.split())
    if number[:4].lower() == "tel:":
        number = number[4:]
    return number


def unique_methods(
    methods: Iterable[tuple[int, str, str]], key: Callable[[str], str]
) -> tuple[tuple[str, str], ...]:
    """(value, label) ordered by preference rank (stable), without repeats or blanks."""
    if isinstance(methods, list) and len(methods) < 2:  # most people: none or one
        return tuple((value, label) for _rank, value, label in methods if value)
    kept: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _rank, value, label in sorted(methods, key=_RANK):
        folded = key(value)
        if value and folded not in seen:
            seen.add(folded)
            kept.append((value, label))
    return tuple(kept)


def phone_key(number: str) -> str:
    """What two spellings of one phone number share: its digits (and a leading +)."""
    return _NOT_DIGITS.sub("", number) or number


def linkedin_profile(url: str) -> str:
    """The normalised LinkedIn profile in a URL, or "" when it isn't one."""
    if url.isascii() and "linkedin" not in url.lower() and not _TAB_OR_NEWLINE.search(url):
        return ""  # a host can't become linkedin.com without the word (tabs and newlines drop)
    normalised = normalize_profile_url(url) if url.strip() else ""
    return normalised if is_profile_url(normalised) else ""


# --- reading vCards ----------------------------------------------------------------------

# TYPE values that say nothing a person would call a label.
_SILENT_TYPES = frozenset({"internet", "x400", "voice", "pref", "msg", "uri", "text"})
_TYPE_LABELS = {"cell": "mobile", "iphone": "iphone"}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_NOT_PEOPLE = frozenset({"group", "org"})


@dataclass(slots=True)
class _Property:
    group: str
    name: str
    params: dict[str, list[str]]
    value: str  # quoted-printable and charsets decoded; escapes still in
    type_label: str = ""  # the label its TYPE parameters say, for EMAIL, TEL and URL
    rank: int = 101  # its preference from TYPE=pref or PREF (lower first)


def _decode_file(data: bytes, name: str) -> tuple[str, bool]:
    """The text of a vCard file, and whether it had bytes that aren't UTF-8 (kept escaped)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), False
        except UnicodeDecodeError as error:
            raise VCardError("it starts like UTF-16 text but isn't", file=name) from error
    if data.startswith(_ARCHIVE_SIGNATURES):
        raise VCardError("this is a ZIP archive, not a vCard file; unzip it first", file=name)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise VCardError("this looks like a binary file, not vCards", file=name, line=line)
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        # Old Windows exports are in a code page, named by CHARSET or not at all: the bytes
        # stay as surrogates until the property they belong to says how to read them.
        return data.decode("utf-8", "surrogateescape"), True


def _decode_bytes(raw: bytes, charset: str) -> str:
    for encoding in (charset, "utf-8", "windows-1252"):
        if encoding:
            try:
                return raw.decode(encoding)
            except (LookupError, UnicodeError):  # a charset name with stray bytes can't encode
                continue
    return raw.decode("latin-1")


def _params(raw: list[list[str]]) -> dict[str, list[str]]:
    """vobject's parameter lists as NAME -> values; 2.1's bare ``WORK`` becomes TYPE=WORK."""
    params: dict[str, list[str]] = {}
    for entry in raw:
        if len(entry) == 1:
            bare = entry[0].upper()
            if bare in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"):
                params.setdefault("ENCODING", []).append(bare)
            else:
                params.setdefault("TYPE", []).append(entry[0])
        else:
            values = params.setdefault(entry[0].upper(), [])
            for value in entry[1:]:
                values.extend(part for part in value.split(",") if part)
    return params


# The properties a card is read for; the others (PHOTO, ADR, BDAY, PRODID…) are only checked.
_READ = frozenset(
    {
        "VERSION", "FN", "N", "EMAIL", "TEL", "ORG", "TITLE", "ROLE", "NOTE", "CATEGORIES",
        "URL", "X-SOCIALPROFILE", "UID", "KIND", "X-ADDRESSBOOKSERVER-KIND", "X-CRM-HOW-MET",
        "X-ABLABEL",
    }
)  # fmt: skip


_Parameters = tuple[dict[str, list[str]], str, bool, str, int]
"""A property's parameters by name, its CHARSET, whether it is quoted-printable, and the
label and preference rank its TYPE and PREF say."""


def _read_parameters(written: str) -> _Parameters:
    """The parameters of a content line as written (``;TYPE=work;PREF=1``), read."""
    params = _params(parse_params(written)) if written else {}
    charset = params["CHARSET"][0] if "CHARSET" in params else ""
    encodings = [encoding.upper() for encoding in params.get("ENCODING", ())]
    rank = 101
    words: list[str] = []
    for value in params.get("TYPE", ()):
        word = value.strip().lower()
        if word == "pref":
            rank = min(rank, 1)
        elif word and word not in _SILENT_TYPES and not word.startswith("x-"):
            word = _TYPE_LABELS.get(word, word)
            if word not in words:
                words.append(word)
    for value in params.get("PREF", ()):
        if value.strip().isdecimal():  # not isdigit(): int() can't read "²"
            rank = min(rank, max(int(value), 1))
    label = " ".join(words)
    if _SURROGATES.search(label):  # bytes that aren't UTF-8 can't be stored: read them as text
        label = _decode_bytes(label.encode("utf-8", "surrogateescape"), charset or "windows-1252")
    return params, charset, "QUOTED-PRINTABLE" in encodings, label, rank


def _property(
    group: str | None, name: str, parameters: _Parameters, value: str, has_raw_bytes: bool
) -> _Property:
    """One parsed content line with quoted-printable and charsets decoded.

    ``parameters`` may be shared by many properties: nothing changes it.
    """
    params, charset, quoted_printable, type_label, rank = parameters
    if quoted_printable:
        raw = quopri.decodestring(value.encode("utf-8", "surrogateescape"))
        value = _decode_bytes(raw, charset)
    elif has_raw_bytes and _SURROGATES.search(value):
        value = _decode_bytes(value.encode("utf-8", "surrogateescape"), charset or "windows-1252")
    # Decoded first: quoted-printable can spell ESC as =1B. Lines stay for NOTE.
    value = clean_text(value, allow_newlines=True)
    return _Property(group or "", name, params, value, type_label, rank)


# vobject's content-line grammar (``vobject.base.line_re``), written so that the regex engine
# never backtracks far: a parameter value's run stops at "=" (its "=a=b" is "=a" then "=b"),
# so a line without its colon fails at once instead of after exponentially many tries.
_HEAD = r"""(?:(?P<group>[a-zA-Z0-9_-]+)\.)?(?P<name>[a-zA-Z0-9_-]+)
    (?P<params>;?(?:;[a-zA-Z0-9_-]++(?:[=,](?:"[^"NL]*"|[^";:,=NL]*+))*+)*+)"""
_LINE = re.compile(("^" + _HEAD + r":(?P<value>.*)\Z").replace("NL", ""), re.DOTALL | re.VERBOSE)
# The same for a line that isn't folded: most lines of a file, split by one regex without
# unfolding them first. Anything else (a folded line, or one that isn't a content line) is a
# whole logical line in ``other``. Each match takes the blank lines before it along, so that
# line numbers can be counted; possessively, as nothing else can start on a blank line, so
# that the engine keeps no state per blank line (a dropped photo's lines are blank).
_CONTENT_LINE = re.compile(
    r"""^(?P<blank>(?:[^\S\n]*\n)*+)(?:"""
    + _HEAD.replace("NL", r"\n")
    + r""":(?P<value>[^\n]*)$(?!\n[ \t][^\n]*\S)
    |(?P<other>[^\n]*\S[^\n]*(?:\n[ \t][^\n]*\S[^\n]*)*)
    |[^\S\n]*\Z
    )""",
    re.MULTILINE | re.VERBOSE,
)
_FOLD = re.compile(r"\n[ \t]")
_QP = "quoted-printable"
# The head of a folded line, when no fold falls before its colon.
_UNFOLDED_HEAD = re.compile("^" + _HEAD.replace("NL", r"\n") + ":", re.VERBOSE)
# Values that are read: the others (PHOTO's hundreds of lines) are never unfolded.
_VALUED = _READ | {"BEGIN", "END"}

# (line number, logical line, group, name, parameters as written, value): the name is "" for
# a line that isn't a content line, the line is None when it is the parts put together, and
# the value is None (and the line still folded) when nothing reads it.
_ContentLine = tuple[int, "str | None", str, str, str, "str | None"]


def _content_lines(text: str, crlf: bool = False) -> list[_ContentLine]:
    r"""Every logical line of a vCard text, split as vobject splits it.

    The same lines and parts as vobject's ``getLogicalLines`` and ``parseLine``, with the
    number of the line each starts on. Lines end in "\n", or with ``crlf`` in "\r\n" (or "\n"):
    no "\r" stands anywhere else. The "\r" is then dropped from what is read, which costs less
    than rewriting the whole text without it.
    """
    lines: list[_ContentLine] = []
    append = lines.append
    number = 1
    for blank, group, name, params, value, other in _CONTENT_LINE.findall(text):
        if blank:
            number += blank.count("\n")
        if name:
            if crlf and value[-1:] == "\r":
                value = value[:-1]
            if value[-1:] == "=" and _QP in _joined(group, name, params, value).lower():
                break
            append((number, None, group, name, params, value))
            number += 1
        elif other:
            # A soft line break needs "quoted-printable" (with its dash) and a line ending in "=".
            soft_breaks = "-" in other and ("=\n" in other or other.endswith(("=", "=\r")))
            soft_breaks = soft_breaks or (crlf and "=\r\n" in other)
            if not soft_breaks and (head := _UNFOLDED_HEAD.match(other)) is not None:
                if head["name"].replace("_", "-").upper() not in _VALUED:
                    append((number, other, head["group"] or "", head["name"], head["params"], None))
                    number += other.count("\n") + 1
                    continue
            number_of_lines = other.count("\n") + 1
            if crlf:
                other = other.replace("\r\n", "\n")
                if other[-1] == "\r":
                    other = other[:-1]
            line = _FOLD.sub("", other) if "\n" in other else other
            if line[0] in " \t":
                line = line[1:]  # a folded line after a blank one starts a line of its own
            if (other[-1] == "=" or "=\n" in other) and _QP in line.lower():
                break
            append(_split_line(line, number))
            number += number_of_lines
    else:
        return lines
    # A quoted-printable value's soft line breaks continue it without a fold's space.
    return list(_content_lines_by_line(text.replace("\r\n", "\n") if crlf else text))


def _joined(group: str, name: str, params: str, value: str) -> str:
    """A content line put back together from its parts."""
    return f"{group}.{name}{params}:{value}" if group else f"{name}{params}:{value}"


def _split_line(line: str, number: int) -> _ContentLine:
    found = _LINE.match(line)
    if found is None:
        return number, line, "", "", "", ""
    return number, line, found["group"] or "", found["name"], found["params"], found["value"]


def _content_lines_by_line(text: str) -> Iterator[_ContentLine]:
    """_content_lines for text with quoted-printable values, whose soft line breaks continue a
    line without the leading space of a fold: read physical line by physical line."""
    parts: list[str] = []
    start = 1
    quoted_printable = False
    physical = text.split("\n")
    if physical[-1] == "":
        physical.pop()
    for number, line in enumerate(physical, start=1):
        if not line or line.isspace():
            if parts:
                yield _split_line("".join(parts), start)
                parts = []
            quoted_printable = False
            continue
        if quoted_printable:
            parts += ("\n", line)
            quoted_printable = False
        elif line[0] in " \t":
            if not parts:
                start = number
            parts.append(line[1:])
        else:
            if parts:
                yield _split_line("".join(parts), start)
            parts = [line]
            start = number
        if line[-1] == "=" and _QP in "".join(parts).lower():
            quoted_printable = True
    if parts:
        yield _split_line("".join(parts), start)


def parse_vcards(
    data: bytes,
    *,
    file: str,
    where: Callable[[int], str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ParsedCards:
    """Read every card of one .vcf file, or raise VCardError naming the card and line at fault.

    Nothing is half-read: a file that fails anywhere fails as a whole.

    Args:
        data: the file's bytes.
        file: its name, for messages.
        where: how skipped cards are named, from their number ("card 3" by default).
        progress: called with the number of cards read so far, now and then.
    """
    text, has_raw_bytes = _decode_file(data, file)
    crlf = "\r" in text
    if crlf and text.count("\r") != text.count("\r\n"):  # a "\r" alone ends a line too
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        crlf = False
    if not text or text.isspace():
        raise VCardError("the file is empty", file=file)
    parsed = ParsedCards()
    card_number = 0
    depth = 0
    start = 0
    properties: list[_Property] = []
    names: dict[str, str] = {}  # as written -> as compared
    parameters: dict[str, _Parameters] = {}  # as written -> read
    for number, line, group, written_name, params, value in _content_lines(text, crlf):
        if value is None:  # a folded line nothing reads (a photo): only where it is matters
            if depth == 0:
                shown = " ".join(_FOLD.sub("", str(line).replace("\r\n", "\n")).split())
                raise VCardError(
                    f"expected BEGIN:VCARD, found “{shown[:60]}”", file=file, line=number
                )
            continue
        name = names.get(written_name, "")
        if not name:
            if not written_name:
                shown = " ".join(str(line).split())[:60]
                problem = (
                    f"this line isn't a vCard property: “{shown}”"
                    if depth
                    else f"expected BEGIN:VCARD, found “{shown}”"
                )
                raise VCardError(
                    problem, file=file, card=card_number if depth else None, line=number
                )
            name = names[written_name] = written_name.replace("_", "-").upper()
        if depth == 1 and name in _READ:
            read = parameters.get(params)
            if read is None:
                read = parameters[params] = _read_parameters(params)
            if read[2] or has_raw_bytes:
                properties.append(_property(group, name, read, value, has_raw_bytes))
            else:
                value = clean_text(value, allow_newlines=True)  # no controls from any card
                properties.append(_Property(group, name, read[0], value, read[3], read[4]))
        elif name == "BEGIN":
            if value.strip().upper() != "VCARD":
                raise VCardError(
                    f"expected BEGIN:VCARD, found BEGIN:{value.strip()}", file=file, line=number
                )
            if depth == 0:
                card_number += 1
                start = number
                properties = []
            else:  # a card inside a card (2.1's AGENT): said, never dropped in silence
                parsed.skipped.append(
                    SkippedRow(
                        number,
                        f"a card inside card {card_number} (line {start}) is not imported;"
                        " save it as a card of its own",
                    )
                )
            depth += 1
        elif name == "END":
            if depth == 0:
                raise VCardError("END:VCARD without a BEGIN:VCARD", file=file, line=number)
            if value.strip().upper() != "VCARD":
                raise VCardError(
                    f"the card ends with END:{value.strip()} instead of END:VCARD",
                    file=file,
                    card=card_number,
                    line=number,
                )
            depth -= 1
            if depth == 0:
                named = where(card_number) if where else f"card {card_number}"
                _read_card(properties, start, named, parsed)
                if progress is not None and card_number % PROGRESS_EVERY == 0:
                    progress(card_number)
        elif depth == 0:
            shown = " ".join(_joined(group, written_name, params, value).split())[:60]
            raise VCardError(f"expected BEGIN:VCARD, found “{shown}”", file=file, line=number)
    if depth:
        raise VCardError(
            f"the card starting on line {start} is never closed (END:VCARD is missing)",
            file=file,
            card=card_number,
        )
    if card_number == 0:
        raise VCardError("there are no vCards in the file", file=file)
    if progress is not None:
        progress(card_number)
    return parsed


def _text(value: str, version: str) -> str:
    """A text value with its escapes read: 2.1 escapes only ``;``, later versions more.

    Unknown escapes stay as written, as vobject leaves them.
    """
    if "\\" not in value:
        return value
    if version == "2.1":
        return value.replace("\\;", ";")
    return _TEXT_ESCAPE.sub(_unescaped, value)


_TEXT_ESCAPE = re.compile(r'\\([\\;,nN"])')


def _unescaped(found: re.Match[str]) -> str:
    return "\n" if found[1] in "nN" else found[1]


def _components(value: str, version: str) -> list[str]:
    """The ``;``-separated parts of N, ORG or ADR, each read as text."""
    if "\\" not in value:
        return value.split(";")
    parts = stringToTextValues(value, listSeparator=";", charList=";")
    return [_text(part, version) for part in parts]


def _list(value: str, version: str) -> list[str]:
    """The values of CATEGORIES: ``,``-separated (and ``;`` in 2.1)."""
    if version == "2.1":
        value = value.replace(";", ",")
    if "\\" not in value:
        return value.split(",")
    return [str(part) for part in stringToTextValues(value)]


def _label_and_rank(prop: _Property, group_labels: dict[str, str]) -> tuple[str, int]:
    """A method's label (from X-ABLabel or TYPE) and its preference rank (lower first)."""
    label = group_labels.get(prop.group.lower(), "") if prop.group else ""
    return label or prop.type_label, prop.rank


def _apple_label(value: str) -> str:
    found = _APPLE_LABEL.match(value.strip())
    if found:
        return found[1].strip().lower()
    return " ".join(value.split())


def _read_card(properties: list[_Property], start: int, where: str, parsed: ParsedCards) -> None:
    """Turn one card's properties into an AddressCard, or a skipped row saying why not."""
    version = "3.0"
    group_labels: dict[str, str] = {}
    for prop in properties:
        if prop.name == "VERSION":
            version = prop.value.strip()
        elif prop.name == "X-ABLABEL" and prop.group:
            group_labels[prop.group.lower()] = _apple_label(_text(prop.value, version))

    names: list[str] = []
    structured_name: list[str] = []
    uid = company = role = title_role = how_met = ""
    notes: list[str] = []
    topics: list[str] = []
    emails: list[tuple[int, str, str]] = []
    phones: list[tuple[int, str, str]] = []
    urls: list[tuple[int, str, str]] = []
    profiles: list[str] = []
    kind = ""
    for prop in properties:
        name = prop.name
        if name == "FN":
            names.append(_text(prop.value, version))
        elif name == "N":
            structured_name = _components(prop.value, version)
        elif name == "EMAIL":
            address = clean_email(_text(prop.value, version))
            if address:
                label, rank = _label_and_rank(prop, group_labels)
                emails.append((rank, address, label))
        elif name == "TEL":
            number = clean_phone(_text(prop.value, version))
            if number:
                label, rank = _label_and_rank(prop, group_labels)
                phones.append((rank, number, label))
        elif name == "ORG":
            company = company or " ".join(_components(prop.value, version)[0].split())
        elif name == "TITLE":
            title_role = title_role or " ".join(_text(prop.value, version).split())
        elif name == "ROLE":
            role = role or " ".join(_text(prop.value, version).split())
        elif name == "NOTE":
            note = _text(prop.value, version).strip()
            if note:
                notes.append(note)
        elif name == "CATEGORIES":
            topics.extend(_list(prop.value, version))
        elif name == "URL":
            url = _text(prop.value, version).strip()
            profile = linkedin_profile(url)
            if profile:
                profiles.append(profile)
            elif url:
                label, rank = _label_and_rank(prop, group_labels)
                urls.append((rank, url, label))
        elif name == "X-SOCIALPROFILE":
            profile = linkedin_profile(_text(prop.value, version))
            types = {value.lower() for value in prop.params.get("TYPE", ())}
            user = prop.params.get("X-USER", [""])[0].strip()
            if not profile and "linkedin" in types and user:
                profile = linkedin_profile(f"https://linkedin.com/in/{user}")
            if profile:
                profiles.append(profile)
        elif name == "UID":
            uid = uid or _text(prop.value, version).strip()
        elif name in ("KIND", "X-ADDRESSBOOKSERVER-KIND"):
            kind = prop.value.strip().lower()
        elif name == "X-CRM-HOW-MET":
            how_met = _text(prop.value, version).strip()
        # PHOTO, LOGO, SOUND, KEY, ADR, BDAY…: nothing the CRM keeps.

    if kind in _NOT_PEOPLE:
        what = "a contact group" if kind == "group" else "an organisation"
        parsed.skipped.append(SkippedRow(start, f"{what}, not a person ({where})"))
        return
    display = " ".join(names[0].split()) if names else ""
    if not display and structured_name:
        # N is family; given; additional; prefix; suffix.
        parts = (structured_name + [""] * 5)[:5]
        display = " ".join(" ".join((parts[3], parts[1], parts[2], parts[0], parts[4])).split())
    if not display:
        parsed.skipped.append(SkippedRow(start, f"no name ({where})"))
        return
    if len(display) > MAX_NAME_LENGTH:
        parsed.skipped.append(
            SkippedRow(start, f"name longer than {MAX_NAME_LENGTH} characters ({where})")
        )
        return
    parsed.cards.append(
        AddressCard(
            line=start,
            where=where,
            uid=uid,
            name=display,
            company=company,
            role=title_role or role,
            emails=unique_methods(emails, str.casefold),
            phones=unique_methods(phones, phone_key),
            urls=unique_methods(urls, str.casefold),
            linkedin_url=profiles[0] if profiles else "",
            note="\n\n".join(notes),
            how_met=how_met,
            topics=clean_topics(topics),
        )
    )


READ_SIZE = 1 << 20  # bytes read at a time from a .vcf file
_LONG_LINE = 4096  # a line of an unread property longer than this is kept as its name alone
# A property's first line with its folded continuation lines, or any line longer than _LONG_LINE.
_FOLDED_OR_LONG = re.compile(
    rb"^([^ \t\r\n][^\n]*)((?:\n[ \t][^\n]*)+)|^[^ \t\r\n][^\n]{%d,}" % _LONG_LINE, re.MULTILINE
)
# The last line of a block that isn't a fold, with the folds after it to the block's end.
_LAST_HEAD = re.compile(rb"(?:^|\n)([^ \t\r\n][^\n]*)\n(?:[ \t][^\n]*+(?:\n|\Z))*+\Z")
_NAME_AT_START = re.compile(rb"(?:([a-zA-Z0-9_-]+)\.)?([a-zA-Z0-9_-]+)")
_VALUED_BYTES = frozenset(name.encode() for name in _VALUED)


def _soft_break(head: bytes) -> bool:
    """Whether a line goes on in the next one as quoted-printable (its parameters say so)."""
    return head.rstrip(b"\r").endswith(b"=") and b"quoted-printable" in head[:300].lower()


def _unread(head: bytes) -> bool:
    """Whether the content line starting ``head`` is of a property no card is read for."""
    found = _NAME_AT_START.match(head)
    return found is not None and found[2].replace(b"_", b"-").upper() not in _VALUED_BYTES


class _UnreadDropper:
    """Blanks out what nothing reads (a PHOTO's folded lines), keeping every line's number.

    A folded line of an unread property becomes an empty line, and an unread line longer
    than _LONG_LINE becomes its name and a colon; a big photo then costs nothing to keep.
    Quoted-printable lines with a soft break are left whole: what goes on isn't a fold.
    """

    def __init__(self) -> None:
        self.dropping = False
        """Whether the last property of the previous block was unread (its folds go on)."""

    def block(self, data: bytes) -> bytes:
        """``data`` (whole lines) with what nothing reads blanked out."""
        if data[:1] in (b" ", b"\t"):  # the previous block's last property goes on
            end = re.search(rb"\n(?![ \t])", data)
            cut = end.start() if end else len(data)
            if self.dropping:
                data = b"\n" * data.count(b"\n", 0, cut) + data[cut:]
        last_head = _LAST_HEAD.search(data)
        if last_head is not None:
            self.dropping = _unread(last_head[1]) and not _soft_break(last_head[1])
        return _FOLDED_OR_LONG.sub(self._blank, data)

    @staticmethod
    def _blank(found: re.Match[bytes]) -> bytes:
        head = found[1] if found[1] is not None else found[0]
        if not _unread(head) or _soft_break(head):
            return found[0]
        if len(head) > _LONG_LINE:
            line_end = b"\r" if head[-1:] == b"\r" else b""
            head = _NAME_AT_START.match(head)[0] + b":" + line_end  # type: ignore[index]
        return head + b"\n" * (found[2] or b"").count(b"\n")


def _kept_bytes(first: bytes, stream: BinaryIO) -> bytes:
    """``first`` and the rest of ``stream``, whole lines at a time through an _UnreadDropper."""
    dropper = _UnreadDropper()
    kept: list[bytes] = []
    rest = b""
    skipping = False  # inside an unread line too long to keep: read on to its end
    chunk = first
    while chunk:
        if skipping:
            end = chunk.find(b"\n")
            if end < 0:
                chunk = stream.read(READ_SIZE)
                continue
            skipping, chunk = False, chunk[end + 1 :]
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            kept.append(dropper.block(data[:cut]))
        rest = data[cut:]
        if len(rest) > _LONG_LINE and _unread(rest):
            kept.append(_NAME_AT_START.match(rest)[0] + b":\n")  # type: ignore[index]
            dropper.dropping, skipping, rest = True, True, b""
        chunk = stream.read(READ_SIZE)
    if rest:
        kept.append(dropper.block(rest))
    return b"".join(kept)


def _read_bytes(path: Path, name: str) -> bytes:
    """The bytes of a .vcf file that cards are read from, read a block at a time.

    What no card is read for (photos, sounds, keys) is blanked out as it is read, so a file
    with a huge PHOTO needs no more memory than one without.
    """
    try:
        with path.open("rb") as stream:
            first = stream.read(max(READ_SIZE, 2))  # enough to tell UTF-16 by its mark
            if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return first + stream.read()  # rare (old Outlook): read whole, as before
            return _kept_bytes(first, stream)
    except OSError as error:
        raise VCardError(f"can't read the file: {error.strerror or error}", file=name) from error


def _in_file(name: str) -> Callable[[int], str]:
    """How a vdir's skipped cards are named: by their file (and number, if it holds several)."""

    def where(number: int) -> str:
        return name if number == 1 else f"{name} card {number}"

    return where


def read_vcards(path: Path, progress: Progress | None = None) -> ParsedCards:
    """Read a .vcf file of any number of cards, or a vdir: a folder of one card per file.

    Raises:
        VCardError: a file can't be read or isn't valid; the message names the file, the
            card and the line at fault.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(
            entry
            for entry in path.iterdir()
            if entry.suffix.lower() in VCARD_SUFFIXES
            and not entry.name.startswith(".")
            and entry.is_file()
        )
        if not files:
            raise VCardError("the folder holds no .vcf files", file=path.name)
        contents = [(entry.name, _read_bytes(entry, entry.name)) for entry in files]
    elif path.exists():
        contents = [(path.name, _read_bytes(path, path.name))]
    else:
        raise VCardError("no such file or folder", file=path.name)
    # An estimate for progress (nested cards count too); the parse counts exactly.
    total = sum(data.count(b"BEGIN:VCARD") + data.count(b"begin:vcard") for _, data in contents)
    total = max(total, 1)
    done = 0

    def report(cards_in_file: int) -> None:
        if progress is not None:
            progress(min(done + cards_in_file, total), total)

    parsed = ParsedCards()
    several = len(contents) > 1
    for name, data in contents:
        one = parse_vcards(
            data, file=name, where=_in_file(name) if several else None, progress=report
        )
        parsed.cards.extend(one.cards)
        parsed.skipped.extend(one.skipped)
        done += len(one.cards) + len(one.skipped)
    return parsed


def import_vcards(
    path: Path,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a .vcf file or a vdir as one undoable batch (source "vcard").

    Cards match contacts by UID, then by any e-mail, phone or LinkedIn profile, then by the
    name at the same company, so importing the same cards again changes nothing; a match
    gains what it lacks, never losing what the user typed. A new contact keeps the card's UID.

    Args:
        path: a .vcf file, or a folder of them.
        now: the import's time (naive UTC).
        progress: called with (cards done, cards in all) as the import goes on.
        dry_run: work out and return what would happen without writing anything.

    Raises:
        VCardError: nothing was written; the message names the file, card and line at fault.
    """
    parsed = read_vcards(path, progress)
    return import_cards(
        parsed,
        source=SOURCE_VCARD,
        filename=Path(path).name,
        now=now,
        progress=progress,
        dry_run=dry_run,
    )


# --- matching, planning and writing (vCards and Google Contacts) -------------------------


@dataclass
class _CardPlan:
    creates: list[tuple[AddressCard, str, int | None]] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    # Creates (by their index in ``creates``) beside contacts of the same name, for review.
    possible: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    known_names: dict[int, str] = field(default_factory=dict)


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


def _plan(parsed: ParsedCards, companies: imports.CompanyPlanner, source: str) -> _CardPlan:
    """Decide what every card does, from one read of the contacts the cards can match.

    A card is its contact when it carries the contact's UID; otherwise the shared rules
    decide (domain.matching: any identifier, then the name at the same company).
    """
    plan = _CardPlan(skipped=list(parsed.skipped))
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

    details = known_contacts(cursor, {contact_id for _card, contact_id in matches})
    for card, contact_id in matches:
        fill = plan_fill(
            details[contact_id],
            card,
            (companies.key(card.company), lambda card=card: companies.id_for(card.company)),
            region,
            source,
        )
        if fill:
            plan.fills.append(fill)
        else:
            plan.unchanged += 1
    like = sorted({cid for _index, ids in plan.possible for cid in ids})
    if like:
        plan.known_names.update(
            cursor.execute(
                "SELECT id, name FROM contact WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(like),),
            ).fetchall()
        )
    plan.skipped.sort(key=lambda row: row.line)
    return plan


def _possible(plan: _CardPlan, first_id: int | None) -> list[imports.PossibleDuplicate]:
    return [
        imports.PossibleDuplicate(
            None if first_id is None else first_id + index,
            plan.creates[index][0].name,
            like,
            tuple(plan.known_names.get(cid, "") for cid in like),
        )
        for index, like in plan.possible
    ]


def _new_contacts(
    plan: _CardPlan, batch_id: int, stamp: str, first_id: int
) -> Iterator[tuple[NewContact, Extras]]:
    """The rows of the new contacts, ids from ``first_id`` on, with their topics and the
    e-mails, phones and URLs beyond the first."""
    for contact_id, (card, uid, company_id) in enumerate(plan.creates, start=first_id):
        row = NewContact(
            id=contact_id,
            uid=uid,
            name=card.name,
            sort_key=sort_key(card.name),
            company_id=company_id,
            role=card.role,
            email=card.emails[0][0] if card.emails else "",
            phone=card.phones[0][0] if card.phones else "",
            linkedin_url=card.linkedin_url,
            how_met=card.how_met,
            relationship_note=card.note,
            import_batch_id=batch_id,
            created_at=stamp,
            updated_at=stamp,
        )
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
    whether it creates a contact, fills and adds to one (import_matching.plan_fill, which
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
    moment = (now or utc_now()).replace(microsecond=0)
    stamp = stored_time(moment)
    batch_id: int | None = None
    first_id: int | None = None
    # Planning takes no lock; the write lock is held only for the writing.
    with db.connection_context():
        with reading():
            version = imports.data_version(db.cursor())
            companies = imports.CompanyPlanner()
            plan = _plan(parsed, companies, source)
        if not dry_run:
            with writing():
                if imports.data_version(db.cursor()) != version:
                    # Someone wrote since the plan was made: plan again against what is there.
                    companies = imports.CompanyPlanner()
                    plan = _plan(parsed, companies, source)
                first_id = imports.next_contact_id(db.cursor())
                batch_id = imports.write_batch(
                    source=source,
                    filename=filename,
                    moment=moment,
                    rows=parsed.rows,
                    created=len(plan.creates),
                    fills=plan.fills,
                    unchanged=plan.unchanged,
                    skipped=plan.skipped,
                    companies=companies,
                    possible=_possible(plan, first_id),
                )
                write_contacts(
                    db.cursor(),
                    _new_contacts(plan, batch_id, stamp, first_id),
                    len(plan.creates),
                    companies.company_names,
                )
    if progress is not None:
        progress(parsed.rows, parsed.rows)
    return ImportResult(
        batch_id=batch_id,
        filename=filename,
        created=len(plan.creates),
        updated=len(plan.fills),
        unchanged=plan.unchanged,
        skipped=tuple(plan.skipped),
        companies_created=len(companies.new_companies),
        dry_run=dry_run,
        changes=imports.contact_changes(plan.fills),
        possible_duplicates=tuple(_possible(plan, first_id)),
    )


# --- writing vCards ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    items: int  # contacts (or calendar entries) exported
    written: int = 0  # files written or rewritten (a vdir), 1 for a single file
    unchanged: int = 0  # vdir files already up to date, left alone
    removed: int = 0  # vdir files of ours whose contact (or entry) is gone


@dataclass(frozen=True)
class _ContactCard:
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


def _contact_cards() -> list[_ContactCard]:
    """Every contact with its topics and extra methods, in name order (one read)."""
    with reading():
        topics: dict[int, list[str]] = {}
        for contact_id, name in tuples(
            ContactTopic.select(ContactTopic.contact, ContactTopic.name).order_by(
                ContactTopic.contact, ContactTopic.position, ContactTopic.id
            )
        ):
            topics.setdefault(contact_id, []).append(name)
        methods: dict[int, list[tuple[str, str, str]]] = {}
        for contact_id, kind, value, label in tuples(
            ContactMethod.select(
                ContactMethod.contact, ContactMethod.kind, ContactMethod.value, ContactMethod.label
            ).order_by(ContactMethod.contact, ContactMethod.position, ContactMethod.id)
        ):
            methods.setdefault(contact_id, []).append((kind, value, label))
        rows = (
            Contact.select(
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
            .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
            .order_by(Contact.sort_key, Contact.id)
            .tuples()
        )
        return [
            _ContactCard(
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


def vcard_text(card: _ContactCard, version: str = "3.0") -> str:
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
    cards = _contact_cards()
    return "".join(vcard_text(card, version) for card in cards), len(cards)


def vdir_file_name(uid: str, suffix: str) -> str:
    """The file of one item in a vdir: ``UID.vcf``, its UID made safe for a file name."""
    name = quote(uid, safe="-_.@+")
    if not name or name.startswith(".") or len(name) > 200:
        name = hashlib.sha1(uid.encode("utf-8")).hexdigest()
    return name + suffix


def write_atomically(path: Path, content: bytes) -> None:
    """Replace a file in one step, so a sync tool never reads half of it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        with contextlib.suppress(OSError):  # a new file stays private to its owner (0600)
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sync_vdir(
    directory: Path,
    items: Sequence[tuple[str, bytes]],
    *,
    suffix: str,
    ours: bytes,
    same: Callable[[bytes, bytes], bool] = bytes.__eq__,
) -> ExportResult:
    """Write one file per item into a vdir, and remove the files of ours nobody exports now.

    Args:
        directory: the vdir (created if missing).
        items: (file name, content) of every item.
        suffix: ".vcf" or ".ics"; only such files are considered for removal.
        ours: a line only our exports hold (the PRODID), so files others put there are kept.
        same: whether an existing file already says what the new content does; such files
            are left alone, so a sync tool doesn't upload them again.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = unchanged = removed = 0
    wanted = set()
    for name, content in items:
        wanted.add(name)
        target = directory / name
        try:
            before = target.read_bytes()
        except OSError:
            before = None
        if before is not None and same(before, content):
            unchanged += 1
            continue
        write_atomically(target, content)
        written += 1
    for entry in directory.iterdir():
        if entry.suffix != suffix or entry.name in wanted or not entry.is_file():
            continue
        try:
            if ours in entry.read_bytes():
                entry.unlink()
                removed += 1
        except OSError:
            continue
    return ExportResult(items=len(items), written=written, unchanged=unchanged, removed=removed)


def export_vcard_dir(directory: Path, *, version: str = "3.0") -> ExportResult:
    """Every contact as ``UID.vcf`` in a vdir (khard, vdirsyncer), rewriting changed cards.

    A contact keeps its file from one export to the next, and files of ours whose contact
    was deleted are removed; files other programs put there are left alone.
    """
    _check_version(version)
    items = [
        (vdir_file_name(card.uid, ".vcf"), vcard_text(card, version).encode("utf-8"))
        for card in _contact_cards()
    ]
    return sync_vdir(Path(directory), items, suffix=".vcf", ours=f"PRODID:{PRODID}".encode())


__all__ = [
    "PRODID",
    "SOURCE_VCARD",
    "SYSTEM_LABELS",
    "VERSIONS",
    "AddressCard",
    "ExportResult",
    "ParsedCards",
    "VCardError",
    "clean_email",
    "clean_phone",
    "clean_topics",
    "derived_uid",
    "export_vcard_dir",
    "export_vcards",
    "import_cards",
    "import_vcards",
    "linkedin_profile",
    "parse_vcards",
    "phone_key",
    "read_vcards",
    "sync_vdir",
    "unique_methods",
    "vcard_text",
    "vdir_file_name",
    "write_atomically",
]
