"""A logged conversation read back, corrected or deleted, and what that does to follow-ups.

Logging settles follow-ups and plans new ones (``followups.reconcile_on_touch``); correcting or
deleting the conversation re-derives them, so what it settled comes back when it no longer
settles it, and what it planned moves or is cancelled with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from crm.domain.followups import PendingFollowUp, PlannedFollowUp, Touch, closes
from crm.domain.playbook import follow_up_text, short_moment
from crm.domain.types import Channel, Direction, FollowUpNote, InteractionKind
from crm.domain.zones import to_local

CANCELLED_BY_UNLOG = "unlog"
"""FollowUp.cancelled_by for what a conversation planned, cancelled when it was deleted or
corrected so that it no longer calls for it."""


@dataclass(frozen=True)
class ConversationView:
    """One logged conversation in full, with the follow-ups it settled and planned."""

    id: int
    contact_id: int
    contact: str
    occurred_at: datetime
    channel: Channel
    kind: InteractionKind
    direction: Direction
    summary: str
    opportunity_id: int | None = None
    opportunity: str = ""
    promised_at: datetime | None = None
    created_at: datetime | None = None
    settled: tuple[FollowUpNote, ...] = ()
    planned: tuple[FollowUpNote, ...] = ()


@dataclass(frozen=True)
class ConversationEdit:
    """What to change in a logged conversation; None leaves a field as it is."""

    occurred_at: datetime | None = None
    channel: Channel | None = None
    kind: InteractionKind | None = None
    direction: Direction | None = None
    summary: str | None = None
    opportunity_id: int | None = None
    change_opportunity: bool = False
    """Whether ``opportunity_id`` is the new opportunity (None then means none)."""


@dataclass(frozen=True)
class ConversationChange:
    """What correcting or deleting a conversation did to its follow-ups."""

    conversation: ConversationView
    reopened: tuple[FollowUpNote, ...] = ()
    settled: tuple[FollowUpNote, ...] = ()
    planned: tuple[FollowUpNote, ...] = ()
    moved: tuple[FollowUpNote, ...] = ()
    cancelled: tuple[FollowUpNote, ...] = ()


def edited_touch(touch: Touch, edit: ConversationEdit) -> Touch:
    """The touch as the edit leaves it."""
    return Touch(
        occurred_at=edit.occurred_at or touch.occurred_at,
        channel=edit.channel or touch.channel,
        kind=edit.kind or touch.kind,
        direction=edit.direction or touch.direction,
        opportunity_id=edit.opportunity_id if edit.change_opportunity else touch.opportunity_id,
    )


def first_settler(
    follow_up: PendingFollowUp, touches: Iterable[tuple[int, Touch]]
) -> tuple[int, Touch] | None:
    """The earliest of ``touches`` (id, touch) that settles ``follow_up``, if any: what settles a
    follow-up a deleted or corrected conversation no longer settles."""
    ordered = sorted(touches, key=lambda pair: (pair[1].occurred_at, pair[0]))
    return next((pair for pair in ordered if closes(pair[1], follow_up)), None)


def shifted(start: datetime, end: datetime, by: timedelta) -> tuple[datetime, datetime]:
    """A window moved with the conversation it was planned from."""
    return start + by, end + by


@dataclass(frozen=True)
class NoteDecision:
    """What happens to the handwritten note a corrected conversation planned."""

    move: tuple[int, PlannedFollowUp] | None = None
    create: PlannedFollowUp | None = None
    cancel: tuple[int, ...] = ()


def note_after_edit(
    wanted: PlannedFollowUp | None, own_notes: Sequence[tuple[int, bool]]
) -> NoteDecision:
    """Reconcile the note the corrected conversation now calls for (``wanted``) with the notes
    it planned before (``own_notes``: id and whether still pending).

    A pending note moves to the new window rather than being cancelled and planned again; one
    already written stays, and no second one is planned; a note no longer called for is
    cancelled (kept in history).
    """
    pending = [fid for fid, is_pending in own_notes if is_pending]
    if wanted is None:
        return NoteDecision(cancel=tuple(pending))
    if pending:
        return NoteDecision(move=(pending[0], wanted), cancel=tuple(pending[1:]))
    if own_notes:
        return NoteDecision()
    return NoteDecision(create=wanted)


def change_lines(change: ConversationChange, *, tz: tzinfo, deleted: bool = False) -> list[str]:
    """What correcting or deleting a conversation did, one sentence a line."""
    view = change.conversation
    verb = "Deleted" if deleted else "Saved"
    lines = [f"{verb} conversation #{view.id} with {view.contact}."]
    lines += [f"Back to do: {follow_up_text(note)} (#{note.id})." for note in change.reopened]
    lines += [f"Settled: {follow_up_text(note)} (#{note.id})." for note in change.settled]
    lines += [
        f"Planned: {follow_up_text(note)}, due {short_moment(note.window_start, tz)} (#{note.id})."
        for note in change.planned
    ]
    lines += [
        f"Moved: {follow_up_text(note)}, now due {short_moment(note.window_start, tz)}"
        f" (#{note.id})."
        for note in change.moved
    ]
    lines += [f"Cancelled: {follow_up_text(note)} (#{note.id})." for note in change.cancelled]
    return lines


__all__ = [
    "CANCELLED_BY_UNLOG",
    "ConversationChange",
    "ConversationEdit",
    "ConversationView",
    "NoteDecision",
    "change_lines",
    "edited_touch",
    "first_settler",
    "local_moment",
    "note_after_edit",
    "shifted",
    "view_fields",
]


def local_moment(moment: datetime, tz: tzinfo) -> str:
    """A stored (naive UTC) moment in full, in the user's zone: "Tue 17 Nov 2026 20:15"."""
    return to_local(moment, tz).strftime("%a %d %b %Y %H:%M")


def view_fields(view: ConversationView, tz: tzinfo) -> list[tuple[str, str]]:
    """The conversation's fields as (label, text), the summary last and whole."""
    fields = [
        ("When", local_moment(view.occurred_at, tz)),
        ("Contact", view.contact),
        ("Kind", view.kind.value),
        ("Channel", view.channel.value),
        (
            "Direction",
            "they reached out" if view.direction is Direction.INBOUND else "you reached out",
        ),
        (
            "Opportunity",
            f"{view.opportunity} (#{view.opportunity_id})" if view.opportunity else "—",
        ),
    ]
    if view.promised_at is not None:
        fields.append(("They'll reply by", local_moment(view.promised_at, tz)))
    fields += [("Settled", f"{follow_up_text(n)} (#{n.id})") for n in view.settled]
    fields += [
        ("Planned", f"{follow_up_text(n)}, due {short_moment(n.window_start, tz)} (#{n.id})")
        for n in view.planned
    ]
    fields.append(("Summary", view.summary or "—"))
    return fields
