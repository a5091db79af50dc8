"""The import benchmark at tiny size, and the files it generates: realistic and importable."""

from __future__ import annotations

from pathlib import Path

import vobject

from bench.context import NOW, TINY, Context
from bench.files import address_book_vcf, connections_csv
from bench.imports import measure
from crm.domain.linkedin import parse_export
from crm.services.importing.linkedin import import_linkedin
from crm.services.importing.vcard import import_vcards, parse_vcards


def test_the_benchmark_runs_at_tiny_size(tmp_path: Path) -> None:
    unused = tmp_path / "unused.sqlite3"
    context = Context(sizes=TINY, database=unused, work=tmp_path, runs=1, busiest_contact_id=1)
    measurements = measure(context)
    names = [m.name for m in measurements]
    assert names == [
        "LinkedIn import, 50 rows",
        "LinkedIn re-import (no changes)",
        "vCard import, 20 cards",
        "vCard re-import (no changes)",
    ]
    assert all(m.unit == "s" and len(m.samples) == 3 for m in measurements)
    assert [goal.limit for m in measurements for goal in m.goals] == [0.5, 3.0]
    assert measurements[0].extra["created"] == 50
    assert measurements[2].extra["created"] == 20


def test_generated_files_are_seeded() -> None:
    assert connections_csv(30, seed=1) == connections_csv(30, seed=1)
    assert address_book_vcf(30, seed=1) == address_book_vcf(30, seed=1)
    assert address_book_vcf(30, seed=1) != address_book_vcf(30, seed=2)


def test_the_address_book_has_every_quirk_and_reads_like_vobject_reads_it() -> None:
    data = address_book_vcf(400, seed=3)
    text = data.decode("utf-8")
    quirks = ("VERSION:3.0", "VERSION:4.0", "item1.EMAIL", "X-ABLabel:_$!<", "\r\n ",
              "PHOTO;ENCODING=b", "PHOTO:data:image/jpeg;base64,", "X-SOCIALPROFILE")  # fmt: skip
    for quirk in quirks:
        assert quirk in text, quirk
    assert any(not line.isascii() for line in text.splitlines() if line.startswith("FN:"))
    parsed = parse_vcards(data, file="book.vcf")
    assert len(parsed.cards) == 400
    assert [row.reason for row in parsed.skipped] == ["a contact group, not a person (card 401)"]
    # vobject reads the same names, in the same order.
    names = [card.fn.value for card in vobject.readComponents(text) if hasattr(card, "fn")]
    assert [card.name for card in parsed.cards] == [" ".join(n.split()) for n in names[:400]]
    assert sum("PHOTO" in card for card in text.split("END:VCARD")) in range(40, 121)


def test_generated_files_import_and_reimport_without_changes(db_path: Path) -> None:
    folder = db_path.parent
    export = folder / "Connections.csv"
    export.write_bytes(connections_csv(300, seed=5))
    book = folder / "book.vcf"
    book.write_bytes(address_book_vcf(200, seed=5))
    parsed = parse_export(export.read_bytes())
    first = import_linkedin(export, now=NOW)
    assert first.created == len(parsed.connections) == 300
    cards = import_vcards(book, now=NOW)
    assert cards.created + cards.updated + cards.unchanged == 200
    for again in (import_linkedin(export, now=NOW), import_vcards(book, now=NOW)):
        assert (again.created, again.updated) == (0, 0)


def test_a_bulk_vcard_import_builds_the_contact_indexes_again(db_path: Path) -> None:
    from crm.db import db
    from crm.services.tx import reading

    book = db_path.parent / "book.vcf"
    book.write_bytes(address_book_vcf(1_500, seed=8))
    with reading():
        before = {row[1] for row in db.execute_sql("PRAGMA index_list('contact')")}
    assert import_vcards(book, now=NOW).created > 1_000
    with reading():
        after = {row[1] for row in db.execute_sql("PRAGMA index_list('contact')")}
    assert after == before and "contact_uid" in after
