"""`crm import …`: bring contacts in (LinkedIn, vCard, Google Contacts, a crm JSON export),
list past imports, and undo one."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crm.cli.context import database, fail, now_of, parse_moment, settings
from crm.cli.output import echo, echo_json, iso, safe
from crm.domain.text import counted

if TYPE_CHECKING:
    from crm.services.mail.importing import MailImportResult

SHOWN_SKIPS = 25  # skipped rows listed after an import; the rest are in `crm import list --json`
PROGRESS_MIN_BYTES = 256 * 1024  # about 2,000 rows: smaller files import faster than a bar draws


@click.group("import")
def import_group() -> None:
    """Import contacts (LinkedIn connections), list past imports, undo one."""


@contextmanager
def progress_bar(
    path: Path, size: int | None = None
) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr for big imports on a terminal; None otherwise.

    ``size`` is the bytes to read (default: the file's size; a folder's callers add it up).
    """
    if size is None:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        from rich.markup import escape

        # The description is read as markup: a file called "[/].csv" must print as named.
        task = bar.add_task(escape(f"Importing {safe(path.name)}"), total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@import_group.command("linkedin")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE")
@click.option("--dry-run", is_flag=True, help="Show what would change without writing anything.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON for scripts.")
@click.option(
    "--me",
    metavar="URL",
    default="",
    help="Your LinkedIn profile URL, for a messages.csv that can't tell which is yours "
    "(default: [linkedin] profile in config.toml).",
)
@click.pass_context
def import_linkedin(
    ctx: click.Context, csv_file: Path, dry_run: bool, as_json: bool, me: str
) -> None:
    """Import Connections.csv or messages.csv from LinkedIn's "Get a copy of your data"
    (told apart by their header).

    Connections.csv: each connection becomes a contact, unless it is someone you have:
    matched by profile URL (any spelling) or e-mail, or by name at the same company; a match
    gains what it lacks and never loses what you typed. People of the same name elsewhere
    are created and listed as possible duplicates (`crm duplicates`). The import is one
    batch you can take back with `crm import undo`.

    messages.csv: each message with a known contact (by profile URL, else by a full name
    only one contact has) is a conversation, channel linkedin, as `crm import mail` logs
    mail: a thank-you sent in its window settles it, a reply settles the check-in waiting
    for it. Drafts and spam are left out; each message is logged once, whatever you import
    again.
    """
    from crm.domain.linkedin import LinkedInExportError
    from crm.services.importing.linkedin_messages import import_linkedin_file
    from crm.services.mail.importing import MailImportResult
    from crm.zone import user_zone

    config = settings()
    database(ctx)
    try:
        with progress_bar(csv_file) as progress:
            result = import_linkedin_file(
                csv_file,
                now=now_of(ctx),
                progress=progress,
                dry_run=dry_run,
                me=me or config.linkedin_profile,
                store_bodies=config.mail.store_bodies,
                tz=user_zone(),
            )
    except LinkedInExportError as error:
        fail(f"{csv_file.name}: {error}")
    if isinstance(result, MailImportResult):
        _report_mail(result, csv_file.name, as_json)
        return
    report_import(result, as_json)


def report_import(result: Any, as_json: bool) -> None:
    """What an import did (any importer's result), as JSON or as a few lines for people."""
    if as_json:
        echo_json(_result_json(result))
        return
    _print_result(result)


def _result_json(result: Any) -> dict[str, Any]:
    return {
        "batch": result.batch_id,
        "file": result.filename,
        "dry_run": result.dry_run,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "companies_created": result.companies_created,
        "skipped": [{"line": row.line, "reason": row.reason} for row in result.skipped],
        **_details_json(result),
    }


def _details_json(result: Any) -> dict[str, Any]:
    """Who an import (or batch in the history) updated and how, and its possible duplicates."""
    return {
        "changes": [
            {"contact": change.contact_id, "name": change.name, "how": change.how}
            for change in result.changes
        ],
        "possible_duplicates": [
            {
                "contact": item.contact_id,
                "name": item.name,
                "like": [
                    {"contact": cid, "name": name}
                    for cid, name in zip(item.like, item.like_names, strict=True)
                ],
            }
            for item in result.possible_duplicates
        ],
    }


def _listed(lines: Iterable[str], where: str = "crm import list --json") -> None:
    """Up to SHOWN_SKIPS lines, indented; the rest are counted (and found with ``where``)."""
    shown = list(lines)
    for line in shown[:SHOWN_SKIPS]:
        echo(f"  {line}")
    if len(shown) > SHOWN_SKIPS:
        echo(f"  … and {len(shown) - SHOWN_SKIPS} more (see `{where}`)")


def _print_result(result: Any) -> None:
    counts = (
        f"{result.created:,} created, {result.updated:,} updated, "
        f"{result.unchanged:,} unchanged, {len(result.skipped):,} skipped"
    )
    if result.dry_run:
        echo(f"Dry run of {result.filename}, nothing written: would be {counts}.")
    else:
        echo(f"Imported {result.filename} as import #{result.batch_id}: {counts}.")
    if result.changes:
        echo("Would update:" if result.dry_run else "Updated:")
        _listed(f"{change.name}: {change.how}" for change in result.changes)
    if result.possible_duplicates:
        review = "" if result.dry_run else "; review and merge with `crm duplicates`"
        echo(
            f"{len(result.possible_duplicates):,} possible duplicates"
            f" (created beside a contact of the same name{review}):"
        )
        _listed(item.text() for item in result.possible_duplicates)
    if result.skipped:
        echo("Skipped:")
        for row in result.skipped[:SHOWN_SKIPS]:
            echo(f"  line {row.line}: {row.reason}")
        hidden = len(result.skipped) - SHOWN_SKIPS
        if hidden > 0:
            echo(f"  … and {hidden} more (see `crm import list --json`)")
    if not result.dry_run and (result.created or result.updated):
        echo(f"Take it back with: crm import undo {result.batch_id}")


@import_group.command("list")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def import_list(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List past imports, newest first."""
    from crm.services.importing import batches as import_batches
    from crm.zone import local_text

    database(ctx)
    batches = import_batches.list_imports(limit)
    if as_json:
        payload = [
            {
                "id": batch.id,
                "source": batch.source,
                "file": batch.filename,
                "created_at": iso(batch.created_at),
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "skipped": [{"line": row.line, "reason": row.reason} for row in batch.skipped],
                **_details_json(batch),
                "undone_at": iso(batch.undone_at),
            }
            for batch in batches
        ]
        echo_json(payload)
        return
    if not batches:
        echo("No imports yet.")
        return
    for batch in batches:
        undone = f"  (undone {local_text(batch.undone_at)})" if batch.undone_at else ""
        echo(
            f"#{batch.id}  {local_text(batch.created_at)}  {batch.source}  "
            f"{batch.filename}: {batch.created:,} created, {batch.updated:,} updated, "
            f"{batch.unchanged:,} unchanged, {len(batch.skipped):,} skipped{undone}"
        )


@import_group.command("undo")
@click.argument("batch_id", type=int, metavar="BATCH")
@click.pass_context
def import_undo(ctx: click.Context, batch_id: int) -> None:
    """Take back import BATCH: remove the contacts it added, restore the ones it changed."""
    from crm.services.importing import batches as import_batches

    database(ctx)
    try:
        result = import_batches.undo_import(batch_id, now=now_of(ctx))
    except (import_batches.ImportBatchNotFound, import_batches.ImportAlreadyUndone) as error:
        fail(str(error))
    kept = (
        f" Kept {result.kept:,} you have worked with since (conversations, follow-ups…)."
        if result.kept
        else ""
    )
    echo(
        f"Undid import #{result.batch_id}: removed {result.removed:,} contacts, restored "
        f"{result.restored:,}.{kept}"
    )


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
_since = click.option(
    "--since",
    metavar="DATE",
    help="Leave out messages before this day (“2026-09-01”, “30 days ago”).",
)


@import_group.command("vcard")
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
    from crm.services.importing import vcard

    database(ctx)
    try:
        with progress_bar(source, _size(source)) as progress:
            result = vcard.import_vcards(
                source, now=now_of(ctx), progress=progress, dry_run=dry_run
            )
    except vcard.VCardError as error:
        fail(str(error))
    report_import(result, as_json)


@import_group.command("google")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@_dry_run
@_as_json
@click.pass_context
def import_google_command(ctx: click.Context, csv_file: Path, dry_run: bool, as_json: bool) -> None:
    """Import a Google Contacts export (contacts.csv, either of Google's CSV layouts).

    Labels become topics. Rows match contacts by e-mail, then LinkedIn profile, so
    importing the same file again changes nothing. Take it back with `crm import undo`.
    """
    from crm.services.importing import google

    database(ctx)
    try:
        with progress_bar(csv_file, _size(csv_file)) as progress:
            result = google.import_google_contacts(
                csv_file, now=now_of(ctx), progress=progress, dry_run=dry_run
            )
    except google.GoogleContactsError as error:
        fail(f"{csv_file.name}: {error}")
    report_import(result, as_json)


@import_group.command("json")
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


@import_group.command("mail")
@click.argument("path", type=click.Path(path_type=Path), metavar="PATH")
@_since
@_dry_run
@_as_json
@click.pass_context
def import_mail_command(
    ctx: click.Context, path: Path, since: str | None, dry_run: bool, as_json: bool
) -> None:
    """Log your e-mail with known contacts: an mbox file (Gmail Takeout, Thunderbird) or a
    Maildir folder, read-only.

    A message from one of [mail] me to a known contact (any of their addresses) is an
    outbound conversation with each of them; one from a contact, inbound. It counts as if
    you had logged it: a thank-you sent in its window settles it, a reply settles the
    check-in waiting for it. Mailing lists, no-reply senders and [mail] ignore_domains are
    skipped; people unknown to crm at a company you are in a process with are proposed,
    not created. Each message is logged once, whatever you import again.
    """
    from crm.services.mail import importing
    from crm.zone import user_zone

    mail = settings().mail
    if not mail.me:
        fail(importing.SET_ME)
    if not path.exists():
        fail(f"{path} doesn't exist.")
    database(ctx)
    since_at = _day_start(parse_moment(ctx, since, "--since", "past")) if since else None
    try:
        with progress_bar(path, _size(path) if path.is_file() else 0) as progress:
            result = importing.import_mail(
                path,
                settings=mail,
                since=since_at,
                dry_run=dry_run,
                now=now_of(ctx),
                tz=user_zone(),
                progress=progress,
            )
    except (importing.MailboxError, importing.MailSetupError) as error:
        fail(str(error))
    _report_mail(result, path.name, as_json)


@import_group.command("imap")
@_since
@_dry_run
@_as_json
@click.pass_context
def import_imap_command(
    ctx: click.Context, since: str | None, dry_run: bool, as_json: bool
) -> None:
    """Log the new mail of your [imap] folders with known contacts, as `crm import mail` does
    for a file.

    Read-only: folders are examined, never selected, so no flag changes on the server; only
    mail newer than the last run is fetched (a renumbered folder is read again, and each
    message is still logged once).
    """
    from crm.services.mail import importing
    from crm.services.mail.imap import NOT_SET_UP, ImapError

    config = settings()
    if not config.mail.me:
        fail(importing.SET_ME)
    if not config.imap.configured:
        fail(NOT_SET_UP)
    database(ctx)
    since_at = _day_start(parse_moment(ctx, since, "--since", "past")) if since else None
    try:
        result = importing.import_configured_imap(
            since=since_at,
            dry_run=dry_run,
            now=now_of(ctx),
            notice=lambda line: click.echo(line, err=True),
        )
    except (ImapError, importing.MailSetupError) as error:
        fail(str(error))
    _report_mail(result, config.imap.host, as_json)


def _report_mail(result: MailImportResult, where: str, as_json: bool) -> None:
    """What a mail import did: counts, skips, what it settled and planned, whom it proposes."""
    from crm.services.mail.importing import logged_from

    if as_json:
        echo_json(
            {
                "source": result.source,
                "dry_run": result.dry_run,
                "read": result.read,
                "logged": result.logged,
                "skipped": result.skipped,
                "proposed": [
                    {
                        "address": p.address,
                        "name": p.name,
                        "company": p.company,
                        "messages": p.messages,
                    }
                    for p in result.proposed
                ],
                "settled": list(result.settled),
                "planned": list(result.planned),
                "interviews": list(result.interviews),
                "resumed_from": result.resumed_from,
            }
        )
        return
    would = "Would log" if result.dry_run else "Logged"
    echo(f"{would} {logged_from(result)} in {where}.")
    if result.resumed_from:
        from crm.services.mail.importing import RESUMED

        echo(RESUMED)
    for reason, count in result.skipped.items():
        echo(f"  skipped {count:,}: {reason}")
    if result.settled:
        echo("Settled:")
        _listed(result.settled, "--json")
    if result.planned:
        echo("Planned:")
        _listed(result.planned, "--json")
    if result.proposed:
        people = counted(len(result.proposed), "person", "people")
        echo(f"Proposed {people} to review (not created; crm review):")
        _listed(
            (
                f"{p.name or p.address} <{p.address}> at {p.company},"
                f" {counted(p.messages, 'message', 'messages')}"
                for p in result.proposed
            ),
            "--json",
        )
    if result.interviews:
        echo("Invitations:")
        _listed(result.interviews, "--json")
    if result.dry_run:
        echo("Dry run: nothing was written.")


@import_group.command("invite")
@click.argument("ics_file", type=click.Path(path_type=Path), metavar="FILE.ics")
@_dry_run
@_as_json
@click.pass_context
def import_invite_command(ctx: click.Context, ics_file: Path, dry_run: bool, as_json: bool) -> None:
    """Apply a calendar invitation (.ics): a REQUEST schedules the interview for the open
    process of the organiser's or attendees' company (or proposes it for review), a later
    one reschedules it, a CANCEL cancels it. Applying the same file again changes nothing.
    """
    from crm.services.invites import InviteError, import_invite_file
    from crm.zone import user_zone

    if not ics_file.exists():
        fail(f"{ics_file} doesn't exist.")
    database(ctx)
    try:
        result = import_invite_file(
            ics_file, me=settings().mail.me, dry_run=dry_run, now=now_of(ctx), tz=user_zone()
        )
    except InviteError as error:
        fail(str(error))
    if as_json:
        echo_json(
            {
                "source": result.source,
                "dry_run": result.dry_run,
                "interviews": [
                    {
                        "action": outcome.action,
                        "line": outcome.line,
                        "interview_id": outcome.interview_id,
                        "proposal_id": outcome.proposal_id,
                        "proposed_contacts": list(outcome.proposed_contacts),
                    }
                    for outcome in result.outcomes
                ],
            }
        )
        return
    for line in result.lines:
        echo(line)
    proposed = [a for outcome in result.outcomes for a in outcome.proposed_contacts]
    if proposed:
        people = counted(len(proposed), "person", "people")
        echo(f"Proposed {people} to review (not created; crm review): {', '.join(proposed)}")
    if result.dry_run:
        echo("Dry run: nothing was written.")


def _day_start(moment: datetime) -> datetime:
    """The start of the user's local day holding ``moment`` (both naive UTC): --since names
    a day, so a message that morning is in it."""
    from crm.zone import user_zone

    local = moment.replace(tzinfo=UTC).astimezone(user_zone())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC).replace(tzinfo=None)
