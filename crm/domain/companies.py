"""Company names match loosely: "Acme, Inc." = "ACME Inc" = "Acme"."""

from __future__ import annotations

import re

from crm.domain.text import clean_text, strip_case_and_marks

_LEGAL_SUFFIXES = {
    "inc",
    "incorporated",
    "llc",
    "llp",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "bv",
    "nv",
    "plc",
    "pty",
    "oy",
    "ab",
    "as",
    "srl",
    "spa",
    "kk",
    "ooo",
    "ооо",
    "зао",
    "оао",
    "пао",
}
_PUNCTUATION = re.compile(r"[^\w\s]+")


def company_key(name: str) -> str:
    """One normalised key per company: case, accents, punctuation and legal suffixes dropped."""
    words = _PUNCTUATION.sub(" ", strip_case_and_marks(name)).split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def clean_company_name(name: str) -> str:
    """The display name of a company as the user typed it, stray whitespace and controls removed."""
    return " ".join(clean_text(name).split())
