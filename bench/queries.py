"""Realistic search-as-you-type queries drawn from the generated database, seeded."""

from __future__ import annotations

import random
import sqlite3
import unicodedata
from pathlib import Path

# How a day's searching splits: (kind, share of the queries).
MIX = (
    ("given name", 0.30),
    ("family name", 0.20),
    ("company", 0.20),
    ("cyrillic", 0.15),
    ("accented", 0.15),
)


def _is_cyrillic(text: str) -> bool:
    return any("CYRILLIC" in unicodedata.name(ch, "") for ch in text)


def _is_accented(text: str) -> bool:
    return any(ord(ch) > 127 and ch.isalpha() and not _is_cyrillic(ch) for ch in text) and all(
        "CJK" not in unicodedata.name(ch, "") and "HANGUL" not in unicodedata.name(ch, "")
        for ch in text
    )


def search_queries(database: Path, count: int, seed: int = 2026) -> list[str]:
    """``count`` queries of 1–5 characters: name and company prefixes in several scripts.

    Typed as people type: mostly lower case, sometimes capitalised, accents sometimes left out.
    """
    rng = random.Random(f"queries:{seed}")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM contact LIMIT 20000")]
        companies = [row[0] for row in connection.execute("SELECT name FROM company")]
    connection.close()
    words = [word for name in names for word in name.split() if word.isalpha()]
    pools = {
        "given name": [n.split()[0] for n in names if n.split() and n.split()[0].isascii()],
        "family name": [n.split()[-1] for n in names if len(n.split()) > 1 and n.isascii()],
        "company": [c for c in companies if c[:1].isalpha()],
        "cyrillic": [w for w in words if _is_cyrillic(w)],
        "accented": [w for w in words if _is_accented(w)],
    }
    queries: list[str] = []
    for kind, share in MIX:
        pool = pools[kind] or pools["given name"]
        for _ in range(round(count * share)):
            word = rng.choice(pool)
            text = word[: rng.randint(1, 5)]
            roll = rng.random()
            if roll < 0.7:
                text = text.lower()
            elif kind == "accented" and roll < 0.85:
                text = "".join(
                    ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
                ).lower()
            queries.append(text)
    rng.shuffle(queries)
    return queries[:count]
