"""`crm log` records a conversation and says what it settled and planned; `crm conversation`
reads, corrects and deletes one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from crm.cli.context import (
    check_ahead,
    contact_id_of,
    database,
    enum_choice,
    fail,
    now_of,
    parse_moment,
)
from crm.cli.output import echo, echo_json, iso
from crm.domain.types import (
    Channel,
    Direction,
    FollowUpNote,
    InteractionKind,
    LogDraft,
    LogResult,
)
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.domain.conversations import ConversationChange, ConversationView


@click.command()
@click.argument("contact")
@click.option(
    "--channel",
    type=enum_choice(Channel),
    required=True,
)
@click.option(
    "--kind",
    type=enum_choice(InteractionKind),
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
    from crm.domain.validation import InvalidInput
    from crm.services import conversations

    if next_text and no_next:
        fail("Give --next or --no-next, not both.")
    if promised_text and no_next:
        fail("Give --promised or --no-next, not both: their promise plans your follow-up.")
    database(ctx)
    contact_id = contact_id_of(contact)
    occurred_at = parse_moment(ctx, at_text, "--at", "past") if at_text else now_of(ctx)
    next_touch = parse_moment(ctx, next_text, "--next", "future") if next_text else None
    if next_text and next_touch is not None:
        check_ahead(next_text, next_touch, now_of(ctx), "--next")
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


def _follow_up_note_json(note: FollowUpNote) -> dict[str, Any]:
    """A settled or planned follow-up for scripts."""
    from crm.domain.playbook import follow_up_text, why_of

    return {
        "id": note.id,
        "kind": note.kind.value,
        "title": follow_up_text(note),
        "contact": note.contact,
        "window_start": iso(note.window_start),
        "window_end": iso(note.window_end),
        "note": note.note or None,
        "why": why_of(note.kind),
    }


def _log_json(result: LogResult, contact_id: int) -> dict[str, Any]:
    """What `crm log` did, for scripts: ids, what it settled and planned, and its warnings."""
    from crm.domain.playbook import warning_line

    return {
        "interaction_id": result.interaction_id,
        "contact_id": contact_id,
        "contact": result.contact,
        "opportunity_id": result.opportunity_id,
        "promised_at": iso(result.promised_at),
        "settled": [_follow_up_note_json(note) for note in result.settled],
        "planned": [_follow_up_note_json(note) for note in result.planned],
        "warnings": [
            {"kind": w.kind.value, "text": warning_line(w, surface="cli")} for w in result.warnings
        ],
    }


@click.group()
def conversation() -> None:
    """Read, correct or delete a logged conversation (its id: `crm log` prints it)."""


def _conversation_json(view: ConversationView) -> dict[str, Any]:
    """A logged conversation in full, for scripts."""
    return {
        "id": view.id,
        "contact_id": view.contact_id,
        "contact": view.contact,
        "occurred_at": iso(view.occurred_at),
        "kind": view.kind.value,
        "channel": view.channel.value,
        "direction": view.direction.value,
        "opportunity_id": view.opportunity_id,
        "opportunity": view.opportunity or None,
        "promised_at": iso(view.promised_at),
        "summary": view.summary,
        "settled": [_follow_up_note_json(note) for note in view.settled],
        "planned": [_follow_up_note_json(note) for note in view.planned],
    }


def _change_json(change: ConversationChange) -> dict[str, Any]:
    """What correcting or deleting a conversation did, for scripts."""
    return {
        "conversation": _conversation_json(change.conversation),
        **{
            name: [_follow_up_note_json(note) for note in getattr(change, name)]
            for name in ("reopened", "settled", "planned", "moved", "cancelled")
        },
    }


def _show_view(view: ConversationView) -> None:
    from crm.domain.conversations import view_fields

    echo(f"Conversation #{view.id}")
    for label, text in view_fields(view, user_zone()):
        if label == "Summary" and "\n" in text:
            echo(f"{label}:")
            for line in text.splitlines():
                echo(f"  {line}")
        else:
            echo(f"{label}: {text}")


@conversation.command("show")
@click.argument("conversation_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def conversation_show(ctx: click.Context, conversation_id: int, as_json: bool) -> None:
    """Show conversation ID in full: every field, the whole summary, what it settled and
    planned."""
    from crm.services import conversation_edits

    database(ctx)
    try:
        view = conversation_edits.get_conversation(conversation_id)
    except conversation_edits.ConversationNotFound as error:
        fail(str(error))
    if as_json:
        echo_json(_conversation_json(view))
    else:
        _show_view(view)


@conversation.command("edit")
@click.argument("conversation_id", metavar="ID", type=int)
@click.option("--summary", default=None, help="What was said (replaces the summary).")
@click.option("--at", "at_text", default=None, metavar="WHEN", help="When it happened.")
@click.option("--kind", type=enum_choice(InteractionKind), default=None)
@click.option("--channel", type=enum_choice(Channel), default=None)
@click.option(
    "--inbound/--outbound",
    "inbound",
    default=None,
    help="They reached out (a reply), or you did.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def conversation_edit(
    ctx: click.Context,
    conversation_id: int,
    summary: str | None,
    at_text: str | None,
    kind: str | None,
    channel: str | None,
    inbound: bool | None,
    as_json: bool,
) -> None:
    """Correct conversation ID; what it settled and planned follows the correction."""
    from crm.domain.conversations import ConversationEdit, change_lines
    from crm.domain.validation import InvalidInput
    from crm.services import conversation_edits

    if all(value is None for value in (summary, at_text, kind, channel, inbound)):
        fail("Say what to change: --summary, --at, --kind, --channel, --inbound or --outbound.")
    database(ctx)
    edit = ConversationEdit(
        occurred_at=parse_moment(ctx, at_text, "--at", "past") if at_text else None,
        channel=Channel(channel) if channel else None,
        kind=InteractionKind(kind) if kind else None,
        direction=None
        if inbound is None
        else (Direction.INBOUND if inbound else Direction.OUTBOUND),
        summary=summary,
    )
    try:
        change = conversation_edits.edit_conversation(conversation_id, edit, now=now_of(ctx))
    except (InvalidInput, conversation_edits.ConversationNotFound) as error:
        fail(str(error))
    if as_json:
        echo_json(_change_json(change))
    else:
        for line in change_lines(change, tz=user_zone()):
            echo(line)


@conversation.command("delete")
@click.argument("conversation_id", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Delete without asking (required).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def conversation_delete(ctx: click.Context, conversation_id: int, yes: bool, as_json: bool) -> None:
    """Delete conversation ID: what it settled is to do again, what it planned is cancelled."""
    from crm.domain.conversations import change_lines
    from crm.services import conversation_edits

    database(ctx)
    try:
        conversation_edits.get_conversation(conversation_id)
    except conversation_edits.ConversationNotFound as error:
        fail(str(error))
    if not yes:
        fail(f"Add --yes to delete conversation #{conversation_id}; it can't be undone here.")
    deleted = conversation_edits.delete_conversation(conversation_id, now=now_of(ctx))
    assert deleted.change is not None
    if as_json:
        echo_json(_change_json(deleted.change))
    else:
        for line in change_lines(deleted.change, tz=user_zone(), deleted=True):
            echo(line)
