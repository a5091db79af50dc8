"""`crm sync`: follow-ups, interviews and contacts with the CalDAV/CardDAV server in [sync]."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from crm import paths
from crm.cli.context import database, fail, now_of
from crm.cli.output import echo, echo_json

if TYPE_CHECKING:
    from crm.domain.sync import SyncReport


@click.group("sync", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.option(
    "--dry-run", is_flag=True, help="Say what would be sent and received; change nothing."
)
@click.pass_context
def sync_command(ctx: click.Context, as_json: bool, dry_run: bool) -> None:
    """Sync with your CalDAV/CardDAV server ([sync] in the config); safe beside the app."""
    if ctx.invoked_subcommand is not None:
        return
    from crm.config import ConfigError, load_settings
    from crm.services.sync.run import SyncError, sync

    try:
        config = load_settings(paths.config_path())
    except ConfigError as error:
        fail(str(error))
    settings = config.sync
    mail_too = config.imap.configured and bool(config.mail.me)
    if not settings.configured and not mail_too:
        fail(
            f"Sync is not set up: add a [sync] section with a url (or [imap] and [mail] me) to"
            f" {paths.config_path()}."
        )
    database(ctx, daily_backup=not dry_run)
    payload: dict[str, Any] = {}
    if settings.configured:
        try:
            report = sync(settings, now=now_of(ctx), dry_run=dry_run)
        except SyncError as error:
            fail(str(error))
        payload = _payload(report)
        if not as_json:
            _print(report)
    if mail_too:
        payload["mail"] = _fetch_mail(ctx, dry_run, quiet=as_json)
    if as_json:
        echo_json(payload)


def _fetch_mail(ctx: click.Context, dry_run: bool, *, quiet: bool) -> dict[str, Any]:
    """The new mail of the [imap] folders, logged as `crm import imap` does."""
    from crm.services.mail.imap import ImapError
    from crm.services.mail.importing import MailSetupError, fetched_line, import_configured_imap

    try:
        result = import_configured_imap(
            dry_run=dry_run, now=now_of(ctx), notice=lambda line: click.echo(line, err=True)
        )
    except (ImapError, MailSetupError) as error:
        fail(str(error))
    if not quiet:
        echo(fetched_line(result))
    return {
        "read": result.read,
        "logged": result.logged,
        "skipped": result.skipped,
        "proposed": len(result.proposed),
        "interviews": list(result.interviews),
    }


def _payload(report: SyncReport) -> dict[str, Any]:
    return {
        "dry_run": report.dry_run,
        "requests": report.requests,
        "collections": {
            name: {"sent": c.sent, "received": c.received, "deleted": c.deleted}
            for name, c in report.collections.items()
            if c.sent or c.received or c.deleted
        },
        "notes": [
            {
                "collection": note.collection,
                "action": note.action.value,
                "what": note.what,
                "detail": note.detail,
            }
            for note in report.notes
        ],
    }


def _print(report: SyncReport) -> None:
    verb = "Would sync" if report.dry_run else "Synced"
    parts = [
        f"{name} {c.sent} sent, {c.received} received, {c.deleted} deleted"
        for name, c in report.collections.items()
        if c.sent or c.received or c.deleted
    ]
    echo(f"{verb}: " + ("; ".join(parts) if parts else "nothing new") + ".")
    for note in report.notes:
        detail = f" ({note.detail})" if note.detail else ""
        echo(f"  {note.collection}: {note.action.value}: {note.what}{detail}")


@sync_command.command("history")
@click.argument("contact", required=False)
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the lines as JSON.")
@click.pass_context
def history_command(ctx: click.Context, contact: str | None, limit: int, as_json: bool) -> None:
    """What syncs did that you may want to know: done or deleted on the phone, a field
    changed on both sides (with the value that lost), cards deleted on the server."""
    from crm.cli.context import contact_id_of
    from crm.cli.output import iso
    from crm.services.sync.state import read_history
    from crm.zone import local_text

    database(ctx, daily_backup=False)
    contact_id = contact_id_of(contact) if contact else None
    lines = read_history(contact_id, limit)
    if as_json:
        echo_json(
            [
                {
                    "at": iso(line.at),
                    "collection": line.collection,
                    "action": line.action,
                    "contact": line.contact,
                    **line.detail,
                }
                for line in lines
            ]
        )
        return
    if not lines:
        echo("No sync history yet.")
    for line in lines:
        what = str(line.detail.get("what") or line.contact or line.detail.get("summary") or "")
        field = line.detail.get("field")
        detail = (
            f" ({field}: kept {line.detail.get('kept')}, lost {line.detail.get('lost')})"
            if field
            else ""
        )
        echo(f"{local_text(line.at)}  {line.collection}: {line.action}: {what}{detail}")


@sync_command.command("send-again")
@click.argument("contact")
@click.pass_context
def send_again_command(ctx: click.Context, contact: str) -> None:
    """Send a contact whose card was deleted on the server again, with the next sync."""
    from crm.cli.context import contact_id_of
    from crm.services.contacts import ContactNotFound
    from crm.services.sync.cards import send_again

    database(ctx)
    contact_id = contact_id_of(contact)
    try:
        again = send_again(contact_id, now=now_of(ctx))
    except ContactNotFound as error:
        fail(str(error))
    if not again:
        fail("That contact's card wasn't kept off the server: nothing to do.")
    echo("Their card goes to the server with the next sync (crm sync).")
