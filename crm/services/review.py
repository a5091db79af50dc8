"""The review of what mail proposes: people unknown to crm at a company in play, and
interviews from invitations. Each is accepted, skipped (for now) or ignored (for good);
nothing is created without the user's yes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db.models import (
    Company,
    Contact,
    ContactMethod,
    Interview,
    MailProposal,
    Opportunity,
)
from crm.db.typed import as_datetime
from crm.domain.invites import Invitation, InviteError, from_detail
from crm.domain.review import (
    ACCEPTED,
    CONTACT,
    IGNORED,
    INTERVIEW,
    PENDING,
    SKIPPED,
)
from crm.domain.text import clean_text
from crm.domain.types import ContactDraft
from crm.domain.validation import InvalidInput
from crm.services.contacts import create_contact
from crm.services.invites import accept_proposed_interview, open_opportunities_by_activity
from crm.services.opportunities import NotFound
from crm.services.tx import reading, writing
from crm.zone import local_text

__all__ = [
    "Accepted",
    "Invitation",
    "ProposalView",
    "ReviewError",
    "accept",
    "ignore",
    "list_proposals",
    "pending_count",
    "skip",
]

PAST_MAIL = (
    "Importing the same mail file again logs their earlier messages (each once); "
    "IMAP brings only mail newer than its last run."
)
"""What accepting a contact does not do by itself, said where the user accepts."""


class ReviewError(InvalidInput):
    """A review answer that can't be given (unknown id, already answered, bad name): one line,
    nothing changed."""


@dataclass(frozen=True)
class ProposalView:
    """One pending proposal, as the review lists it."""

    id: int
    kind: str
    """"contact" or "interview"."""
    address: str
    """A contact's lower-cased e-mail address; an interview's invitation UID."""
    name: str
    company: str
    company_id: int | None
    first_seen: datetime
    last_seen: datetime
    messages: int
    invitation: Invitation | None = None
    """What an interview proposal proposes; None for a contact."""
    opportunity_id: int | None = None
    """The open opportunity at its company an interview most likely belongs to (the newest)."""


@dataclass(frozen=True)
class Accepted:
    """What accepting did: the contact (or interview) it created or found, and what to say."""

    proposal_id: int
    kind: str
    created_id: int
    """The new contact's or interview's id (an existing contact's, when ``existed``)."""
    existed: bool
    text: str


def list_proposals() -> list[ProposalView]:
    """Every pending proposal, the most recently seen first, with its company's name."""
    with reading():
        rows = list(
            MailProposal.select(MailProposal, Company.name.alias("company_name"))
            .join(Company, on=MailProposal.company == Company.id, join_type=JOIN.LEFT_OUTER)
            .where(MailProposal.state == PENDING)
            .order_by(MailProposal.last_seen.desc(), MailProposal.id.desc())
            .objects()
        )
        company_ids = {
            int(row.company_id)
            for row in rows
            if row.kind == INTERVIEW and row.company_id is not None
        }
        newest_open = _newest_open_opportunities(company_ids)
    views = [_view(row, newest_open) for row in rows]
    # An interview whose invitation can't be read (a damaged row) has nothing to accept.
    return [view for view in views if view.kind == CONTACT or view.invitation is not None]


def pending_count() -> int:
    """How many proposals wait for review."""
    with reading():
        return int(MailProposal.select().where(MailProposal.state == PENDING).count())


def accept(
    proposal_id: int,
    *,
    name: str | None = None,
    opportunity_id: int | None = None,
    now: datetime | None = None,
) -> Accepted:
    """Accept a proposal in one transaction: a contact is created at its company with its
    address and its name (or ``name``); an interview is added to ``opportunity_id``.

    A contact proposal whose address a contact has meanwhile is closed, creating nothing.

    Raises:
        ReviewError: no such proposal, already answered, a bad name, or a missing or
            misplaced opportunity.
    """
    moment = now or utc_now()
    with writing():
        row = _answerable(proposal_id)
        if row.kind == INTERVIEW:
            if name is not None:
                raise ReviewError("A name is for a person; an interview needs an opportunity.")
            if opportunity_id is None:
                raise ReviewError(
                    f"Say which opportunity proposal #{proposal_id} is an interview of"
                    " (crm review accept ID --opportunity OPP; crm opportunity list)."
                )
            if not Opportunity.select().where(Opportunity.id == opportunity_id).exists():
                raise ReviewError(f"There is no opportunity #{opportunity_id}.")
            interview_id = _accept_interview(proposal_id, opportunity_id, moment)
            _close(proposal_id, ACCEPTED)
            return Accepted(
                proposal_id,
                INTERVIEW,
                interview_id,
                False,
                _scheduled_text(interview_id),
            )
        if opportunity_id is not None:
            raise ReviewError("An opportunity is for an interview; a person needs a name.")
        accepted = _accept_contact(row, name, moment)
        _close(proposal_id, ACCEPTED)
    return accepted


def skip(proposal_id: int) -> None:
    """Leave a proposal out of the review until mail newer than any seen from them comes."""
    with writing():
        _answerable(proposal_id, allow_skipped=False)
        _close(proposal_id, SKIPPED)


def ignore(proposal_id: int) -> None:
    """Never propose this person (or invitation) again, whatever mail comes."""
    with writing():
        _answerable(proposal_id)
        _close(proposal_id, IGNORED)


# --- inside the transaction ---------------------------------------------------------------


def _answerable(proposal_id: int, *, allow_skipped: bool = True) -> Any:
    """The proposal, if it may still be answered; else ReviewError."""
    row = MailProposal.get_or_none(MailProposal.id == proposal_id)
    if row is None:
        raise ReviewError(f"There is no proposal #{proposal_id} (crm review lists them).")
    if row.state == PENDING or (row.state == SKIPPED and allow_skipped):
        return row
    raise ReviewError(f"Proposal #{proposal_id} was already {row.state}.")


def _close(proposal_id: int, state: str) -> None:
    MailProposal.update(state=state).where(MailProposal.id == proposal_id).execute()


def _accept_contact(row: Any, name: str | None, now: datetime) -> Accepted:
    address = str(row.address)
    existing = _contact_with_address(address)
    if existing is not None:
        contact_id, known_as = existing
        return Accepted(
            int(row.id),
            CONTACT,
            contact_id,
            True,
            f"{known_as} (#{contact_id}) already has {address}; nothing added.",
        )
    chosen = " ".join(clean_text(name if name is not None else str(row.name)).split())
    if not chosen and name is None:
        raise ReviewError(f"{address} came with no name: give one (--name NAME).")
    company = Company.get_or_none(Company.id == row.company_id) if row.company_id else None
    company_name = str(company.name) if company is not None else ""
    try:
        contact_id = create_contact(
            ContactDraft(name=chosen, company=company_name, email=address), now=now
        )
    except InvalidInput as error:
        raise ReviewError(str(error)) from error
    at = f" at {company_name}" if company_name else ""
    return Accepted(
        int(row.id), CONTACT, contact_id, False, f"Added {chosen}{at} (#{contact_id}). {PAST_MAIL}"
    )


def _contact_with_address(address: str) -> tuple[int, str] | None:
    """A contact with this e-mail address (their main one or another), if any."""
    direct = (
        Contact.select(Contact.id, Contact.name)
        .where(fn.LOWER(fn.TRIM(Contact.email)) == address)
        .order_by(Contact.id)
        .first()
    )
    if direct is not None:
        return int(direct.id), str(direct.name)
    method = (
        ContactMethod.select(ContactMethod.contact)
        .where(
            (ContactMethod.kind == "email") & (fn.LOWER(fn.TRIM(ContactMethod.value)) == address)
        )
        .order_by(ContactMethod.contact)
        .first()
    )
    if method is None:
        return None
    contact = Contact.get_by_id(method.contact_id)
    return int(contact.id), str(contact.name)


def _scheduled_text(interview_id: int) -> str:
    """ "Scheduled “Technical interview”, Thu 10 Dec 14:00, a round of Staff Engineer at
    Initech (interview #4)."."""
    interview = Interview.get_by_id(interview_id)
    opportunity = Opportunity.get_by_id(interview.opportunity_id)
    what = interview.kind or "the interview"
    return (
        f"Scheduled “{what}”, {local_text(as_datetime(interview.starts_at))}, a round of"
        f" {opportunity.role} at {opportunity.company.name} (interview #{interview_id})."
    )


def _accept_interview(proposal_id: int, opportunity_id: int, now: datetime) -> int:
    """The invitation import's own acceptance, its refusals as one-line ReviewErrors."""
    try:
        return accept_proposed_interview(proposal_id, opportunity_id, now=now)
    except (InvalidInput, NotFound) as error:
        raise ReviewError(str(error)) from error


# --- reading --------------------------------------------------------------------------------


def _newest_open_opportunities(company_ids: set[int]) -> dict[int, int]:
    """The open opportunity an interview at each company most likely belongs to: the one
    the invitation import itself would choose."""
    chosen: dict[int, int] = {}
    for company_id in company_ids:
        if candidates := open_opportunities_by_activity(company_id):
            chosen[company_id] = candidates[0]
    return chosen


def _view(row: Any, newest_open: dict[int, int]) -> ProposalView:
    company_id = int(row.company_id) if row.company_id is not None else None
    invitation = _invitation(str(row.detail)) if row.kind == INTERVIEW else None
    return ProposalView(
        id=int(row.id),
        kind=str(row.kind),
        address=str(row.address),
        name=str(row.name),
        company=str(row.company_name or ""),
        company_id=company_id,
        first_seen=as_datetime(row.first_seen),
        last_seen=as_datetime(row.last_seen),
        messages=int(row.messages),
        invitation=invitation,
        opportunity_id=newest_open.get(company_id) if invitation and company_id else None,
    )


def _invitation(detail: str) -> Invitation | None:
    """The invitation a proposed interview holds; None when its JSON is unreadable."""
    try:
        return from_detail(detail)
    except InviteError:
        return None
