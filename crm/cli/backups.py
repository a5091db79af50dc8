"""`crm backup` and `crm restore`: a dated copy of the database, and putting one back."""

from __future__ import annotations

from pathlib import Path

import click

from crm.cli.context import fail, now_of
from crm.cli.output import echo


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
