"""`crm sync`: follow-ups, interviews and contacts with the CalDAV/CardDAV server in [sync]."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from crm import paths
from crm.cli.context import database, fail, now_of
from crm.cli.output import echo, echo_json

if TYPE_CHECKING:
    from crm.domain.sync import SyncReport


@click.command("sync")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.option(
    "--dry-run", is_flag=True, help="Say what would be sent and received; change nothing."
)
@click.pass_context
def sync_command(ctx: click.Context, as_json: bool, dry_run: bool) -> None:
    """Sync with your CalDAV/CardDAV server ([sync] in the config); safe beside the app."""
    from crm.config import ConfigError, load_settings
    from crm.services.sync.run import SyncError, sync

    try:
        settings = load_settings(paths.config_path()).sync
    except ConfigError as error:
        fail(str(error))
    if not settings.configured:
        fail(f"Sync is not set up: add a [sync] section with a url to {paths.config_path()}.")
    database(ctx, daily_backup=not dry_run)
    try:
        report = sync(settings, now=now_of(ctx), dry_run=dry_run)
    except SyncError as error:
        fail(str(error))
    if as_json:
        echo_json(_payload(report))
        return
    _print(report)


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
