"""The reference list: who vouches for the user, what they can speak to, who was briefed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db.models import (
    Company,
    Connection,
    Contact,
    FollowUp,
    Interview,
    InterviewInterviewer,
    Opportunity,
    Reference,
    ReferenceGiven,
)
from crm.db.typed import one_tuple, tuples
from crm.domain.references import (
    Giving,
    PendingBrief,
    ReferenceEntry,
    bonus_talking_point,
    brief_reference_plan,
    briefs_settled,
    interviewers_known,
    overused_references,
    reference_sheet,
    strained_warning,
    thank_reference_plan,
)
from crm.domain.types import FollowUpKind, Stage
from crm.domain.validation import InvalidInput, note_text
from crm.services.conversations import follow_up_title
from crm.services.followups import create_follow_ups, opportunity_title
from crm.services.tx import reading, writing


@dataclass(frozen=True)
class GivenView:
    """One employer a reference was handed to, and whether they know an interviewer there."""

    opportunity_id: int
    opportunity: str
    company: str
    given_at: datetime
    knows_interviewers: tuple[str, ...] = ()
    """The process's interviewers the reference knows: the "bonus points"."""
    talking_point: str = ""


@dataclass(frozen=True)
class ReferenceNotes:
    """What to know before handing a reference to one employer."""

    name: str
    warning: str
    """The strained-rapport warning, or ""."""
    knows_interviewers: tuple[str, ...] = ()
    talking_point: str = ""


@dataclass(frozen=True)
class GivenReference:
    """A reference just handed to an employer, and what the note saying so needs."""

    planned: tuple[int, ...]
    """The follow-ups it planned: the brief, and the thank-you if the process has closed."""
    opportunity: str
    """ "Role at Company"."""
    talking_point: str
    """The bonus talking point the brief carries (empty when there is none)."""


@dataclass(frozen=True)
class Briefing:
    """A briefing recorded, and the "brief your reference" follow-ups it settled."""

    name: str
    briefed_at: datetime
    settled: tuple[str, ...] = ()
    """What each settled follow-up asked, e.g. "Brief your reference for SRE at Globex"."""


@dataclass(frozen=True)
class ReferenceView:
    """One reference as the list shows it."""

    contact_id: int
    name: str
    role: str
    company: str
    email: str
    phone: str
    relationship: str
    talking_points: str
    last_briefed_at: datetime | None
    given_to: tuple[str, ...]
    warning: str = ""
    """Every warning in one line (strained first, then overuse), or ""."""
    rapport: str = ""
    warnings: tuple[str, ...] = ()
    given: tuple[GivenView, ...] = ()


def save_reference(
    contact_id: int,
    *,
    relationship: str,
    talking_points: str,
    now: datetime | None = None,
) -> bool:
    """Put a contact on the reference list, or update what they can speak to; True if new."""
    with writing():
        if Contact.get_or_none(Contact.id == contact_id) is None:
            raise InvalidInput(f"There is no contact #{contact_id}.")
        existing = Reference.get_or_none(Reference.contact == contact_id)
        if existing is not None:
            Reference.update(
                relationship=note_text(relationship), talking_points=note_text(talking_points)
            ).where(Reference.id == existing.id).execute()
            return False
        Reference.insert(
            contact=contact_id,
            relationship=note_text(relationship),
            talking_points=note_text(talking_points),
            created_at=now or utc_now(),
        ).execute()
        return True


def remove_reference(contact_id: int) -> None:
    """Take a contact off the reference list (their history stays)."""
    with writing():
        if not Reference.delete().where(Reference.contact == contact_id).execute():
            raise InvalidInput("That contact isn't on the reference list.")


def _reference(contact_id: int) -> Reference:
    reference = Reference.get_or_none(Reference.contact == contact_id)
    if reference is None:
        raise InvalidInput("That contact isn't on the reference list; add them first.")
    return reference


def mark_briefed(contact_id: int, *, at: datetime | None = None) -> Briefing:
    """Record that the user briefed a reference (what the role is, what to stress), and settle
    their pending "brief your reference" follow-ups planned by then, in one transaction."""
    moment = at or utc_now()
    with writing():
        reference = _reference(contact_id)
        Reference.update(last_briefed_at=moment).where(Reference.id == reference.id).execute()
        pending = list(
            tuples(
                FollowUp.select(FollowUp.id, FollowUp.created_at, Opportunity.role, Company.name)
                .join(Opportunity, JOIN.LEFT_OUTER)
                .join(Company, JOIN.LEFT_OUTER)
                .where(
                    (FollowUp.contact == contact_id)
                    & (FollowUp.kind == FollowUpKind.BRIEF_REFERENCE.value)
                    & FollowUp.done_at.is_null()
                )
                .order_by(FollowUp.window_start, FollowUp.id)
            )
        )
        # A brief is created by the giving it prepares for, so its creation is the giving.
        settled = briefs_settled([PendingBrief(fid, at) for fid, at, _, _ in pending], moment)
        if settled:
            FollowUp.update(done_at=moment).where(FollowUp.id.in_(settled)).execute()
        name = Contact.get_by_id(contact_id).name
    title = follow_up_title(FollowUpKind.BRIEF_REFERENCE)
    done = set(settled)
    return Briefing(
        name=name,
        briefed_at=moment,
        settled=tuple(
            f"{title} for {opportunity_title(role, company)}" if role else title
            for fid, _, role, company in pending
            if fid in done
        ),
    )


def reference_notes(contact_id: int, opportunity_id: int | None = None) -> ReferenceNotes:
    """Before giving a reference: the strained warning, and whom at the employer they know."""
    with reading():
        _reference(contact_id)
        name, rapport = one_tuple(
            Contact.select(Contact.name, Contact.rapport).where(Contact.id == contact_id)
        )
        known: tuple[str, ...] = ()
        if opportunity_id is not None:
            known = _interviewers_known([contact_id], [opportunity_id]).get(
                (contact_id, opportunity_id), ()
            )
    return ReferenceNotes(
        name=name,
        warning=strained_warning(name, rapport),
        knows_interviewers=known,
        talking_point=bonus_talking_point(known),
    )


def _interviewers_known(
    contact_ids: list[int], opportunity_ids: list[int]
) -> dict[tuple[int, int], tuple[str, ...]]:
    """For each (reference, opportunity), the opportunity's interviewers the reference knows."""
    interviewers: dict[int, dict[int, str]] = {}
    for oid, cid, name in tuples(
        InterviewInterviewer.select(Interview.opportunity, Contact.id, Contact.name)
        .join(Interview)
        .switch(InterviewInterviewer)
        .join(Contact)
        .where(Interview.opportunity.in_(opportunity_ids))
    ):
        interviewers.setdefault(oid, {})[cid] = name
    if not interviewers:
        return {}
    links = list(
        tuples(
            Connection.select(Connection.contact_a, Connection.contact_b).where(
                Connection.contact_a.in_(contact_ids) | Connection.contact_b.in_(contact_ids)
            )
        )
    )
    return {
        (cid, oid): interviewers_known(cid, people, links)
        for cid in contact_ids
        for oid, people in interviewers.items()
    }


def give_reference(
    contact_id: int,
    opportunity_id: int,
    *,
    expected_call_at: datetime | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Hand a reference to an employer: plans "brief your reference" before the call."""
    return list(
        give_reference_noted(
            contact_id, opportunity_id, expected_call_at=expected_call_at, now=now
        ).planned
    )


def give_reference_noted(
    contact_id: int,
    opportunity_id: int,
    *,
    expected_call_at: datetime | None = None,
    now: datetime | None = None,
) -> GivenReference:
    """`give_reference`, returning with the follow-ups it planned what the app's note says."""
    moment = now or utc_now()
    with writing():
        reference = _reference(contact_id)
        opportunity = Opportunity.get_or_none(Opportunity.id == opportunity_id)
        if opportunity is None:
            raise InvalidInput(f"There is no opportunity #{opportunity_id}.")
        already = ReferenceGiven.get_or_none(
            (ReferenceGiven.reference == reference.id)
            & (ReferenceGiven.opportunity == opportunity_id)
        )
        if already is not None:
            raise InvalidInput("That reference was already given for this opportunity.")
        ReferenceGiven.insert(
            reference=reference.id,
            opportunity=opportunity_id,
            given_at=moment,
            expected_call_at=expected_call_at,
        ).execute()
        plan = brief_reference_plan(
            contact_id, moment, expected_call_at, opportunity_id=opportunity_id
        )
        known = _interviewers_known([contact_id], [opportunity_id]).get(
            (contact_id, opportunity_id), ()
        )
        talking_point = bonus_talking_point(known)
        # The brief is where the user acts on it, so it carries the bonus talking point.
        planned = [replace(plan, note=talking_point)]
        if not Stage(opportunity.stage).is_open:
            planned.append(thank_reference_plan(contact_id, moment, opportunity_id=opportunity_id))
        return GivenReference(
            planned=tuple(create_follow_ups(planned, now=moment)),
            opportunity=opportunity_title(opportunity.role, opportunity.company.name),
            talking_point=talking_point,
        )


def plan_thanks_on_close(opportunity_id: int, *, now: datetime) -> list[int]:
    """When an opportunity closes, plan "thank your reference" for each reference given to it.

    Call inside the transaction that closes the opportunity.
    """
    contact_ids = [
        cid
        for (cid,) in tuples(
            ReferenceGiven.select(Reference.contact)
            .join(Reference)
            .where(ReferenceGiven.opportunity == opportunity_id)
        )
    ]
    plans = [thank_reference_plan(cid, now, opportunity_id=opportunity_id) for cid in contact_ids]
    return create_follow_ups(plans, now=now)


def list_references(*, now: datetime | None = None) -> list[ReferenceView]:
    """The reference list with where each was given and any overuse warning."""
    moment = now or utc_now()
    with reading():
        rows = list(
            tuples(
                Reference.select(
                    Reference.id,
                    Contact.id,
                    Contact.name,
                    Contact.role,
                    fn.COALESCE(Company.name, ""),
                    Contact.email,
                    Contact.phone,
                    Reference.relationship,
                    Reference.talking_points,
                    Reference.last_briefed_at,
                    Contact.rapport,
                )
                .join(Contact)
                .join(Company, JOIN.LEFT_OUTER)
                .order_by(Contact.sort_key)
            )
        )
        employer = Company.alias()
        givings = list(
            tuples(
                ReferenceGiven.select(
                    ReferenceGiven.reference,
                    employer.name,
                    ReferenceGiven.given_at,
                    Opportunity.id,
                    Opportunity.role,
                )
                .join(Opportunity)
                .join(employer, on=(Opportunity.company == employer.id))
                .order_by(ReferenceGiven.given_at)
            )
        )
        contact_of = {row[0]: row[1] for row in rows}
        known = _interviewers_known(
            sorted({contact_of[rid] for rid, *_ in givings}),
            sorted({oid for *_, oid, _ in givings}),
        )
    given: dict[int, list[GivenView]] = {}
    for reference_id, company, at, oid, role in givings:
        names = known.get((contact_of[reference_id], oid), ())
        given.setdefault(reference_id, []).append(
            GivenView(
                opportunity_id=oid,
                opportunity=opportunity_title(role, company),
                company=company,
                given_at=at,
                knows_interviewers=names,
                talking_point=bonus_talking_point(names),
            )
        )
    overuse = {
        w.reference_id: w.message
        for w in overused_references(
            [Giving(rid, company, at) for rid, company, at, _, _ in givings],
            {row[0]: row[9] for row in rows},
            moment,
        )
    }
    views = []
    for row in rows:
        rid, cid, name, role, company, email, phone, relationship, points, briefed, rapport = row
        warnings = tuple(w for w in (strained_warning(name, rapport), overuse.get(rid, "")) if w)
        views.append(
            ReferenceView(
                contact_id=cid,
                name=name,
                role=role,
                company=company,
                email=email,
                phone=phone,
                relationship=relationship,
                talking_points=points,
                last_briefed_at=briefed,
                given_to=tuple(g.company for g in given.get(rid, ())),
                warning="; ".join(warnings),
                rapport=rapport,
                warnings=warnings,
                given=tuple(given.get(rid, ())),
            )
        )
    return views


def export_sheet(*, markdown: bool = True) -> str:
    """The reference list as a sheet to paste into an application."""
    entries = [
        ReferenceEntry(
            name=r.name,
            role=r.role,
            company=r.company,
            email=r.email,
            phone=r.phone,
            relationship=r.relationship,
            talking_points=r.talking_points,
        )
        for r in list_references()
    ]
    return reference_sheet(entries, markdown=markdown)
