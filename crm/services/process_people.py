"""The people who helped the user into a process: its referrers and who pulled strings.

Reads run inside the caller's transaction (``reading()`` or ``writing()``), so every service
sees one answer to "who helped with this process".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from peewee import fn

from crm.db.models import Contact, OpportunityPerson
from crm.db.typed import tuples
from crm.domain.types import HelperRole, ProcessHelper
from crm.domain.validation import InvalidInput


def helpers_by_opportunity(
    opportunity_ids: Iterable[int] | None = None,
) -> dict[int, list[ProcessHelper]]:
    """Each opportunity's helpers in the order they were added (all opportunities for None)."""
    query = (
        OpportunityPerson.select(
            OpportunityPerson.opportunity, Contact.id, Contact.name, OpportunityPerson.role
        )
        .join(Contact)
        .order_by(OpportunityPerson.opportunity, OpportunityPerson.position, OpportunityPerson.id)
    )
    if opportunity_ids is not None:
        query = query.where(OpportunityPerson.opportunity.in_(list(opportunity_ids)))
    helpers: dict[int, list[ProcessHelper]] = {}
    for oid, cid, name, role in tuples(query):
        helpers.setdefault(oid, []).append(ProcessHelper(cid, name, _role(role)))
    return helpers


def helper_ids(opportunity_id: int) -> list[int]:
    """The contact ids of one opportunity's helpers, in order."""
    return [h.id for h in helpers_by_opportunity([opportunity_id]).get(opportunity_id, [])]


def helped_opportunity_ids(contact_id: int) -> list[int]:
    """The opportunities this contact referred the user to or pulled strings for."""
    return [
        oid
        for (oid,) in tuples(
            OpportunityPerson.select(OpportunityPerson.opportunity).where(
                OpportunityPerson.contact == contact_id
            )
        )
    ]


def add_helpers(opportunity_id: int, people: Sequence[tuple[int, HelperRole]]) -> None:
    """Record helpers of a process; someone already recorded keeps their place, takes the role.

    Raises:
        InvalidInput: one of the contacts doesn't exist (nothing is written by the caller's
            transaction then).
    """
    if not people:
        return
    wanted = [cid for cid, _ in people]
    known = {cid for (cid,) in tuples(Contact.select(Contact.id).where(Contact.id.in_(wanted)))}
    missing = [str(cid) for cid in dict.fromkeys(wanted) if cid not in known]
    if missing:
        raise InvalidInput(f"No contact with id {', '.join(missing)} to help with this process.")
    position = (
        OpportunityPerson.select(fn.MAX(OpportunityPerson.position))
        .where(OpportunityPerson.opportunity == opportunity_id)
        .scalar()
    )
    position = -1 if position is None else int(position)
    for cid, role in people:
        updated = (
            OpportunityPerson.update(role=role.value)
            .where(
                (OpportunityPerson.opportunity == opportunity_id)
                & (OpportunityPerson.contact == cid)
            )
            .execute()
        )
        if not updated:
            position += 1
            OpportunityPerson.insert(
                opportunity=opportunity_id, contact=cid, role=role.value, position=position
            ).execute()


def remove_helper(opportunity_id: int, contact_id: int) -> bool:
    """Forget that a contact helped with a process; False if they weren't recorded."""
    removed = (
        OpportunityPerson.delete()
        .where(
            (OpportunityPerson.opportunity == opportunity_id)
            & (OpportunityPerson.contact == contact_id)
        )
        .execute()
    )
    return bool(removed)


def _role(value: str) -> HelperRole:
    """A stored role; anything unknown (a hand-edited file) reads as a referrer."""
    try:
        return HelperRole(value)
    except ValueError:
        return HelperRole.REFERRER
