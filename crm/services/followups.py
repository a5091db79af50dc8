"""Follow-ups: create them from plans, mark done, snooze, and build the agenda."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo

from peewee import JOIN

from crm.clock import utc_now
from crm.db.models import Company, Contact, FollowUp, Interaction, Opportunity
from crm.domain.followups import PlannedFollowUp, follow_up_state, how_late
from crm.domain.ring import OpportunityRingView, RingFollowUp, rings_dropped
from crm.domain.types import (
    CLOSED_STAGES,
    Agenda,
    AgendaItem,
    DroppedRing,
    FollowUpKind,
    FollowUpState,
    Stage,
)
from crm.domain.validation import InvalidInput
from crm.services.tx import reading, writing

UPCOMING_DAYS = 7
AGENDA_LIMIT = 500


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


def complete(follow_up_id: int, *, now: datetime | None = None) -> None:
    """Mark a follow-up done."""
    with writing():
        _pending(follow_up_id)
        FollowUp.update(done_at=now or utc_now()).where(FollowUp.id == follow_up_id).execute()


def snooze(follow_up_id: int, until: datetime, *, now: datetime | None = None) -> None:
    """Hide a follow-up until a later moment, when it comes back as due."""
    moment = now or utc_now()
    if until <= moment:
        raise InvalidInput("Snooze until a moment in the future.")
    with writing():
        _pending(follow_up_id)
        FollowUp.update(snoozed_until=until).where(FollowUp.id == follow_up_id).execute()


def opportunity_title(role: str | None, company: str | None) -> str:
    """ "Role at Company", or empty when there is no opportunity."""
    if not role:
        return ""
    return f"{role} at {company}" if company else role


def agenda(*, now: datetime | None = None, tz: tzinfo | None = None) -> Agenda:
    """Overdue, due and upcoming follow-ups, and the opportunities that gave up the ring."""
    moment = now or utc_now()
    horizon = moment + timedelta(days=UPCOMING_DAYS)
    with reading():
        rows = list(
            FollowUp.select(
                FollowUp.id,
                FollowUp.contact,
                Contact.name,
                FollowUp.kind,
                FollowUp.window_start,
                FollowUp.window_end,
                FollowUp.snoozed_until,
                FollowUp.opportunity,
                Opportunity.role,
                Company.name,
                FollowUp.note,
            )
            .join(Contact)
            .switch(FollowUp)
            .join(Opportunity, JOIN.LEFT_OUTER)
            .join(Company, JOIN.LEFT_OUTER)
            .where(
                FollowUp.done_at.is_null()
                & (
                    (FollowUp.window_start <= horizon)
                    | (FollowUp.snoozed_until.is_null(False) & (FollowUp.snoozed_until <= horizon))
                )
            )
            .order_by(FollowUp.window_end, FollowUp.id)
            .tuples()
        )
        dropped = _dropped_rings(moment)
    buckets: dict[str, list[AgendaItem]] = {"overdue": [], "due": [], "upcoming": []}
    for fid, cid, name, kind, start, end, snoozed, oid, role, company, note in rows:
        state = follow_up_state(
            start, end, done_at=None, snoozed_until=snoozed, now=moment, tz=tz or UTC
        )
        bucket = {
            FollowUpState.OVERDUE: "overdue",
            FollowUpState.DUE: "due",
            FollowUpState.DUE_SOON: "due",
            FollowUpState.UPCOMING: "upcoming",
        }.get(state)
        if bucket is None or len(buckets[bucket]) >= AGENDA_LIMIT:
            continue
        if bucket == "upcoming" and start > horizon:
            continue
        buckets[bucket].append(
            AgendaItem(
                id=fid,
                contact_id=cid,
                contact=name,
                kind=FollowUpKind(kind),
                state=state,
                window_start=start,
                window_end=end,
                late=how_late(end if state is not FollowUpState.UPCOMING else start, moment),
                opportunity_id=oid,
                opportunity=opportunity_title(role, company),
                note=note,
                snoozed_until=snoozed,
            )
        )
    buckets["upcoming"].sort(key=lambda item: (item.window_start, item.id))
    return Agenda(
        overdue=tuple(buckets["overdue"]),
        due=tuple(buckets["due"]),
        upcoming=tuple(buckets["upcoming"]),
        rings_dropped=tuple(dropped),
    )


def _dropped_rings(now: datetime) -> list[DroppedRing]:
    """Open opportunities whose threads have no pending follow-up (the domain decides)."""
    closed = [stage.value for stage in CLOSED_STAGES]
    opportunities = list(
        Opportunity.select(Opportunity.id, Opportunity.stage, Opportunity.role, Company.name)
        .join(Company)
        .where(Opportunity.stage.not_in(closed))
        .order_by(Opportunity.created_at, Opportunity.id)
        .tuples()
    )
    if not opportunities:
        return []
    ids = [row[0] for row in opportunities]
    follow_ups: dict[int, list[RingFollowUp]] = {oid: [] for oid in ids}
    for oid, start, end, snoozed in (
        FollowUp.select(
            FollowUp.opportunity, FollowUp.window_start, FollowUp.window_end, FollowUp.snoozed_until
        )
        .where(FollowUp.opportunity.in_(ids) & FollowUp.done_at.is_null())
        .tuples()
    ):
        follow_ups[oid].append(RingFollowUp(start, end, None, snoozed))
    views = [
        OpportunityRingView(oid, Stage(stage), tuple(follow_ups[oid]))
        for oid, stage, _, _ in opportunities
    ]
    dropped_ids = {view.opportunity_id for view in rings_dropped(views, now)}
    last_touch = dict(
        Interaction.select(Interaction.opportunity, Interaction.occurred_at)
        .where(Interaction.opportunity.in_(list(dropped_ids)))
        .order_by(Interaction.occurred_at)
        .tuples()
    )
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


def _opportunity_people(opportunity_ids: list[int]) -> dict[int, list[int]]:
    """Interviewers and referrers of each opportunity: whom to get back in touch with."""
    from crm.db.models import Interview, InterviewInterviewer

    people: dict[int, list[int]] = {}
    for oid, cid in (
        InterviewInterviewer.select(Interview.opportunity, InterviewInterviewer.contact)
        .join(Interview)
        .where(Interview.opportunity.in_(opportunity_ids))
        .order_by(Interview.starts_at)
        .tuples()
    ):
        people.setdefault(oid, [])
        if cid not in people[oid]:
            people[oid].append(cid)
    for oid, referrer in (
        Opportunity.select(Opportunity.id, Opportunity.referrer)
        .where(Opportunity.id.in_(opportunity_ids) & Opportunity.referrer.is_null(False))
        .tuples()
    ):
        people.setdefault(oid, [])
        if referrer not in people[oid]:
            people[oid].append(referrer)
    return people
