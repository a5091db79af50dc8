"""Reading a logged conversation in full, correcting it and deleting it (with undo).

Each change re-derives the follow-ups: what the conversation settled is reopened and settled
again by whatever still settles it, what it planned moves with it or is cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crm.clock import utc_now
from crm.db.models import Contact, FollowUp, Interaction, Opportunity
from crm.db.typed import dicts, tuples
from crm.domain.conversations import (
    CANCELLED_BY_UNLOG,
    ConversationChange,
    ConversationEdit,
    ConversationView,
    edited_touch,
    first_settler,
    note_after_edit,
    shifted,
)
from crm.domain.followups import (
    Touch,
    note_after_thank_you,
    reconcile_on_touch,
)
from crm.domain.types import Channel, Direction, FollowUpKind, InteractionKind
from crm.domain.validation import InvalidInput, note_text
from crm.services.followups import (
    create_follow_ups,
    follow_up_notes,
    opportunity_title,
    pending_of,
)
from crm.services.tx import reading, writing


class ConversationNotFound(LookupError):
    """No conversation has that id."""


@dataclass(frozen=True)
class DeletedConversation:
    """What deleting a conversation did, so the delete can be undone exactly."""

    conversation_id: int
    name: str
    """Whom it was with, for "… is back"."""
    row: dict[str, Any]
    planned_ids: tuple[int, ...] = ()
    """Everything it planned (its ``origin`` is cleared with it)."""
    reopened_ids: tuple[int, ...] = ()
    """What it had settled, reopened (or settled by another conversation) by the delete."""
    cancelled_ids: tuple[int, ...] = ()
    """What it planned that was still to do, cancelled by the delete."""
    created_ids: tuple[int, ...] = ()
    """Notes planned because another conversation now settles a thank-you this one had."""
    change: ConversationChange | None = field(default=None, compare=False)


def _interaction(conversation_id: int) -> Interaction:
    found = Interaction.get_or_none(Interaction.id == conversation_id)
    if found is None:
        raise ConversationNotFound(f"There is no conversation #{conversation_id}.")
    return found


def _touch(row: Interaction) -> Touch:
    return Touch(
        occurred_at=row.occurred_at,
        channel=Channel(row.channel),
        kind=InteractionKind(row.kind),
        direction=Direction(row.direction),
        opportunity_id=row.opportunity_id,
    )


def _view(conversation_id: int) -> ConversationView:
    row = _interaction(conversation_id)
    contact = Contact.get_by_id(row.contact_id)
    title = ""
    if row.opportunity_id is not None:
        opportunity = Opportunity.get_or_none(Opportunity.id == row.opportunity_id)
        if opportunity is not None:
            title = opportunity_title(opportunity.role, opportunity.company.name)
    settled = [
        fid for (fid,) in tuples(FollowUp.select(FollowUp.id).where(FollowUp.settled_by == row.id))
    ]
    planned = [
        fid for (fid,) in tuples(FollowUp.select(FollowUp.id).where(FollowUp.origin == row.id))
    ]
    return ConversationView(
        id=row.id,
        contact_id=row.contact_id,
        contact=contact.name,
        occurred_at=row.occurred_at,
        channel=Channel(row.channel),
        kind=InteractionKind(row.kind),
        direction=Direction(row.direction),
        summary=row.summary,
        opportunity_id=row.opportunity_id,
        opportunity=title,
        promised_at=row.promised_at,
        created_at=row.created_at,
        settled=tuple(follow_up_notes(sorted(settled))),
        planned=tuple(follow_up_notes(sorted(planned))),
    )


def get_conversation(conversation_id: int) -> ConversationView:
    """A logged conversation in full, with what it settled and planned."""
    with reading():
        return _view(conversation_id)


def _reopen_settled(conversation_id: int) -> list[int]:
    """Reopen what the conversation settled; returns their ids."""
    ids = [
        fid
        for (fid,) in tuples(
            FollowUp.select(FollowUp.id).where(FollowUp.settled_by == conversation_id)
        )
    ]
    if ids:
        FollowUp.update(done_at=None, settled_by=None).where(FollowUp.id.in_(ids)).execute()
    return ids


def _settle_by_others(
    contact_id: int, follow_up_ids: list[int], *, except_id: int, now: datetime
) -> tuple[set[int], list[int]]:
    """Let the contact's other conversations settle the reopened follow-ups they settle, and
    plan the handwritten note a thank-you e-mail settled that way calls for. Returns the ids
    settled and the notes created."""
    wanted = set(follow_up_ids)
    pending = pending_of(contact_id)
    reopened = [f for f in pending if f.id in wanted]
    if not reopened:
        return set(), []
    others = [
        (row.id, _touch(row))
        for row in Interaction.select().where(
            (Interaction.contact == contact_id) & (Interaction.id != except_id)
        )
    ]
    settled: set[int] = set()
    created: list[int] = []
    for follow_up in reopened:
        found = first_settler(follow_up, others)
        if found is None:
            continue
        settler_id, touch = found
        FollowUp.update(done_at=touch.occurred_at, settled_by=settler_id).where(
            FollowUp.id == follow_up.id
        ).execute()
        settled.add(follow_up.id)
        if follow_up.kind is FollowUpKind.THANK_YOU_EMAIL:
            still_open = [f for f in pending_of(contact_id) if f.id != follow_up.id]
            note = note_after_thank_you(
                contact_id, follow_up, touch.occurred_at, still_open, touch.opportunity_id
            )
            if note is not None:
                created += create_follow_ups([note], origin_id=settler_id, now=now)
    return settled, created


def _pending_planned(conversation_id: int) -> list[tuple[int, str, bool, bool]]:
    """What the conversation planned: id, kind, whether still to do, and whether an earlier
    correction cancelled it (it may be called for again)."""
    return [
        (fid, kind, done is None, cancelled_by == CANCELLED_BY_UNLOG)
        for fid, kind, done, cancelled_by in tuples(
            FollowUp.select(
                FollowUp.id, FollowUp.kind, FollowUp.done_at, FollowUp.cancelled_by
            ).where(FollowUp.origin == conversation_id)
        )
    ]


def _cancel(ids: list[int], now: datetime) -> None:
    if ids:
        FollowUp.update(done_at=now, cancelled_by=CANCELLED_BY_UNLOG).where(
            FollowUp.id.in_(ids)
        ).execute()


def edit_conversation(
    conversation_id: int,
    edit: ConversationEdit,
    *,
    now: datetime | None = None,
) -> ConversationChange:
    """Correct a logged conversation and re-derive what it settled and planned.

    Its follow-ups are reopened and settled again as the corrected conversation settles them
    (a conversation no longer a thank-you e-mail brings "Send a thank-you e-mail" back), the
    handwritten note follows the thank-you (moved, planned or cancelled), and a next touch
    still to do moves with the conversation's time.
    """
    moment = now or utc_now()
    if edit.occurred_at is not None and edit.occurred_at > moment.replace(second=59):
        raise InvalidInput("A conversation can't have happened in the future; that's a follow-up.")
    summary = note_text(edit.summary) if edit.summary is not None else None
    with writing():
        row = _interaction(conversation_id)
        if edit.change_opportunity and edit.opportunity_id is not None:
            if Opportunity.get_or_none(Opportunity.id == edit.opportunity_id) is None:
                raise InvalidInput(f"There is no opportunity #{edit.opportunity_id}.")
        old = _touch(row)
        new = edited_touch(old, edit)
        changes: dict[Any, Any] = {}
        if summary is not None and summary != row.summary:
            changes[Interaction.summary] = summary
        if new != old:
            changes |= {
                Interaction.occurred_at: new.occurred_at,
                Interaction.channel: new.channel.value,
                Interaction.kind: new.kind.value,
                Interaction.direction: new.direction.value,
                Interaction.opportunity: new.opportunity_id,
            }
        if changes:
            Interaction.update(changes).where(Interaction.id == conversation_id).execute()
        if new == old:
            return ConversationChange(_view(conversation_id))
        return _rederive(row, old, new, now=moment)


def _rederive(row: Interaction, old: Touch, new: Touch, *, now: datetime) -> ConversationChange:
    contact_id = row.contact_id
    before = set(_reopen_settled(row.id))
    planned = _pending_planned(row.id)
    own = {fid for fid, *_ in planned}
    pending = [f for f in pending_of(contact_id) if f.id not in own]
    outcome = reconcile_on_touch(contact_id, new, pending, next_touch=None)
    if outcome.close_ids:
        FollowUp.update(done_at=new.occurred_at, settled_by=row.id).where(
            FollowUp.id.in_(list(outcome.close_ids))
        ).execute()
    now_settled = set(outcome.close_ids)
    by_others, created = _settle_by_others(
        contact_id, sorted(before - now_settled), except_id=row.id, now=now
    )
    notes = [
        (fid, pending_now or unlogged)
        for fid, kind, pending_now, unlogged in planned
        if kind == FollowUpKind.HANDWRITTEN_NOTE.value
    ]
    wanted = next((p for p in outcome.create if p.kind is FollowUpKind.HANDWRITTEN_NOTE), None)
    decision = note_after_edit(wanted, notes)
    moved: list[int] = []
    if decision.move is not None:
        fid, plan = decision.move
        FollowUp.update(
            window_start=plan.window_start,
            window_end=plan.window_end,
            done_at=None,
            cancelled_by="",
        ).where(FollowUp.id == fid).execute()
        moved.append(fid)
    if decision.create is not None:
        created += create_follow_ups([decision.create], origin_id=row.id, now=now)
    still_to_do = {fid for fid, _, pending_now, _ in planned if pending_now}
    cancelled = [fid for fid in decision.cancel if fid in still_to_do]
    _cancel(cancelled, now)
    by = new.occurred_at - old.occurred_at
    if by and row.promised_at is None:
        for fid, kind, pending_now, _ in planned:
            if kind == FollowUpKind.CHECK_IN.value and pending_now:
                follow_up = FollowUp.get_by_id(fid)
                start, end = shifted(follow_up.window_start, follow_up.window_end, by)
                FollowUp.update(window_start=start, window_end=end).where(
                    FollowUp.id == fid
                ).execute()
                moved.append(fid)
    return ConversationChange(
        conversation=_view(row.id),
        reopened=tuple(follow_up_notes(sorted(before - now_settled - by_others))),
        settled=tuple(follow_up_notes(sorted(now_settled - before))),
        planned=tuple(follow_up_notes(created)),
        moved=tuple(follow_up_notes(moved)),
        cancelled=tuple(follow_up_notes(cancelled)),
    )


def delete_conversation(
    conversation_id: int, *, now: datetime | None = None
) -> DeletedConversation:
    """Delete a logged conversation and undo what it did: what it settled is to do again
    (unless another conversation settles it), what it planned and is still to do is cancelled.
    It no longer counts as a touch. Returns what's needed to undo the delete."""
    moment = now or utc_now()
    with writing():
        view = _view(conversation_id)
        row = next(iter(dicts(Interaction.select().where(Interaction.id == conversation_id))))
        reopened = _reopen_settled(conversation_id)
        planned = _pending_planned(conversation_id)
        cancelled = [fid for fid, _, pending_now, _ in planned if pending_now]
        _cancel(cancelled, moment)
        Interaction.delete().where(Interaction.id == conversation_id).execute()
        by_others, created = _settle_by_others(
            view.contact_id, reopened, except_id=conversation_id, now=moment
        )
        change = ConversationChange(
            conversation=view,
            reopened=tuple(follow_up_notes([f for f in reopened if f not in by_others])),
            planned=tuple(follow_up_notes(created)),
            cancelled=tuple(follow_up_notes(cancelled)),
        )
        Contact.update(updated_at=moment).where(Contact.id == view.contact_id).execute()
        return DeletedConversation(
            conversation_id=conversation_id,
            name=view.contact,
            row=row,
            planned_ids=tuple(fid for fid, *_ in planned),
            reopened_ids=tuple(reopened),
            cancelled_ids=tuple(cancelled),
            created_ids=tuple(created),
            change=change,
        )


def restore_conversation(deleted: DeletedConversation) -> ConversationView:
    """Undo a delete: the conversation comes back with its id, settles again what it settled,
    and what the delete cancelled or planned is undone."""
    with writing():
        if Interaction.get_or_none(Interaction.id == deleted.conversation_id) is not None:
            raise InvalidInput(f"Conversation #{deleted.conversation_id} is already back.")
        if Contact.get_or_none(Contact.id == deleted.row["contact"]) is None:
            raise InvalidInput(f"{deleted.name} was deleted since; bring them back first.")
        Interaction.insert(deleted.row).execute()
        cid = deleted.conversation_id
        if deleted.created_ids:
            FollowUp.delete().where(
                FollowUp.id.in_(list(deleted.created_ids)) & FollowUp.done_at.is_null()
            ).execute()
        if deleted.reopened_ids:
            FollowUp.update(
                done_at=deleted.row["occurred_at"], settled_by=cid, cancelled_by=""
            ).where(
                FollowUp.id.in_(list(deleted.reopened_ids))
                & (FollowUp.done_at.is_null() | FollowUp.settled_by.is_null(False))
            ).execute()
        if deleted.planned_ids:
            FollowUp.update(origin=cid).where(FollowUp.id.in_(list(deleted.planned_ids))).execute()
        if deleted.cancelled_ids:
            FollowUp.update(done_at=None, cancelled_by="").where(
                FollowUp.id.in_(list(deleted.cancelled_ids))
                & (FollowUp.cancelled_by == CANCELLED_BY_UNLOG)
            ).execute()
        return _view(cid)


__all__ = [
    "ConversationNotFound",
    "DeletedConversation",
    "delete_conversation",
    "edit_conversation",
    "get_conversation",
    "restore_conversation",
]
