"""Reading an mbox file or a Maildir folder one message at a time: the headers of every
message, the body only of those the caller asks for, and nothing kept once passed."""

from __future__ import annotations

import mailbox
import re
from collections.abc import Callable, Iterator
from email import policy
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import BinaryIO

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_HEADER_BYTES = 1024 * 1024
"""Headers longer than this are cut there and the rest read as body: a hostile or broken
file whose headers never end must not be held in memory whole."""
"""Of a matched message, only this much is read (the text comes first; attachments after)."""

_HEADERS = BytesHeaderParser()  # compat32: the fastest; values are decoded where shown


def _whole_policy() -> policy.EmailPolicy[EmailMessage]:
    """The default policy, with Content-Type read as plain text: parsing it into a structured
    header on every look was half of finding a message's text (get_content_type and
    get_param read the plain value just as well)."""
    registry = HeaderRegistry()
    registry.map_to_type("content-type", UnstructuredHeader)  # type: ignore[arg-type]  # mixed with BaseHeader by the registry
    return policy.default.clone(header_factory=registry)


_WHOLE = _whole_policy()


class MailboxError(ValueError):
    """The path is no mailbox crm can read; the message says why in one line."""


class MailMessage:
    """One message as it streams past: its headers, and its body if asked for in time."""

    def __init__(self, header_bytes: bytes, rest: _Rest, offset: int = 0) -> None:
        self.header_bytes = header_bytes
        self.offset = offset
        """Where an mbox message starts in its file: the offset of its "From " line."""
        self._rest = rest
        self._headers: Message | None = None
        self._whole: EmailMessage | None = None

    @property
    def headers(self) -> Message:
        """The header block, parsed (on first use: most messages are passed over unparsed)."""
        if self._headers is None:
            self._headers = _HEADERS.parsebytes(self.header_bytes)
        return self._headers

    def whole(self) -> EmailMessage:
        """The whole message, parsed (read from the file now; only before the next one)."""
        if self._whole is None:
            body = self._rest.read()
            parsed = BytesParser(policy=_WHOLE).parsebytes(self.header_bytes + body)
            assert isinstance(parsed, EmailMessage)
            self._whole = parsed
        return self._whole


class _Rest:
    """What follows the headers, read on demand and skipped otherwise."""

    def __init__(
        self,
        read: BinaryIO | None = None,
        body: Callable[[], bytes] | None = None,
        whole: Callable[[], bytes] | None = None,
    ):
        self._file = read
        self._body = body
        self._whole = whole

    def read(self) -> bytes:
        if self._whole is not None:
            # A server hands over the whole message: what follows its first empty line.
            raw = self._whole()
            ends = [at for at in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if at >= 0]
            if not ends:
                return b""
            cut = min(ends)
            return raw[cut + (4 if raw.startswith(b"\r\n\r\n", cut) else 2) :][:MAX_BODY_BYTES]
        if self._file is not None:
            return self._file.read(MAX_BODY_BYTES)
        assert self._body is not None
        return self._body()


def kind_of(path: Path) -> str:
    """ "mbox" for a file, "maildir" for a folder with cur, new and tmp; else MailboxError."""
    if path.is_file():
        return "mbox"
    if path.is_dir():
        if all((path / name).is_dir() for name in ("cur", "new", "tmp")):
            return "maildir"
        raise MailboxError(
            f"{path.name} is a folder but not a Maildir (it has no cur, new and tmp folders);"
            " give an mbox file or a Maildir folder."
        )
    if not path.exists():
        raise MailboxError(f"{path} doesn't exist.")
    raise MailboxError(f"{path.name} is neither an mbox file nor a Maildir folder.")


def fetched_message(header: bytes, whole: Callable[[], bytes]) -> MailMessage:
    """A message a server sent the headers of; ``whole`` fetches all of it when it matters."""
    return MailMessage(header, _Rest(whole=whole))


def read_mailbox(
    path: Path, position: list[int] | None = None, start: int = 0
) -> Iterator[MailMessage]:
    """Every message in the mbox file or Maildir folder at ``path``, in file order.

    ``position``, when given, holds the bytes of an mbox read so far (for the progress bar);
    ``start`` is where in an mbox to begin: the offset of a "From " line.
    """
    kind = kind_of(path)
    if kind == "mbox":
        yield from _mbox(path, position, start)
    else:
        yield from _maildir(path)


def _mbox(path: Path, position: list[int] | None, start: int) -> Iterator[MailMessage]:
    try:
        handle = path.open("rb", buffering=0)
    except OSError as error:
        raise MailboxError(f"{path.name}: {error.strerror}.") from error
    with handle:
        scan = _MboxScan(handle, position, start)
        if not scan.to_next_message():
            if path.stat().st_size > start:
                raise MailboxError(
                    f'{path.name} is not an mbox file: no "From " line starts a message in it.'
                )
            return
        while True:
            offset = scan.offset
            header_bytes = scan.header_block()
            yield MailMessage(header_bytes, _Rest(body=scan.body), offset)
            if scan.in_body:  # what the caller didn't want to read
                scan.body(0)
            if not scan.more:
                return


_CHUNK = 1 << 20
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
"""mboxrd quotes body lines that start with "From ": ">From " (and ">>From ")."""


class _MboxScan:
    """An mbox split at its "From " lines (any line starting so, as Python's mailbox module
    reads them), found with ``bytes.find`` in big chunks: a loop over lines in Python took
    longer than parsing the headers did. Only the current message's bytes are kept."""

    def __init__(self, handle: BinaryIO, position: list[int] | None, start: int) -> None:
        self.handle = handle
        self.position = position
        self.data = b""
        self.base = start  # the file offset of data[0]
        self.pos = 0  # the cursor, an index into data
        self.more = False  # the cursor is at a "From " line: another message starts
        self.in_body = False  # the cursor is at the start of a body not read yet
        self.kept: list[bytes] = []
        if start:
            handle.seek(start)

    @property
    def offset(self) -> int:
        """The cursor's offset in the file."""
        return self.base + self.pos

    def _read(self) -> bool:
        """Drop what is before the cursor and read another chunk; False at the file's end."""
        chunk = self.handle.read(_CHUNK)
        if not chunk:
            return False
        self.base += self.pos
        self.data = self.data[self.pos :] + chunk
        self.pos = 0
        if self.position is not None:
            self.position[0] = self.base + len(self.data)
        return True

    def _at_from(self) -> bool:
        """Whether the line at the cursor starts with "From "."""
        while len(self.data) - self.pos < 5 and self._read():
            pass
        return self.data.startswith(b"From ", self.pos)

    def to_next_message(self) -> bool:
        """Move the cursor (at a line's start) to the next "From " line; False if none."""
        self.more = self._at_from() or self._skip(0)
        return self.more

    def _skip(self, keep: int) -> bool:
        """Move the cursor to the next line starting "From " (True) or the end, keeping the
        first ``keep`` bytes passed over (returned through self.kept)."""
        kept: list[bytes] = []
        size = 0
        while True:
            found = self.data.find(b"\nFrom ", self.pos)
            stop = found + 1 if found >= 0 else max(self.pos, len(self.data) - 5)
            if size < keep:
                kept.append(self.data[self.pos : stop])
                size += stop - self.pos
            self.pos = stop
            if found >= 0:
                self.kept = kept
                return True
            if not self._read():
                if size < keep:
                    kept.append(self.data[self.pos :])
                self.pos = len(self.data)
                self.kept = kept
                return False

    def header_block(self) -> bytes:
        """The header lines of the message whose "From " line is at the cursor; the cursor
        moves to its body, or to the next "From " line when the headers run into one."""
        self.more = self.in_body = False
        line_end = self._find_line_end()
        if line_end < 0:
            self.pos = len(self.data)
            return b"\n"
        # From the "From " line's end: the first empty line ends the headers, or a "From " line;
        # searched in a growing window, so a mark that isn't there costs no whole chunk.
        searched, window = line_end, 4096
        while True:
            start = self.pos + searched
            stop = start + window
            ends = []
            for mark in (b"\n\n", b"\n\r\n", b"\nFrom "):
                at = self.data.find(mark, start, stop)
                if at >= 0:
                    ends.append((at, len(mark)))
                    stop = at + len(mark)  # a later mark only counts if it comes earlier
            if ends:
                at, length = min(ends)
                header = self.data[self.pos + line_end + 1 : at + 1] + b"\n"
                if length == len(b"\nFrom "):
                    self.pos, self.more = at + 1, True
                else:
                    self.pos, self.in_body = at + length, True
                return header
            if searched > MAX_HEADER_BYTES:
                cut = self.pos + MAX_HEADER_BYTES
                header = self.data[self.pos + line_end + 1 : cut] + b"\n"
                self.pos, self.in_body = cut, True
                return header
            if stop < len(self.data):
                searched += window - 6  # a mark across the window's end is found next time
                window *= 2
                continue
            searched = max(line_end, len(self.data) - self.pos - 6)
            if not self._read():
                header = self.data[self.pos + line_end + 1 :]
                self.pos = len(self.data)
                return header + b"\n"

    def _find_line_end(self) -> int:
        """Where the line at the cursor ends (its "\\n"), from the cursor; -1 at the end."""
        searched = 0
        while True:
            at = self.data.find(b"\n", self.pos + searched)
            if at >= 0:
                return at - self.pos
            searched = len(self.data) - self.pos
            if searched > MAX_HEADER_BYTES:
                return MAX_HEADER_BYTES  # a "From " line with no end: cut like headers are
            if not self._read():
                return -1

    def body(self, limit: int = MAX_BODY_BYTES) -> bytes:
        """The first ``limit`` bytes of the body at the cursor (all of it is passed over)."""
        self.in_body = False
        if self._at_from():
            self.more = True
            return b""
        self.more = self._skip(limit)
        if not limit:
            return b""
        body = b"".join(self.kept)[:limit]
        self.kept = []
        return _QUOTED_FROM.sub(rb"\1", body)


def _maildir(path: Path) -> Iterator[MailMessage]:
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in box.iterkeys():
        try:
            handle = box.get_file(key)
        except (OSError, KeyError):
            continue  # moved or deleted while we read: the next import sees it
        with handle:
            lines: list[bytes] = []
            while line := handle.readline():
                if line in (b"\n", b"\r\n"):
                    break
                lines.append(line)
            yield MailMessage(b"".join(lines) + b"\n", _Rest(read=handle))  # type: ignore[arg-type]
