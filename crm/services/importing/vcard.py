"""vCards in: the fast reader of .vcf files and vdirs, whose cards the import pipeline takes.

Reading splits lines exactly as vobject's ``getLogicalLines`` and ``parseLine`` do (unfolding,
quoted-printable soft breaks, group, name, parameters and value), but with one regex over the
whole text instead of a buffer per physical line, which is much cheaper on files with
photos (hundreds of folded lines each); it uses vobject's grammar (``line_re``, rewritten
so that a malformed line can't make the regex engine backtrack for minutes), its
``parseParams`` and list splitting (``stringToTextValues``), then reads each card's
properties here. vobject's ``readComponents`` builds a tree of Python objects per line,
too slow for big address books, and its text decoding keeps only what comes before
the first unescaped comma of a NOTE or TITLE, which vCard 2.1 doesn't escape.
tests/db/test_vcards.py checks it against vobject card by card.
"""

from __future__ import annotations

import codecs
import quopri
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from vobject.base import parseParams as parse_params  # type: ignore[import-untyped]
from vobject.icalendar import stringToTextValues  # type: ignore[import-untyped]

from crm.domain.linkedin import SkippedRow
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

SOURCE_VCARD = "vcard"
VCARD_SUFFIXES = (".vcf", ".vcard")
PROGRESS_EVERY = 500  # cards read between progress reports

_SURROGATES = re.compile("[\udc80-\udcff]")
_ARCHIVE_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


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
