"""Interview rounds: schedule one with its interviewers, mark it done and plan its thank-yous."""

from __future__ import annotations

from datetime import datetime, timedelta

from crm.clock import utc_now
from crm.db.models import Contact, FollowUp, Interview, InterviewInterviewer, Opportunity
from crm.db.typed import tuples
from crm.domain.followups import explain_late, thank_you_cadence
from crm.domain.types import FollowUpKind, Stage
from crm.domain.validation import InvalidInput, one_line
from crm.services.followups import create_follow_ups
from crm.services.opportunities import STAGE_ORDER, NotFound
from crm.services.process_people import helper_ids as helper_ids_of
from crm.services.tx import writing
from crm.zone import local_text

DEFAULT_INTERVIEW_MINUTES = 60


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
        known = {c for (c,) in tuples(Contact.select(Contact.id).where(Contact.id.in_(unique_ids)))}
        missing = [str(i) for i in unique_ids if i not in known]
        if missing:
            raise InvalidInput(f"No contact with id {', '.join(missing)}.")
        interview_id = int(
            Interview.insert(
                opportunity=opportunity_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes),
                kind=one_line(kind),
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
        if interview.cancelled_at is not None:
            raise InvalidInput(
                f"Interview #{interview_id} was cancelled ({local_text(interview.cancelled_at)});"
                " a new invitation brings it back."
            )
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
            for (c,) in tuples(
                InterviewInterviewer.select(InterviewInterviewer.contact)
                .where(InterviewInterviewer.interview == interview_id)
                .order_by(InterviewInterviewer.id)
            )
        ]
        Interview.update(done_at=end, ends_at=end).where(Interview.id == interview_id).execute()
        planned = thank_you_cadence(
            end,
            interviewer_ids,
            opportunity_id=opportunity.id,
            interview_id=interview_id,
            helper_ids=helper_ids_of(opportunity.id),
            quiet=opportunity.quiet,
            already_thanked=_thanked_helpers(opportunity.id, interview_id),
        )
        late = explain_late(planned, now=moment, cause="the interview ended", cause_at=end)
        return create_follow_ups(late, now=moment)


def _thanked_helpers(opportunity_id: int, interview_id: int) -> set[int]:
    """Who in this process needs no helper's thank-you: those thanked (or due one) already,
    and the interviewers of its other rounds held, whom their thank-you e-mail reached."""
    thanked = {
        cid
        for (cid,) in tuples(
            FollowUp.select(FollowUp.contact).where(
                (FollowUp.opportunity == opportunity_id)
                & (FollowUp.kind == FollowUpKind.THANK_REFERRER.value)
            )
        )
    }
    interviewed = {
        cid
        for (cid,) in tuples(
            InterviewInterviewer.select(InterviewInterviewer.contact)
            .join(Interview)
            .where(
                (Interview.opportunity == opportunity_id)
                & (Interview.id != interview_id)
                & Interview.done_at.is_null(False)
            )
        )
    }
    return thanked | interviewed
