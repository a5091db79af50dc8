"""Logging conversations (and what they do to follow-ups), finding contacts, timelines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db import db
from crm.db.models import (
    Company,
    Contact,
    FollowUp,
    Interaction,
    Interview,
    InterviewInterviewer,
    Opportunity,
    OpportunityPerson,
)
from crm.db.typed import tuples
from crm.domain.casual import CasualStatus, casual_touch_status
from crm.domain.conversations import CANCELLED_BY_UNLOG
from crm.domain.followups import (
    Touch,
    default_next_touch,
    follow_up_state,
    promise_follow_up_at,
    reconcile_on_touch,
)
from crm.domain.playbook import TITLES, promise_note, title_of, why_of
from crm.domain.ring import log_gives_up_ring
from crm.domain.text import sort_key
from crm.domain.types import (
    CANCELLED_BY_CLOSE,
    CANCELLED_BY_PHONE,
    CANCELLED_BY_REOPEN,
    CLOSED_STAGES,
    ContactDetail,
    FollowUpKind,
    FollowUpState,
    InteractionKind,
    LogDraft,
    LogResult,
    LogWarning,
    LogWarningKind,
    Stage,
    TimelineEntry,
)
from crm.domain.validation import InvalidInput, note_text
from crm.services.contacts import ContactNotFound, get_contact
from crm.services.followups import create_follow_ups, follow_up_notes, opportunity_title, pending_of
from crm.services.tx import reading, writing

TIMELINE_LIMIT = 300
FOLLOW_UP_TITLES = TITLES


class AmbiguousContact(LookupError):
    """A name matched several contacts; ``candidates`` lists (id, name, company)."""

    def __init__(self, text: str, candidates: list[tuple[int, str, str]]) -> None:
        super().__init__(f"“{text}” matches {len(candidates)} contacts.")
        self.candidates = candidates


class UnknownContact(LookupError):
    """No contact matches."""


def follow_up_title(kind: FollowUpKind) -> str:
    """What a follow-up asks the user to do, in words."""
    return title_of(kind)


def resolve_contact(text: str) -> int:
    """A contact id from an id or an unambiguous name (exact, then folded, then search)."""
    text = text.strip()
    if not text:
        raise UnknownContact("Name a contact (or give its id).")
    with reading():
        if text.isdigit():
            if Contact.get_or_none(Contact.id == int(text)) is not None:
                return int(text)
            raise UnknownContact(f"There is no contact #{text}.")
        query = Contact.select(Contact.id, Contact.name, fn.COALESCE(Company.name, "")).join(
            Company, JOIN.LEFT_OUTER
        )
        for condition in (Contact.name == text, Contact.sort_key == sort_key(text)):
            found = list(tuples(query.where(condition)))
            if len(found) == 1:
                return int(found[0][0])
            if len(found) > 1:
                raise AmbiguousContact(text, found)
    from crm.services.contacts import search_contacts

    matches = search_contacts(text, limit=10)
    if len(matches) == 1:
        return matches[0].id
    if not matches:
        raise UnknownContact(f"No contact matches “{text}”.")
    raise AmbiguousContact(text, [(m.id, m.name, m.company) for m in matches])


# Plain SQL: each logged conversation asks, and building the Peewee query with its three
# subqueries cost ten times what SQLite takes to answer it.
_OPEN_OPPORTUNITIES_SQL = (
    "SELECT id FROM opportunity WHERE stage NOT IN ({closed}) AND id IN ("
    " SELECT opportunity_id FROM opportunity_person WHERE contact_id = :contact"
    " UNION SELECT v.opportunity_id FROM interview v"
    " JOIN interview_interviewer x ON x.interview_id = v.id WHERE x.contact_id = :contact"
    " UNION SELECT opportunity_id FROM follow_up"
    " WHERE contact_id = :contact AND done_at IS NULL)"
    " ORDER BY id"
)


def open_opportunities_of(contact_id: int) -> list[int]:
    """Open opportunities this contact takes part in: interviewer, referrer or pending thread."""
    closed = {f"closed{n}": stage.value for n, stage in enumerate(CLOSED_STAGES)}
    sql = _OPEN_OPPORTUNITIES_SQL.format(closed=", ".join(f":{name}" for name in closed))
    with reading():
        rows = db.execute_sql(sql, {"contact": contact_id, **closed}).fetchall()
    return [int(oid) for (oid,) in rows]


def log_conversation(
    draft: LogDraft, *, now: datetime | None = None, tz: tzinfo = UTC
) -> LogResult:
    """Save a conversation, settle the follow-ups it answers and schedule the next touch.

    Never give up the ring: a conversation about an open opportunity must leave a next touch
    owned by the user, the default one (two business days) when none is given, unless the user
    says why not; then it is logged with a warning. Their promise ("I'll reply by Thursday")
    plans the user's follow-up the next business morning after it. A referrer or someone who
    pulled strings (not an interviewer) needs no ring: thanking them starts no check-in chain.
    With none of these, a commitment with a day in the summary ("I'll call you on Thursday",
    «наберу вам в пятницу») is the next touch, for an open process or a contact without one.
    """
    moment = now or utc_now()
    summary = note_text(draft.summary)
    if draft.occurred_at > moment.replace(second=59):
        raise InvalidInput("A conversation can't be logged in the future; that's a follow-up.")
    if draft.promised_at is not None and draft.no_next_reason.strip():
        raise InvalidInput(
            "Give their promise or no next touch, not both: a promise plans your follow-up."
        )
    with writing():
        # Plain SQL: only the name is wanted, and a whole Contact row through Peewee cost
        # a mail import more than the rest of logging the conversation.
        found = db.execute_sql(
            "SELECT name FROM contact WHERE id = ?", (draft.contact_id,)
        ).fetchone()
        if found is None:
            raise InvalidInput(f"There is no contact #{draft.contact_id}.")
        contact_name = str(found[0])
        opportunity_id = draft.opportunity_id
        if opportunity_id is None and draft.infer_opportunity:
            candidates = open_opportunities_of(draft.contact_id)
            opportunity_id = candidates[0] if len(candidates) == 1 else None
        opportunity = (
            None
            if opportunity_id is None
            else Opportunity.get_or_none(Opportunity.id == opportunity_id)
        )
        if draft.opportunity_id is not None and opportunity is None:
            raise InvalidInput(f"There is no opportunity #{draft.opportunity_id}.")
        is_open = opportunity is not None and Stage(opportunity.stage).is_open
        needs_ring = is_open and not _helps_without_interviewing(draft.contact_id, opportunity_id)
        next_touch = draft.next_touch
        next_note = ""
        if draft.promised_at is not None:
            next_note = promise_note(contact_name, draft.promised_at, tz=tz)
            if next_touch is None:
                next_touch = promise_follow_up_at(draft.promised_at, tz=tz)
        if (
            draft.read_commitment
            and next_touch is None
            and draft.promised_at is None
            and not draft.no_next_reason.strip()
            and (is_open or opportunity is None)
        ):
            # The user's own words ("I'll call you on Thursday") name the next touch.
            next_touch = committed_day(summary, said_at=draft.occurred_at, tz=tz)
        if next_touch is None and needs_ring and not draft.no_next_reason.strip():
            if not draft.use_default_next:
                raise InvalidInput(
                    "This opportunity is open: give a next touch, or say why not "
                    "(never give up the ring)."
                )
            next_touch = default_next_touch(draft.occurred_at, tz=tz)
        interaction_id = int(
            Interaction.insert(
                contact=draft.contact_id,
                opportunity=opportunity_id,
                occurred_at=draft.occurred_at,
                channel=draft.channel.value,
                kind=draft.kind.value,
                direction=draft.direction.value,
                summary=summary,
                promised_at=draft.promised_at,
                created_at=moment,
                message_id=draft.message_id,
            ).execute()
        )
        touch = Touch(
            occurred_at=draft.occurred_at,
            channel=draft.channel,
            kind=draft.kind,
            direction=draft.direction,
            opportunity_id=opportunity_id,
        )
        outcome = reconcile_on_touch(
            draft.contact_id,
            touch,
            pending_of(draft.contact_id),
            next_touch=next_touch,
            next_touch_note=next_note,
            tz=tz,
        )
        if outcome.close_ids:
            FollowUp.update(done_at=draft.occurred_at, settled_by=interaction_id).where(
                FollowUp.id.in_(list(outcome.close_ids))
            ).execute()
        created = create_follow_ups(outcome.create, origin_id=interaction_id, now=moment)
        Contact.update(updated_at=moment).where(Contact.id == draft.contact_id).execute()
        warnings: list[LogWarning] = []
        if opportunity is not None and is_open:
            title = opportunity_title(opportunity.role, opportunity.company.name)
            if needs_ring and log_gives_up_ring(Stage(opportunity.stage), next_touch):
                warnings.append(LogWarning(LogWarningKind.RING_GIVEN_UP, title))
            if draft.kind is InteractionKind.CASUAL:
                casual = _casual_touches(draft.contact_id, opportunity_id)
                if casual_touch_status(casual - 1) is CasualStatus.TOO_MANY:
                    warnings.append(
                        LogWarning(LogWarningKind.CASUAL_BUDGET, title, contact_name, casual)
                    )
        return LogResult(
            interaction_id=interaction_id,
            opportunity_id=opportunity_id,
            closed_follow_up_ids=outcome.close_ids,
            created_follow_up_ids=tuple(created),
            contact=contact_name,
            channel=draft.channel,
            kind=draft.kind,
            settled=tuple(follow_up_notes(outcome.close_ids)),
            planned=tuple(follow_up_notes(created)),
            warnings=tuple(warnings),
            promised_at=draft.promised_at,
        )


def committed_day(summary: str, *, said_at: datetime, tz: tzinfo) -> datetime | None:
    """The day the user committed to in ``summary`` (naive UTC), or None when none is named."""
    # Imported here: the checker loads the date parser, which the app's first frame doesn't need.
    from crm.domain.ring_check import find_commitment

    commitment = find_commitment(summary, said_at=said_at, tz=tz)
    return commitment.due if commitment is not None else None


def _helps_without_interviewing(contact_id: int, opportunity_id: int | None) -> bool:
    """Whether the contact referred the user (or pulled strings) and didn't interview them."""
    if opportunity_id is None:
        return False
    helps = (
        OpportunityPerson.select()
        .where(
            (OpportunityPerson.opportunity == opportunity_id)
            & (OpportunityPerson.contact == contact_id)
        )
        .exists()
    )
    if not helps:
        return False
    return not (
        InterviewInterviewer.select()
        .join(Interview)
        .where(
            (Interview.opportunity == opportunity_id) & (InterviewInterviewer.contact == contact_id)
        )
        .exists()
    )


def _casual_touches(contact_id: int, opportunity_id: int | None) -> int:
    """Casual touches logged with this person in this process, the one just logged included."""
    return (
        Interaction.select()
        .where(
            (Interaction.contact == contact_id)
            & (Interaction.opportunity == opportunity_id)
            & (Interaction.kind == InteractionKind.CASUAL.value)
        )
        .count()
    )


# The timeline follows the list's cursor, so it is read with plain SQL: building the three
# Peewee queries and converting their rows cost more than SQLite takes to run them.
_TIMELINE_SQL = {
    "interaction": (
        "SELECT i.id, i.occurred_at, i.contact_id, c.name, i.channel, i.kind, i.direction,"
        " i.summary, o.role, co.name"
        " FROM interaction i JOIN contact c ON c.id = i.contact_id"
        " LEFT JOIN opportunity o ON o.id = i.opportunity_id"
        " LEFT JOIN company co ON co.id = o.company_id"
        " WHERE {where} ORDER BY i.occurred_at DESC LIMIT :limit"
    ),
    "follow-up": (
        "SELECT f.id, f.kind, f.contact_id, c.name, f.window_start, f.window_end, f.done_at,"
        " f.snoozed_until, f.note, o.role, co.name, f.cancelled_by, f.opportunity_id"
        " FROM follow_up f JOIN contact c ON c.id = f.contact_id"
        " LEFT JOIN opportunity o ON o.id = f.opportunity_id"
        " LEFT JOIN company co ON co.id = o.company_id"
        " WHERE {where} ORDER BY f.window_end DESC LIMIT :limit"
    ),
    "interview": (
        "SELECT v.id, v.starts_at, v.kind, v.done_at, v.cancelled_at, o.role, co.name"
        " FROM interview v JOIN opportunity o ON o.id = v.opportunity_id"
        " JOIN company co ON co.id = o.company_id"
        " WHERE {where} ORDER BY v.starts_at DESC LIMIT :limit"
    ),
}
_TIMELINE_WHERE = {
    "contact": {
        "interaction": "i.contact_id = :subject",
        "follow-up": "f.contact_id = :subject",
        "interview": (
            "v.id IN (SELECT interview_id FROM interview_interviewer WHERE contact_id = :subject)"
        ),
    },
    "opportunity": {
        "interaction": "i.opportunity_id = :subject",
        "follow-up": "f.opportunity_id = :subject",
        "interview": "v.opportunity_id = :subject",
    },
    "everything": {"interaction": "1", "follow-up": "f.done_at IS NULL", "interview": "1"},
}


def _moment(value: str | None) -> datetime | None:
    """A stored timestamp (naive UTC text, as Peewee writes it) as a datetime."""
    return None if value is None else datetime.fromisoformat(value)


def timeline(
    *,
    contact_id: int | None = None,
    opportunity_id: int | None = None,
    now: datetime | None = None,
    limit: int = TIMELINE_LIMIT,
) -> list[TimelineEntry]:
    """Conversations, follow-ups and interviews, newest first (pending follow-ups by due time).

    With neither id, everything: the most recent of each kind across all contacts.
    """
    moment = now or utc_now()
    if contact_id is not None:
        scope, subject = "contact", contact_id
    elif opportunity_id is not None:
        scope, subject = "opportunity", opportunity_id
    else:
        scope, subject = "everything", 0
    params = {"subject": subject, "limit": limit}

    def rows(what: str) -> list[tuple[Any, ...]]:
        sql = _TIMELINE_SQL[what].format(where=_TIMELINE_WHERE[scope][what])
        return db.execute_sql(sql, params).fetchall()

    entries: list[TimelineEntry] = []
    with reading():
        interactions = rows("interaction")
        follow_ups = rows("follow-up")
        interviews = rows("interview")
    for iid, at, cid, name, channel, kind, direction, summary, role, company in interactions:
        arrow = "←" if direction == "inbound" else "→"
        entries.append(
            TimelineEntry(
                at=datetime.fromisoformat(at),
                what="interaction",
                id=iid,
                contact_id=cid,
                contact=name,
                title=f"{arrow} {kind} by {channel}",
                detail=summary,
                opportunity=opportunity_title(role, company),
            )
        )
    for (
        fid,
        kind,
        cid,
        name,
        start,
        end,
        done,
        snoozed,
        note,
        role,
        company,
        cancelled_by,
        opportunity_id,
    ) in follow_ups:
        window_end = datetime.fromisoformat(end)
        done_at = _moment(done)
        state = follow_up_state(
            datetime.fromisoformat(start),
            window_end,
            done_at=done_at,
            snoozed_until=_moment(snoozed),
            now=moment,
            cancelled_by=cancelled_by or "",
        )
        entries.append(
            TimelineEntry(
                at=done_at if done_at is not None else window_end,
                what="follow-up",
                id=fid,
                contact_id=cid,
                contact=name,
                title=follow_up_title(FollowUpKind(kind)) + cancelled_suffix(cancelled_by or ""),
                detail=note,
                state=state,
                opportunity=opportunity_title(role, company),
                why=why_of(FollowUpKind(kind)),
                follow_up_kind=FollowUpKind(kind),
                opportunity_id=opportunity_id,
            )
        )
    for iid, starts, kind, done, cancelled, role, company in interviews:
        held = "" if done else (" — cancelled" if cancelled else " — scheduled")
        entries.append(
            TimelineEntry(
                at=datetime.fromisoformat(starts),
                what="interview",
                id=iid,
                contact_id=None,
                contact="",
                title=f"Interview{f' ({kind})' if kind else ''}{held}",
                opportunity=opportunity_title(role, company),
            )
        )
    entries.sort(key=lambda e: (e.at, e.id), reverse=True)
    return entries[:limit]


def contact_with_timeline(
    contact_id: int | None,
    *,
    now: datetime,
    first_rows: int,
    cancelled: Callable[[], bool] = lambda: False,
) -> tuple[ContactDetail | None, list[TimelineEntry] | None]:
    """A contact's details with the newest ``first_rows`` of their timeline, on one
    connection; (None, None) for no contact or one that is gone. ``cancelled`` is asked before
    the timeline is read, so a request the user has moved past stops early."""
    detail, entries = None, None
    with reading():  # one connection for the whole trip: opening one isn't free
        if contact_id is not None:
            try:
                detail = get_contact(contact_id, now=now)
            except ContactNotFound:
                detail = None
        if detail is not None and not cancelled():
            entries = timeline(contact_id=detail.id, now=now, limit=first_rows)
    return detail, entries


def is_pending(entry: TimelineEntry) -> bool:
    """Whether a timeline entry is a follow-up still to do."""
    return entry.state not in (None, FollowUpState.DONE, FollowUpState.CANCELLED)


CANCELLED_WHY = {
    CANCELLED_BY_CLOSE: "cancelled (process closed)",
    CANCELLED_BY_REOPEN: "cancelled (process reopened)",
    CANCELLED_BY_UNLOG: "cancelled (its conversation was corrected or deleted)",
    CANCELLED_BY_PHONE: "dismissed (its task was deleted on the phone)",
}
"""How a cancelled follow-up reads in the timeline and `crm` output."""


def cancelled_suffix(cancelled_by: str) -> str:
    """ " — cancelled (process closed)" for a cancelled follow-up, "" for any other."""
    if not cancelled_by:
        return ""
    return f" — {CANCELLED_WHY.get(cancelled_by, 'cancelled')}"
