"""The command line: `crm` opens the TUI; subcommands script the same use cases."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

import click

from crm import __version__, paths

DEBUG_ENV = "CRM_DEBUG"


class UserError(click.ClickException):
    """A problem the user can fix, reported as one line and a non-zero exit."""


def fail(message: str) -> NoReturn:
    raise UserError(message)


def _open_database(path: Path) -> None:
    """Open and migrate the database, turning every failure into one clear line."""
    from crm.db import DatabaseError, migrate, open_database

    try:
        open_database(path)
        migrate()
    except DatabaseError as error:
        fail(str(error))
    except Exception as error:  # sqlite's own errors: locked, corrupt, disk full…
        fail(f"Can't open the database at {path}: {error}")


def database(ctx: click.Context) -> Path:
    """The database path for this command, opened and migrated."""
    root = ctx.find_root().obj
    path: Path = root["db_path"]
    if not root.get("opened"):
        _open_database(path)
        root["opened"] = True
    return path


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_option",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=paths.DB_ENV,
    help=f"Database file (default: the user data folder; env {paths.DB_ENV}).",
)
@click.version_option(__version__, "--version", prog_name="crm")
@click.pass_context
def cli(ctx: click.Context, db_option: Path | None) -> None:
    """A keyboard-driven CRM for your job search. Without a command, opens the app."""
    ctx.obj = {"db_path": paths.db_path(db_option), "db_given": db_option is not None}
    if ctx.invoked_subcommand is None:
        run_tui(database(ctx))


def run_tui(db_path: Path) -> None:
    """Open the full-screen app on an already opened database."""
    from crm.app import make_app

    make_app(db_path).run()


@cli.command()
@click.argument("what", type=click.Choice(["all", "db", "config"]), default="all")
@click.pass_context
def locate(ctx: click.Context, what: str) -> None:
    """Print where the database and the config file live."""
    db_path = ctx.find_root().obj["db_path"]
    if what == "db":
        click.echo(db_path)
    elif what == "config":
        click.echo(paths.config_path())
    else:
        click.echo(f"database: {db_path}")
        click.echo(f"config:   {paths.config_path()}")


@cli.command()
@click.option(
    "--contacts",
    "generated",
    type=click.IntRange(0, 2_000_000),
    default=0,
    help="Also add this many generated contacts (for trying the app at scale).",
)
@click.option("--open/--no-open", "open_app", default=True, help="Open the app afterwards.")
@click.pass_context
def demo(ctx: click.Context, generated: int, open_app: bool) -> None:
    """Write a sample job search into a fresh database and open the app on it.

    Without --db the database is a throwaway file in a temporary folder; with --db the sample
    goes into that file, which must not hold contacts already.
    """
    from crm.clock import utc_now
    from crm.services import contacts, demo as demo_data

    root = ctx.find_root().obj
    if not root["db_given"]:
        folder = Path(tempfile.mkdtemp(prefix="crm-demo-"))
        root["db_path"] = folder / "demo.sqlite3"
    db_path = database(ctx)
    existing = contacts.count_contacts()
    if existing:
        fail(f"{db_path} already holds {existing} contacts; demo data goes into a new database.")
    now = utc_now()
    demo_data.write_sample(now)
    if generated:
        demo_data.add_generated_contacts(generated, now=now)
    if open_app:
        run_tui(db_path)
    else:
        total = contacts.count_contacts()
        click.echo(f"Wrote a demo with {total} contacts to {db_path}")


@cli.group()
def contact() -> None:
    """Add and change contacts."""


@contact.command("add")
@click.argument("name")
@click.option("--company", default="", help="Where they work.")
@click.option("--role", default="", help="Their role or title.")
@click.option("--email", default="")
@click.option("--phone", default="")
@click.option("--linkedin", default="", help="LinkedIn profile URL.")
@click.option("--topic", "topics", multiple=True, help="An interest; repeat for more.")
@click.option("--note", default="", help="A relationship note.")
@click.option("--how-met", default="", help="How you know them.")
@click.option("--keep-in-touch", type=click.IntRange(1, 3650), default=None, help="Days.")
@click.pass_context
def contact_add(ctx: click.Context, name: str, **fields: Any) -> None:
    """Add a contact and print its id."""
    from crm.domain.types import ContactDraft
    from crm.domain.validation import InvalidInput
    from crm.services import contacts

    draft = ContactDraft(
        name=name,
        company=fields["company"],
        role=fields["role"],
        email=fields["email"],
        phone=fields["phone"],
        linkedin_url=fields["linkedin"],
        topics=tuple(fields["topics"]),
        relationship_note=fields["note"],
        how_met=fields["how_met"],
        keep_in_touch_days=fields["keep_in_touch"],
    )
    database(ctx)
    try:
        contact_id = contacts.create_contact(draft)
    except InvalidInput as error:
        fail(str(error))
    click.echo(contact_id)


@cli.command()
@click.argument("query", default="")
@click.option("--company", default="", help="Only people at this company (loosely matched).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def search(ctx: click.Context, query: str, company: str, limit: int, as_json: bool) -> None:
    """Find contacts by name, company, role or topic, best match first."""
    from crm.services import contacts

    if not query.strip() and not company.strip():
        fail("Give something to search for, or --company.")
    database(ctx)
    rows = contacts.search_contacts(query, company=company, limit=limit)
    if as_json:
        fields = ("id", "name", "company", "role", "email", "overdue")
        payload = [{key: asdict(row)[key] for key in fields} for row in rows]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No contacts match.", err=True)
        ctx.exit(1)
    _print_table(
        ("ID", "Name", "Company", "Role", "E-mail"),
        [(str(r.id), r.name, r.company, r.role, r.email) for r in rows],
    )


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print rows as a table that lines up CJK and accented names."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*headers, box=None, pad_edge=False, header_style="bold")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


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
        message = error.format_message()
        if isinstance(error, click.UsageError) and error.ctx is not None:
            message += f" (see: {error.ctx.command_path} --help)"
        click.echo(f"crm: {message}", err=True)
        return error.exit_code
    except click.Abort:
        click.echo("crm: aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: no traceback reaches a user
        if os.environ.get(DEBUG_ENV):
            raise
        click.echo(f"crm: unexpected error: {error} (set {DEBUG_ENV}=1 for details)", err=True)
        return 1
    return result if isinstance(result, int) else 0
