"""`crm agenda` and `crm followup …`: what you owe, and settling it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from crm.cli.context import database, fail, now_of, parse_moment
from crm.cli.output import cell, echo, echo_json, iso, safe
from crm.domain.types import Agenda, AgendaItem, DroppedRing
from crm.zone import user_zone


@click.group()
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


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when anything is overdue, 0 otherwise (for cron and shell prompts).",
)
@click.pass_context
def agenda(ctx: click.Context, as_json: bool, exit_code: bool) -> None:
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
    else:
        _print_agenda(today, now_of(ctx))
        _print_suggestions(ideas)
    if exit_code and today.overdue_total:
        ctx.exit(1)


def _ring_people(today: Agenda) -> dict[int, str]:
    """The names of the people behind each dropped ring: whom to get back in touch with."""
    from crm.services.contacts import get_contact

    ids = {cid for ring in today.rings_dropped for cid in ring.contact_ids}
    return {cid: get_contact(cid).name for cid in ids}


def _agenda_json(
    today: Agenda, names: dict[int, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The agenda for scripts: every list's items carry id, contact, kind, window and opportunity.

    A dropped ring has no follow-up, so its kind and window are null.
    """
    from crm.domain.playbook import RING_DROPPED_WHY, why_of
    from crm.services.conversations import follow_up_title

    names = names or {}

    def item(entry: AgendaItem) -> dict[str, Any]:
        return {
            "id": entry.id,
            "contact": entry.contact,
            "contact_id": entry.contact_id,
            "kind": entry.kind.value,
            "title": follow_up_title(entry.kind),
            "note": entry.note or None,
            "why": why_of(entry.kind),
            "state": entry.state.value,
            "window_start": iso(entry.window_start),
            "window_end": iso(entry.window_end),
            "late": entry.late,
            "opportunity": entry.opportunity or None,
            "opportunity_id": entry.opportunity_id,
        }

    def ring(entry: DroppedRing) -> dict[str, Any]:
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
            "last_touch_at": iso(entry.last_touch_at),
            "why": RING_DROPPED_WHY,
        }

    return {
        "overdue": [item(e) for e in today.overdue],
        "due": [item(e) for e in today.due],
        "upcoming": [item(e) for e in today.upcoming],
        "rings_dropped": [ring(e) for e in today.rings_dropped],
    }


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
                "last_touch_at": iso(c.last_touch_at),
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


def _print_agenda(today: Agenda, now: datetime) -> None:
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
        for ring in today.rings_dropped:
            table.add_row(str(ring.opportunity_id), cell(ring.opportunity), ring.stage.value)
        console.print(table)
        console.print(Text(f"{RING_DROPPED_WHY}.", style="dim"))
        console.print("[dim]Log your next touch with `crm log … --next WHEN`.[/dim]")
