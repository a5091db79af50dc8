"""`crm import vcard|google` and `crm export vcard|ics`: trade contacts and dates with other tools.

Register the imports on the `import` group and the exports on an `export` group:
``import_group.add_command(import_vcard_command)``, ``export_group.add_command(...)``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from crm.cli import database, fail, now_of
from crm.cli_imports import progress_bar, report_import
from crm.cli_output import echo, export_text


def _size(path: Path) -> int:
    """Bytes in a file, or in the cards of a folder."""
    try:
        if path.is_dir():
            return sum(entry.stat().st_size for entry in path.iterdir() if entry.is_file())
        return path.stat().st_size
    except OSError:
        return 0


_dry_run = click.option(
    "--dry-run", is_flag=True, help="Show what would change without writing anything."
)
_as_json = click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")


@click.command("vcard")
@click.argument("source", type=click.Path(path_type=Path), metavar="FILE_OR_DIR")
@_dry_run
@_as_json
@click.pass_context
def import_vcard_command(ctx: click.Context, source: Path, dry_run: bool, as_json: bool) -> None:
    """Import vCards: a .vcf file of any number of cards, or a vdir (one card per file).

    vCard 2.1 (old phones), 3.0 (Apple, Google, khard) and 4.0. Cards match contacts by
    UID, then e-mail, then LinkedIn profile, so importing the same cards again changes
    nothing. The import is one batch you can take back with `crm import undo`.
    """
    from crm.services import vcards

    database(ctx)
    try:
        with progress_bar(source, _size(source)) as progress:
            result = vcards.import_vcards(
                source, now=now_of(ctx), progress=progress, dry_run=dry_run
            )
    except vcards.VCardError as error:
        fail(str(error))
    report_import(result, as_json)


@click.command("google")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@_dry_run
@_as_json
@click.pass_context
def import_google_command(ctx: click.Context, csv_file: Path, dry_run: bool, as_json: bool) -> None:
    """Import a Google Contacts export (contacts.csv, either of Google's CSV layouts).

    Labels become topics. Rows match contacts by e-mail, then LinkedIn profile, so
    importing the same file again changes nothing. Take it back with `crm import undo`.
    """
    from crm.services import google_contacts

    database(ctx)
    try:
        with progress_bar(csv_file, _size(csv_file)) as progress:
            result = google_contacts.import_google_contacts(
                csv_file, now=now_of(ctx), progress=progress, dry_run=dry_run
            )
    except google_contacts.GoogleContactsError as error:
        fail(f"{csv_file.name}: {error}")
    report_import(result, as_json)


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
    from crm.services.vcards import write_atomically

    try:
        if output.exists() and output.samefile(ctx.find_root().obj["db_path"]):
            fail(f"{output} is the database itself; choose another file.")
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(output, content)
    except OSError as error:
        fail(f"Can't write {output}: {error.strerror or error}.")
    return True


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _report_vdir(result: Any, what: tuple[str, str], directory: Path) -> None:
    echo(
        f"Exported {_plural(result.items, *what)} to {directory}: {result.written:,} written, "
        f"{result.unchanged:,} unchanged, {result.removed:,} removed."
    )


_output = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write to FILE (default: standard output).",
)


@click.command("vcard")
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
    from crm.services import vcards

    _destination(output, vdir)
    database(ctx)
    if vdir is not None:
        try:
            result = vcards.export_vcard_dir(vdir, version=vcard_version)
        except OSError as error:
            fail(f"Can't write to {vdir}: {error.strerror or error}.")
        _report_vdir(result, ("contact", "contacts"), vdir)
        return
    text, count = vcards.export_vcards(version=vcard_version)
    if _write_export(ctx, output, text):
        echo(f"Exported {_plural(count, 'contact', 'contacts')} to {output}.")


@click.command("ics")
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
        echo(f"Exported {_plural(count, 'entry', 'entries')} to {output}.")


__all__ = [
    "export_ics_command",
    "export_vcard_command",
    "import_google_command",
    "import_vcard_command",
]
