"""Reading a big JSON document a value at a time, with the errors ``json.loads`` would give.

The top-level object (or value) is walked here, and each list member of it is handed out item
by item; every item, and every other value, is decoded by the standard library's own decoder
(``JSONDecoder.raw_decode``), so numbers, escapes, NaN and nesting behave exactly as they do
under ``json.loads``. Only a window of the file's text is held: about a chunk, or one item if
an item is bigger. A streaming parser of its own keeps ``json.loads``'s behaviour, which a
third-party one did not (docs/performance.md).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]  # not in typeshed
from typing import Any, BinaryIO

CHUNK = 1 << 20  # bytes read at a time
_SLACK = 16  # a literal ("-Infinity") or an escape this close to the window's end may be cut
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_decode = json.JSONDecoder().raw_decode


class JsonError(Exception):
    """The file isn't a JSON document; the message is one line, as exchange words it."""


class NotUtf8(JsonError):
    """The file's bytes aren't UTF-8 text."""


def _loads_error(text: str) -> tuple[str, int]:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return error.msg, error.pos
    raise AssertionError(text)  # pragma: no cover


# Python 3.13 words a trailing comma differently from 3.11 (and points at the comma): ask.
_TRAILING_IN_OBJECT = _loads_error('{"a":0,}')  # comma at 6, brace at 7
_TRAILING_IN_ARRAY = _loads_error("[0,]")  # comma at 2, bracket at 3

Member = tuple[str | None, Any, Iterator[Any] | None]
"""A top-level member: its key (None for a document that isn't an object), then its value, or
None and an iterator over its items when it is a list that is streamed."""


class JsonStream:
    """One walk over a JSON file; see ``members``."""

    def __init__(self, file: BinaryIO, chunk: int | None = None) -> None:
        self._file = file
        self._chunk = chunk or CHUNK
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._text = ""  # the window: the file's text from ``_base`` on
        self._pos = 0  # where reading is, in the window
        self._eof = False
        self._base = 0  # characters before the window
        self._lines = 0  # newlines before the window
        self._last_newline = -1  # where the last newline before the window is

    # --- the window ------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Read more of the file into the window (dropping what was read); False at its end."""
        if self._eof:
            return False
        if self._pos:
            done = self._text[: self._pos]
            newline = done.rfind("\n")
            if newline >= 0:
                self._lines += done.count("\n")
                self._last_newline = self._base + newline
            self._base += self._pos
            self._text, self._pos = self._text[self._pos :], 0
        data = self._file.read(max(self._chunk, len(self._text)))  # doubles for a big item
        self._eof = not data
        try:
            self._text += self._decoder.decode(data, final=self._eof)
        except UnicodeDecodeError:
            raise NotUtf8("not a crm export (not UTF-8 text)") from None
        return True

    def rest_is_utf8(self) -> bool:
        """Whether the rest of the file decodes (its text isn't kept)."""
        self._text, self._pos = "", 0
        try:
            while self._fill():
                self._text = ""
        except NotUtf8:
            return False
        return True

    def _syntax(self, message: str, pos: int) -> JsonError:
        newline = self._text.rfind("\n", 0, pos)
        line = self._lines + self._text.count("\n", 0, pos) + 1
        column = pos - newline if newline >= 0 else self._base + pos - self._last_newline
        return JsonError(f"not valid JSON ({message} at line {line}, column {column})")

    def _peek(self) -> str:
        """The next character that isn't whitespace ("" at the end); reading stops before it."""
        while True:
            blank = _WHITESPACE.match(self._text, self._pos)
            assert blank is not None  # the pattern matches the empty string too
            self._pos = blank.end()
            if self._pos < len(self._text) or not self._fill():
                return self._text[self._pos : self._pos + 1]

    def _scan(self, scan: Callable[[str, int], tuple[Any, int]]) -> Any:
        """Decode one value (or key) where reading is, reading more while it may be cut off."""
        while True:
            try:
                value, end = scan(self._text, self._pos)
            except json.JSONDecodeError as error:
                cut = error.msg.startswith("Unterminated") or error.pos >= len(self._text) - _SLACK
                if cut and self._fill():
                    continue
                raise self._syntax(error.msg, error.pos) from None
            except RecursionError:  # json's decoder recurses once per nested list or object
                raise JsonError("not a crm export (lists or objects nested too deeply)") from None
            except ValueError:  # Python refuses to read an integer of more than 4,300 digits
                raise JsonError("not a crm export (a number with thousands of digits)") from None
            if end < len(self._text) or not self._fill():  # a number may go on past the window
                self._pos = end
                return value

    # --- the document ----------------------------------------------------------------------

    def members(self, streamed: Callable[[str | None], bool]) -> Iterator[Member]:
        """The document's top-level members in file order; raises JsonError where it breaks.

        A member whose value is a list is streamed if ``streamed(key)``; the items a caller
        leaves unread are still read (and checked) before the next member. Exhausting this
        checks the whole file.
        """
        while not self._text and self._fill():
            pass
        if self._text.startswith("\ufeff"):  # a second byte-order mark
            raise self._syntax("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0)
        if self._peek() != "{":
            yield from self._member(None, streamed)
        else:
            self._pos += 1
            next_char = self._peek()
            while next_char != "}":
                if next_char != '"':
                    raise self._syntax(
                        "Expecting property name enclosed in double quotes", self._pos
                    )
                key = self._scan(lambda text, pos: scanstring(text, pos + 1, True))
                if self._peek() != ":":
                    raise self._syntax("Expecting ':' delimiter", self._pos)
                self._pos += 1
                self._peek()
                yield from self._member(key, streamed)
                next_char = self._peek()
                if next_char == "}":
                    break
                if next_char != ",":
                    raise self._syntax("Expecting ',' delimiter", self._pos)
                comma = self._pos
                self._pos += 1
                next_char = self._peek()
                if next_char == "}":
                    message, at = _TRAILING_IN_OBJECT
                    raise self._syntax(message, comma if at == 6 else self._pos)
            self._pos += 1
        if self._peek():
            raise self._syntax("Extra data", self._pos)

    def _member(self, key: str | None, streamed: Callable[[str | None], bool]) -> Iterator[Member]:
        if self._text[self._pos : self._pos + 1] == "[" and streamed(key):
            self._pos += 1
            items = self._items()
            yield key, None, items
            for _ in items:  # what the caller didn't read is still checked
                pass
        else:
            yield key, self._scan(_decode), None

    def _items(self) -> Iterator[Any]:
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self._scan(_decode)
            next_char = self._peek()
            if next_char == "]":
                self._pos += 1
                return
            if next_char != ",":
                raise self._syntax("Expecting ',' delimiter", self._pos)
            comma = self._pos
            self._pos += 1
            if self._peek() == "]":
                message, at = _TRAILING_IN_ARRAY
                raise self._syntax(message, comma if at == 2 else self._pos)
