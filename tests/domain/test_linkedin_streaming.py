"""Reading a Connections.csv a block at a time gives what reading it whole gave, errors included.

Blocks as small as one byte cut CRLFs, multi-byte characters, quoted line breaks and byte-order
marks in two; the rows, skipped rows and the line each error names must not change.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest

from crm.domain import linkedin
from crm.domain.linkedin import LinkedInExportError, ParsedExport, read_export_stream

FIXTURES = Path(__file__).parent.parent / "fixtures" / "linkedin"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
ROWS = [
    "Ann,Lee,https://www.linkedin.com/in/annlee,ann@example.com,Acme,CTO,15 Mar 2023",
    'Jörg,"Müller, Jr.",https://de.linkedin.com/in/j%C3%B6rg,,"Zoë\r\nGmbH",Lead,01 Feb 2024',
    ",,,,,,",
    "Ярослав,Коваль,https://linkedin.com/in/yk,,,,",
]


def _text(newline: str) -> str:
    return f"Notes:{newline}{newline}" + newline.join([HEADER, *ROWS]) + newline


INPUTS = {
    "lf": _text("\n").encode(),
    "crlf with bom": codecs.BOM_UTF8 + _text("\r\n").encode(),
    "cr only": _text("\r").encode(),
    "no final line end": _text("\n").rstrip("\n").encode(),
    "utf-16": _text("\r\n").replace(",", "\t").encode("utf-16"),
    "bad utf-8 on line 9": _text("\n").encode() + b"Bo,Diaz,,,\xff,,\n",
    "nul on line 10": _text("\r\n").encode() + b"a,b\r\nc,\x00\r\n",
    "unclosed quote": _text("\n").encode() + b'Cy,"Ng,,,,\n\n',
    "blank": codecs.BOM_UTF8 + b" \r\n\t\n",
    **{path.name: path.read_bytes() for path in sorted(FIXTURES.glob("*.csv"))},
}


def _read(data: bytes) -> ParsedExport | str:
    try:
        return read_export_stream(io.BytesIO(data))
    except LinkedInExportError as error:
        return f"error: {error}"


@pytest.mark.parametrize("name", sorted(INPUTS))
@pytest.mark.parametrize("block", [1, 2, 3, 5, 64])
def test_small_blocks_read_the_same_as_one_block(
    name: str, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = INPUTS[name]
    whole = _read(data)
    monkeypatch.setattr(linkedin, "READ_SIZE", block)
    assert _read(data) == whole


def test_the_whole_file_reads_as_before() -> None:
    parsed = _read(INPUTS["crlf with bom"])
    assert isinstance(parsed, ParsedExport)
    assert [c.name for c in parsed.connections] == ["Ann Lee", "Jörg Müller, Jr.", "Ярослав Коваль"]
    assert parsed.connections[1].company == "Zoë GmbH"
    assert _read(INPUTS["bad utf-8 on line 9"]).startswith("error: line 9: the file isn't UTF-8")
    assert _read(INPUTS["nul on line 10"]).startswith("error: line 10: this looks like a binary")
    assert _read(INPUTS["blank"]) == "error: the file is empty"
