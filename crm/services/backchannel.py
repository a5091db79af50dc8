"""The back channel: who could speak about the user at a company or around an interview."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db.listing import last_touches
from crm.db.models import (
    Company,
    Connection,
    Contact,
    Interaction,
    Interview,
    InterviewInterviewer,
    Opportunity,
    Reference,
)
from crm.db.typed import as_datetime_or_none, tuples
from crm.domain.backchannel import (
    CandidateFacts,
    RankedCandidate,
    heads_up_window,
    rank_backchannel,
    tell_interviewed_window,
)
from crm.domain.companies import company_key
from crm.domain.followups import PlannedFollowUp
from crm.domain.types import CLOSED_STAGES, FollowUpKind
from crm.domain.validation import InvalidInput
from crm.services.followups import create_follow_ups, pending_window_end, window_end
from crm.services.process_people import helper_ids, helpers_by_opportunity
from crm.services.tx import reading, writing
from crm.zone import local_text


@dataclass(frozen=True)
class BackchannelMap:
    """The ranked people around one company or interview."""

    title: str
    quiet: bool
    candidates: tuple[RankedCandidate, ...]
    interview_id: int | None = None
    opportunity_id: int | None = None
    interview_starts_at: datetime | None = None
    interview_done: bool = False
    interview_cancelled: bool = False


@dataclass(frozen=True)
class PlannedNote:
    """A heads-up or "I just interviewed" note asked for: planned now, or pending already."""

    planned: bool
    """False when one for this person and process was pending already, so nothing was written."""
    due: datetime | None
    """When the new note, or the one already pending, is due by."""


class NothingToMap(LookupError):
    """No such company or interview."""


def _company_ids(text: str) -> tuple[list[int], str]:
    key = company_key(text)
    if not key:
        raise NothingToMap("Name a company.")
    rows = list(
        tuples(
            Company.select(Company.id, Company.name).where(
                (Company.key == key) | Company.key.startswith(key + " ")
            )
        )
    )
    if not rows:
        raise NothingToMap(f"No company matches “{text}”.")
    return [cid for cid, _ in rows], rows[0][1]


def _facts(
    company_ids: list[int],
    interviewer_ids: set[int],
    referrer_ids: set[int],
) -> list[CandidateFacts]:
    """Everything the ranking needs about everyone linked to these companies or interviewers."""
    at_company = {
        cid for (cid,) in tuples(Contact.select(Contact.id).where(Contact.company.in_(company_ids)))
    }
    names = {}
    knows: dict[int, list[str]] = defaultdict(list)
    if interviewer_ids:
        names = dict(
            tuples(
                Contact.select(Contact.id, Contact.name).where(
                    Contact.id.in_(list(interviewer_ids))
                )
            )
        )
        for a, b in tuples(
            Connection.select(Connection.contact_a, Connection.contact_b).where(
                Connection.contact_a.in_(list(interviewer_ids))
                | Connection.contact_b.in_(list(interviewer_ids))
            )
        ):
            for interviewer, other in ((a, b), (b, a)):
                if interviewer in interviewer_ids and other not in interviewer_ids:
                    knows[other].append(names[interviewer])
    people = at_company | set(knows) | interviewer_ids | referrer_ids
    if not people:
        return []
    ids = list(people)
    counts = dict(
        tuples(
            Interaction.select(Interaction.contact, fn.COUNT(Interaction.id))
            .where(Interaction.contact.in_(ids))
            .group_by(Interaction.contact)
        )
    )
    # A round held is a touch with each interviewer, as for the last touch.
    for cid, rounds in tuples(
        InterviewInterviewer.select(InterviewInterviewer.contact, fn.COUNT(Interview.id))
        .join(Interview)
        .where(InterviewInterviewer.contact.in_(ids) & Interview.done_at.is_null(False))
        .group_by(InterviewInterviewer.contact)
    ):
        counts[cid] = counts.get(cid, 0) + rounds
    last_touch = last_touches(ids)
    touches = {cid: (last_touch.get(cid), counts.get(cid, 0)) for cid in ids}
    references = {
        cid
        for (cid,) in tuples(Reference.select(Reference.contact).where(Reference.contact.in_(ids)))
    }
    facts = []
    for cid, name, company, rapport in tuples(
        Contact.select(Contact.id, Contact.name, fn.COALESCE(Company.name, ""), Contact.rapport)
        .join(Company, JOIN.LEFT_OUTER)
        .where(Contact.id.in_(ids))
    ):
        last, count = touches.get(cid, (None, 0))
        facts.append(
            CandidateFacts(
                contact_id=cid,
                name=name,
                company=company,
                at_company=cid in at_company,
                knows_interviewers=tuple(sorted(knows.get(cid, ()))),
                referred=cid in referrer_ids,
                is_interviewer=cid in interviewer_ids,
                is_reference=cid in references,
                last_touch_at=as_datetime_or_none(last),
                touches=int(count),
                rapport=rapport,
            )
        )
    return facts


def for_company(text: str, *, now: datetime | None = None) -> BackchannelMap:
    """Who could speak about the user at a company: its people, interviewers' contacts,
    referrers."""
    moment = now or utc_now()
    closed = [stage.value for stage in CLOSED_STAGES]
    with reading():
        company_ids, company_name = _company_ids(text)
        opportunities = list(
            tuples(
                Opportunity.select(Opportunity.id, Opportunity.quiet).where(
                    Opportunity.company.in_(company_ids) & Opportunity.stage.not_in(closed)
                )
            )
        )
        opportunity_ids = [oid for oid, _ in opportunities]
        interviewer_ids = {
            cid
            for (cid,) in tuples(
                InterviewInterviewer.select(InterviewInterviewer.contact)
                .join(Interview)
                .where(Interview.opportunity.in_(opportunity_ids))
            )
        }
        referrer_ids = {
            helper.id
            for helpers in helpers_by_opportunity(opportunity_ids).values()
            for helper in helpers
        }
        quiet = any(q for _, q in opportunities)
        facts = _facts(company_ids, interviewer_ids, referrer_ids)
    ranked = rank_backchannel(facts, quiet=quiet, now=moment)
    return BackchannelMap(title=company_name, quiet=quiet, candidates=tuple(ranked))


def for_interview(interview_id: int, *, now: datetime | None = None) -> BackchannelMap:
    """Who could speak about the user around one interview."""
    moment = now or utc_now()
    with reading():
        row = (
            Interview.select(
                Interview.id,
                Interview.starts_at,
                Interview.done_at,
                Interview.cancelled_at,
                Opportunity.id,
                Opportunity.role,
                Opportunity.quiet,
                Company.id,
                Company.name,
            )
            .join(Opportunity)
            .join(Company)
            .where(Interview.id == interview_id)
            .tuples()
            .first()
        )
        if row is None:
            raise NothingToMap(f"There is no interview #{interview_id}.")
        _, starts, done, cancelled, oid, role, quiet, company_id, company = row
        # Every round's interviewers, earlier or later: none of them is back channel to tell.
        interviewer_ids = _process_interviewers(oid)
        facts = _facts([company_id], interviewer_ids, set(helper_ids(oid)))
    ranked = rank_backchannel(facts, quiet=bool(quiet), now=moment)
    return BackchannelMap(
        title=f"{role} at {company}, interview on {local_text(starts)}",
        quiet=bool(quiet),
        candidates=tuple(ranked),
        interview_id=interview_id,
        opportunity_id=oid,
        interview_starts_at=starts,
        interview_done=done is not None,
        interview_cancelled=cancelled is not None and done is None,
    )


def _process_interviewers(opportunity_id: int) -> set[int]:
    """The interviewers of every round of one process."""
    return {
        cid
        for (cid,) in tuples(
            InterviewInterviewer.select(InterviewInterviewer.contact)
            .join(Interview)
            .where(Interview.opportunity == opportunity_id)
        )
    }


def _refuse_duplicate(contact_id: int, interview_id: int, kind: FollowUpKind) -> None:
    """One pending heads-up (or tell-them) per person per interview is enough."""
    from crm.db.models import FollowUp

    pending = FollowUp.select().where(
        (FollowUp.contact == contact_id)
        & (FollowUp.interview == interview_id)
        & (FollowUp.kind == kind.value)
        & FollowUp.done_at.is_null()
    )
    if pending.exists():
        raise InvalidInput("That is already planned for this interview.")


def _refuse_cancelled(interview: Interview) -> None:
    if interview.cancelled_at is not None and interview.done_at is None:
        raise InvalidInput("That round was cancelled: there is nothing to tell anyone about it.")


def _interview(interview_id: int) -> Interview:
    interview = Interview.get_or_none(Interview.id == interview_id)
    if interview is None:
        raise NothingToMap(f"There is no interview #{interview_id}.")
    return interview


def plan_heads_up(contact_id: int, interview_id: int, *, now: datetime | None = None) -> int:
    """A follow-up to give someone a heads-up before an interview; returns its id."""
    moment = now or utc_now()
    with writing():
        interview = _interview(interview_id)
        _refuse_cancelled(interview)
        _refuse_duplicate(contact_id, interview_id, FollowUpKind.HEADS_UP)
        window = heads_up_window(interview.starts_at, moment)
        if window is None or interview.done_at is not None:
            raise InvalidInput("The interview is too close or already over for a heads-up.")
        plan = PlannedFollowUp(
            contact_id,
            FollowUpKind.HEADS_UP,
            window[0],
            window[1],
            opportunity_id=interview.opportunity_id,
            interview_id=interview_id,
        )
        return create_follow_ups([plan], now=moment)[0]


def plan_tell_interviewed(
    contact_id: int, interview_id: int, *, now: datetime | None = None
) -> int:
    """A follow-up to tell someone the user interviewed; returns its id."""
    moment = now or utc_now()
    with writing():
        interview = _interview(interview_id)
        _refuse_cancelled(interview)
        if contact_id in _process_interviewers(interview.opportunity_id):
            name = Contact.get_by_id(contact_id).name
            raise InvalidInput(
                f"{name} interviews you in this process: thank them instead of telling them."
            )
        _refuse_duplicate(contact_id, interview_id, FollowUpKind.TELL_INTERVIEWED)
        end = interview.done_at or interview.ends_at
        start, finish = tell_interviewed_window(end)
        plan = PlannedFollowUp(
            contact_id,
            FollowUpKind.TELL_INTERVIEWED,
            start,
            finish,
            opportunity_id=interview.opportunity_id,
            interview_id=interview_id,
        )
        return create_follow_ups([plan], now=moment)[0]


def plan_note(
    kind: FollowUpKind, contact_id: int, interview_id: int, *, now: datetime | None = None
) -> PlannedNote:
    """Plan a heads-up (HEADS_UP) or an "I just interviewed" note (TELL_INTERVIEWED) for an
    interview, unless one of that kind for this person and process is still pending."""
    if kind not in (FollowUpKind.HEADS_UP, FollowUpKind.TELL_INTERVIEWED):
        raise ValueError(f"Not a back-channel note: {kind}")
    # One transaction: another crm can't plan the same note between the look and the write.
    with writing():
        opportunity_id = _interview(interview_id).opportunity_id
        already = pending_window_end(kind, contact_id, opportunity_id)
        if already is not None:
            return PlannedNote(planned=False, due=already)
        if kind is FollowUpKind.HEADS_UP:
            follow_up_id = plan_heads_up(contact_id, interview_id, now=now)
        else:
            follow_up_id = plan_tell_interviewed(contact_id, interview_id, now=now)
        return PlannedNote(planned=True, due=window_end(follow_up_id))
