"""The command line: `crm` opens the TUI; subcommands script the same use cases.

This module holds the root group and the commands that open the app; each command group
lives in its own module, and is registered here, at the bottom.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crm import __version__, paths
from crm.cli import (
    agenda,
    backups,
    contacts,
    conversations,
    drafts,
    exports,
    imports,
    interviews,
    keys,
    opportunities,
    references,
    review,
    ring,
    sync,
)
from crm.cli.context import (
    WAITING_MESSAGE,
    daily_backup_beside,
    database,
    fail,
    frozen_now,
    now_of,
)
from crm.cli.output import echo
from crm.domain.text import show_controls
from crm.process import resume_garbage_collection
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.app import CrmApp
    from crm.clock import Clock

__all__ = ["WAITING_MESSAGE", "cli", "main", "run_tui", "tui_app"]

DEBUG_ENV = "CRM_DEBUG"


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_option",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=paths.DB_ENV,
    help=f"Database file (default: the user data folder; env {paths.DB_ENV}).",
)
@click.option(
    "--config",
    "config_option",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Config file (default: config.toml in the user config folder; env {paths.CONFIG_ENV}).",
)
@click.option(
    "--now",
    "now_text",
    metavar="WHEN",
    help="Pretend it is WHEN (e.g. '2026-12-01 09:00', 'in 3 days') for this whole command.",
)
@click.version_option(__version__, "--version", prog_name="crm")
@click.pass_context
def cli(
    ctx: click.Context, db_option: Path | None, config_option: Path | None, now_text: str | None
) -> None:
    """A keyboard-driven CRM for your job search. Without a command, opens the app."""
    paths.use_config(config_option)
    ctx.obj = {
        "db_path": paths.db_path(db_option),
        "db_given": db_option is not None,
        "now": frozen_now(now_text),
    }
    if ctx.invoked_subcommand is None:
        user_zone()  # a TZ no time can be shown in fails here, not with the screen open
        path = database(ctx, daily_backup=False)
        finish_backup = daily_backup_beside(path)
        try:
            run_tui(path, ctx.obj["now"])
        finally:
            finish_backup()
    else:
        resume_garbage_collection()  # the app turns it on after its first frame


def run_tui(db_path: Path, now: datetime | None = None) -> None:
    """Open the full-screen app on an already opened database."""
    from crm.clock import fixed_clock, utc_now

    tui_app(db_path, fixed_clock(now) if now else utc_now).run()


def tui_app(db_path: Path, clock: Clock) -> CrmApp:
    """The app as `crm` runs it, in a process tuned for a long session (crm.process)."""
    from crm.app import make_app
    from crm.process import limit_malloc_arenas

    limit_malloc_arenas()
    app = make_app(db_path, clock=clock, on_first_frame=resume_garbage_collection)
    for problem in app.settings_problems:  # seen once the app closes; the app says it too
        echo(f"crm: warning: {paths.config_path()}: {problem}.", err=True)
    return app


@cli.command()
@click.argument("what", type=click.Choice(["all", "db", "config", "drafts"]), default="all")
@click.pass_context
def locate(ctx: click.Context, what: str) -> None:
    """Print where the database, the config file and your draft templates live."""
    db_path = ctx.find_root().obj["db_path"]
    if what == "db":
        echo(db_path)
    elif what == "config":
        echo(paths.config_path())
    elif what == "drafts":
        echo(paths.drafts_dir())
    else:
        echo(f"database: {db_path}")
        echo(f"config:   {paths.config_path()}")
        echo(f"drafts:   {paths.drafts_dir()}")


@cli.command()
@click.option(
    "--contacts",
    "generated",
    type=click.IntRange(0, 2_000_000),
    default=0,
    help="Also add this many generated contacts (for trying the app at scale).",
)
@click.option(
    "--interactions",
    type=click.IntRange(0, 20_000_000),
    default=0,
    help="Also generate this many past conversations with the generated contacts.",
)
@click.option(
    "--follow-ups",
    "follow_ups",
    type=click.IntRange(0, 5_000_000),
    default=0,
    help="Also generate this many pending follow-ups (a month back to a month ahead).",
)
@click.option(
    "--connections",
    type=click.IntRange(0, 20_000_000),
    default=0,
    help="Also generate this many 'knows' links between generated contacts.",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Seed for generated data.")
@click.option("--open/--no-open", "open_app", default=True, help="Open the app afterwards.")
@click.pass_context
def demo(
    ctx: click.Context,
    generated: int,
    interactions: int,
    follow_ups: int,
    connections: int,
    seed: int,
    open_app: bool,
) -> None:
    """Write a sample job search into a fresh database and open the app on it.

    Without --db the database is a throwaway file in a temporary folder, removed when the app
    quits (kept with --no-open, whose output names it); with --db the sample goes into that
    file, which must not hold contacts already.
    """
    from crm.services import contacts
    from crm.services import demo as demo_data

    if (interactions or follow_ups or connections) and not generated:
        fail("--interactions, --follow-ups and --connections need --contacts.")
    root = ctx.find_root().obj
    if not root["db_given"]:
        folder = Path(tempfile.mkdtemp(prefix="crm-demo-"))
        root["db_path"] = folder / "demo.sqlite3"
        if open_app:
            ctx.call_on_close(lambda: _remove_demo_folder(folder))
    db_path = database(ctx)
    existing = contacts.count_contacts()
    if existing:
        fail(f"{db_path} already holds {existing} contacts; demo data goes into a new database.")
    now = now_of(ctx)
    demo_data.write_sample(now)
    if generated:
        first_generated = contacts.count_contacts() + 1
        demo_data.add_generated_contacts(generated, seed=seed, now=now)
        if interactions or follow_ups or connections:
            from crm.services.generated_history import add_generated_history

            add_generated_history(
                interactions=interactions,
                follow_ups=follow_ups,
                connections=connections,
                now=now,
                seed=seed,
                first_contact_id=first_generated,
            )
    if open_app:
        run_tui(db_path, root["now"])
    else:
        total = contacts.count_contacts()
        echo(f"Wrote a demo with {total} contacts to {db_path}")


def _remove_demo_folder(folder: Path) -> None:
    """Delete a throwaway demo database with its -wal, -shm and backups once the app quits."""
    import shutil

    from crm.db import close_database

    close_database()  # SQLite must let go of the files first (Windows refuses otherwise)
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, turning every failure into one line on stderr."""
    code = _run(lambda: cli.main(args=argv, prog_name="crm", standalone_mode=False))
    sys.exit(code)


def _run(invoke: Callable[[], Any]) -> int:
    try:
        result = invoke()
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        _error_line(_click_message(error))
        return error.exit_code
    except click.Abort:
        _error_line("aborted.")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: no traceback reaches a user
        from crm.db import DatabaseError
        from crm.zone import ZoneError

        if isinstance(error, DatabaseError | ZoneError):  # e.g. a read-only database, TZ
            _error_line(str(error))
            return 1
        if isinstance(error, OSError) and error.strerror and not os.environ.get(DEBUG_ENV):
            # A file named on the command line the system refuses (a name too long…).
            where = f"{error.filename}: " if error.filename else ""
            _error_line(f"{where}{error.strerror}.")
            return 1
        if os.environ.get(DEBUG_ENV):
            raise
        _error_line(f"unexpected error: {error} (set {DEBUG_ENV}=1 for details)")
        return 1
    return result if isinstance(result, int) else 0


def _click_message(error: click.ClickException) -> str:
    """Click's message for a failure, as one line, with where to read more for usage errors."""
    if isinstance(error, _NO_ARGS_IS_HELP):  # a bare group: click's message is its whole help
        message = "Missing command."
    else:
        message = " ".join(error.format_message().split())  # "Choose from:" lists on lines
    if isinstance(error, click.UsageError) and error.ctx is not None:
        message += f" (see: {error.ctx.command_path} --help)"
    return message


# Click 8.2+ reports a group given no command this way; older versions printed the help.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _error_line(message: str) -> None:
    """A failure as one line on stderr; text quoted from the user can't drive the terminal."""
    click.echo(f"crm: {show_controls(message, one_line=True)}", err=True)


# The command groups, each from its own module, in the order they were always added.
for _command in (
    contacts.contact,
    contacts.duplicates,
    contacts.merge,
    contacts.search,
    opportunities.opportunity,
    interviews.interview,
    conversations.log,
    conversations.conversation,
    contacts.connect,
    contacts.connections_command,
    agenda.followup,
    agenda.agenda,
    references.backchannel_command,
    references.references,
    imports.import_group,
    exports.export_group,
    backups.backup_command,
    backups.restore_command,
    keys.keys_command,
    sync.sync_command,
    drafts.draft,
    ring.ring_check_command,
    review.review_group,
):
    cli.add_command(_command)
