"""The streamed JSON import reads every file as the whole-file import did.

``crm import json`` once read the whole file, decoded it, ``json.loads``-ed it and checked the
document; now it reads a window of the file at a time (see crm/services/json_stream.py). For
each file here both readings must give the same plan of rows, or the same one-line refusal,
whatever the size of the window: syntax errors (with their line and column), text that isn't
UTF-8, and a document's own problems keep their precedence, wherever in the file they are.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crm.db import close_database, migrate, open_database
from crm.services import demo, exchange
from crm.services.exchange import load as exchange_load

pytestmark = pytest.mark.faults

NOW = datetime(2026, 11, 18, 15, 0, 0)
CHUNKS = (1, 5, 64, 4096, None)  # bytes read at a time (None: the import's own)


def whole_file_outcome(path: Path) -> object:
    """What the import made of a file before it streamed: its plan's rows, or its refusal."""
    raw = path.read_bytes()
    try:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise exchange.ExchangeError("not a crm export (not UTF-8 text)") from None
        return plan_rows(exchange.check_document(exchange.parse_document(text)))
    except exchange.ExchangeError as error:
        return str(error)


def streamed_outcome(path: Path, chunk: int | None) -> object:
    try:
        return plan_rows(exchange_load._plan_file(path, chunk))
    except exchange.ExchangeError as error:
        return str(error)


def plan_rows(plan: object) -> dict[str, object]:
    return {name: (rows.columns, rows.rows) for name, rows in vars(plan).items()}


def assert_read_alike(path: Path, chunks: tuple[int | None, ...] = CHUNKS) -> None:
    expected = whole_file_outcome(path)
    for chunk in chunks:
        assert streamed_outcome(path, chunk) == expected, f"read {chunk} bytes at a time"


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> str:
    open_database(tmp_path_factory.mktemp("demo") / "crm.sqlite3")
    migrate()
    demo.write_sample(NOW)
    text = exchange.export_json()
    close_database()
    return text


def _header(sections: str) -> str:
    return '{"format": "crm", "version": 1, ' + sections + "}"


COMPANY = '{"key": "acme", "name": "Acme", "created_at": "2026-01-01T00:00:00Z"}'
CONTACT = (
    '{"uid": "u-1", "name": "Ann", "company": "acme", '
    '"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}'
)

CASES = {
    "empty": b"",
    "blank": b"  \n ",
    "not JSON": b"{not json",
    "a list": b"[1, 2]",
    "an unfinished list": b"[1, 2",
    "a trailing comma in a list": b"[1, 2,]",
    "a number": b"42",
    "an empty object": b"{}",
    "an unfinished object": b'{"format": "crm"',
    "no colon": b'{"format" "crm"}',
    "no comma": b'{"format": "crm" "version": 1}',
    "a trailing comma": b'{"format": "crm", "version": 1,}',
    "a key that isn't a string": b'{"format": "crm", 1: 2}',
    "extra data": _header('"contacts": []').encode() + b" x",
    "two byte-order marks": b"\xef\xbb\xbf\xef\xbb\xbf{}",
    "a byte-order mark": b"\xef\xbb\xbf" + _header(f'"contacts": [{CONTACT}]').encode(),
    "a broken record, then bad syntax": _header('"contacts": [{"uid": 5}]').encode() + b" x",
    "a broken record, then bytes that aren't UTF-8": (
        _header('"contacts": [{"uid": 5}]').encode()[:-1] + b', "x": "\xff"}'
    ),
    "bad syntax, then bytes that aren't UTF-8": b'{"format": x, "y": "' + b" " * 5_000 + b'\xff"}',
    "UTF-8 cut in the middle of a letter": b'{"format": "caf\xc3',
    "a version after a broken section": (
        b'{"format": "crm", "contacts": [{"uid": 5}], "version": 2}'
    ),
    "a format that isn't crm at the end": _header('"contacts": [], "format": "x"').encode(),
    "a version that is a list": b'{"format": "crm", "version": [1, 2]}',
    "a section before the one it refers to": _header(
        f'"contacts": [{CONTACT}], "companies": [{COMPANY}]'
    ).encode(),
    "a repeated section: the last counts": _header(
        f'"contacts": [{{"uid": 5}}], "companies": [{COMPANY}], "contacts": [{CONTACT}]'
    ).encode(),
    "a section that is null": _header('"contacts": null').encode(),
    "a section that is an object": _header('"contacts": {}').encode(),
    "a section that is a number": _header('"companies": 12').encode(),
    "an unknown member holding a list": _header('"extra": [1, [2], {"a": NaN}]').encode(),
    "NaN where a number goes": _header(
        '"contacts": [' + CONTACT[:-1] + ', "keep_in_touch_days": NaN}]'
    ).encode(),
    "a 5,000-digit number": _header('"contacts": [' + "9" * 5_000 + "]").encode(),
    "a 5,000-digit number in the header": b'{"format": ' + b"9" * 5_000 + b"}",
    "100,000 nested lists in a section": _header('"contacts": ' + "[" * 100_000).encode(),
    "100,000 nested lists": b"[" * 100_000,
    "a lone surrogate": _header(
        '"contacts": [' + CONTACT.replace('"Ann"', '"Ann \\ud800"') + "]"
    ).encode(),
    "a control character in a string": _header('"contacts": [{"uid": "a\nb"}]').encode(),
    "an unterminated string": _header('"contacts": [{"uid": "abc').encode(),
    "an unterminated key": b'{"format": "crm", "vers',
    "a bad escape": _header('"contacts": [{"uid": "\\x"}]').encode(),
    "a cut escape": _header('"contacts": [{"uid": "\\ud83d\\ude').encode(),
    "a cut literal": _header('"contacts": [tr').encode(),
    "a cut number": _header('"contacts": [12').encode(),
    "lines and columns": b'{\n  "format": "crm",\n  "version": 1,\n  "contacts": [\n    {,}\n',
}


@pytest.mark.parametrize("content", CASES.values(), ids=CASES.keys())
def test_a_file_is_read_as_the_whole_file_import_read_it(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(content)
    assert_read_alike(path)


def test_an_export_and_every_cut_of_it_are_read_alike(demo_export: str, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    data = demo_export.encode("utf-8")
    path.write_bytes(data)
    assert isinstance(whole_file_outcome(path), dict)  # the export itself imports
    assert_read_alike(path)
    for cut in range(1, len(data), len(data) // 40):  # a download that stopped
        path.write_bytes(data[:cut])
        assert_read_alike(path, (64, None))


def test_the_sections_of_an_export_may_come_in_any_order(demo_export: str, tmp_path: Path) -> None:
    document = json.loads(demo_export)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(dict(reversed(document.items()))), encoding="utf-8")
    assert whole_file_outcome(path) == streamed_outcome(path, None)
    assert isinstance(streamed_outcome(path, None), dict)
