"""What the command line prints: data never drives the terminal and is never read as markup.

Every line that may carry stored or typed text goes through ``echo`` (control characters and
bidi overrides written out visibly, e.g. ``\\x1b``), every JSON document through ``echo_json``
and every Rich cell through ``cell``, so that data from before input was cleaned prints safely
too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click

from crm.domain.text import show_controls

# What json.dumps(ensure_ascii=False) leaves raw that a terminal may act on: C1 controls and
# bidi overrides (it escapes C0 itself). Written as JSON escapes, the document means the same.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: object) -> str:
    """Text fit to print: control characters and bidi overrides made visible."""
    return show_controls(str(text))


def echo(message: object = "", *, err: bool = False) -> None:
    """click.echo, with control characters in the message made visible."""
    click.echo(safe(message), err=err)


def json_text(payload: Any) -> str:
    """A JSON document for scripts, with nothing in it a terminal would act on."""
    return json_escaped(json.dumps(payload, ensure_ascii=False, indent=2))


def json_escaped(text: str) -> str:
    """JSON text with the C1 controls and bidi overrides json.dumps leaves raw escaped."""
    return _RAW_IN_JSON.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


def export_text(text: str) -> str:
    """An export (CSV, vCard, iCalendar) bound for standard output: CRLF line ends kept,
    any other control character from data made visible. A file (-o) gets the data as is."""
    return show_controls(text, keep_cr=True)


def echo_json(payload: Any) -> None:
    click.echo(json_text(payload))


def cell(text: str, style: str = "") -> Any:
    """A Rich table cell from data: plain text (never markup), controls made visible."""
    from rich.text import Text

    return Text(safe(text), style=style)


def iso(moment: datetime | None) -> str | None:
    """A stored moment (naive UTC) for JSON: ISO 8601 with a Z, or None."""
    return moment.isoformat() + "Z" if moment is not None else None


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print rows as a table that lines up CJK and accented names."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*headers, box=None, pad_edge=False, header_style="bold")
    for row in rows:
        table.add_row(*(cell(text) for text in row))  # names are data, never markup
    Console().print(table)
