"""Text folding for search: case- and accent-insensitive in every script.

SQLite folds ASCII case only and FTS5's unicode61 tokenizer misses letters Unicode does not
decompose, so names are folded here, in Python, once at write time and once per query.
"""

from __future__ import annotations

import re
import unicodedata

# Letters with no Unicode decomposition that people still expect to match their base letter.
_UNDECOMPOSABLE = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "ŧ": "t",
        "ƒ": "f",
    }
)

_UNDECOMPOSABLE_CHAR = re.compile("[" + "".join(map(chr, _UNDECOMPOSABLE)) + "]")

# Han, kana and Hangul are written without spaces; one token per character lets "山田" match
# "山田太郎" as well as "山田 太郎".
_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3190, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
)


class _CjkSpaced(dict[int, str | int]):
    """str.translate's table that puts a space either side of each CJK character, filled in
    as characters are seen.

    A regular expression over these ranges would be compiled on every start of crm.
    """

    def __missing__(self, code: int) -> str | int:
        is_cjk = any(low <= code <= high for low, high in _CJK_RANGES)
        value = self[code] = f" {chr(code)} " if is_cjk else code
        return value


_CJK_SPACED = _CjkSpaced()


class _Marks(dict[int, int | None]):
    """str.translate's table that deletes combining marks, filled in as characters are seen.

    Translating is a C loop, cheaper than filtering character by character in Python.
    """

    def __missing__(self, code: int) -> int | None:
        value = self[code] = None if unicodedata.combining(chr(code)) else code
        return value


_MARKS = _Marks()


def strip_case_and_marks(text: str) -> str:
    """Casefold and drop accents and other marks: "Émile" -> "emile", "Кэти" -> "кэти"."""
    if text.isascii():  # nothing to decompose, and casefold() is lower() for ASCII
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    composed = unicodedata.normalize("NFC", decomposed.translate(_MARKS))
    if _UNDECOMPOSABLE_CHAR.search(composed) is not None:
        composed = composed.translate(_UNDECOMPOSABLE)
    return " ".join(composed.split())


def fold(text: str) -> str:
    """Fold text for full-text matching: case and marks dropped, CJK split into characters."""
    return fold_sort_key(strip_case_and_marks(text))


def fold_sort_key(key: str) -> str:
    """fold(text) given sort_key(text), without folding twice: CJK split into characters."""
    if key.isascii():
        return key
    spaced = key.translate(_CJK_SPACED)
    if len(spaced) == len(key):  # each CJK character grew by two spaces: there were none
        return key
    return " ".join(spaced.split())


def sort_key(name: str) -> str:
    """The key a contact list is ordered by, so "Émile" sorts with "emile"."""
    return strip_case_and_marks(name)


# Characters that must never reach a terminal from data: C0 controls (ESC starts escape
# sequences, BEL ends OSC ones), DEL, C1 controls (0x9b is CSI on some terminals) and the
# bidi embeddings, overrides and isolates that reorder how a line reads ("Trojan Source").
# LRM/RLM/ALM stay: they are one-character hints real right-to-left names use, and reorder
# nothing beyond their neighbour.
_BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_UNSAFE_CODES = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS)

_DROP_UNSAFE: dict[int, int | str | None] = dict.fromkeys(_UNSAFE_CODES)
_DROP_UNSAFE.update({0x09: " ", 0x0A: " ", 0x0D: " "})  # a line break still parts two words
_DROP_UNSAFE_KEEP_LINES: dict[int, int | str | None] = dict.fromkeys(_UNSAFE_CODES)
_DROP_UNSAFE_KEEP_LINES.update({0x09: 0x09, 0x0A: 0x0A})

_SHOW_UNSAFE: dict[int, str | int] = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNSAFE_CODES
}
_SHOW_UNSAFE.update({0x09: 0x09, 0x0A: 0x0A})
_SHOW_UNSAFE_ONE_LINE = dict(_SHOW_UNSAFE)
_SHOW_UNSAFE_ONE_LINE.update({0x09: "\\t", 0x0A: "\\n"})
_SHOW_UNSAFE_KEEP_CR = dict(_SHOW_UNSAFE)
_SHOW_UNSAFE_KEEP_CR[0x0D] = 0x0D


_PICTURES = {code: "\ufffd" for code in _UNSAFE_CODES}  # one cell each: layouts stay
_PICTURES.update({code: chr(0x2400 + code) for code in range(0x20)})  # ␛ for ESC, ␇ for BEL
_PICTURES[0x7F] = "\u2421"
_PICTURES_KEEP_LINES: dict[int, str | int] = {**_PICTURES, 0x09: 0x09, 0x0A: 0x0A}


def picture_controls(value: str, *, keep_lines: bool = False) -> str:
    """Text for a screen cell by cell: each control character or bidi override replaced by
    one visible character (``␛`` for ESC, ``�`` for a bidi override), so lengths and styled
    spans stay as they were. ``keep_lines`` keeps newlines and tabs."""
    if value.isprintable():
        return value
    return value.translate(_PICTURES_KEEP_LINES if keep_lines else _PICTURES)


def clean_text(value: str, *, allow_newlines: bool = False) -> str:
    """Text as it may be stored: control characters and bidi overrides dropped.

    Tab and newline stay where a field allows several lines (notes, summaries); elsewhere they
    become a space. A CRLF or lone CR line end becomes a newline.
    """
    if value.isprintable():  # the common case: nothing to drop (no C loop over a table)
        return value
    value = value.replace("\r\n", "\n")
    if allow_newlines:
        return value.replace("\r", "\n").translate(_DROP_UNSAFE_KEEP_LINES)
    return value.translate(_DROP_UNSAFE)


def show_controls(value: str, *, one_line: bool = False, keep_cr: bool = False) -> str:
    """Text made safe to print: each control character or bidi override written out as
    ``\\x1b`` / ``\\u202e``, so stored data can't drive the terminal yet stays readable.

    Tab and newline are kept unless ``one_line`` (then written ``\\t``, ``\\n``); carriage
    returns too with ``keep_cr`` (a CSV or vCard's CRLF line ends).
    """
    if value.isprintable():
        return value
    if one_line:
        return value.translate(_SHOW_UNSAFE_ONE_LINE)
    return value.translate(_SHOW_UNSAFE_KEEP_CR if keep_cr else _SHOW_UNSAFE)


def counted(count: int, one: str, many: str) -> str:
    """ "1 message", "1,200 messages": a count with its noun agreeing."""
    return f"{count:,} {one if count == 1 else many}"
