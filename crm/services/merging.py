"""Duplicates, merging, and deleting a contact in a way that can be undone."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peewee import JOIN, fn

from crm.clock import utc_now
from crm.db import search
from crm.db.models import (
    Company,
    Connection,
    Contact,
    ContactMethod,
    ContactTopic,
    FollowUp,
    ImportBatch,
    ImportChange,
    Interaction,
    InterviewInterviewer,
    OpportunityPerson,
    Reference,
    ReferenceGiven,
)
from crm.db.typed import dicts, tuples
from crm.domain.duplicates import DuplicateFacts, DuplicateGroup, combined_text, find_duplicates
from crm.domain.types import ContactRow, HelperRole
from crm.domain.validation import InvalidInput
from crm.services.contacts import _row_details
from crm.services.tx import reading, writing

RAPPORT_SEVERITY = {"": 0, "good": 1, "neutral": 2, "strained": 3}


@dataclass(frozen=True)
class Duplicates:
    """A group of likely duplicates, with the rows to show."""

    reason: str
    contacts: tuple[ContactRow, ...]


@dataclass(frozen=True)
class MergeResult:
    """What a merge moved onto the kept contact."""

    kept_id: int
    removed_id: int
    moved: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DeletedContact:
    """Everything a deleted contact took with them, so the delete can be undone."""

    contact_id: int
    name: str
    rows: dict[str, list[dict[str, Any]]]
    referrer_of: tuple[int, ...] = ()


def find_duplicate_contacts(*, now: datetime | None = None) -> list[Duplicates]:
    """Likely duplicates across all contacts."""
    with reading():
        facts = [
            DuplicateFacts(cid, name, key or "", email, url)
            for cid, name, key, email, url in Contact.select(
                Contact.id, Contact.name, Company.key, Contact.email, Contact.linkedin_url
            )
            .join(Company, JOIN.LEFT_OUTER)
            .tuples()
            .iterator()
        ]
        groups: list[DuplicateGroup] = find_duplicates(facts)
        groups += _import_likenesses({f.contact_id for f in facts}, groups)
        return [
            Duplicates(group.reason, tuple(_row_details(list(group.contact_ids), now or utc_now())))
            for group in groups
        ]


def _import_likenesses(existing: set[int], found: list[DuplicateGroup]) -> list[DuplicateGroup]:
    """The possible duplicates imports listed (the same name, another or no company) that
    are all still there and not already in a group found otherwise; newest import first."""
    seen = {frozenset(group.contact_ids) for group in found}
    groups: list[DuplicateGroup] = []
    batches = tuples(
        ImportBatch.select(ImportBatch.id, ImportBatch.summary)
        .where(ImportBatch.undone_at.is_null())
        .order_by(ImportBatch.id.desc())
    )
    for batch_id, summary in batches:
        try:
            listed = json.loads(summary or "{}").get("possible_duplicates", [])
        except ValueError:
            continue
        for contact_id, _name, like, _like_names in listed:
            members = frozenset(cid for cid in (contact_id, *like) if cid in existing)
            if len(members) < 2 or members in seen:
                continue
            seen.add(members)
            reason = f"the same name (listed by import #{batch_id})"
            groups.append(DuplicateGroup(tuple(sorted(members)), reason))
    return groups


@dataclass(frozen=True)
class MergePreview:
    """What merging one contact into another would do, shown before it is done."""

    kept: str
    removed: str
    lines: tuple[str, ...]  # "Company: Initech (from #7)", "Moves: 2 conversations", …

    def text(self) -> str:
        return "\n".join((f"Keeps {self.kept}; removes {self.removed}.", *self.lines))


_PREVIEW_FIELDS = (
    ("company", "Company"),
    ("role", "Role"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("linkedin_url", "LinkedIn"),
)


def merge_preview(keep_id: int, other_id: int) -> MergePreview:
    """What ``merge_contacts(keep_id, other_id)`` would do, without doing it."""
    if keep_id == other_id:
        raise InvalidInput("Pick two different contacts to merge.")
    with reading():
        keep = Contact.get_or_none(Contact.id == keep_id)
        other = Contact.get_or_none(Contact.id == other_id)
        if keep is None or other is None:
            raise InvalidInput("Both contacts must exist.")
        lines: list[str] = []
        for name, label in _PREVIEW_FIELDS:
            mine = keep.company.name if name == "company" and keep.company else ""
            theirs = other.company.name if name == "company" and other.company else ""
            if name != "company":
                mine, theirs = getattr(keep, name), getattr(other, name)
            if theirs and not mine:
                lines.append(f"{label}: {theirs} (from #{other_id})")
            elif theirs and mine and theirs.casefold() != mine.casefold():
                kept_as = "kept as another" if name in ("email", "phone", "linkedin_url") else ""
                lines.append(f"{label}: {mine} stays; {theirs} {kept_as or 'is dropped'}".rstrip())
        for name, label in (("how_met", "How you met"), ("relationship_note", "Note")):
            combined = combined_text(getattr(keep, name), getattr(other, name))
            if combined != getattr(keep, name).strip():
                lines.append(f"{label}: {' / '.join(combined.splitlines())}")
        counts = {
            "conversations": Interaction.select().where(Interaction.contact == other_id).count(),
            "follow-ups": FollowUp.select().where(FollowUp.contact == other_id).count(),
            "interviews": InterviewInterviewer.select()
            .where(InterviewInterviewer.contact == other_id)
            .count(),
            "topics": ContactTopic.select().where(ContactTopic.contact == other_id).count(),
            "other e-mails, phones and links": ContactMethod.select()
            .where(ContactMethod.contact == other_id)
            .count(),
        }
        moves = ", ".join(f"{count} {what}" for what, count in counts.items() if count)
        lines.append(f"Moves: {moves}." if moves else "Nothing else to move.")
        kept, removed = f"{keep.name} (#{keep_id})", f"{other.name} (#{other_id})"
        return MergePreview(kept, removed, tuple(lines))


def merge_contacts(keep_id: int, other_id: int, *, now: datetime | None = None) -> MergeResult:
    """Fold ``other_id`` into ``keep_id``: every conversation, follow-up, interview, connection
    and reference moves over; fields are combined, nothing is silently dropped."""
    if keep_id == other_id:
        raise InvalidInput("Pick two different contacts to merge.")
    moment = now or utc_now()
    with writing():
        keep = Contact.get_or_none(Contact.id == keep_id)
        other = Contact.get_or_none(Contact.id == other_id)
        if keep is None or other is None:
            raise InvalidInput("Both contacts must exist.")
        moved: dict[str, int] = {}
        moved["conversations"] = (
            Interaction.update(contact=keep_id).where(Interaction.contact == other_id).execute()
        )
        moved["follow-ups"] = (
            FollowUp.update(contact=keep_id).where(FollowUp.contact == other_id).execute()
        )
        moved["referrals"] = _move_helped(keep_id, other_id)
        moved["interviews"] = _move_interviews(keep_id, other_id)
        moved["connections"] = _move_connections(keep_id, other_id)
        moved["references"] = _move_reference(keep_id, other_id)
        _move_topics(keep_id, other_id)
        _keep_other_methods(keep, other)
        ImportChange.update(contact=keep_id).where(ImportChange.contact == other_id).execute()
        Contact.update(
            company=keep.company_id or other.company_id,
            role=keep.role or other.role,
            email=keep.email or other.email,
            phone=keep.phone or other.phone,
            linkedin_url=keep.linkedin_url or other.linkedin_url,
            how_met=combined_text(keep.how_met, other.how_met),
            relationship_note=combined_text(keep.relationship_note, other.relationship_note),
            rapport=max(keep.rapport, other.rapport, key=lambda r: RAPPORT_SEVERITY.get(r, 0)),
            keep_in_touch_days=min(
                (d for d in (keep.keep_in_touch_days, other.keep_in_touch_days) if d), default=None
            ),
            created_at=min(keep.created_at, other.created_at),
            updated_at=moment,
        ).where(Contact.id == keep_id).execute()
        Contact.delete().where(Contact.id == other_id).execute()
        search.index_contact(other_id)  # removes its index row
        search.index_contact(keep_id)
        return MergeResult(keep_id, other_id, {k: int(v) for k, v in moved.items() if v})


def _move_helped(keep_id: int, other_id: int) -> int:
    """Move the processes ``other`` helped with; where both helped, one row stays (a referrer
    outranks one who pulled strings), since a process lists each person once."""
    mine = dict(
        tuples(
            OpportunityPerson.select(OpportunityPerson.opportunity, OpportunityPerson.role).where(
                OpportunityPerson.contact == keep_id
            )
        )
    )
    moved = 0
    for row_id, oid, role in tuples(
        OpportunityPerson.select(
            OpportunityPerson.id, OpportunityPerson.opportunity, OpportunityPerson.role
        ).where(OpportunityPerson.contact == other_id)
    ):
        if oid in mine:
            if role == HelperRole.REFERRER.value:
                OpportunityPerson.update(role=role).where(
                    (OpportunityPerson.opportunity == oid) & (OpportunityPerson.contact == keep_id)
                ).execute()
            OpportunityPerson.delete().where(OpportunityPerson.id == row_id).execute()
        else:
            OpportunityPerson.update(contact=keep_id).where(
                OpportunityPerson.id == row_id
            ).execute()
        moved += 1
    return moved


def _move_interviews(keep_id: int, other_id: int) -> int:
    already = {
        iid
        for (iid,) in tuples(
            InterviewInterviewer.select(InterviewInterviewer.interview).where(
                InterviewInterviewer.contact == keep_id
            )
        )
    }
    InterviewInterviewer.delete().where(
        (InterviewInterviewer.contact == other_id)
        & InterviewInterviewer.interview.in_(list(already))
    ).execute()
    return int(
        InterviewInterviewer.update(contact=keep_id)
        .where(InterviewInterviewer.contact == other_id)
        .execute()
    )


def _move_connections(keep_id: int, other_id: int) -> int:
    known = {
        b if a == keep_id else a
        for a, b in tuples(
            Connection.select(Connection.contact_a, Connection.contact_b).where(
                (Connection.contact_a == keep_id) | (Connection.contact_b == keep_id)
            )
        )
    }
    moved = 0
    for connection in Connection.select().where(
        (Connection.contact_a == other_id) | (Connection.contact_b == other_id)
    ):
        friend = (
            connection.contact_b_id
            if connection.contact_a_id == other_id
            else connection.contact_a_id
        )
        if friend == keep_id or friend in known:
            continue  # "they know each other" between the two, or already recorded
        first, second = sorted((keep_id, friend))
        Connection.insert(
            contact_a=first,
            contact_b=second,
            source=connection.source,
            note=connection.note,
            noted_at=connection.noted_at,
        ).execute()
        known.add(friend)
        moved += 1
    Connection.delete().where(
        (Connection.contact_a == other_id) | (Connection.contact_b == other_id)
    ).execute()
    return moved


def _move_reference(keep_id: int, other_id: int) -> int:
    theirs = Reference.get_or_none(Reference.contact == other_id)
    if theirs is None:
        return 0
    mine = Reference.get_or_none(Reference.contact == keep_id)
    if mine is None:
        Reference.update(contact=keep_id).where(Reference.id == theirs.id).execute()
        return 1
    briefed = [d for d in (mine.last_briefed_at, theirs.last_briefed_at) if d]
    Reference.update(
        relationship=combined_text(mine.relationship, theirs.relationship),
        talking_points=combined_text(mine.talking_points, theirs.talking_points),
        last_briefed_at=max(briefed) if briefed else None,
    ).where(Reference.id == mine.id).execute()
    given = {
        oid
        for (oid,) in tuples(
            ReferenceGiven.select(ReferenceGiven.opportunity).where(
                ReferenceGiven.reference == mine.id
            )
        )
    }
    ReferenceGiven.delete().where(
        (ReferenceGiven.reference == theirs.id) & ReferenceGiven.opportunity.in_(list(given))
    ).execute()
    ReferenceGiven.update(reference=mine.id).where(ReferenceGiven.reference == theirs.id).execute()
    Reference.delete().where(Reference.id == theirs.id).execute()
    return 1


def _move_topics(keep_id: int, other_id: int) -> None:
    mine = [
        n
        for (n,) in tuples(
            ContactTopic.select(ContactTopic.name)
            .where(ContactTopic.contact == keep_id)
            .order_by(ContactTopic.position)
        )
    ]
    folded = {n.casefold() for n in mine}
    extra = [
        n
        for (n,) in tuples(
            ContactTopic.select(ContactTopic.name)
            .where(ContactTopic.contact == other_id)
            .order_by(ContactTopic.position)
        )
        if n.casefold() not in folded
    ]
    ContactTopic.delete().where(ContactTopic.contact == other_id).execute()
    for offset, name in enumerate(extra):
        ContactTopic.insert(contact=keep_id, name=name, position=len(mine) + offset).execute()


def _keep_other_methods(keep: Contact, other: Contact) -> None:
    """The other contact's e-mail, phone and profile survive as extra methods if they differ."""
    existing = {
        (kind, value.casefold())
        for kind, value in tuples(
            ContactMethod.select(ContactMethod.kind, ContactMethod.value).where(
                ContactMethod.contact == keep.id
            )
        )
    }
    position = int(
        ContactMethod.select(fn.COUNT(ContactMethod.id))
        .where(ContactMethod.contact == keep.id)
        .scalar()
        or 0
    )
    candidates = [
        ("email", other.email, keep.email),
        ("phone", other.phone, keep.phone),
        ("url", other.linkedin_url, keep.linkedin_url),
    ]
    for kind, value, primary in candidates:
        if (
            value
            and primary
            and value.casefold() != primary.casefold()
            and (kind, value.casefold()) not in existing
        ):
            ContactMethod.insert(
                contact=keep.id, kind=kind, value=value, label="from merge", position=position
            ).execute()
            position += 1
    ContactMethod.update(contact=keep.id).where(ContactMethod.contact == other.id).execute()


# --- delete and undo --------------------------------------------------------------------------

_OWNED: tuple[tuple[str, Any, Any], ...] = (
    ("contact_topic", ContactTopic, lambda cid: ContactTopic.contact == cid),
    ("contact_method", ContactMethod, lambda cid: ContactMethod.contact == cid),
    ("interaction", Interaction, lambda cid: Interaction.contact == cid),
    ("follow_up", FollowUp, lambda cid: FollowUp.contact == cid),
    (
        "interview_interviewer",
        InterviewInterviewer,
        lambda cid: InterviewInterviewer.contact == cid,
    ),
    (
        "connection",
        Connection,
        lambda cid: (Connection.contact_a == cid) | (Connection.contact_b == cid),
    ),
    ("reference", Reference, lambda cid: Reference.contact == cid),
    ("opportunity_person", OpportunityPerson, lambda cid: OpportunityPerson.contact == cid),
)


def delete_contact(contact_id: int) -> DeletedContact:
    """Delete a contact and everything that is theirs; returns what's needed to undo it."""
    with writing():
        contact = Contact.get_or_none(Contact.id == contact_id)
        if contact is None:
            raise InvalidInput(f"There is no contact #{contact_id}.")
        rows: dict[str, list[dict[str, Any]]] = {
            "contact": list(dicts(Contact.select().where(Contact.id == contact_id)))
        }
        for name, model, condition in _OWNED:
            rows[name] = list(dicts(model.select().where(condition(contact_id))))
        reference_ids = [r["id"] for r in rows["reference"]]
        rows["reference_given"] = list(
            dicts(ReferenceGiven.select().where(ReferenceGiven.reference.in_(reference_ids)))
        )
        referrer_of = tuple(row["opportunity"] for row in rows["opportunity_person"])
        Contact.delete().where(Contact.id == contact_id).execute()  # cascades to what it owns
        search.index_contact(contact_id)
        return DeletedContact(contact_id, contact.name, rows, referrer_of)


def restore_contact(deleted: DeletedContact) -> None:
    """Undo a delete: put the contact and everything that was theirs back, with the same ids."""
    models = {"contact": Contact, "reference_given": ReferenceGiven} | {
        name: model for name, model, _ in _OWNED
    }
    order = (
        "contact",
        "contact_topic",
        "contact_method",
        "interaction",
        "follow_up",
        "interview_interviewer",
        "connection",
        "reference",
        "reference_given",
        "opportunity_person",
    )
    with writing():
        if Contact.get_or_none(Contact.id == deleted.contact_id) is not None:
            raise InvalidInput(f"{deleted.name} is already back.")
        for name in order:
            rows = deleted.rows.get(name, [])
            if rows:
                models[name].insert_many(rows).execute()
        search.index_contact(deleted.contact_id)


__all__ = [
    "DeletedContact",
    "Duplicates",
    "MergeResult",
    "delete_contact",
    "find_duplicate_contacts",
    "MergePreview",
    "merge_contacts",
    "merge_preview",
    "restore_contact",
]
