"""`crm interview …`: schedule interview rounds and mark them done."""

from __future__ import annotations

import click

from crm.cli.context import contact_id_of, database, fail, now_of, parse_moment
from crm.cli.output import echo


@click.group()
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
    from crm.services import interviews, opportunities

    database(ctx)
    starts_at = parse_moment(ctx, at_text, "--at", "future")
    interviewer_ids = [contact_id_of(name) for name in interviewers]
    try:
        new_id = interviews.add_interview(
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
    from crm.services import interviews, opportunities

    database(ctx)
    ended_at = parse_moment(ctx, at_text, "--at", "past") if at_text else None
    try:
        created = interviews.mark_interview_done(interview_id, ended_at=ended_at, now=now_of(ctx))
    except (InvalidInput, opportunities.NotFound) as error:
        fail(str(error))
    echo(f"Interview #{interview_id} done; {len(created)} follow-ups planned.")
