"""The reference list: who vouches for the user, what they can speak to, who was briefed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db.models import Company, Contact, Opportunity, Reference, ReferenceGiven
from crm.domain.references import (
    Giving,
    ReferenceEntry,
    brief_reference_plan,
    overused_references,
    reference_sheet,
    thank_reference_plan,
)
from crm.domain.types import Stage
from crm.domain.validation import InvalidInput
from crm.services.followups import create_follow_ups
from crm.services.tx import reading, writing


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
                relationship=relationship.strip(), talking_points=talking_points.strip()
            ).where(Reference.id == existing.id).execute()
            return False
        Reference.insert(
            contact=contact_id,
            relationship=relationship.strip(),
            talking_points=talking_points.strip(),
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


def mark_briefed(contact_id: int, *, at: datetime | None = None) -> None:
    """Record that the user briefed a reference (what the role is, what to stress)."""
    with writing():
        reference = _reference(contact_id)
        Reference.update(last_briefed_at=at or utc_now()).where(
            Reference.id == reference.id
        ).execute()


def give_reference(
    contact_id: int,
    opportunity_id: int,
    *,
    expected_call_at: datetime | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Hand a reference to an employer: plans "brief your reference" before the call."""
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
        planned = [plan]
        if not Stage(opportunity.stage).is_open:
            planned.append(thank_reference_plan(contact_id, moment, opportunity_id=opportunity_id))
        return create_follow_ups(planned, now=moment)


def plan_thanks_on_close(opportunity_id: int, *, now: datetime) -> list[int]:
    """When an opportunity closes, plan "thank your reference" for each reference given to it.

    Call inside the transaction that closes the opportunity.
    """
    contact_ids = [
        cid
        for (cid,) in ReferenceGiven.select(Reference.contact)
        .join(Reference)
        .where(ReferenceGiven.opportunity == opportunity_id)
        .tuples()
    ]
    plans = [thank_reference_plan(cid, now, opportunity_id=opportunity_id) for cid in contact_ids]
    return create_follow_ups(plans, now=now)


def list_references(*, now: datetime | None = None) -> list[ReferenceView]:
    """The reference list with where each was given and any overuse warning."""
    moment = now or utc_now()
    with reading():
        rows = list(
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
            )
            .join(Contact)
            .join(Company, JOIN.LEFT_OUTER)
            .order_by(Contact.sort_key)
            .tuples()
        )
        employer = Company.alias()
        givings = list(
            ReferenceGiven.select(ReferenceGiven.reference, employer.name, ReferenceGiven.given_at)
            .join(Opportunity)
            .join(employer, on=(Opportunity.company == employer.id))
            .order_by(ReferenceGiven.given_at)
            .tuples()
        )
    given_to: dict[int, list[str]] = {}
    for reference_id, company, _ in givings:
        given_to.setdefault(reference_id, []).append(company)
    warnings = {
        w.reference_id: w.message
        for w in overused_references(
            [Giving(rid, company, at) for rid, company, at in givings],
            {row[0]: row[9] for row in rows},
            moment,
        )
    }
    return [
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
            given_to=tuple(given_to.get(rid, ())),
            warning=warnings.get(rid, ""),
        )
        for rid, cid, name, role, company, email, phone, relationship, points, briefed in rows
    ]


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
