"""`crm review …`: the people and interviews mail proposes, accepted, skipped or ignored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from crm.cli.context import database, fail, now_of
from crm.cli.output import echo, echo_json, iso
from crm.domain.text import counted

if TYPE_CHECKING:
    from crm.services.review import ProposalView


@click.group("review", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def review_group(ctx: click.Context, as_json: bool) -> None:
    """People and interviews your mail proposes; without a subcommand, lists them."""
    if ctx.invoked_subcommand is not None:
        return
    from crm.services import review

    database(ctx)
    proposals = review.list_proposals()
    if as_json:
        echo_json([_json(p) for p in proposals])
        return
    if not proposals:
        echo("Nothing to review.", err=True)
        return
    for line in _lines(proposals):
        echo(line)
    echo("crm review accept ID [--name NAME | --opportunity OPP] · skip ID · ignore ID")


@review_group.command("accept")
@click.argument("proposal_id", metavar="ID", type=int)
@click.option("--name", default=None, help="The contact's name (default: the one in their mail).")
@click.option(
    "--opportunity",
    "opportunity_id",
    type=int,
    default=None,
    metavar="OPP",
    help="For an interview: the opportunity it is a round of (required).",
)
@click.pass_context
def review_accept(
    ctx: click.Context, proposal_id: int, name: str | None, opportunity_id: int | None
) -> None:
    """Add a proposed person as a contact, or a proposed interview to an opportunity."""
    from crm.services import review

    database(ctx)
    try:
        accepted = review.accept(
            proposal_id, name=name, opportunity_id=opportunity_id, now=now_of(ctx)
        )
    except review.ReviewError as error:
        fail(str(error))
    echo(accepted.text)


@review_group.command("skip")
@click.argument("proposal_id", metavar="ID", type=int)
@click.pass_context
def review_skip(ctx: click.Context, proposal_id: int) -> None:
    """Not now: leave it out of the review until newer mail comes from them."""
    from crm.services import review

    database(ctx)
    try:
        review.skip(proposal_id)
    except review.ReviewError as error:
        fail(str(error))
    echo(f"Skipped #{proposal_id}: it comes back only with newer mail.")


@review_group.command("ignore")
@click.argument("proposal_id", metavar="ID", type=int)
@click.pass_context
def review_ignore(ctx: click.Context, proposal_id: int) -> None:
    """Never propose this person (or invitation) again."""
    from crm.services import review

    database(ctx)
    try:
        review.ignore(proposal_id)
    except review.ReviewError as error:
        fail(str(error))
    echo(f"Ignored #{proposal_id}: never proposed again.")


def _lines(proposals: list[ProposalView]) -> list[str]:
    """One line each: "#2  Катя <katya@initech.example> at Initech · 3 messages, last …"."""
    from crm.zone import local_text

    lines = []
    for p in proposals:
        at = f" at {p.company}" if p.company else ""
        seen = f"{counted(p.messages, 'message', 'messages')}, last {local_text(p.last_seen)}"
        if p.invitation is None:
            who = f"{p.name} <{p.address}>" if p.name else p.address
            lines.append(f"#{p.id}  {who}{at} · {seen}")
            continue
        when = local_text(p.invitation.starts_at)
        what = p.invitation.summary or "(no title)"
        lines.append(f"#{p.id}  Interview: {what}, {when}{at} · {seen}")
    return lines


def _json(p: ProposalView) -> dict[str, Any]:
    interview = None
    if p.invitation is not None:
        invitation = p.invitation
        interview = {
            "uid": invitation.uid,
            "summary": invitation.summary,
            "starts_at": iso(invitation.starts_at),
            "ends_at": iso(invitation.ends_at),
            "location": invitation.location,
            "organizer": (
                {"name": invitation.organizer.name, "email": invitation.organizer.address}
                if invitation.organizer is not None
                else None
            ),
            "attendees": [{"name": a.name, "email": a.address} for a in invitation.attendees],
            "opportunity_id": p.opportunity_id,
        }
    return {
        "id": p.id,
        "kind": p.kind,
        "name": p.name,
        "email": p.address if p.invitation is None else None,
        "company": p.company or None,
        "company_id": p.company_id,
        "first_seen": iso(p.first_seen),
        "last_seen": iso(p.last_seen),
        "messages": p.messages,
        "interview": interview,
    }
