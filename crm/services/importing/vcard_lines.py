"""vCard files as content lines: decoding, unfolding and splitting, read a block at a time.

Lines are split exactly as vobject's ``getLogicalLines`` and ``parseLine`` do, with one regex
over the whole text; properties the reader ignores are dropped from the bytes as they are read.
"""

from __future__ import annotations

import codecs
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from vobject.base import parseParams as parse_params  # type: ignore[import-untyped]

from crm.domain.text import clean_text

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


# TYPE values that say nothing a person would call a label.
_SILENT_TYPES = frozenset({"internet", "x400", "voice", "pref", "msg", "uri", "text"})
_TYPE_LABELS = {"cell": "mobile", "iphone": "iphone"}


@dataclass(slots=True)
class Property:
    group: str
    name: str
    params: dict[str, list[str]]
    value: str  # quoted-printable and charsets decoded; escapes still in
    type_label: str = ""  # the label its TYPE parameters say, for EMAIL, TEL and URL
    rank: int = 101  # its preference from TYPE=pref or PREF (lower first)


def decode_file(data: bytes, name: str) -> tuple[str, bool]:
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
READ = frozenset(
    {
        "VERSION", "FN", "N", "EMAIL", "TEL", "ORG", "TITLE", "ROLE", "NOTE", "CATEGORIES",
        "URL", "X-SOCIALPROFILE", "UID", "KIND", "X-ADDRESSBOOKSERVER-KIND", "X-CRM-HOW-MET",
        "X-ABLABEL",
    }
)  # fmt: skip


Parameters = tuple[dict[str, list[str]], str, bool, str, int]
"""A property's parameters by name, its CHARSET, whether it is quoted-printable, and the
label and preference rank its TYPE and PREF say."""


def read_parameters(written: str) -> Parameters:
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


def make_property(
    group: str | None, name: str, parameters: Parameters, value: str, has_raw_bytes: bool
) -> Property:
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
    return Property(group or "", name, params, value, type_label, rank)


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
FOLD = re.compile(r"\n[ \t]")
_QP = "quoted-printable"
# The head of a folded line, when no fold falls before its colon.
_UNFOLDED_HEAD = re.compile("^" + _HEAD.replace("NL", r"\n") + ":", re.VERBOSE)
# Values that are read: the others (PHOTO's hundreds of lines) are never unfolded.
_VALUED = READ | {"BEGIN", "END"}

# (line number, logical line, group, name, parameters as written, value): the name is "" for
# a line that isn't a content line, the line is None when it is the parts put together, and
# the value is None (and the line still folded) when nothing reads it.
_ContentLine = tuple[int, "str | None", str, str, str, "str | None"]


def content_lines(text: str, crlf: bool = False) -> list[_ContentLine]:
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
            if value[-1:] == "=" and _QP in joined(group, name, params, value).lower():
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
            line = FOLD.sub("", other) if "\n" in other else other
            if line[0] in " \t":
                line = line[1:]  # a folded line after a blank one starts a line of its own
            if (other[-1] == "=" or "=\n" in other) and _QP in line.lower():
                break
            append(_split_line(line, number))
            number += number_of_lines
    else:
        return lines
    # A quoted-printable value's soft line breaks continue it without a fold's space.
    return list(content_lines_by_line(text.replace("\r\n", "\n") if crlf else text))


def joined(group: str, name: str, params: str, value: str) -> str:
    """A content line put back together from its parts."""
    return f"{group}.{name}{params}:{value}" if group else f"{name}{params}:{value}"


def _split_line(line: str, number: int) -> _ContentLine:
    found = _LINE.match(line)
    if found is None:
        return number, line, "", "", "", ""
    return number, line, found["group"] or "", found["name"], found["params"], found["value"]


def content_lines_by_line(text: str) -> Iterator[_ContentLine]:
    """content_lines for text with quoted-printable values, whose soft line breaks continue a
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


def read_bytes(path: Path, name: str) -> bytes:
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
