"""`crm opportunity …`: the roles you apply for, their stages and who helped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from crm.cli.context import (
    contact_id_of,
    database,
    enum_choice,
    fail,
    now_of,
    parse_moment,
    settings,
)
from crm.cli.output import echo, echo_json, iso, print_table
from crm.domain.types import HelperRole, OpportunityDetails, OpportunitySummary, Stage
from crm.zone import local_text, user_zone

DETAIL_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--url", "url", "The posting's link (http or https)."),
    ("--location", "location", 'Where the job is, or how remote ("Berlin, hybrid").'),
    ("--salary", "salary", 'The salary range, as free text ("€70–80k").'),
    ("--applied", "applied", 'When you applied ("today", "mon", "2026-11-02 9:00").'),
    ("--cv", "cv", "The CV or cover letter you sent (a file name or version)."),
    ("--note", "note", "Notes on the opportunity."),
)
"""The options for an opportunity's details, shared by add and edit."""


def detail_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the detail options (``--url`` … ``--note``) to a command."""
    for flag, name, help_text in reversed(DETAIL_OPTIONS):
        command = click.option(flag, name, default=None, help=help_text)(command)
    return command


def typed_details(ctx: click.Context, given: dict[str, str | None]) -> dict[str, Any]:
    """The details the user gave, as OpportunityDetails fields (``--applied ""`` clears it)."""
    changes: dict[str, Any] = {}
    for field, option in (("url", "url"), ("location", "location"), ("salary", "salary")):
        if given[option] is not None:
            changes[field] = given[option]
    if given["cv"] is not None:
        changes["cv"] = given["cv"]
    if given["note"] is not None:
        changes["notes"] = given["note"]
    applied = given["applied"]
    if applied is not None:
        changes["applied_at"] = (
            parse_moment(ctx, applied, "--applied", "past") if applied.strip() else None
        )
    return changes


def opportunity_json(summary: OpportunitySummary, *, full: bool = False) -> dict[str, Any]:
    """An opportunity for scripts; ``full`` lists its interviews instead of counting them."""
    details = summary.details or OpportunityDetails()
    payload: dict[str, Any] = {
        "id": summary.id,
        "company": summary.company,
        "role": summary.role,
        "stage": summary.stage.value,
        "quiet": summary.quiet,
        "url": details.url,
        "location": details.location,
        "salary": details.salary,
        "applied_at": iso(details.applied_at),
        "cv": details.cv,
        "notes": details.notes,
        "helpers": [
            {"contact_id": h.id, "name": h.name, "role": h.role.value} for h in summary.helpers
        ],
        "interviews": len(summary.interviews),
        "pending_follow_ups": summary.pending_follow_ups,
    }
    if full:
        payload["created_at"] = iso(summary.created_at)
        payload["closed_at"] = iso(summary.closed_at)
        payload["interviews"] = [
            {
                "id": i.id,
                "starts_at": iso(i.starts_at),
                "ends_at": iso(i.ends_at),
                "kind": i.kind,
                "done_at": iso(i.done_at),
                "cancelled_at": iso(i.cancelled_at),
                "interviewers": [{"contact_id": cid, "name": name} for cid, name in i.interviewers],
            }
            for i in summary.interviews
        ]
    return payload


@click.group()
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
    type=enum_choice(Stage),
    default="applied",
    show_default=True,
)
@detail_options
@click.pass_context
def opportunity_add(
    ctx: click.Context,
    company: str,
    role: str,
    referrers: tuple[str, ...],
    pulled_strings: tuple[str, ...],
    quiet: bool,
    stage: str,
    **given: str | None,
) -> None:
    """Add an opportunity; prints its id."""
    from crm.domain.validation import InvalidInput
    from crm.services import opportunities

    database(ctx)
    details = OpportunityDetails(**typed_details(ctx, given))
    referrer_ids = [contact_id_of(name) for name in referrers]
    pulled_ids = [contact_id_of(name) for name in pulled_strings]
    try:
        new_id = opportunities.add_opportunity(
            company,
            role,
            referrer_ids=referrer_ids,
            pulled_strings_ids=pulled_ids,
            quiet=quiet,
            stage=Stage(stage),
            details=details,
            now=now_of(ctx),
        )
    except InvalidInput as error:
        fail(str(error))
    echo(new_id)


@opportunity.command("edit")
@click.argument("opportunity_id", type=int)
@click.option("--company", default=None, help="Where the role is.")
@click.option("--role", default=None, help="The role or title.")
@click.option(
    "--quiet/--not-quiet",
    default=None,
    help="A confidential search (no outreach beyond interviewers), or not.",
)
@detail_options
@click.pass_context
def opportunity_edit(
    ctx: click.Context,
    opportunity_id: int,
    company: str | None,
    role: str | None,
    quiet: bool | None,
    **given: str | None,
) -> None:
    """Change an opportunity's role, company or details; an empty value ("") clears a detail.

    The stage changes with `crm opportunity stage`, and its people with `crm opportunity
    referrer`.
    """
    from crm.domain.validation import InvalidInput
    from crm.services import opportunities

    if (
        company is None
        and role is None
        and quiet is None
        and all(v is None for v in given.values())
    ):
        fail(
            "Nothing to change: give --role, --company, --url, --location, --salary, "
            "--applied, --cv, --note or --quiet."
        )
    database(ctx)
    changes = typed_details(ctx, given)
    try:
        title = opportunities.edit_opportunity(
            opportunity_id,
            company=company,
            role=role,
            quiet=quiet,
            details=changes,
            now=now_of(ctx),
        )
    except (InvalidInput, opportunities.NotFound) as error:
        fail(str(error))
    echo(f"Opportunity #{opportunity_id} saved: {title}.")


@opportunity.command("show")
@click.argument("opportunity_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def opportunity_show(ctx: click.Context, opportunity_id: int, as_json: bool) -> None:
    """Everything about one opportunity: its stage, details, people and interviews."""
    from crm.services import opportunities

    database(ctx)
    try:
        summary = opportunities.get_opportunity(opportunity_id)
    except opportunities.NotFound as error:
        fail(str(error))
    if as_json:
        echo_json(opportunity_json(summary, full=True))
        return
    for line in show_lines(summary):
        echo(line)


def show_lines(summary: OpportunitySummary) -> list[str]:
    """An opportunity as `crm opportunity show` prints it: one "Label: value" per line."""
    details = summary.details or OpportunityDetails()
    zone = user_zone()
    lines = [f"#{summary.id}  {summary.title}" + ("  (quiet)" if summary.quiet else "")]
    fields = [
        ("Stage", summary.stage.value),
        ("Applied", local_text(details.applied_at, zone) if details.applied_at else ""),
        ("Link", details.url),
        ("Location", details.location),
        ("Salary", details.salary),
        ("CV sent", details.cv),
        ("Referred by", summary.helper_names(HelperRole.REFERRER)),
        ("Pulled strings", summary.helper_names(HelperRole.PULLED_STRINGS)),
        ("Follow-ups", str(summary.pending_follow_ups) if summary.pending_follow_ups else ""),
    ]
    lines += [f"{label}: {value}" for label, value in fields if value]
    for number, interview in enumerate(summary.interviews, start=1):
        names = ", ".join(name for _, name in interview.interviewers) or "no interviewers"
        state = "done" if interview.done_at else "not done"
        state = "cancelled" if interview.cancelled_at and not interview.done_at else state
        kind = f" {interview.kind}" if interview.kind else ""
        lines.append(
            f"Round {number}{kind}: {local_text(interview.starts_at, zone)} · {names} · {state}"
        )
    if details.notes:
        lines.append("Notes:")
        lines += [f"  {line}" for line in details.notes.splitlines()]
    return lines


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
    from crm.domain.validation import InvalidInput
    from crm.services import opportunities

    if remove and pulled_strings:
        fail("Use --remove or --pulled-strings, not both.")
    database(ctx)
    contact_id = contact_id_of(contact_ref)
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
    from crm.services import opportunities

    database(ctx)
    summaries = opportunities.list_opportunities(include_closed=not open_only)
    if as_json:
        echo_json([opportunity_json(s) for s in summaries])
        return
    if not summaries:
        echo("No opportunities yet: crm opportunity add --company … --role …", err=True)
        return
    print_table(
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
@click.argument("stage", type=enum_choice(Stage))
@click.pass_context
def opportunity_stage(ctx: click.Context, opportunity_id: int, stage: str) -> None:
    """Move an opportunity to another stage.

    Closing it (accepted, rejected, withdrawn, closed) cancels its pending follow-ups, plans
    "tell them how it ended" for its referrers and the reference thank-yous, and gives its
    people a keep-in-touch interval ([keep_in_touch] after_process_days in config.toml).
    Reopening it brings back the cancelled follow-ups still ahead.
    """
    from crm.domain.playbook import stage_change_lines
    from crm.services import opportunities

    database(ctx)
    try:
        change = opportunities.set_stage(
            opportunity_id,
            Stage(stage),
            now=now_of(ctx),
            after_process_days=settings().after_process_days,
        )
    except opportunities.NotFound as error:
        fail(str(error))
    for line in stage_change_lines(change, tz=user_zone()):
        echo(line)
