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

    A regular expression over these ranges took ~6 ms to compile, on every start of crm.
    """

    def __missing__(self, code: int) -> str | int:
        is_cjk = any(low <= code <= high for low, high in _CJK_RANGES)
        value = self[code] = f" {chr(code)} " if is_cjk else code
        return value


_CJK_SPACED = _CjkSpaced()


class _Marks(dict[int, int | None]):
    """str.translate's table that deletes combining marks, filled in as characters are seen.

    Translating is a C loop; filtering character by character in Python costs 2-4x more.
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
