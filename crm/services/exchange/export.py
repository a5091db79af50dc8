"""Everything in the database as a JSON document, in an order that depends only on the content."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from crm.db import db
from crm.db.models import (
    Company,
    Connection,
    Contact,
    ContactMethod,
    ContactTopic,
    FollowUp,
    Interaction,
    Interview,
    InterviewInterviewer,
    Opportunity,
    OpportunityPerson,
    Reference,
    ReferenceGiven,
)
from crm.db.typed import dicts, tuples
from crm.domain.text import sort_key
from crm.services.exchange.schema import (
    BOOL,
    COMPANY_FIELDS,
    CONNECTION_FIELDS,
    CONTACT_FIELDS,
    FOLLOW_UP_FIELDS,
    FORMAT,
    GIVEN_FIELDS,
    INTERACTION_FIELDS,
    INTERVIEW_FIELDS,
    MAYBE_REF,
    MAYBE_TIME,
    OPPORTUNITY_FIELDS,
    REF,
    REFERENCE_FIELDS,
    TIME,
    VERSION,
    Field,
    time_text,
)
from crm.services.tx import reading

_Names = dict[str, dict[int, str]]
"""For each section, database id → the uid (or company key) that names it in the document."""


def _export_record(
    row: Mapping[str, Any], fields: Sequence[Field], names: _Names
) -> dict[str, Any]:
    """One table row as a document record, with references turned into uids."""
    record: dict[str, Any] = {}
    for f in fields:
        value = row[f.name]
        if f.kind in (REF, MAYBE_REF):
            value = None if value is None else names[f.target][value]
        elif f.kind in (TIME, MAYBE_TIME):
            value = None if value is None else time_text(value)
        elif f.kind == BOOL:
            value = bool(value)
        record[f.key] = value
    return record


def grouped(query: Iterable[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    """Rows ``(owner_id, *rest)`` grouped by owner, in query order."""
    groups: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for owner, *rest in query:
        groups[owner].append(tuple(rest))
    return groups


def export_document() -> dict[str, Any]:
    """Everything in the database as a JSON-ready document (read in one consistent snapshot)."""
    with reading(), db.atomic():
        return _read_document()


def _read_document() -> dict[str, Any]:
    companies = list(dicts(Company.select()))
    contacts = list(dicts(Contact.select()))
    opportunities = list(dicts(Opportunity.select()))
    interviews = list(dicts(Interview.select()))
    interactions = list(dicts(Interaction.select()))
    follow_ups = list(dicts(FollowUp.select()))
    names: _Names = {
        "companies": {row["id"]: row["key"] for row in companies},
        "contacts": {row["id"]: row["uid"] for row in contacts},
        "opportunities": {row["id"]: row["uid"] for row in opportunities},
        "interviews": {row["id"]: row["uid"] for row in interviews},
        "interactions": {row["id"]: row["uid"] for row in interactions},
    }
    topics = grouped(
        tuples(
            ContactTopic.select(ContactTopic.contact, ContactTopic.name).order_by(
                ContactTopic.contact, ContactTopic.position, ContactTopic.id
            )
        )
    )
    methods = grouped(
        tuples(
            ContactMethod.select(
                ContactMethod.contact, ContactMethod.kind, ContactMethod.value, ContactMethod.label
            ).order_by(ContactMethod.contact, ContactMethod.position, ContactMethod.id)
        )
    )
    interviewers = grouped(
        tuples(
            InterviewInterviewer.select(
                InterviewInterviewer.interview, InterviewInterviewer.contact
            ).order_by(InterviewInterviewer.interview, InterviewInterviewer.id)
        )
    )
    helpers = grouped(
        tuples(
            OpportunityPerson.select(
                OpportunityPerson.opportunity, OpportunityPerson.contact, OpportunityPerson.role
            ).order_by(
                OpportunityPerson.opportunity, OpportunityPerson.position, OpportunityPerson.id
            )
        )
    )

    contacts.sort(key=lambda row: (sort_key(row["name"]), row["uid"]))
    contact_records = []
    for row in contacts:
        record = _export_record(row, CONTACT_FIELDS, names)
        record["topics"] = [name for (name,) in topics.get(row["id"], [])]
        record["methods"] = [
            {"kind": kind, "value": value, "label": label}
            for kind, value, label in methods.get(row["id"], [])
        ]
        contact_records.append(record)

    interviews.sort(key=lambda row: (row["starts_at"], row["uid"]))
    interview_records = []
    for row in interviews:
        record = _export_record(row, INTERVIEW_FIELDS, names)
        record["interviewers"] = [
            names["contacts"][contact_id] for (contact_id,) in interviewers.get(row["id"], [])
        ]
        interview_records.append(record)

    companies.sort(key=lambda row: row["key"])
    opportunities.sort(key=lambda row: (row["created_at"], row["uid"]))
    opportunity_records = []
    for row in opportunities:
        record = _export_record(row, OPPORTUNITY_FIELDS, names)
        record["helpers"] = [
            {"contact": names["contacts"][contact_id], "role": role}
            for contact_id, role in helpers.get(row["id"], [])
        ]
        opportunity_records.append(record)
    interactions.sort(key=lambda row: (row["occurred_at"], row["uid"]))
    follow_ups.sort(key=lambda row: (row["window_start"], row["uid"]))
    return {
        "format": FORMAT,
        "version": VERSION,
        "companies": [_export_record(row, COMPANY_FIELDS, names) for row in companies],
        "contacts": contact_records,
        "opportunities": opportunity_records,
        "interviews": interview_records,
        "interactions": [_export_record(row, INTERACTION_FIELDS, names) for row in interactions],
        "follow_ups": [_export_record(row, FOLLOW_UP_FIELDS, names) for row in follow_ups],
        "connections": _export_connections(names),
        "references": _export_references(names, [row["uid"] for row in contacts]),
    }


def _export_connections(names: _Names) -> list[dict[str, Any]]:
    """Connections with the lower uid first (in the database the lower id comes first)."""
    records = []
    for row in dicts(Connection.select()):
        record = _export_record(row, CONNECTION_FIELDS, names)
        if record["contact_a"] > record["contact_b"]:
            record["contact_a"], record["contact_b"] = record["contact_b"], record["contact_a"]
        records.append(record)
    records.sort(key=lambda record: (record["contact_a"], record["contact_b"]))
    return records


def _export_references(names: _Names, contact_order: list[str]) -> list[dict[str, Any]]:
    """The reference list in contact order, each with the employers it was given to."""
    given = grouped(
        tuples(
            ReferenceGiven.select(
                ReferenceGiven.reference,
                ReferenceGiven.opportunity,
                ReferenceGiven.given_at,
                ReferenceGiven.expected_call_at,
            )
        )
    )
    position = {uid: index for index, uid in enumerate(contact_order)}
    records = []
    for row in dicts(Reference.select()):
        record = _export_record(row, REFERENCE_FIELDS, names)
        handed = [
            _export_record(
                {"opportunity": opp, "given_at": at, "expected_call_at": call},
                GIVEN_FIELDS,
                names,
            )
            for opp, at, call in given.get(row["id"], [])
        ]
        handed.sort(key=lambda item: (item["given_at"], item["opportunity"]))
        record["given"] = handed
        records.append(record)
    records.sort(key=lambda record: position[record["contact"]])
    return records


def document_text(document: Mapping[str, Any]) -> str:
    """The document as the text of a JSON file: indented, UTF-8 as is, ending with a newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_json() -> str:
    """Everything in the database as the text of a JSON export."""
    return document_text(export_document())
