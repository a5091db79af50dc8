"""`crm references …` and `crm backchannel`: who speaks for you, and who could."""

from __future__ import annotations

import click

from crm.cli.context import contact_id_of, database, fail, now_of, parse_moment
from crm.cli.output import echo, echo_json, iso, print_table
from crm.zone import user_zone


@click.command("backchannel")
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
    print_table(
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


@click.group(invoke_without_command=True)
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
                "last_briefed_at": iso(r.last_briefed_at),
                "given_to": list(r.given_to),
                "given": [
                    {
                        "opportunity_id": g.opportunity_id,
                        "opportunity": g.opportunity,
                        "company": g.company,
                        "given_at": iso(g.given_at),
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
    print_table(
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
            contact_id_of(contact),
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
        reference_list.remove_reference(contact_id_of(contact))
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
        briefing = reference_list.mark_briefed(contact_id_of(contact), at=at)
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
    contact_id = contact_id_of(contact)
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
