"""Importing: a checked document written into an empty database; a file read a value at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import chunked

from crm.db import db
from crm.db.models import (
    Company,
    Connection,
    Contact,
    ContactIndex,
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
from crm.db.typed import tuples
from crm.domain.text import fold
from crm.services.exchange.check import (
    Plan,
    Planner,
    Rows,
    check_document,
    check_header,
    parse_document,
)
from crm.services.exchange.schema import SECTIONS, ExchangeError
from crm.services.json_stream import JsonError, JsonStream, NotUtf8
from crm.services.tx import writing

INSERT_CHUNK = 500  # rows per INSERT: well under SQLite's limit on bound variables


@dataclass(frozen=True)
class ImportSummary:
    """How many records of each kind a JSON import wrote."""

    companies: int
    contacts: int
    opportunities: int
    interviews: int
    interactions: int
    follow_ups: int
    connections: int
    references: int


def _batches(
    rows: Rows, ids: Mapping[str, Mapping[str, int]] | None = None
) -> Iterator[list[list[Any]]]:
    """The rows a batch at a time, each uid in a reference column replaced by its row's id.

    Resolved a batch at a time, so the plan's rows are never held twice.
    """
    ids = ids or {}
    references = [(at, ids[column]) for at, column in enumerate(rows.columns) if column in ids]
    for batch in chunked(rows.rows, INSERT_CHUNK):
        resolved = [list(row) for row in batch]
        for row in resolved:
            for at, new_ids in references:
                if row[at] is not None:
                    row[at] = new_ids[row[at]]
        yield resolved


def _insert(model: Any, rows: Rows, ids: Mapping[str, Mapping[str, int]] | None = None) -> None:
    fields = [getattr(model, column) for column in rows.columns]
    for batch in _batches(rows, ids):
        model.insert_many(batch, fields=fields).execute()


def _ids_by(model: Any, name_field: Any) -> dict[str, int]:
    return {name: row_id for name, row_id in tuples(model.select(name_field, model.id))}


def _index(plan: Plan, contact_ids: Mapping[str, int]) -> None:
    """Write the search rows of every imported contact, as ``search.index_contact`` would.

    Built from the plan in one ``executemany``: indexing contact by contact would make a
    big export's import take minutes.
    """
    company_names = {company["key"]: company["name"] for company in plan.companies}
    topics: dict[str, list[str]] = defaultdict(list)
    for topic in plan.topics:
        topics[topic["contact"]].append(topic["name"])
    rows = []
    for contact in plan.contacts:
        company = company_names[contact["company"]] if contact["company"] else ""
        notes = " ".join(
            filter(None, (contact["email"], contact["how_met"], contact["relationship_note"]))
        )
        rows.append(
            (
                contact_ids[contact["uid"]],
                fold(contact["name"]),
                fold(company),
                fold(contact["role"]),
                fold(" ; ".join(topics[contact["uid"]])),
                fold(notes),
            )
        )
    table = ContactIndex._meta.table_name
    db.connection().executemany(
        f'INSERT OR REPLACE INTO "{table}" (rowid, name, company, role, topics, notes)'
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def _refuse_unless_empty() -> None:
    """Importing into a database that holds data would mix two histories: refuse."""
    contacts = Contact.select().count()
    if contacts:
        raise ExchangeError(
            f"the database already holds {contacts:,} contacts; import JSON into a new database"
        )
    companies = Company.select().count()
    if companies or Opportunity.select().exists():
        raise ExchangeError(
            f"the database already holds data ({companies:,} companies); "
            "import JSON into a new database"
        )


def import_document(document: object) -> ImportSummary:
    """Write a whole document into an empty database in one transaction; rebuilds the index.

    Raises ExchangeError, writing nothing, if the document is malformed or the database
    isn't empty.
    """
    return _write_plan(check_document(document))


def _write_plan(plan: Plan) -> ImportSummary:
    with writing():
        _refuse_unless_empty()
        _insert(Company, plan.companies)
        ids: dict[str, dict[str, int]] = {"company": _ids_by(Company, Company.key)}
        _insert(Contact, plan.contacts, ids)
        contacts = _ids_by(Contact, Contact.uid)
        ids.update(contact=contacts, contact_a=contacts, contact_b=contacts)
        _insert(ContactTopic, plan.topics, ids)
        _insert(ContactMethod, plan.methods, ids)
        _insert(Opportunity, plan.opportunities, ids)
        ids["opportunity"] = _ids_by(Opportunity, Opportunity.uid)
        _insert(OpportunityPerson, plan.helpers, ids)
        _insert(Interview, plan.interviews, ids)
        ids["interview"] = _ids_by(Interview, Interview.uid)
        _insert(InterviewInterviewer, plan.interviewers, ids)
        _insert(Interaction, plan.interactions, ids)
        ids["origin"] = _ids_by(Interaction, Interaction.uid)
        _insert(FollowUp, plan.follow_ups, ids)
        fields = [getattr(Connection, column) for column in plan.connections.columns]
        a, b = 0, 1  # contact_a and contact_b lead CONNECTION_FIELDS
        for batch in _batches(plan.connections, ids):
            for row in batch:  # stored once, lower id first
                row[a], row[b] = sorted((row[a], row[b]))
            Connection.insert_many(batch, fields=fields).execute()
        _insert(Reference, plan.references, ids)
        ids["reference"] = {
            uid: reference_id
            for uid, reference_id in tuples(
                Reference.select(Contact.uid, Reference.id).join(Contact)
            )
        }
        _insert(ReferenceGiven, plan.given, ids)
        _index(plan, contacts)
    return ImportSummary(
        companies=len(plan.companies),
        contacts=len(plan.contacts),
        opportunities=len(plan.opportunities),
        interviews=len(plan.interviews),
        interactions=len(plan.interactions),
        follow_ups=len(plan.follow_ups),
        connections=len(plan.connections),
        references=len(plan.references),
    )


def import_json_text(text: str) -> ImportSummary:
    """Import the text of a JSON export into an empty database (see ``import_document``)."""
    return import_document(parse_document(text))


def import_json_file(path: Path) -> ImportSummary:
    """Import a JSON export file; every ExchangeError names the file.

    The file is read twice, a value at a time: once to check it is JSON (so a broken file is
    reported as such wherever it breaks, as ``json.loads`` would) and to find its sections,
    then to check the sections in order into a plan. Only the plan's rows are kept.
    """
    try:
        plan = _plan_file(path)
    except OSError as error:
        raise ExchangeError(f"Can't read {path}: {error.strerror}.") from None
    except ExchangeError as error:
        raise ExchangeError(f"{path.name}: {error}") from None
    return _write_plan(plan)


def _streamed(key: str | None) -> bool:
    """Lists are read item by item, except where the header is (it is read whole)."""
    return key not in ("format", "version")


def _plan_file(path: Path, chunk: int | None = None) -> Plan:
    keys: list[str | None] = []
    header: dict[str, Any] = {}
    with path.open("rb") as file:
        stream = JsonStream(file, chunk)
        try:
            for key, value, _ in stream.members(_streamed):
                keys.append(key)
                if key in ("format", "version"):
                    header[key] = value
        except NotUtf8 as error:
            raise ExchangeError(str(error)) from None
        except JsonError as error:
            # Text that isn't UTF-8 anywhere in the file is named first, as it always was.
            if not stream.rest_is_utf8():
                raise ExchangeError("not a crm export (not UTF-8 text)") from None
            raise ExchangeError(str(error)) from None
    check_header(header if keys[:1] != [None] else None)
    last = {key: index for index, key in enumerate(keys)}  # a repeated key: the last one counts
    pending = [name for name in SECTIONS if name in last]
    planner = Planner()
    while pending:  # one pass, unless the sections are out of order
        before = len(pending)
        with path.open("rb") as file:
            members = JsonStream(file, chunk).members(_streamed)
            for index, (key, _value, items) in enumerate(members):
                if key != pending[0] or index != last[key]:
                    continue
                if items is None:
                    raise ExchangeError(f"{key}: expected a list")
                planner.section(key, items)
                pending.pop(0)
                if not pending:
                    break
        if len(pending) == before:
            raise ExchangeError("the file changed while it was being read")
    return planner.plan
