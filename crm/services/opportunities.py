"""Opportunities and their interview rounds: add, change stage, mark an interview done."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db.models import (
    Company,
    Contact,
    FollowUp,
    Interview,
    InterviewInterviewer,
    Opportunity,
)
from crm.domain.followups import thank_you_cadence
from crm.domain.types import InterviewSummary, OpportunitySummary, Stage
from crm.domain.validation import InvalidInput
from crm.services.contacts import company_id_for
from crm.services.followups import create_follow_ups
from crm.services.tx import reading, writing
from crm.zone import local_text

DEFAULT_INTERVIEW_MINUTES = 60
STAGE_ORDER = list(Stage)


class NotFound(LookupError):
    """The opportunity or interview asked for doesn't exist."""


def add_opportunity(
    company: str,
    role: str,
    *,
    referrer_id: int | None = None,
    quiet: bool = False,
    stage: Stage = Stage.APPLIED,
    now: datetime | None = None,
) -> int:
    """Start tracking a role at a company; returns the opportunity's id."""
    moment = now or utc_now()
    role = " ".join(role.split())
    if not role:
        raise InvalidInput("An opportunity needs a role.")
    with writing():
        company_id = company_id_for(company, now=moment)
        if company_id is None:
            raise InvalidInput("An opportunity needs a company.")
        if referrer_id is not None and Contact.get_or_none(Contact.id == referrer_id) is None:
            raise InvalidInput(f"There is no contact #{referrer_id} to be the referrer.")
        return int(
            Opportunity.insert(
                company=company_id,
                role=role,
                stage=stage.value,
                referrer=referrer_id,
                quiet=quiet,
                created_at=moment,
                updated_at=moment,
                closed_at=None if stage.is_open else moment,
            ).execute()
        )


def set_stage(opportunity_id: int, stage: Stage, *, now: datetime | None = None) -> None:
    """Move an opportunity to another stage (closing it records when)."""
    moment = now or utc_now()
    with writing():
        before = Opportunity.get_or_none(Opportunity.id == opportunity_id)
        if before is None:
            raise NotFound(f"There is no opportunity #{opportunity_id}.")
        Opportunity.update(
            stage=stage.value,
            updated_at=moment,
            closed_at=None if stage.is_open else moment,
        ).where(Opportunity.id == opportunity_id).execute()
        if Stage(before.stage).is_open and not stage.is_open:
            from crm.services.references import plan_thanks_on_close

            plan_thanks_on_close(opportunity_id, now=moment)


def next_stage(stage: Stage, step: int = 1) -> Stage:
    """The stage ``step`` places along the pipeline, stopping at either end."""
    index = min(max(STAGE_ORDER.index(stage) + step, 0), len(STAGE_ORDER) - 1)
    return STAGE_ORDER[index]


def add_interview(
    opportunity_id: int,
    starts_at: datetime,
    *,
    interviewer_ids: list[int],
    minutes: int = DEFAULT_INTERVIEW_MINUTES,
    kind: str = "",
    now: datetime | None = None,
) -> int:
    """Schedule an interview round with its interviewers; returns its id."""
    if minutes <= 0 or minutes > 24 * 60:
        raise InvalidInput("An interview lasts between 1 minute and 24 hours.")
    with writing():
        if Opportunity.get_or_none(Opportunity.id == opportunity_id) is None:
            raise NotFound(f"There is no opportunity #{opportunity_id}.")
        unique_ids = list(dict.fromkeys(interviewer_ids))
        known = {
            c for (c,) in Contact.select(Contact.id).where(Contact.id.in_(unique_ids)).tuples()
        }
        missing = [str(i) for i in unique_ids if i not in known]
        if missing:
            raise InvalidInput(f"No contact with id {', '.join(missing)}.")
        interview_id = int(
            Interview.insert(
                opportunity=opportunity_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes),
                kind=kind.strip(),
            ).execute()
        )
        if unique_ids:
            InterviewInterviewer.insert_many(
                [{"interview": interview_id, "contact": c} for c in unique_ids]
            ).execute()
        stage = Stage(Opportunity.get_by_id(opportunity_id).stage)
        if STAGE_ORDER.index(stage) < STAGE_ORDER.index(Stage.INTERVIEWING) and stage.is_open:
            Opportunity.update(stage=Stage.INTERVIEWING.value, updated_at=now or utc_now()).where(
                Opportunity.id == opportunity_id
            ).execute()
        return interview_id


def mark_interview_done(
    interview_id: int, *, ended_at: datetime | None = None, now: datetime | None = None
) -> list[int]:
    """Record that an interview happened and plan its thank-yous; returns the new follow-ups.

    The end defaults to the scheduled end, or now if that is still ahead.
    """
    moment = now or utc_now()
    with writing():
        interview = Interview.get_or_none(Interview.id == interview_id)
        if interview is None:
            raise NotFound(f"There is no interview #{interview_id}.")
        if interview.done_at is not None:
            raise InvalidInput(
                f"Interview #{interview_id} was already marked done "
                f"({local_text(interview.done_at)})."
            )
        end = ended_at or min(interview.ends_at, moment)
        if end <= interview.starts_at:
            raise InvalidInput(
                f"Interview #{interview_id} starts {local_text(interview.starts_at)}; "
                "it can't be done before it has started."
            )
        opportunity = Opportunity.get_by_id(interview.opportunity_id)
        interviewer_ids = [
            c
            for (c,) in InterviewInterviewer.select(InterviewInterviewer.contact)
            .where(InterviewInterviewer.interview == interview_id)
            .order_by(InterviewInterviewer.id)
            .tuples()
        ]
        Interview.update(done_at=end, ends_at=end).where(Interview.id == interview_id).execute()
        planned = thank_you_cadence(
            end,
            interviewer_ids,
            opportunity_id=opportunity.id,
            interview_id=interview_id,
            referrer_id=opportunity.referrer_id,
            quiet=opportunity.quiet,
        )
        return create_follow_ups(planned, now=moment)


def opportunity_label(opportunity_id: int | None) -> str:
    """ "Role at Company" for an opportunity id (empty for None)."""
    if opportunity_id is None:
        return ""
    with reading():
        row = (
            Opportunity.select(Opportunity.role, Company.name)
            .join(Company)
            .where(Opportunity.id == opportunity_id)
            .tuples()
            .first()
        )
    return f"{row[0]} at {row[1]}" if row else ""


def list_opportunities(*, include_closed: bool = True) -> list[OpportunitySummary]:
    """Every opportunity with its interviews, in pipeline order, newest first within a stage."""
    with reading():
        referrer = Contact.alias()
        rows = list(
            Opportunity.select(
                Opportunity.id,
                Company.name,
                Opportunity.role,
                Opportunity.stage,
                Opportunity.quiet,
                Opportunity.referrer,
                fn.COALESCE(referrer.name, ""),
            )
            .join(Company)
            .switch(Opportunity)
            .join(referrer, JOIN.LEFT_OUTER, on=(Opportunity.referrer == referrer.id))
            .order_by(Opportunity.created_at.desc(), Opportunity.id.desc())
            .tuples()
        )
        interviewers: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for interview_id, contact_id, name in (
            InterviewInterviewer.select(
                InterviewInterviewer.interview, Contact.id, Contact.name
            )
            .join(Contact)
            .order_by(InterviewInterviewer.id)
            .tuples()
        ):
            interviewers[interview_id].append((contact_id, name))
        interviews: dict[int, list[InterviewSummary]] = defaultdict(list)
        for iid, oid, starts, ends, kind, done in (
            Interview.select(
                Interview.id,
                Interview.opportunity,
                Interview.starts_at,
                Interview.ends_at,
                Interview.kind,
                Interview.done_at,
            )
            .order_by(Interview.starts_at)
            .tuples()
        ):
            interviews[oid].append(
                InterviewSummary(iid, oid, starts, ends, kind, done, tuple(interviewers[iid]))
            )
        pending = dict(
            FollowUp.select(FollowUp.opportunity, fn.COUNT(FollowUp.id))
            .where(FollowUp.done_at.is_null() & FollowUp.opportunity.is_null(False))
            .group_by(FollowUp.opportunity)
            .tuples()
        )
    summaries = [
        OpportunitySummary(
            id=oid,
            company=company,
            role=role,
            stage=Stage(stage),
            quiet=bool(quiet),
            referrer_id=referrer_id,
            referrer=referrer_name,
            interviews=tuple(interviews[oid]),
            pending_follow_ups=pending.get(oid, 0),
        )
        for oid, company, role, stage, quiet, referrer_id, referrer_name in rows
    ]
    if not include_closed:
        summaries = [s for s in summaries if s.stage.is_open]
    summaries.sort(key=lambda s: STAGE_ORDER.index(s.stage))
    return summaries


def set_referrer(
    opportunity_id: int, referrer_id: int | None, *, now: datetime | None = None
) -> None:
    """Record who referred the user for an opportunity (None clears it)."""
    with writing():
        if referrer_id is not None and Contact.get_or_none(Contact.id == referrer_id) is None:
            raise InvalidInput(f"There is no contact #{referrer_id} to be the referrer.")
        updated = (
            Opportunity.update(referrer=referrer_id, updated_at=now or utc_now())
            .where(Opportunity.id == opportunity_id)
            .execute()
        )
        if not updated:
            raise NotFound(f"There is no opportunity #{opportunity_id}.")
