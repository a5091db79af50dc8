"""Reading an mbox file or a Maildir folder one message at a time: the headers of every
message, the body only of those the caller asks for, and nothing kept once passed."""

from __future__ import annotations

import mailbox
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import BinaryIO

MAX_BODY_BYTES = 8 * 1024 * 1024
"""Of a matched message, only this much is read (the text comes first; attachments after)."""

_HEADERS = BytesHeaderParser()  # compat32: the fastest; values are decoded where shown


class MailboxError(ValueError):
    """The path is no mailbox crm can read; the message says why in one line."""


class MailMessage:
    """One message as it streams past: its headers, and its body if asked for in time."""

    def __init__(self, header_bytes: bytes, rest: _Rest) -> None:
        self.header_bytes = header_bytes
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
            parsed = BytesParser(policy=policy.default).parsebytes(self.header_bytes + body)
            assert isinstance(parsed, EmailMessage)
            self._whole = parsed
        return self._whole


class _Rest:
    """What follows the headers, read on demand and skipped otherwise."""

    def __init__(
        self,
        read: BinaryIO | None = None,
        lines: Iterator[bytes] | None = None,
        whole: Callable[[], bytes] | None = None,
    ):
        self._file = read
        self._lines = lines
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
        assert self._lines is not None
        kept: list[bytes] = []
        size = 0
        for line in self._lines:
            if size < MAX_BODY_BYTES:
                # mboxrd quotes body lines that start with "From ": ">From " (and ">>From ").
                if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
                    line = line[1:]
                kept.append(line)
                size += len(line)
        return b"".join(kept)


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


def read_mailbox(path: Path, position: list[int] | None = None) -> Iterator[MailMessage]:
    """Every message in the mbox file or Maildir folder at ``path``, in file order.

    ``position``, when given, holds the bytes of an mbox read so far (for the progress bar).
    """
    kind = kind_of(path)
    if kind == "mbox":
        yield from _mbox(path, position)
    else:
        yield from _maildir(path)


def _mbox(path: Path, position: list[int] | None) -> Iterator[MailMessage]:
    try:
        handle = path.open("rb")
    except OSError as error:
        raise MailboxError(f"{path.name}: {error.strerror}.") from error
    with handle:
        reading = _MboxLines(handle, position)
        if not reading.to_next_message():
            if path.stat().st_size:
                raise MailboxError(
                    f'{path.name} is not an mbox file: no "From " line starts a message in it.'
                )
            return
        while True:
            header_bytes = reading.header_block()
            yield MailMessage(header_bytes, _Rest(lines=reading.body_lines()))
            for _ in reading.body_lines():  # what the caller didn't want to read
                pass
            if not reading.more:
                return


class _MboxLines:
    """The lines of an mbox, split at its "From " lines (any line starting so, as Python's
    mailbox module reads them)."""

    def __init__(self, handle: BinaryIO, position: list[int] | None) -> None:
        self.handle = handle
        self.position = position
        self.read_bytes = 0
        self.more = False  # a "From " line was just read: another message starts
        self.in_body = False  # the headers ended with a blank line; body lines follow

    def _line(self) -> bytes:
        line = self.handle.readline()
        self.read_bytes += len(line)
        if self.position is not None:
            self.position[0] = self.read_bytes
        return line

    def to_next_message(self) -> bool:
        while line := self._line():
            if line.startswith(b"From "):
                self.more = True
                return True
        return False

    def header_block(self) -> bytes:
        """The header lines of the message whose "From " line was just read."""
        self.more = False
        lines: list[bytes] = []
        while line := self._line():
            if line.startswith(b"From "):
                self.more = True
                break
            if line in (b"\n", b"\r\n"):
                self.in_body = True
                break
            lines.append(line)
        return b"".join(lines) + b"\n"

    def body_lines(self) -> Iterator[bytes]:
        """The body's lines up to the next "From " line, each read once."""
        while self.in_body:
            line = self._line()
            if not line:
                self.in_body = False
            elif line.startswith(b"From "):
                self.in_body = False
                self.more = True
            else:
                yield line


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
