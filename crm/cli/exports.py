"""`crm export …`: everything as JSON, contacts and interactions as CSV, vCards and iCalendar."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from crm.cli.context import database, fail, now_of
from crm.cli.output import echo, export_text, json_escaped
from crm.domain.text import counted

T = TypeVar("T")

_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    default=None,
    help="Write to FILE, private to you (default, or -: standard output).",
)


def _write_text_file(path: Path, write: Callable[[TextIO], T], db_path: Path) -> T:
    """Run ``write`` on a private temporary file beside ``path``, then put it in place."""
    try:
        if path.exists() and os.path.samefile(path, db_path):
            fail(f"{path} is the database itself; choose another file.")
        folder = path.parent if str(path.parent) else Path(".")
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)  # mode 0600
    except OSError as error:
        fail(f"Can't write {path}: {error.strerror}.")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            result = write(stream)
        os.replace(temporary, path)
    except OSError as error:
        fail(f"Can't write {path}: {error.strerror}.")
    finally:
        Path(temporary).unlink(missing_ok=True)
    return result


def _write_stdout(write: Callable[[TextIO], T]) -> T:
    """Run ``write`` on standard output as UTF-8, with no newline translation (CSV needs CRLF)."""
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        return write(_TerminalSafe(stream))  # type: ignore[arg-type]
    finally:
        stream.flush()
        stream.detach()


class _TerminalSafe:
    """A text stream's write with control characters from data made visible (export_text)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(export_text(text))


def _to_file(output: Path | None) -> bool:
    return output is not None and str(output) != "-"


def _write_output(ctx: click.Context, output: Path | None, write: Callable[[TextIO], T]) -> T:
    if output is None or not _to_file(output):
        return _write_stdout(write)
    return _write_text_file(output, write, ctx.find_root().obj["db_path"])


@click.group("export")
def export_group() -> None:
    """Export your data: everything as JSON, or contacts and interactions as CSV."""


@export_group.command("json")
@_OUTPUT
@click.pass_context
def export_json_command(ctx: click.Context, output: Path | None) -> None:
    """Export everything as one JSON document (re-import it with `crm import json`)."""
    from crm.services import exchange

    database(ctx)
    document = exchange.export_document()
    text = exchange.document_text(document)
    if not _to_file(output):
        text = json_escaped(text)  # the same document, with nothing a terminal acts on
    _write_output(ctx, output, lambda stream: stream.write(text))
    if _to_file(output):
        echo(
            f"Exported {len(document['contacts']):,} contacts, "
            f"{len(document['opportunities']):,} opportunities and "
            f"{len(document['interactions']):,} interactions to {output}."
        )


@export_group.command("csv")
@click.argument("what", type=click.Choice(["contacts", "interactions"]))
@_OUTPUT
@click.pass_context
def export_csv_command(ctx: click.Context, what: str, output: Path | None) -> None:
    """Export contacts or interactions as a spreadsheet (UTF-8 CSV that Excel opens)."""
    from crm.services import exchange

    database(ctx)
    rows = _write_output(ctx, output, exchange.CSV_WRITERS[what])
    if _to_file(output):
        echo(f"Exported {rows:,} {what} to {output}.")


def _destination(output: Path | None, vdir: Path | None) -> None:
    if output is not None and vdir is not None:
        fail("Give either -o FILE or --vdir DIR, not both.")


def _write_export(ctx: click.Context, output: Path | None, text: str) -> bool:
    """Write an export to standard output (None or -) or, in one step, to a file.

    Returns whether it went to a file. The bytes are written as they are: vCard and
    iCalendar lines end in CRLF, which a text stream could translate.
    """
    content = text.encode("utf-8")
    if output is None or str(output) == "-":
        content = export_text(text).encode("utf-8")
        stdout = sys.stdout.buffer  # bytes as they are (click 8.3 deprecates get_binary_stream)
        stdout.write(content)
        stdout.flush()
        return False
    from crm.services.vdir import write_atomically

    try:
        if output.exists() and output.samefile(ctx.find_root().obj["db_path"]):
            fail(f"{output} is the database itself; choose another file.")
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(output, content)
    except OSError as error:
        fail(f"Can't write {output}: {error.strerror or error}.")
    return True


def _report_vdir(result: Any, what: tuple[str, str], directory: Path) -> None:
    echo(
        f"Exported {counted(result.items, *what)} to {directory}: {result.written:,} written, "
        f"{result.unchanged:,} unchanged, {result.removed:,} removed."
    )


_output = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write to FILE (default: standard output).",
)


@export_group.command("vcard")
@_output
@click.option(
    "--vdir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one UID.vcf per contact into DIR (khard, vdirsyncer), rewriting changed ones.",
)
@click.option(
    "--version",
    "vcard_version",
    type=click.Choice(["3.0", "4.0"]),
    default="3.0",
    show_default=True,
    help="vCard version to write.",
)
@click.pass_context
def export_vcard_command(
    ctx: click.Context, output: Path | None, vdir: Path | None, vcard_version: str
) -> None:
    """Export every contact as a vCard, with its stable UID.

    Phones, khard and vdirsyncer recognise a contact exported again (after an edit) as the
    same card. With --vdir, files of contacts since deleted are removed.
    """
    from crm.services import vcard_export

    _destination(output, vdir)
    database(ctx)
    if vdir is not None:
        try:
            result = vcard_export.export_vcard_dir(vdir, version=vcard_version)
        except OSError as error:
            fail(f"Can't write to {vdir}: {error.strerror or error}.")
        _report_vdir(result, ("contact", "contacts"), vdir)
        return
    text, count = vcard_export.export_vcards(version=vcard_version)
    if _write_export(ctx, output, text):
        echo(f"Exported {counted(count, 'contact', 'contacts')} to {output}.")


@export_group.command("ics")
@_output
@click.option(
    "--vdir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one UID.ics per entry into DIR (vdirsyncer, khal), rewriting changed ones.",
)
@click.pass_context
def export_ics_command(ctx: click.Context, output: Path | None, vdir: Path | None) -> None:
    """Export interviews (events, with a reminder 30 minutes before) and pending follow-ups
    (to-dos due at the end of their window) as iCalendar.

    Each entry keeps its UID, so calendars update it on the next export instead of adding
    a copy. With --vdir, files of follow-ups since done are removed.
    """
    from crm.services import calendar

    _destination(output, vdir)
    database(ctx)
    if vdir is not None:
        try:
            result = calendar.export_calendar_dir(vdir, now=now_of(ctx))
        except OSError as error:
            fail(f"Can't write to {vdir}: {error.strerror or error}.")
        _report_vdir(result, ("entry", "entries"), vdir)
        return
    text, count = calendar.export_calendar(now=now_of(ctx))
    if _write_export(ctx, output, text):
        echo(f"Exported {counted(count, 'entry', 'entries')} to {output}.")
