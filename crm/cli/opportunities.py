"""`crm opportunity …`: the roles you apply for, their stages and who helped."""

from __future__ import annotations

import click

from crm.cli.context import contact_id_of, database, enum_choice, fail, now_of, settings
from crm.cli.output import echo, echo_json, print_table
from crm.domain.types import HelperRole, Stage
from crm.zone import user_zone


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
    from crm.domain.validation import InvalidInput
    from crm.services import opportunities

    database(ctx)
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
