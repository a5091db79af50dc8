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

# Han, kana and Hangul are written without spaces; one token per character lets "山田" match
# "山田太郎" as well as "山田 太郎".
_CJK_CHAR = re.compile(
    "([\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f])"
)
_UNDECOMPOSABLE_CHAR = re.compile("[" + "".join(map(chr, _UNDECOMPOSABLE)) + "]")


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
    if _CJK_CHAR.search(key) is None:
        return key
    return " ".join(_CJK_CHAR.sub(_spaced_out, key).split())


def _spaced_out(found: re.Match[str]) -> str:
    """A CJK character with a space either side (a function: a template costs twice as much)."""
    return f" {found[0]} "


def sort_key(name: str) -> str:
    """The key a contact list is ordered by, so "Émile" sorts with "emile"."""
    return strip_case_and_marks(name)
