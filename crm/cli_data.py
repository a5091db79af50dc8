"""`crm export …`, `crm import json`, `crm backup` and `crm restore`: your data in and out."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

import click

from crm.cli import database, fail, now_of
from crm.cli_output import echo, export_text, json_escaped

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


@click.command("json")
@click.argument("json_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE")
@click.pass_context
def import_json_command(ctx: click.Context, json_file: Path) -> None:
    """Import a `crm export json` document into a new, empty database."""
    from crm.services import exchange

    if not json_file.is_file():
        fail(f"{json_file} doesn't exist.")
    database(ctx)
    try:
        summary = exchange.import_json_file(json_file)
    except exchange.ExchangeError as error:
        fail(str(error))
    echo(
        f"Imported {json_file.name}: {summary.contacts:,} contacts, "
        f"{summary.companies:,} companies, {summary.opportunities:,} opportunities, "
        f"{summary.interviews:,} interviews, {summary.interactions:,} interactions, "
        f"{summary.follow_ups:,} follow-ups, {summary.connections:,} connections, "
        f"{summary.references:,} references."
    )


@click.command("backup")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="A new file, or a folder (default: backups/ beside the database).",
)
@click.pass_context
def backup_command(ctx: click.Context, output: Path | None) -> None:
    """Copy the database to a dated file; safe while the app is running."""
    from crm.services import backups

    db_path: Path = ctx.find_root().obj["db_path"]
    try:
        target = backups.backup_database(db_path, output, now=now_of(ctx))
    except backups.BackupError as error:
        fail(str(error))
    echo(f"Backed up to {target}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE")
@click.pass_context
def restore_command(ctx: click.Context, backup_file: Path) -> None:
    """Replace the database with a backup; the current one is kept in backups/ first."""
    from crm.services import backups

    db_path: Path = ctx.find_root().obj["db_path"]
    try:
        kept = backups.restore_database(db_path, backup_file, now=now_of(ctx))
    except backups.BackupError as error:
        fail(str(error))
    echo(f"Restored {backup_file} into {db_path}")
    if kept is not None:
        echo(f"The previous database is kept at {kept}")
