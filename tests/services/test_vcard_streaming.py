"""Reading a .vcf a block at a time, its photos blanked out, reads the same cards and errors.

The reader drops what no card is read for (a PHOTO's folded lines, any unread line longer
than 4 KiB) as it reads, keeping every line's number; with blocks of a few bytes the cards,
the skipped cards and every error message must be those of reading the whole file.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from crm.services.importing import vcard_lines
from crm.services.importing.cards import ParsedCards
from crm.services.importing.vcard import VCardError, parse_vcards

FIXTURES = Path(__file__).parent.parent / "fixtures" / "vcard"
PHOTO = base64.b64encode(bytes(range(256)) * 40).decode()


def _folded(line: str, newline: str) -> str:
    return newline.join([line[:75]] + [" " + line[i : i + 74] for i in range(75, len(line), 74)])


def _book(newline: str = "\r\n", *, version: str = "3.0", tail: str = "") -> bytes:
    cards = [
        ["BEGIN:VCARD", f"VERSION:{version}", "FN:Ann Lee", "EMAIL;TYPE=work:ann@example.com",
         _folded("PHOTO;ENCODING=b;TYPE=JPEG:" + PHOTO, newline), "ORG:Acme", "END:VCARD"],
        ["BEGIN:VCARD", f"VERSION:{version}", "FN:Bo Diaz",
         "X-BLOB:" + "x" * 9000, _folded("NOTE:" + "met at the fair; " * 20, newline),
         "item1.X-ABLabel:_$!<Other>!$_", "LOGO;VALUE=uri:" + "data:image/png;base64," + PHOTO,
         "END:VCARD"],
        ["BEGIN:VCARD", f"VERSION:{version}", _folded("PHOTO:" + PHOTO, newline), "END:VCARD"],
    ]  # fmt: skip
    return (newline.join(line for card in cards for line in card) + newline + tail).encode()


INPUTS = {
    "crlf": _book(),
    "lf": _book("\n", version="4.0"),
    "error after a photo": _book("\n", tail="FN:stray\n"),
    "never closed": _book(tail="BEGIN:VCARD\r\nFN:Cy\r\n" + _folded("PHOTO:" + PHOTO, "\r\n")),
    **{path.name: path.read_bytes() for path in sorted(FIXTURES.glob("*.vcf"))},
}


def _parse(data: bytes) -> ParsedCards | str:
    try:
        return parse_vcards(data, file="book.vcf")
    except VCardError as error:
        return f"error: {error}"


@pytest.mark.parametrize("name", sorted(INPUTS))
@pytest.mark.parametrize("block", [1, 7, 100, 1 << 20])
def test_blocks_read_with_photos_dropped_give_the_same_cards(
    name: str, block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "book.vcf"
    path.write_bytes(INPUTS[name])
    monkeypatch.setattr(vcard_lines, "READ_SIZE", block)
    kept = vcard_lines.read_bytes(path, path.name)
    assert _parse(kept) == _parse(INPUTS[name])


def test_a_photo_costs_nothing_to_keep(tmp_path: Path) -> None:
    path = tmp_path / "book.vcf"
    path.write_bytes(_book())
    kept = vcard_lines.read_bytes(path, path.name)
    assert PHOTO[1000:1100].encode() not in kept and b"x" * 5000 not in kept
    parsed = _parse(kept)
    assert isinstance(parsed, ParsedCards)
    assert [card.name for card in parsed.cards] == ["Ann Lee", "Bo Diaz"]
    assert "met at the fair" in parsed.cards[1].note
