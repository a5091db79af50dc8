"""Who crm knows, as a mailbox sees them (addresses of contacts, mail domains of companies
in play), and the strangers it proposes for review: shared by the mail and invitation
imports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crm.db.models import Company, Contact, ContactMethod, MailProposal, Opportunity
from crm.db.typed import as_datetime, tuples
from crm.domain import mail as rules
from crm.domain.mail import Proposal
from crm.domain.review import CONTACT, IGNORED, PENDING, state_after_mail
from crm.domain.types import CLOSED_STAGES
from crm.services.tx import reading


@dataclass(frozen=True)
class Known:
    """Who crm knows, as a mailbox sees them."""

    contact_of: dict[str, int]
    company_of_domain: dict[str, int]


def known_people(me: tuple[str, ...]) -> Known:
    """Every contact's addresses, and the mail domains of companies with an open process
    (their website's, and their people's unless a public mail service or the user's own)."""
    contact_of: dict[str, int] = {}
    with reading():
        rows = tuples(Contact.select(Contact.email, Contact.id).where(Contact.email != ""))
        methods = tuples(
            ContactMethod.select(ContactMethod.value, ContactMethod.contact).where(
                ContactMethod.kind == "email"
            )
        )
        # Lowest id first wins an address two contacts share, so the choice is stable.
        for address, contact_id in sorted([*rows, *methods], key=lambda row: row[1]):
            contact_of.setdefault(address.strip().casefold(), contact_id)
        closed = [stage.value for stage in CLOSED_STAGES]
        open_companies = Opportunity.select(Opportunity.company).where(
            Opportunity.stage.not_in(closed)
        )
        websites = tuples(
            Company.select(Company.id, Company.website).where(Company.id.in_(open_companies))
        )
        people = tuples(
            Contact.select(Contact.company, Contact.email).where(
                Contact.company.in_(open_companies) & (Contact.email != "")
            )
        )
        own = {rules.domain_of(address) for address in me}
        company_of_domain: dict[str, int] = {}
        for company_id, website in websites:
            domain = rules.website_domain(website)
            if domain:
                company_of_domain.setdefault(domain, company_id)
        for company_id, address in people:
            domain = rules.domain_of(address.strip().casefold())
            if domain and domain not in rules.PUBLIC_MAIL_DOMAINS and domain not in own:
                company_of_domain.setdefault(domain, company_id)
    return Known(contact_of, company_of_domain)


def save_proposals(proposals: Iterable[Proposal]) -> set[str]:
    """Record the people a mail import proposes, inside the import's transaction; returns the
    addresses now waiting for review (an ignored one never is; a skipped one only when newer
    mail came). Reading the same mailbox again doesn't count its messages twice."""
    waiting: set[str] = set()
    for proposal in proposals:
        row = MailProposal.get_or_none(
            (MailProposal.kind == CONTACT) & (MailProposal.address == proposal.address)
        )
        if row is None:
            MailProposal.insert(
                kind=CONTACT,
                address=proposal.address,
                name=proposal.name,
                company=proposal.company_id,
                first_seen=proposal.first_seen,
                last_seen=proposal.last_seen,
                messages=proposal.messages,
            ).execute()
            waiting.add(proposal.address)
            continue
        if row.state == IGNORED:
            continue  # said never: not even their name or count is kept up to date
        state = state_after_mail(row.state, as_datetime(row.last_seen), proposal.last_seen)
        MailProposal.update(
            name=proposal.name or row.name,
            company=proposal.company_id,
            first_seen=min(as_datetime(row.first_seen), proposal.first_seen),
            last_seen=max(as_datetime(row.last_seen), proposal.last_seen),
            messages=max(row.messages, proposal.messages),
            state=state,
        ).where(MailProposal.id == row.id).execute()
        if state == PENDING:
            waiting.add(proposal.address)
    return waiting
