"""Follow-ups: create them from plans, mark done, snooze, and build the agenda."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from crm.clock import utc_now
from crm.db import db
from crm.db.models import Contact, FollowUp, Interview
from crm.db.typed import as_datetime, as_datetime_or_none, stored_time, tuples
from crm.domain.followups import (
    PendingFollowUp,
    PlannedFollowUp,
    follow_up_state,
    how_late,
    note_after_thank_you,
)
from crm.domain.ring import OpportunityRingView, RingFollowUp, RingInterview, rings_dropped
from crm.domain.types import (
    CLOSED_STAGES,
    Agenda,
    AgendaItem,
    DroppedRing,
    FollowUpKind,
    FollowUpNote,
    FollowUpState,
    Stage,
)
from crm.domain.validation import InvalidInput
from crm.services.process_people import helpers_by_opportunity
from crm.services.tx import reading, writing

UPCOMING_DAYS = 7
AGENDA_LIMIT = 50
"""Follow-ups listed per agenda section, about two pages of the Today view: more than anyone
acts on in a sitting. The rest are counted, not listed."""


class FollowUpNotFound(LookupError):
    """No follow-up has the id asked for."""


def create_follow_ups(
    planned: Iterable[PlannedFollowUp], *, origin_id: int | None = None, now: datetime
) -> list[int]:
    """Insert planned follow-ups; call inside the transaction that caused them."""
    ids = []
    for plan in planned:
        ids.append(
            int(
                FollowUp.insert(
                    contact=plan.contact_id,
                    opportunity=plan.opportunity_id,
                    interview=plan.interview_id,
                    origin=origin_id,
                    kind=plan.kind.value,
                    window_start=plan.window_start,
                    window_end=plan.window_end,
                    note=plan.note,
                    created_at=now,
                ).execute()
            )
        )
    return ids


def _pending(follow_up_id: int) -> FollowUp:
    follow_up = FollowUp.get_or_none(FollowUp.id == follow_up_id)
    if follow_up is None:
        raise FollowUpNotFound(f"There is no follow-up #{follow_up_id}.")
    if follow_up.done_at is not None:
        raise InvalidInput(f"Follow-up #{follow_up_id} is already done.")
    return follow_up


def complete(follow_up_id: int, *, now: datetime | None = None) -> list[FollowUpNote]:
    """Mark a follow-up done; returns the follow-ups that planned.

    A thank-you e-mail marked done was sent then, so the handwritten note follows 24 to 48
    hours after that moment, as if the e-mail had been logged (unless one is already open for
    that person and process).
    """
    moment = now or utc_now()
    with writing():
        follow_up = _pending(follow_up_id)
        is_thank_you = follow_up.kind == FollowUpKind.THANK_YOU_EMAIL.value
        pending = pending_of(follow_up.contact_id) if is_thank_you else []
        FollowUp.update(done_at=moment).where(FollowUp.id == follow_up_id).execute()
        thanked = next((f for f in pending if f.id == follow_up_id), None)
        planned = (
            None
            if thanked is None
            else note_after_thank_you(follow_up.contact_id, thanked, moment, pending)
        )
        if planned is None:
            return []
        return follow_up_notes(create_follow_ups([planned], now=moment))


def follow_up_notes(ids: Iterable[int]) -> list[FollowUpNote]:
    """Follow-ups as a log (or a done) reports them, in the order of ``ids``."""
    wanted = list(ids)
    if not wanted:
        return []
    rows = {
        row[0]: row
        for row in tuples(
            FollowUp.select(
                FollowUp.id,
                FollowUp.kind,
                Contact.name,
                FollowUp.window_start,
                FollowUp.window_end,
                FollowUp.note,
            )
            .join(Contact)
            .where(FollowUp.id.in_(wanted))
        )
    }
    return [
        FollowUpNote(fid, FollowUpKind(kind), name, start, end, note)
        for fid, kind, name, start, end, note in (rows[i] for i in wanted if i in rows)
    ]


# Plain SQL: every logged conversation reads it (twice for a sent e-mail), and building the
# Peewee query cost several times what SQLite takes to answer it.
_PENDING_SQL = (
    "SELECT f.id, f.kind, f.opportunity_id, f.window_start, f.window_end, f.interview_id,"
    " i.occurred_at, v.ends_at"
    " FROM follow_up f LEFT JOIN interaction i ON i.id = f.origin_id"
    " LEFT JOIN interview v ON v.id = f.interview_id"
    " WHERE f.contact_id = ? AND f.done_at IS NULL"
)


def pending_of(contact_id: int) -> list[PendingFollowUp]:
    """A contact's open follow-ups, with the moment each one waits from."""
    rows = db.execute_sql(_PENDING_SQL, (contact_id,)).fetchall()
    return [
        PendingFollowUp(
            id=fid,
            kind=FollowUpKind(kind),
            opportunity_id=oid,
            window_start=as_datetime(start),
            window_end=as_datetime(end),
            interview_id=iid,
            since=as_datetime_or_none(origin_at or interview_end),
        )
        for fid, kind, oid, start, end, iid, origin_at, interview_end in rows
    ]


def snooze(follow_up_id: int, until: datetime, *, now: datetime | None = None) -> None:
    """Hide a follow-up until a later moment, when it comes back as due."""
    moment = now or utc_now()
    if until <= moment:
        raise InvalidInput("Snooze until a moment in the future.")
    with writing():
        _pending(follow_up_id)
        FollowUp.update(snoozed_until=until).where(FollowUp.id == follow_up_id).execute()


def pending_window_end(
    kind: FollowUpKind, contact_id: int, opportunity_id: int | None
) -> datetime | None:
    """When the open follow-up of this kind for this person and opportunity is due, if any."""
    same_opportunity = (
        FollowUp.opportunity.is_null()
        if opportunity_id is None
        else FollowUp.opportunity == opportunity_id
    )
    with reading():
        row = (
            FollowUp.select(FollowUp.window_end)
            .where(
                FollowUp.done_at.is_null()
                & (FollowUp.contact == contact_id)
                & (FollowUp.kind == kind.value)
                & same_opportunity
            )
            .order_by(FollowUp.window_end)
            .tuples()
            .first()
        )
    return row[0] if row else None


def window_end(follow_up_id: int) -> datetime | None:
    """When a follow-up is due (the end of its window), or None if there is no such follow-up."""
    with reading():
        query = FollowUp.select(FollowUp.window_end).where(FollowUp.id == follow_up_id)
        row = query.tuples().first()
    return row[0] if row else None


def opportunity_title(role: str | None, company: str | None) -> str:
    """ "Role at Company", or empty when there is no opportunity."""
    if not role:
        return ""
    return f"{role} at {company}" if company else role


def agenda(
    *, now: datetime | None = None, tz: tzinfo | None = None, limit: int = AGENDA_LIMIT
) -> Agenda:
    """Overdue, due and upcoming follow-ups, and the opportunities that gave up the ring.

    Each section lists its first ``limit`` follow-ups, most pressing first, and counts them all.
    """
    moment = now or utc_now()
    horizon = moment + timedelta(days=UPCOMING_DAYS)
    zone = tz or UTC
    bounds = {"now": stored_time(moment), "horizon": stored_time(horizon), "limit": limit}
    with reading():
        regular = [
            _agenda_item(row, moment, zone)
            for sql in _SECTION_SQL.values()
            for row in db.execute_sql(sql, bounds)
        ]
        ended, started, coming = db.execute_sql(_COUNTS_SQL, bounds).fetchone()
        set_apart = [_agenda_item(row, moment, zone) for row in db.execute_sql(_SET_APART_SQL)]
        dropped = _dropped_rings(moment)
    # The counts include the set-apart follow-ups: take them out by the same tests, then add
    # each where the domain puts it.
    ended -= sum(1 for item in set_apart if item.window_end < moment)
    started -= sum(1 for item in set_apart if item.window_start <= moment)
    coming -= sum(1 for item in set_apart if moment < item.window_start <= horizon)
    totals = {"overdue": ended, "due": started - ended, "upcoming": coming}
    sections: dict[str, list[AgendaItem]] = {section: [] for section in _SECTION_ORDER}
    for item in regular:
        sections[_SECTION_OF[item.state]].append(item)
    for item in set_apart:
        section = _SECTION_OF.get(item.state)
        if section is None or (section == "upcoming" and item.window_start > horizon):
            continue
        sections[section].append(item)
        totals[section] += 1
    listed = {
        section: tuple(sorted(sections[section], key=order)[:limit])
        for section, order in _SECTION_ORDER.items()
    }
    return Agenda(
        overdue=listed["overdue"],
        due=listed["due"],
        upcoming=listed["upcoming"],
        rings_dropped=tuple(dropped),
        overdue_total=totals["overdue"],
        due_total=totals["due"],
        upcoming_total=totals["upcoming"],
    )


def _agenda_item(row: tuple[Any, ...], now: datetime, tz: tzinfo) -> AgendaItem:
    """A follow-up row as the agenda shows it; the domain says where it stands."""
    fid, cid, name, kind, start_text, end_text, snoozed_text, oid, role, company, note = row
    start, end = as_datetime(start_text), as_datetime(end_text)
    snoozed = as_datetime(snoozed_text) if snoozed_text is not None else None
    state = follow_up_state(start, end, done_at=None, snoozed_until=snoozed, now=now, tz=tz)
    return AgendaItem(
        id=fid,
        contact_id=cid,
        contact=name,
        kind=FollowUpKind(kind),
        state=state,
        window_start=start,
        window_end=end,
        late=how_late(end if state is not FollowUpState.UPCOMING else start, now),
        opportunity_id=oid,
        opportunity=opportunity_title(role, company),
        note=note,
        snoozed_until=snoozed,
    )


_SECTION_ORDER: dict[str, Callable[[AgendaItem], tuple[datetime, int]]] = {
    "overdue": lambda item: (item.window_end, item.id),
    "due": lambda item: (item.window_end, item.id),
    "upcoming": lambda item: (item.window_start, item.id),
}
"""The agenda's sections, each with the order it lists its follow-ups in."""

_SECTION_OF = {
    FollowUpState.OVERDUE: "overdue",
    FollowUpState.DUE: "due",
    FollowUpState.DUE_SOON: "due",
    FollowUpState.UPCOMING: "upcoming",
}

_AGENDA_COLUMNS = (
    "SELECT f.id, f.contact_id, c.name, f.kind, f.window_start, f.window_end, f.snoozed_until,"
    " f.opportunity_id, o.role, co.name, f.note"
    " FROM follow_up f JOIN contact c ON c.id = f.contact_id"
    " LEFT JOIN opportunity o ON o.id = f.opportunity_id"
    " LEFT JOIN company co ON co.id = o.company_id"
)

# A pending follow-up that isn't snoozed and whose window doesn't end before it starts is
# overdue, due or upcoming by its window alone (follow_up_state), so SQL can bucket and order
# it. Terms SQLite can check on the index come first, so it reads a row only once they hold.
_REGULAR = "f.done_at IS NULL AND f.window_start <= f.window_end AND f.snoozed_until IS NULL"
_SECTION_SQL = {
    "overdue": (
        f"{_AGENDA_COLUMNS} WHERE {_REGULAR} AND f.window_end < :now"
        " ORDER BY f.window_end, f.id LIMIT :limit"
    ),
    # "+": walk (done_at, window_end, window_start) in end order, not the start index.
    "due": (
        f"{_AGENDA_COLUMNS} WHERE {_REGULAR} AND f.window_end >= :now AND +f.window_start <= :now"
        " ORDER BY f.window_end, f.id LIMIT :limit"
    ),
    "upcoming": (
        f"{_AGENDA_COLUMNS} WHERE {_REGULAR} AND f.window_start > :now"
        " AND f.window_start <= :horizon ORDER BY f.window_start, f.id LIMIT :limit"
    ),
}

# Pending follow-ups ended before now, started by now, and starting before the horizon. Each
# count reads one index range and nothing else; for a regular follow-up, ended implies started,
# so due = started - ended.
_COUNTS_SQL = (
    "SELECT"
    " (SELECT COUNT(*) FROM follow_up WHERE done_at IS NULL AND window_end < :now),"
    " (SELECT COUNT(*) FROM follow_up WHERE done_at IS NULL AND window_start <= :now),"
    " (SELECT COUNT(*) FROM follow_up"
    "  WHERE done_at IS NULL AND window_start > :now AND window_start <= :horizon)"
)

# The rest (usually a handful), read through the partial index that holds only them: the
# domain judges each one (a snooze moves its window).
_SET_APART_SQL = (
    f"{_AGENDA_COLUMNS} WHERE f.done_at IS NULL"
    " AND (f.snoozed_until IS NOT NULL OR f.window_start > f.window_end)"
)


def _dropped_rings(now: datetime) -> list[DroppedRing]:
    """Open opportunities whose threads have no pending follow-up (the domain decides)."""
    closed = json.dumps(sorted(stage.value for stage in CLOSED_STAGES))
    opportunities = list(db.execute_sql(_OPEN_OPPORTUNITIES_SQL, (closed,)))
    if not opportunities:
        return []
    ids = [row[0] for row in opportunities]
    follow_ups: dict[int, list[RingFollowUp]] = {oid: [] for oid in ids}
    for oid, start, end, snoozed in db.execute_sql(_PENDING_OF_SQL, (json.dumps(ids),)):
        follow_ups[oid].append(
            RingFollowUp(
                as_datetime(start),
                as_datetime(end),
                None,
                as_datetime(snoozed) if snoozed is not None else None,
            )
        )
    interviews: dict[int, list[RingInterview]] = {oid: [] for oid in ids}
    for oid, starts, done in db.execute_sql(_ROUNDS_OF_SQL, (json.dumps(ids),)):
        interviews[oid].append(
            RingInterview(as_datetime(starts), as_datetime(done) if done is not None else None)
        )
    views = [
        OpportunityRingView(oid, Stage(stage), tuple(follow_ups[oid]), tuple(interviews[oid]))
        for oid, stage, _, _ in opportunities
    ]
    dropped_ids = {view.opportunity_id for view in rings_dropped(views, now)}
    if not dropped_ids:
        return []
    last_touch = {
        oid: as_datetime(at)
        for oid, at in db.execute_sql(_LAST_TOUCH_SQL, {"ids": json.dumps(sorted(dropped_ids))})
    }
    people = _opportunity_people(list(dropped_ids))
    return [
        DroppedRing(
            opportunity_id=oid,
            opportunity=opportunity_title(role, company),
            stage=Stage(stage),
            last_touch_at=last_touch.get(oid),
            contact_ids=tuple(people.get(oid, ())),
        )
        for oid, stage, role, company in opportunities
        if oid in dropped_ids
    ]


_OPEN_OPPORTUNITIES_SQL = (
    "SELECT o.id, o.stage, o.role, co.name FROM opportunity o"
    " JOIN company co ON co.id = o.company_id"
    " WHERE o.stage NOT IN (SELECT value FROM json_each(?)) ORDER BY o.created_at, o.id"
)
_PENDING_OF_SQL = (
    "SELECT opportunity_id, window_start, window_end, snoozed_until FROM follow_up"
    " WHERE opportunity_id IN (SELECT value FROM json_each(?)) AND done_at IS NULL"
)
# Rounds not yet marked done (nor cancelled): the domain decides which are still ahead.
_ROUNDS_OF_SQL = (
    "SELECT opportunity_id, starts_at, done_at FROM interview"
    " WHERE opportunity_id IN (SELECT value FROM json_each(?)) AND done_at IS NULL"
    " AND cancelled_at IS NULL"
)

# A process's last touch: its latest conversation or held round (an interview is a touch).
_LAST_TOUCH_SQL = (
    "SELECT oid, MAX(t) FROM ("
    "SELECT opportunity_id AS oid, occurred_at AS t FROM interaction"
    " WHERE opportunity_id IN (SELECT value FROM json_each(:ids))"
    " UNION ALL SELECT opportunity_id, done_at FROM interview"
    " WHERE opportunity_id IN (SELECT value FROM json_each(:ids)) AND done_at IS NOT NULL"
    ") GROUP BY oid"
)


def _opportunity_people(opportunity_ids: list[int]) -> dict[int, list[int]]:
    """Interviewers and helpers of each opportunity: whom to get back in touch with."""
    from crm.db.models import InterviewInterviewer

    people: dict[int, list[int]] = {}
    for oid, cid in tuples(
        InterviewInterviewer.select(Interview.opportunity, InterviewInterviewer.contact)
        .join(Interview)
        .where(Interview.opportunity.in_(opportunity_ids))
        .order_by(Interview.starts_at)
    ):
        people.setdefault(oid, [])
        if cid not in people[oid]:
            people[oid].append(cid)
    for oid, helpers in helpers_by_opportunity(opportunity_ids).items():
        people.setdefault(oid, [])
        for helper in helpers:
            if helper.id not in people[oid]:
                people[oid].append(helper.id)
    return people
