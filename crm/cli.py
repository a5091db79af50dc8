"""The command line: `crm` opens the TUI; subcommands script the same use cases."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from crm import __version__, paths
from crm.cli_output import cell, echo, echo_json, safe
from crm.domain.text import show_controls
from crm.process import resume_garbage_collection
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.app import CrmApp
    from crm.clock import Clock

DEBUG_ENV = "CRM_DEBUG"


class UserError(click.ClickException):
    """A problem the user can fix, reported as one line and a non-zero exit."""


def fail(message: str) -> NoReturn:
    raise UserError(message)


def _open_database(path: Path, *, daily_backup: bool = True) -> None:
    """Open and migrate the database, turning every failure into one clear line.

    ``daily_backup=False`` leaves the day's backup to the caller (the app takes it in the
    background); the backup before a migration is always taken here, first.
    """
    from crm.db import DatabaseError, migrate, open_database
    from crm.db.database import is_read_only, on_write_wait

    on_write_wait(_waiting_notice())
    try:
        open_database(path)
        if not is_read_only():  # backups open the file for writing; leave it exactly as it is
            _automatic_backups(path, daily=daily_backup)
        migrate()
    except DatabaseError as error:
        fail(str(error))
    except Exception as error:  # sqlite's own errors: locked, corrupt, disk full…
        from crm.db.database import out_of_space

        if out_of_space(error, path):
            fail(f"No space left on device: can't open the database at {path}.")
        fail(f"Can't open the database at {path}: {error}")


WAITING_MESSAGE = "waiting for another crm to finish writing…"


def _waiting_notice() -> Callable[[], None]:
    """What tells the user, once per command, why a write is taking its time."""
    said: list[bool] = []

    def say() -> None:
        if not said:
            said.append(True)
            click.echo(f"crm: {WAITING_MESSAGE}", err=True)

    return say


def _automatic_backups(path: Path, *, daily: bool = True) -> None:
    """A backup before any schema migration, and one a day (the last 7, or [backups] keep)."""
    from crm.services.backups import BackupError, backup_before_migration

    try:
        backup_before_migration(path)
        if daily:
            _daily_backup(path, _settings().backups_keep)
    except BackupError as error:
        echo(f"crm: warning: automatic backup failed: {error}", err=True)


def _settings() -> Any:
    from crm.config import ConfigError, Settings, load_settings

    try:
        return load_settings(paths.config_path())
    except ConfigError as error:
        echo(f"crm: warning: {error}; using the defaults.", err=True)
        return Settings()


def _daily_backup(path: Path, keep: int) -> None:
    from crm.clock import utc_now
    from crm.services.backups import daily_backup

    daily_backup(path, utc_now(), keep=keep)


def _daily_backup_beside(path: Path) -> Callable[[], None]:
    """Start the day's backup in a thread; returns what to call once the app has closed.

    Copying a big database takes a while, and the app needn't wait for it: the copy reads
    a snapshot while the app works. Warnings wait until the screen is
    back, and leaving the app waits for a copy still in progress.
    """
    import threading

    from crm.db.database import is_read_only
    from crm.services.backups import BackupError

    if is_read_only():
        return lambda: None
    keep = _settings().backups_keep
    problems: list[str] = []

    def copy() -> None:
        try:
            _daily_backup(path, keep)
        except BackupError as error:
            problems.append(str(error))

    worker = threading.Thread(target=copy, name="daily-backup")
    worker.start()

    def finish() -> None:
        worker.join()
        for problem in problems:
            echo(f"crm: warning: automatic backup failed: {problem}", err=True)

    return finish


def database(ctx: click.Context, *, daily_backup: bool = True) -> Path:
    """The database path for this command, opened and migrated."""
    root = ctx.find_root().obj
    path: Path = root["db_path"]
    if not root.get("opened"):
        _open_database(path, daily_backup=daily_backup)
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
@click.option(
    "--now",
    "now_text",
    metavar="WHEN",
    help="Pretend it is WHEN (e.g. '2026-12-01 09:00', 'in 3 days') for this whole command.",
)
@click.version_option(__version__, "--version", prog_name="crm")
@click.pass_context
def cli(ctx: click.Context, db_option: Path | None, now_text: str | None) -> None:
    """A keyboard-driven CRM for your job search. Without a command, opens the app."""
    ctx.obj = {
        "db_path": paths.db_path(db_option),
        "db_given": db_option is not None,
        "now": _frozen_now(now_text),
    }
    if ctx.invoked_subcommand is None:
        user_zone()  # a TZ no time can be shown in fails here, not with the screen open
        path = database(ctx, daily_backup=False)
        finish_backup = _daily_backup_beside(path)
        try:
            run_tui(path, ctx.obj["now"])
        finally:
            finish_backup()
    else:
        resume_garbage_collection()  # the app turns it on after its first frame


def _frozen_now(text: str | None) -> datetime | None:
    """The moment ``--now`` names (naive UTC), or None for the real clock.

    Pretending is about a day to come, so a bare weekday is the coming one, like ``--next``.
    """
    if text is None:
        return None
    from crm.clock import utc_now
    from crm.domain.when import WhenError, parse_when

    try:
        return parse_when(text, now=utc_now(), tz=user_zone(), direction="future")
    except WhenError as error:
        fail(f"--now: {error}")


def now_of(ctx: click.Context) -> datetime:
    """This command's "now": frozen by ``--now`` or the real clock."""
    from crm.clock import utc_now

    frozen: datetime | None = ctx.find_root().obj["now"]
    return frozen if frozen is not None else utc_now()


def parse_moment(ctx: click.Context, text: str, option: str, direction: str) -> datetime:
    """Read a typed date for ``option``, or fail with one clear line."""
    from crm.domain.when import WhenError, parse_when

    try:
        return parse_when(text, now=now_of(ctx), tz=user_zone(), direction=direction)  # type: ignore[arg-type]
    except WhenError as error:
        fail(f"{option}: {error}")


def _require_ahead(text: str, moment: datetime, now: datetime, option: str) -> None:
    """Fail with one line when a moment that must be ahead (a next touch) is in the past."""
    from crm.domain.when import WhenError, require_ahead

    try:
        require_ahead(text, moment, now=now)
    except WhenError as error:
        fail(f"{option}: {error}")


def run_tui(db_path: Path, now: datetime | None = None) -> None:
    """Open the full-screen app on an already opened database."""
    from crm.clock import fixed_clock, utc_now

    tui_app(db_path, fixed_clock(now) if now else utc_now).run()


def tui_app(db_path: Path, clock: Clock) -> CrmApp:
    """The app as `crm` runs it, in a process tuned for a long session (crm.process)."""
    from crm.app import make_app
    from crm.process import limit_malloc_arenas

    limit_malloc_arenas()
    return make_app(db_path, clock=clock, on_first_frame=resume_garbage_collection)


@cli.command()
@click.argument("what", type=click.Choice(["all", "db", "config"]), default="all")
@click.pass_context
def locate(ctx: click.Context, what: str) -> None:
    """Print where the database and the config file live."""
    db_path = ctx.find_root().obj["db_path"]
    if what == "db":
        echo(db_path)
    elif what == "config":
        echo(paths.config_path())
    else:
        echo(f"database: {db_path}")
        echo(f"config:   {paths.config_path()}")


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

    Without --db the database is a throwaway file in a temporary folder; with --db the sample
    goes into that file, which must not hold contacts already.
    """
    from crm.services import contacts
    from crm.services import demo as demo_data

    if (interactions or follow_ups or connections) and not generated:
        fail("--interactions, --follow-ups and --connections need --contacts.")
    root = ctx.find_root().obj
    if not root["db_given"]:
        folder = Path(tempfile.mkdtemp(prefix="crm-demo-"))
        root["db_path"] = folder / "demo.sqlite3"
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
@click.option(
    "--rapport",
    type=click.Choice(["good", "neutral", "strained"]),
    default=None,
    help="How you left things.",
)
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
        rapport=fields["rapport"] or "",
    )
    database(ctx)
    try:
        contact_id = contacts.create_contact(draft, now=now_of(ctx))
    except InvalidInput as error:
        fail(str(error))
    echo(contact_id)


@contact.command("delete")
@click.argument("contact_ref", metavar="CONTACT")
@click.option("--yes", is_flag=True, help="Really delete (with everything logged about them).")
@click.pass_context
def contact_delete(ctx: click.Context, contact_ref: str, yes: bool) -> None:
    """Delete a contact and their conversations and follow-ups (asks for --yes)."""
    from crm.domain.validation import InvalidInput
    from crm.services import merging

    database(ctx)
    contact_id = _contact_id(contact_ref)
    if not yes:
        fail("Deleting removes their conversations and follow-ups too: add --yes to confirm.")
    try:
        deleted = merging.delete_contact(contact_id)
    except InvalidInput as error:
        fail(str(error))
    echo(f"Deleted {deleted.name}.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def duplicates(ctx: click.Context, as_json: bool) -> None:
    """Likely duplicate contacts: same e-mail, same LinkedIn, or same name at one company."""
    from crm.services import merging

    database(ctx)
    groups = merging.find_duplicate_contacts(now=now_of(ctx))
    if as_json:
        payload = [
            {
                "reason": group.reason,
                "contacts": [
                    {"id": c.id, "name": c.name, "company": c.company, "email": c.email}
                    for c in group.contacts
                ],
            }
            for group in groups
        ]
        echo_json(payload)
        return
    if not groups:
        echo("No likely duplicates.")
        return
    for group in groups:
        echo(f"{group.reason}:")
        for c in group.contacts:
            echo(
                f"  {c.id}  {c.name}"
                + (f" ({c.company})" if c.company else "")
                + (f" <{c.email}>" if c.email else "")
            )
        ids = [c.id for c in group.contacts]
        echo(f"  see what a merge does: crm merge {ids[0]} {ids[1]} --dry-run")


@cli.command()
@click.argument("keep_id", type=int)
@click.argument("other_id", type=int)
@click.option("--dry-run", is_flag=True, help="Show what the merge would do; change nothing.")
@click.pass_context
def merge(ctx: click.Context, keep_id: int, other_id: int, dry_run: bool) -> None:
    """Merge OTHER_ID into KEEP_ID: everything moves over, fields are combined."""
    from crm.domain.validation import InvalidInput
    from crm.services import merging

    database(ctx)
    try:
        if dry_run:
            echo(merging.merge_preview(keep_id, other_id).text())
            echo(f"Nothing changed. Merge with: crm merge {keep_id} {other_id}")
            return
        result = merging.merge_contacts(keep_id, other_id, now=now_of(ctx))
    except InvalidInput as error:
        fail(str(error))
    moved = ", ".join(f"{count} {what}" for what, count in result.moved.items()) or "no records"
    echo(f"Merged #{other_id} into #{keep_id} (moved {moved}).")


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
        echo_json(payload)
        return
    if not rows:
        echo("No contacts match.", err=True)
        ctx.exit(1)
    _print_table(
        ("ID", "Name", "Company", "Role", "E-mail"),
        [(str(r.id), r.name, r.company, r.role, r.email) for r in rows],
    )


def _contact_id(text: str) -> int:
    """A contact from an id or an unambiguous name; lists the candidates when ambiguous."""
    from crm.services.conversations import AmbiguousContact, UnknownContact, resolve_contact

    try:
        return resolve_contact(text)
    except AmbiguousContact as error:
        lines = [f"crm: {error} Use an id:"]
        lines += [
            f"  {cid}  {name}" + (f" ({company})" if company else "")
            for cid, name, company in error.candidates
        ]
        echo("\n".join(lines), err=True)
        raise click.exceptions.Exit(1) from error
    except UnknownContact as error:
        fail(str(error))


def _choice(enum_type: type[Any]) -> click.Choice:
    return click.Choice([member.value for member in enum_type], case_sensitive=False)


@cli.group()
def opportunity() -> None:
    """Track roles you are applying for."""


@opportunity.command("add")
@click.option("--company", required=True, help="Where the role is.")
@click.option("--role", required=True, help="The role or title.")
@click.option(
    "--referrer",
    "referrers",
    multiple=True,
    help="Who referred you (a contact's id or name); repeat for more.",
)
@click.option(
    "--pulled-strings",
    "pulled_strings",
    multiple=True,
    help="Who pulled strings for you without referring you; repeat for more.",
)
@click.option(
    "--quiet", is_flag=True, help="A confidential search: no outreach beyond interviewers."
)
@click.option(
    "--stage",
    type=_choice(__import__("crm.domain.types", fromlist=["Stage"]).Stage),
    default="applied",
    show_default=True,
)
@click.pass_context
def opportunity_add(
    ctx: click.Context,
    company: str,
    role: str,
    referrers: tuple[str, ...],
    pulled_strings: tuple[str, ...],
    quiet: bool,
    stage: str,
) -> None:
    """Add an opportunity; prints its id."""
    from crm.domain.types import Stage
    from crm.domain.validation import InvalidInput
    from crm.services import opportunities

    database(ctx)
    referrer_ids = [_contact_id(name) for name in referrers]
    pulled_ids = [_contact_id(name) for name in pulled_strings]
    try:
        new_id = opportunities.add_opportunity(
            company,
            role,
            referrer_ids=referrer_ids,
            pulled_strings_ids=pulled_ids,
            quiet=quiet,
            stage=Stage(stage),
            now=now_of(ctx),
        )
    except InvalidInput as error:
        fail(str(error))
    echo(new_id)


@opportunity.command("referrer")
@click.argument("opportunity_id", type=int)
@click.argument("contact_ref", metavar="CONTACT")
@click.option(
    "--pulled-strings",
    "pulled_strings",
    is_flag=True,
    help="They pulled strings for you rather than referring you.",
)
@click.option("--remove", is_flag=True, help="They didn't help with this process after all.")
@click.pass_context
def opportunity_referrer(
    ctx: click.Context, opportunity_id: int, contact_ref: str, pulled_strings: bool, remove: bool
) -> None:
    """Add a referrer (or someone who pulled strings) to an opportunity, or --remove one."""
    from crm.domain.types import HelperRole
    from crm.domain.validation import InvalidInput
    from crm.services import opportunities

    if remove and pulled_strings:
        fail("Use --remove or --pulled-strings, not both.")
    database(ctx)
    contact_id = _contact_id(contact_ref)
    role = HelperRole.PULLED_STRINGS if pulled_strings else HelperRole.REFERRER
    try:
        if remove:
            opportunities.remove_helper(opportunity_id, contact_id, now=now_of(ctx))
        else:
            opportunities.add_helper(opportunity_id, contact_id, role, now=now_of(ctx))
    except (InvalidInput, opportunities.NotFound) as error:
        fail(str(error))
    echo(
        f"Removed from opportunity #{opportunity_id}."
        if remove
        else f"Opportunity #{opportunity_id}: {role.value} recorded."
    )


@opportunity.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only the processes still open.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def opportunity_list(ctx: click.Context, open_only: bool, as_json: bool) -> None:
    """The opportunities in pipeline order, with who referred you and who pulled strings."""
    from crm.domain.types import HelperRole
    from crm.services import opportunities

    database(ctx)
    summaries = opportunities.list_opportunities(include_closed=not open_only)
    if as_json:
        payload = [
            {
                "id": s.id,
                "company": s.company,
                "role": s.role,
                "stage": s.stage.value,
                "quiet": s.quiet,
                "helpers": [
                    {"contact_id": h.id, "name": h.name, "role": h.role.value} for h in s.helpers
                ],
                "interviews": len(s.interviews),
                "pending_follow_ups": s.pending_follow_ups,
            }
            for s in summaries
        ]
        echo_json(payload)
        return
    if not summaries:
        echo("No opportunities yet: crm opportunity add --company … --role …", err=True)
        return
    _print_table(
        ("ID", "Opportunity", "Stage", "Referred by", "Pulled strings"),
        [
            (
                str(s.id),
                s.title + (" (quiet)" if s.quiet else ""),
                s.stage.value,
                s.helper_names(HelperRole.REFERRER),
                s.helper_names(HelperRole.PULLED_STRINGS),
            )
            for s in summaries
        ],
    )


@opportunity.command("stage")
@click.argument("opportunity_id", type=int)
@click.argument("stage", type=_choice(__import__("crm.domain.types", fromlist=["Stage"]).Stage))
@click.pass_context
def opportunity_stage(ctx: click.Context, opportunity_id: int, stage: str) -> None:
    """Move an opportunity to another stage.

    Closing it (accepted, rejected, withdrawn, closed) cancels its pending follow-ups, plans
    "tell them how it ended" for its referrers and the reference thank-yous, and gives its
    people a keep-in-touch interval ([keep_in_touch] after_process_days in config.toml).
    Reopening it brings back the cancelled follow-ups still ahead.
    """
    from crm.domain.playbook import stage_change_lines
    from crm.domain.types import Stage
    from crm.services import opportunities

    database(ctx)
    try:
        change = opportunities.set_stage(
            opportunity_id,
            Stage(stage),
            now=now_of(ctx),
            after_process_days=_settings().after_process_days,
        )
    except opportunities.NotFound as error:
        fail(str(error))
    for line in stage_change_lines(change, tz=user_zone()):
        echo(line)


@cli.group()
def interview() -> None:
    """Schedule interviews and mark them done."""


@interview.command("add")
@click.argument("opportunity_id", type=int)
@click.option("--at", "at_text", required=True, metavar="WHEN", help="When it starts.")
@click.option("--minutes", type=click.IntRange(1, 24 * 60), default=60, show_default=True)
@click.option(
    "--interviewer",
    "interviewers",
    multiple=True,
    required=True,
    help="A contact's id or name; repeat for more.",
)
@click.option("--kind", default="", help="Phone screen, technical, on-site…")
@click.pass_context
def interview_add(
    ctx: click.Context,
    opportunity_id: int,
    at_text: str,
    minutes: int,
    interviewers: tuple[str, ...],
    kind: str,
) -> None:
    """Schedule an interview round; prints its id."""
    from crm.domain.validation import InvalidInput
    from crm.services import opportunities

    database(ctx)
    starts_at = parse_moment(ctx, at_text, "--at", "future")
    interviewer_ids = [_contact_id(name) for name in interviewers]
    try:
        new_id = opportunities.add_interview(
            opportunity_id,
            starts_at,
            interviewer_ids=interviewer_ids,
            minutes=minutes,
            kind=kind,
            now=now_of(ctx),
        )
    except (InvalidInput, opportunities.NotFound) as error:
        fail(str(error))
    echo(new_id)


@interview.command("done")
@click.argument("interview_id", type=int)
@click.option(
    "--at",
    "at_text",
    default=None,
    metavar="WHEN",
    help="When it ended (default: its scheduled end).",
)
@click.pass_context
def interview_done(ctx: click.Context, interview_id: int, at_text: str | None) -> None:
    """Mark an interview done and plan the thank-you notes."""
    from crm.domain.validation import InvalidInput
    from crm.services import opportunities

    database(ctx)
    ended_at = parse_moment(ctx, at_text, "--at", "past") if at_text else None
    try:
        created = opportunities.mark_interview_done(
            interview_id, ended_at=ended_at, now=now_of(ctx)
        )
    except (InvalidInput, opportunities.NotFound) as error:
        fail(str(error))
    echo(f"Interview #{interview_id} done; {len(created)} follow-ups planned.")


@cli.command()
@click.argument("contact")
@click.option(
    "--channel",
    type=_choice(__import__("crm.domain.types", fromlist=["Channel"]).Channel),
    required=True,
)
@click.option(
    "--kind",
    type=_choice(__import__("crm.domain.types", fromlist=["InteractionKind"]).InteractionKind),
    required=True,
)
@click.option("--summary", required=True, help="What was said.")
@click.option("--at", "at_text", default=None, metavar="WHEN", help="When (default: now).")
@click.option(
    "--opportunity",
    "opportunity_id",
    type=int,
    default=None,
    help="Which opportunity it was about.",
)
@click.option("--inbound", is_flag=True, help="They reached out (a reply), not you.")
@click.option(
    "--next",
    "next_text",
    default=None,
    metavar="WHEN",
    help="Your next touch (default: 2 business days for an open opportunity).",
)
@click.option(
    "--no-next",
    "no_next",
    default=None,
    metavar="REASON",
    is_flag=False,
    flag_value="declined",
    help="No next touch (optionally: why).",
)
@click.option(
    "--promised",
    "promised_text",
    default=None,
    metavar="WHEN",
    help="They said they'd get back to you by WHEN: your follow-up goes the next business"
    " morning after it (or at --next), quoting the promise.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def log(
    ctx: click.Context,
    contact: str,
    channel: str,
    kind: str,
    summary: str,
    at_text: str | None,
    opportunity_id: int | None,
    inbound: bool,
    next_text: str | None,
    no_next: str | None,
    promised_text: str | None,
    as_json: bool,
) -> None:
    """Log a conversation with CONTACT (an id or an unambiguous name) and say what it did."""
    from crm.domain.playbook import log_lines, warning_line
    from crm.domain.types import Channel, Direction, InteractionKind, LogDraft
    from crm.domain.validation import InvalidInput
    from crm.services import conversations

    if next_text and no_next:
        fail("Give --next or --no-next, not both.")
    if promised_text and no_next:
        fail("Give --promised or --no-next, not both: their promise plans your follow-up.")
    database(ctx)
    contact_id = _contact_id(contact)
    occurred_at = parse_moment(ctx, at_text, "--at", "past") if at_text else now_of(ctx)
    next_touch = parse_moment(ctx, next_text, "--next", "future") if next_text else None
    if next_text and next_touch is not None:
        _require_ahead(next_text, next_touch, now_of(ctx), "--next")
    promised_at = (
        parse_moment(ctx, promised_text, "--promised", "future") if promised_text else None
    )
    draft = LogDraft(
        contact_id=contact_id,
        channel=Channel(channel),
        kind=InteractionKind(kind),
        occurred_at=occurred_at,
        summary=summary,
        direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
        opportunity_id=opportunity_id,
        next_touch=next_touch,
        no_next_reason=no_next or "",
        promised_at=promised_at,
    )
    try:
        result = conversations.log_conversation(draft, now=now_of(ctx), tz=user_zone())
    except InvalidInput as error:
        fail(str(error))
    if as_json:
        echo_json(_log_json(result, contact_id))
    else:
        for line in log_lines(result, tz=user_zone()):
            echo(line)
    for warning in result.warnings:
        echo(f"crm: warning: {warning_line(warning, surface='cli')}", err=True)
    if result.opportunity_id is None and next_touch is None and no_next is None:
        # The one open opportunity is taken for granted; among several, none is, and the
        # ring would drop without a word. The conversation stays logged either way.
        open_ones = conversations.open_opportunities_of(contact_id)
        if len(open_ones) > 1:
            numbers = ", ".join(f"#{number}" for number in open_ones)
            echo(
                f"crm: warning: logged on no opportunity. This contact is in {len(open_ones)}"
                f" open ones ({numbers}), so no next touch was planned; say which with"
                " --opportunity N (or give --next WHEN) when you log.",
                err=True,
            )


def _follow_up_note_json(note: Any) -> dict[str, Any]:
    """A settled or planned follow-up for scripts."""
    from crm.domain.playbook import follow_up_text, why_of

    return {
        "id": note.id,
        "kind": note.kind.value,
        "title": follow_up_text(note),
        "contact": note.contact,
        "window_start": _iso(note.window_start),
        "window_end": _iso(note.window_end),
        "note": note.note or None,
        "why": why_of(note.kind),
    }


def _log_json(result: Any, contact_id: int) -> dict[str, Any]:
    """What `crm log` did, for scripts: ids, what it settled and planned, and its warnings."""
    from crm.domain.playbook import warning_line

    return {
        "interaction_id": result.interaction_id,
        "contact_id": contact_id,
        "contact": result.contact,
        "opportunity_id": result.opportunity_id,
        "promised_at": _iso(result.promised_at),
        "settled": [_follow_up_note_json(note) for note in result.settled],
        "planned": [_follow_up_note_json(note) for note in result.planned],
        "warnings": [
            {"kind": w.kind.value, "text": warning_line(w, surface="cli")} for w in result.warnings
        ],
    }


@cli.command()
@click.argument("contact")
@click.argument("other")
@click.option(
    "--source",
    type=_choice(__import__("crm.domain.types", fromlist=["ConnectionSource"]).ConnectionSource),
    default="other",
    show_default=True,
    help="How you know they know each other.",
)
@click.option("--note", default="", help="Anything worth remembering about it.")
@click.pass_context
def connect(ctx: click.Context, contact: str, other: str, source: str, note: str) -> None:
    """Record that CONTACT knows OTHER (ids or unambiguous names)."""
    from crm.domain.types import ConnectionSource
    from crm.domain.validation import InvalidInput
    from crm.services import connections

    database(ctx)
    first, second = _contact_id(contact), _contact_id(other)
    try:
        new = connections.add_connection(
            first, second, source=ConnectionSource(source), note=note, now=now_of(ctx)
        )
    except InvalidInput as error:
        fail(str(error))
    echo("Connected." if new else "Already connected; source and note updated.")


@cli.command("connections")
@click.argument("contact")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def connections_command(ctx: click.Context, contact: str, as_json: bool) -> None:
    """Whom CONTACT knows."""
    from crm.services import connections

    database(ctx)
    known = connections.connections_of(_contact_id(contact))
    if as_json:
        payload = [
            {
                "id": c.contact_id,
                "name": c.name,
                "company": c.company,
                "source": c.source.value,
                "note": c.note,
                "noted_at": c.noted_at.isoformat() + "Z",
            }
            for c in known
        ]
        echo_json(payload)
        return
    if not known:
        echo("No connections recorded.", err=True)
        return
    _print_table(
        ("ID", "Knows", "Company", "How you know", "Note"),
        [(str(c.contact_id), c.name, c.company, c.source.value, c.note) for c in known],
    )


@cli.group()
def followup() -> None:
    """Mark follow-ups done or snooze them."""


@followup.command("done")
@click.argument("follow_up_id", type=int)
@click.pass_context
def followup_done(ctx: click.Context, follow_up_id: int) -> None:
    """Mark a follow-up done (a thank-you e-mail done plans the handwritten note)."""
    from crm.domain.playbook import planned_lines
    from crm.domain.validation import InvalidInput
    from crm.services import followups

    database(ctx)
    try:
        planned = followups.complete(follow_up_id, now=now_of(ctx))
    except (InvalidInput, followups.FollowUpNotFound) as error:
        fail(str(error))
    echo(f"Done: follow-up #{follow_up_id}.")
    for line in planned_lines(tuple(planned), tz=user_zone()):
        echo(line)


@followup.command("snooze")
@click.argument("follow_up_id", type=int)
@click.option("--until", "until_text", required=True, metavar="WHEN")
@click.pass_context
def followup_snooze(ctx: click.Context, follow_up_id: int, until_text: str) -> None:
    """Hide a follow-up until WHEN."""
    from crm.domain.validation import InvalidInput
    from crm.services import followups

    database(ctx)
    until = parse_moment(ctx, until_text, "--until", "future")
    try:
        followups.snooze(follow_up_id, until, now=now_of(ctx))
    except (InvalidInput, followups.FollowUpNotFound) as error:
        fail(str(error))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def agenda(ctx: click.Context, as_json: bool) -> None:
    """What you owe: overdue, due and upcoming follow-ups, rings dropped, the back channel to
    reach, casual touches and people going cold."""
    from crm.services import followups, suggestions

    database(ctx)
    today = followups.agenda(now=now_of(ctx), tz=user_zone())
    ideas = suggestions.today(now=now_of(ctx))
    if as_json:
        payload = _agenda_json(today, _ring_people(today)) | _suggestions_json(ideas)
        # A long section lists its first items only; "totals" counts them all (a list of
        # objects, like every other key).
        payload["totals"] = [
            {"section": section, "total": total, "listed": len(payload[section])}
            for section, total in (
                ("overdue", today.overdue_total),
                ("due", today.due_total),
                ("upcoming", today.upcoming_total),
                ("going_cold", ideas.going_cold_total),
            )
        ]
        echo_json(payload)
        return
    _print_agenda(today, now_of(ctx))
    _print_suggestions(ideas)


def _ring_people(today: Any) -> dict[int, str]:
    """The names of the people behind each dropped ring: whom to get back in touch with."""
    from crm.services.contacts import get_contact

    ids = {cid for ring in today.rings_dropped for cid in ring.contact_ids}
    return {cid: get_contact(cid).name for cid in ids}


def _agenda_json(
    today: Any, names: dict[int, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The agenda for scripts: every list's items carry id, contact, kind, window and opportunity.

    A dropped ring has no follow-up, so its kind and window are null.
    """
    from crm.domain.playbook import RING_DROPPED_WHY, why_of
    from crm.services.conversations import follow_up_title

    names = names or {}

    def item(entry: Any) -> dict[str, Any]:
        return {
            "id": entry.id,
            "contact": entry.contact,
            "contact_id": entry.contact_id,
            "kind": entry.kind.value,
            "title": follow_up_title(entry.kind),
            "note": entry.note or None,
            "why": why_of(entry.kind),
            "state": entry.state.value,
            "window_start": entry.window_start.isoformat() + "Z",
            "window_end": entry.window_end.isoformat() + "Z",
            "late": entry.late,
            "opportunity": entry.opportunity or None,
            "opportunity_id": entry.opportunity_id,
        }

    def ring(entry: Any) -> dict[str, Any]:
        return {
            "id": entry.opportunity_id,
            "opportunity_id": entry.opportunity_id,
            "opportunity": entry.opportunity,
            "contact": ", ".join(names[cid] for cid in entry.contact_ids if cid in names),
            "kind": None,
            "window_start": None,
            "window_end": None,
            "stage": entry.stage.value,
            "contact_ids": list(entry.contact_ids),
            "last_touch_at": entry.last_touch_at.isoformat() + "Z" if entry.last_touch_at else None,
            "why": RING_DROPPED_WHY,
        }

    return {
        "overdue": [item(e) for e in today.overdue],
        "due": [item(e) for e in today.due],
        "upcoming": [item(e) for e in today.upcoming],
        "rings_dropped": [ring(e) for e in today.rings_dropped],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() + "Z" if moment is not None else None


def _suggestions_json(ideas: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "backchannel": [
            {
                "contact_id": i.contact_id,
                "contact": i.name,
                "opportunity_id": i.opportunity_id,
                "opportunity": i.opportunity,
                "why": i.why,
                "warning": i.warning or None,
            }
            for i in ideas.backchannel
        ],
        "casual": [
            {
                "contact_id": c.suggestion.contact_id,
                "contact": c.suggestion.name,
                "opportunity_id": c.opportunity_id,
                "opportunity": c.opportunity,
                "topic": c.suggestion.topic,
                "status": c.suggestion.status.value,
                "text": c.suggestion.text,
            }
            for c in ideas.casual
        ],
        "going_cold": [
            {
                "contact_id": c.contact_id,
                "contact": c.name,
                "last_touch_at": _iso(c.last_touch_at),
                "days_silent": c.days_silent,
                "days_over": c.days_over,
            }
            for c in ideas.going_cold
        ],
    }


def _print_suggestions(ideas: Any) -> None:
    from rich.console import Console

    console = Console()
    if ideas.backchannel:
        console.print(f"[bold cyan]Reach before the employer does ({len(ideas.backchannel)})[/]")
        for idea in ideas.backchannel:
            console.print(cell(f"  {idea.name} — {idea.why} ({idea.opportunity})"))
            if idea.warning:
                console.print(cell(f"    ⚠ {idea.warning}", style="bold red"))
        console.print()
    if ideas.casual:
        console.print(f"[bold]Casual touches ({len(ideas.casual)})[/]")
        for casual in ideas.casual:
            console.print(cell(f"  {casual.suggestion.text}"))
        console.print()
    if ideas.going_cold:
        console.print(f"[bold blue]Going cold ({len(ideas.going_cold)})[/]")
        for cold in ideas.going_cold:
            silent = f"silent {cold.days_silent} days" if cold.last_touch_at else "never in touch"
            console.print(cell(f"  {cold.name}: {silent}, {cold.days_over} days past the interval"))


@cli.command("backchannel")
@click.option("--company", default=None, help="A company (loosely matched).")
@click.option("--interview", "interview_id", type=int, default=None, help="An interview's id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def backchannel_command(
    ctx: click.Context, company: str | None, interview_id: int | None, as_json: bool
) -> None:
    """Who could speak about you at a company or around an interview, best first."""
    from crm.services import backchannel

    if (company is None) == (interview_id is None):
        fail("Give --company or --interview (one of them).")
    database(ctx)
    try:
        if company is not None:
            mapped = backchannel.for_company(company, now=now_of(ctx))
        else:
            assert interview_id is not None
            mapped = backchannel.for_interview(interview_id, now=now_of(ctx))
    except backchannel.NothingToMap as error:
        fail(str(error))
    if as_json:
        payload = {
            "title": mapped.title,
            "quiet": mapped.quiet,
            "candidates": [
                {
                    "id": c.contact_id,
                    "name": c.name,
                    "tier": c.tier.value,
                    "reasons": list(c.reasons),
                    "warmth": c.warmth.value,
                    "days_since_touch": c.days_since_touch,
                    "touches": c.touches,
                    "is_reference": c.is_reference,
                    "rapport": c.rapport or None,
                    "warning": c.warning or None,
                    "score": c.score,
                }
                for c in mapped.candidates
            ],
        }
        echo_json(payload)
        return
    echo(mapped.title + ("  (quiet: only your interviewers)" if mapped.quiet else ""))
    _print_table(
        ("ID", "Who", "Why", "Warmth", "Reference", "Left things"),
        [
            (
                str(c.contact_id),
                c.name,
                ", ".join(c.reasons),
                c.warmth.value
                + (f", {c.days_since_touch} d" if c.days_since_touch is not None else ""),
                "yes" if c.is_reference else "",
                (c.rapport + (f": {c.warning}" if c.warning else "")) if c.rapport else "",
            )
            for c in mapped.candidates
        ],
    )


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def references(ctx: click.Context, as_json: bool) -> None:
    """Your reference list; without a subcommand, prints it."""
    if ctx.invoked_subcommand is not None:
        return
    from crm.services import references as reference_list
    from crm.zone import local_text

    database(ctx)
    listed = reference_list.list_references(now=now_of(ctx))
    if as_json:
        payload = [
            {
                "id": r.contact_id,
                "name": r.name,
                "role": r.role,
                "company": r.company,
                "email": r.email,
                "phone": r.phone,
                "relationship": r.relationship,
                "talking_points": r.talking_points,
                "last_briefed_at": _iso(r.last_briefed_at),
                "given_to": list(r.given_to),
                "given": [
                    {
                        "opportunity_id": g.opportunity_id,
                        "opportunity": g.opportunity,
                        "company": g.company,
                        "given_at": _iso(g.given_at),
                        "knows_interviewers": list(g.knows_interviewers),
                        "talking_point": g.talking_point or None,
                    }
                    for g in r.given
                ],
                "warning": r.warning or None,
                "warnings": list(r.warnings),
            }
            for r in listed
        ]
        echo_json(payload)
        return
    if not listed:
        echo(
            "No references yet: crm references add NAME --relationship … --talking-points …",
            err=True,
        )
        return
    _print_table(
        ("ID", "Reference", "Relationship", "Last briefed", "Given to", "Warning"),
        [
            (
                str(r.contact_id),
                r.name,
                r.relationship,
                local_text(r.last_briefed_at)[:10] if r.last_briefed_at else "never",
                ", ".join(
                    g.company
                    + (
                        f" (knows {', '.join(g.knows_interviewers)})"
                        if g.knows_interviewers
                        else ""
                    )
                    for g in r.given
                ),
                r.warning,
            )
            for r in listed
        ],
    )


@references.command("add")
@click.argument("contact")
@click.option("--relationship", required=True, help="E.g. 'My direct supervisor for three years'.")
@click.option("--talking-points", required=True, help="What they can speak to.")
@click.pass_context
def references_add(
    ctx: click.Context, contact: str, relationship: str, talking_points: str
) -> None:
    """Put a contact on your reference list (or update what they can speak to)."""
    from crm.domain.validation import InvalidInput
    from crm.services import references as reference_list

    database(ctx)
    try:
        new = reference_list.save_reference(
            _contact_id(contact),
            relationship=relationship,
            talking_points=talking_points,
            now=now_of(ctx),
        )
    except InvalidInput as error:
        fail(str(error))
    echo("Added to your references." if new else "Reference updated.")


@references.command("remove")
@click.argument("contact")
@click.pass_context
def references_remove(ctx: click.Context, contact: str) -> None:
    """Take a contact off your reference list."""
    from crm.domain.validation import InvalidInput
    from crm.services import references as reference_list

    database(ctx)
    try:
        reference_list.remove_reference(_contact_id(contact))
    except InvalidInput as error:
        fail(str(error))


@references.command("briefed")
@click.argument("contact")
@click.option("--at", "at_text", default=None, metavar="WHEN", help="When (default: now).")
@click.pass_context
def references_briefed(ctx: click.Context, contact: str, at_text: str | None) -> None:
    """Record that you briefed a reference."""
    from crm.domain.playbook import short_moment
    from crm.domain.validation import InvalidInput
    from crm.services import references as reference_list

    database(ctx)
    at = parse_moment(ctx, at_text, "--at", "past") if at_text else now_of(ctx)
    try:
        briefing = reference_list.mark_briefed(_contact_id(contact), at=at)
    except InvalidInput as error:
        fail(str(error))
    settled = f"; settled: {'; '.join(briefing.settled)}" if briefing.settled else ""
    echo(f"Briefed {briefing.name} ({short_moment(briefing.briefed_at, user_zone())}){settled}.")


@references.command("give")
@click.argument("contact")
@click.option("--opportunity", "opportunity_id", type=int, required=True)
@click.option(
    "--call",
    "call_text",
    default=None,
    metavar="WHEN",
    help="When the employer is expected to call.",
)
@click.pass_context
def references_give(
    ctx: click.Context, contact: str, opportunity_id: int, call_text: str | None
) -> None:
    """Hand a reference to an employer: plans briefing them before the call."""
    from crm.domain.validation import InvalidInput
    from crm.services import references as reference_list

    database(ctx)
    call_at = parse_moment(ctx, call_text, "--call", "future") if call_text else None
    contact_id = _contact_id(contact)
    try:
        created = reference_list.give_reference(
            contact_id, opportunity_id, expected_call_at=call_at, now=now_of(ctx)
        )
        notes = reference_list.reference_notes(contact_id, opportunity_id)
    except InvalidInput as error:
        fail(str(error))
    # Given anyway: the user may already have named them to the employer, and the planned
    # brief is the best repair; the warning says so where a script's log keeps it.
    if notes.warning:
        echo(f"crm: warning: {notes.warning}", err=True)
    echo(f"Given; {len(created)} follow-up(s) planned.")
    if notes.knows_interviewers:
        known = ", ".join(notes.knows_interviewers)
        noun = "interviewer" if len(notes.knows_interviewers) == 1 else "interviewers"
        echo(f"Bonus points: {notes.name} knows {known} ({noun}). {notes.talking_point}.")


@references.command("export")
@click.option("--plain", is_flag=True, help="Plain text instead of Markdown.")
@click.pass_context
def references_export(ctx: click.Context, plain: bool) -> None:
    """Print your references as a sheet to paste into an application."""
    from crm.services import references as reference_list

    database(ctx)
    sheet = reference_list.export_sheet(markdown=not plain)
    if not sheet:
        fail("No references yet: crm references add NAME --relationship … --talking-points …")
    echo(sheet)


def _print_agenda(today: Any, now: datetime) -> None:
    """The agenda as colour tables, suitable as a login message."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from crm.domain.playbook import RING_DROPPED_WHY, why_of
    from crm.services.conversations import follow_up_title

    console = Console()
    sections = (
        ("Overdue", today.overdue, today.overdue_total, "bold red"),
        ("Due now", today.due, today.due_total, "yellow"),
        ("Coming this week", today.upcoming, today.upcoming_total, ""),
    )
    if not any(items for _, items, _, _ in sections) and not today.rings_dropped:
        console.print("Nothing due. Keep the ring: schedule your next touches.")
        return
    for title, items, total, style in sections:
        if not items:
            continue
        table = Table(
            title=f"{title} ({max(total, len(items)):,})",
            title_justify="left",
            title_style=style or "bold",
            box=None,
            pad_edge=False,
        )
        for column in ("ID", "Who", "What", "Opportunity", "When"):
            table.add_column(column)
        for entry in items:
            what = Text(follow_up_title(entry.kind))
            if entry.note:
                what.append(safe(f" — {entry.note}"), style="dim")
            table.add_row(
                str(entry.id),
                cell(entry.contact),
                what,
                cell(entry.opportunity),
                entry.late,
                style=style,
            )
        console.print(table)
        # The rule behind each kind listed, dim under the section: taught where it is acted on.
        for kind in dict.fromkeys(entry.kind for entry in items):
            console.print(Text(f"  {why_of(kind)}", style="dim"))
        if total > len(items):
            console.print(f"[dim]… and {total - len(items):,} more, most urgent first above.[/dim]")
        console.print()
    if today.rings_dropped:
        table = Table(
            title=f"Rings dropped ({len(today.rings_dropped)})",
            title_justify="left",
            title_style="bold magenta",
            box=None,
            pad_edge=False,
        )
        table.add_column("ID")
        table.add_column("Opportunity")
        table.add_column("Stage")
        for entry in today.rings_dropped:
            table.add_row(str(entry.opportunity_id), cell(entry.opportunity), entry.stage.value)
        console.print(table)
        console.print(Text(f"{RING_DROPPED_WHY}.", style="dim"))
        console.print("[dim]Log your next touch with `crm log … --next WHEN`.[/dim]")


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print rows as a table that lines up CJK and accented names."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*headers, box=None, pad_edge=False, header_style="bold")
    for row in rows:
        table.add_row(*(cell(text) for text in row))  # names are data, never markup
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


# Subcommands that live in their own modules (each defers its heavy imports).
from crm.cli_data import (  # noqa: E402
    backup_command,
    export_group,
    import_json_command,
    restore_command,
)
from crm.cli_imports import import_group  # noqa: E402
from crm.cli_interop import (  # noqa: E402
    export_ics_command,
    export_vcard_command,
    import_google_command,
    import_vcard_command,
)

import_group.add_command(import_json_command, "json")
import_group.add_command(import_vcard_command)
import_group.add_command(import_google_command)
export_group.add_command(export_vcard_command)
export_group.add_command(export_ics_command)
cli.add_command(import_group)
cli.add_command(export_group)
cli.add_command(backup_command)
cli.add_command(restore_command)
