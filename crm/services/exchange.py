"""Moving data in and out: everything as a versioned JSON document, and CSV for spreadsheets.

The JSON document names records by their ``uid`` (companies by their ``key``), never by database
id, and lists them in an order that depends only on their content, so exporting a database,
importing the document into an empty one and exporting again gives the same bytes.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from peewee import JOIN, chunked, fn

from crm.db import db
from crm.db.listing import LAST_TOUCH_OF_C
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
from crm.db.typed import dicts, tuples
from crm.domain.text import clean_text, fold, sort_key
from crm.domain.types import (
    CANCELLED_BY_CLOSE,
    CANCELLED_BY_REOPEN,
    Channel,
    ConnectionSource,
    Direction,
    FollowUpKind,
    HelperRole,
    InteractionKind,
    Rapport,
    Stage,
)
from crm.domain.validation import MAX_KEEP_IN_TOUCH_DAYS
from crm.services.json_stream import JsonError, JsonStream, NotUtf8
from crm.services.tx import reading, writing

FORMAT = "crm"
VERSION = 1
INSERT_CHUNK = 500  # rows per INSERT: well under SQLite's limit on bound variables
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (CSV injection)."""
CSV_KINDS = ("contacts", "interactions")


class ExchangeError(Exception):
    """A document can't be imported; the message is one line meant for the user."""


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


# --- the shape of the document ---------------------------------------------------------------

_TEXT = "text"  # a string; "" when missing
_NAME = "name"  # a string that isn't blank; required
_TIME = "time"  # ISO 8601, UTC ("2026-11-18T15:00:00Z"); required
_MAYBE_TIME = "time?"
_MAYBE_INT = "int?"
_BOOL = "bool"
_REF = "ref"  # the uid (or company key) of a record in an earlier section; required
_MAYBE_REF = "ref?"


@dataclass(frozen=True)
class _Field:
    key: str  # the name in the document, and the model field unless ``column`` says otherwise
    kind: str
    target: str = ""  # the section a reference points into
    choices: tuple[str, ...] = ()  # the allowed values, when the field holds an enum
    column: str = ""

    @property
    def name(self) -> str:
        return self.column or self.key


def _values(enum_type: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum_type)


_COMPANY_FIELDS = (
    _Field("key", _NAME),
    _Field("name", _NAME),
    _Field("website", _TEXT),
    _Field("notes", _TEXT),
    _Field("created_at", _TIME),
)
_CONTACT_FIELDS = (
    _Field("uid", _NAME),
    _Field("name", _NAME),
    _Field("company", _MAYBE_REF, "companies"),
    _Field("role", _TEXT),
    _Field("email", _TEXT),
    _Field("phone", _TEXT),
    _Field("linkedin_url", _TEXT),
    _Field("how_met", _TEXT),
    _Field("relationship_note", _TEXT),
    _Field("rapport", _TEXT, choices=("", *_values(Rapport))),
    _Field("keep_in_touch_days", _MAYBE_INT),
    _Field("created_at", _TIME),
    _Field("updated_at", _TIME),
)
_METHOD_FIELDS = (_Field("kind", _NAME), _Field("value", _NAME), _Field("label", _TEXT))
_OPPORTUNITY_FIELDS = (
    _Field("uid", _NAME),
    _Field("company", _REF, "companies"),
    _Field("role", _TEXT),
    _Field("stage", _NAME, choices=_values(Stage)),
    _Field("quiet", _BOOL),
    _Field("notes", _TEXT),
    _Field("created_at", _TIME),
    _Field("updated_at", _TIME),
    _Field("closed_at", _MAYBE_TIME),
)
_HELPER_FIELDS = (
    _Field("contact", _REF, "contacts"),
    _Field("role", _NAME, choices=_values(HelperRole)),
)
_OLD_REFERRER = _Field("referrer", _MAYBE_REF, "contacts")
"""Exports made before a process could have several helpers name its one referrer here."""
_INTERVIEW_FIELDS = (
    _Field("uid", _NAME),
    _Field("opportunity", _REF, "opportunities"),
    _Field("starts_at", _TIME),
    _Field("ends_at", _TIME),
    _Field("kind", _TEXT),
    _Field("location", _TEXT),
    _Field("notes", _TEXT),
    _Field("done_at", _MAYBE_TIME),
)
_INTERACTION_FIELDS = (
    _Field("uid", _NAME),
    _Field("contact", _REF, "contacts"),
    _Field("opportunity", _MAYBE_REF, "opportunities"),
    _Field("occurred_at", _TIME),
    _Field("channel", _NAME, choices=_values(Channel)),
    _Field("kind", _NAME, choices=_values(InteractionKind)),
    _Field("direction", _NAME, choices=_values(Direction)),
    _Field("summary", _TEXT),
    _Field("created_at", _TIME),
)
_FOLLOW_UP_FIELDS = (
    _Field("uid", _NAME),
    _Field("contact", _REF, "contacts"),
    _Field("opportunity", _MAYBE_REF, "opportunities"),
    _Field("interview", _MAYBE_REF, "interviews"),
    _Field("origin", _MAYBE_REF, "interactions"),
    _Field("kind", _NAME, choices=_values(FollowUpKind)),
    _Field("window_start", _TIME),
    _Field("window_end", _TIME),
    _Field("done_at", _MAYBE_TIME),
    _Field("snoozed_until", _MAYBE_TIME),
    _Field("note", _TEXT),
    _Field("cancelled_by", _TEXT, choices=("", CANCELLED_BY_CLOSE, CANCELLED_BY_REOPEN)),
    _Field("created_at", _TIME),
)
_CONNECTION_FIELDS = (
    _Field("contact_a", _REF, "contacts"),
    _Field("contact_b", _REF, "contacts"),
    _Field("source", _NAME, choices=_values(ConnectionSource)),
    _Field("note", _TEXT),
    _Field("noted_at", _TIME),
)
_REFERENCE_FIELDS = (
    _Field("contact", _REF, "contacts"),
    _Field("relationship", _TEXT),
    _Field("talking_points", _TEXT),
    _Field("last_briefed_at", _MAYBE_TIME),
    _Field("created_at", _TIME),
)
_GIVEN_FIELDS = (
    _Field("opportunity", _REF, "opportunities"),
    _Field("given_at", _TIME),
    _Field("expected_call_at", _MAYBE_TIME),
)

_SECTIONS = (
    "companies",
    "contacts",
    "opportunities",
    "interviews",
    "interactions",
    "follow_ups",
    "connections",
    "references",
)


# --- times ---------------------------------------------------------------------------------


def time_text(moment: datetime | str) -> str:
    """A stored naive-UTC time as ISO 8601 with a "Z" ("2026-11-18T15:00:00Z")."""
    if isinstance(moment, str):  # a value peewee couldn't parse comes back as stored
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def _parse_time(text: str) -> datetime:
    """Read an ISO 8601 time as naive UTC; one without an offset is taken to be UTC already."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


# --- export --------------------------------------------------------------------------------

_Names = dict[str, dict[int, str]]
"""For each section, database id → the uid (or company key) that names it in the document."""


def _export_record(
    row: Mapping[str, Any], fields: Sequence[_Field], names: _Names
) -> dict[str, Any]:
    """One table row as a document record, with references turned into uids."""
    record: dict[str, Any] = {}
    for f in fields:
        value = row[f.name]
        if f.kind in (_REF, _MAYBE_REF):
            value = None if value is None else names[f.target][value]
        elif f.kind in (_TIME, _MAYBE_TIME):
            value = None if value is None else time_text(value)
        elif f.kind == _BOOL:
            value = bool(value)
        record[f.key] = value
    return record


def _grouped(query: Iterable[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
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
    topics = _grouped(
        tuples(
            ContactTopic.select(ContactTopic.contact, ContactTopic.name).order_by(
                ContactTopic.contact, ContactTopic.position, ContactTopic.id
            )
        )
    )
    methods = _grouped(
        tuples(
            ContactMethod.select(
                ContactMethod.contact, ContactMethod.kind, ContactMethod.value, ContactMethod.label
            ).order_by(ContactMethod.contact, ContactMethod.position, ContactMethod.id)
        )
    )
    interviewers = _grouped(
        tuples(
            InterviewInterviewer.select(
                InterviewInterviewer.interview, InterviewInterviewer.contact
            ).order_by(InterviewInterviewer.interview, InterviewInterviewer.id)
        )
    )
    helpers = _grouped(
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
        record = _export_record(row, _CONTACT_FIELDS, names)
        record["topics"] = [name for (name,) in topics.get(row["id"], [])]
        record["methods"] = [
            {"kind": kind, "value": value, "label": label}
            for kind, value, label in methods.get(row["id"], [])
        ]
        contact_records.append(record)

    interviews.sort(key=lambda row: (row["starts_at"], row["uid"]))
    interview_records = []
    for row in interviews:
        record = _export_record(row, _INTERVIEW_FIELDS, names)
        record["interviewers"] = [
            names["contacts"][contact_id] for (contact_id,) in interviewers.get(row["id"], [])
        ]
        interview_records.append(record)

    companies.sort(key=lambda row: row["key"])
    opportunities.sort(key=lambda row: (row["created_at"], row["uid"]))
    opportunity_records = []
    for row in opportunities:
        record = _export_record(row, _OPPORTUNITY_FIELDS, names)
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
        "companies": [_export_record(row, _COMPANY_FIELDS, names) for row in companies],
        "contacts": contact_records,
        "opportunities": opportunity_records,
        "interviews": interview_records,
        "interactions": [_export_record(row, _INTERACTION_FIELDS, names) for row in interactions],
        "follow_ups": [_export_record(row, _FOLLOW_UP_FIELDS, names) for row in follow_ups],
        "connections": _export_connections(names),
        "references": _export_references(names, [row["uid"] for row in contacts]),
    }


def _export_connections(names: _Names) -> list[dict[str, Any]]:
    """Connections with the lower uid first (in the database the lower id comes first)."""
    records = []
    for row in dicts(Connection.select()):
        record = _export_record(row, _CONNECTION_FIELDS, names)
        if record["contact_a"] > record["contact_b"]:
            record["contact_a"], record["contact_b"] = record["contact_b"], record["contact_a"]
        records.append(record)
    records.sort(key=lambda record: (record["contact_a"], record["contact_b"]))
    return records


def _export_references(names: _Names, contact_order: list[str]) -> list[dict[str, Any]]:
    """The reference list in contact order, each with the employers it was given to."""
    given = _grouped(
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
        record = _export_record(row, _REFERENCE_FIELDS, names)
        handed = [
            _export_record(
                {"opportunity": opp, "given_at": at, "expected_call_at": call},
                _GIVEN_FIELDS,
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


# --- import --------------------------------------------------------------------------------


# The only whole number in a document is a keep-in-touch interval: at least a day, and at
# most a century, so the app's date arithmetic on it can't overflow.
KEEP_IN_TOUCH_DAYS = range(1, MAX_KEEP_IN_TOUCH_DAYS + 1)


def _refuse_broken_text(where: str, text: str) -> None:
    """JSON can spell a lone surrogate ("\\ud800"), which isn't text SQLite can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ExchangeError(f"{where}: the text isn't valid Unicode (a lone surrogate)") from None


class _Checker:
    """Reads the document record by record, failing on the first problem with where it is."""

    def __init__(self) -> None:
        # Each uid (or key) as the record that goes by it spelled it: a reference to it is
        # kept as that same string, not a copy (100,000 interactions hold 100,000 references).
        self.known: dict[str, dict[str, str]] = {section: {} for section in _SECTIONS}

    def section(self, document: Mapping[str, Any], name: str) -> list[Any]:
        items = document.get(name, [])
        if not isinstance(items, list):
            raise ExchangeError(f"{name}: expected a list")
        return items

    def record(self, where: str, data: object, fields: Sequence[_Field]) -> dict[str, Any]:
        """The model values of one record; references stay as the uids they name."""
        if not isinstance(data, dict):
            raise ExchangeError(f"{where}: expected an object")
        values: dict[str, Any] = {}
        for f in fields:
            values[f.name] = self.value(f"{where}.{f.key}", data.get(f.key), f)
        return values

    def value(self, where: str, raw: object, f: _Field) -> Any:
        if f.kind == _TEXT or f.kind == _NAME:
            if raw is None and f.kind == _TEXT:
                raw = ""
            if not isinstance(raw, str):
                raise ExchangeError(f"{where}: expected text")
            _refuse_broken_text(where, raw)
            raw = clean_text(raw, allow_newlines=True)
            if f.kind == _NAME and not raw.strip():
                raise ExchangeError(f"{where}: must not be blank")
            if f.choices:
                if raw not in f.choices:
                    allowed = ", ".join(repr(choice) for choice in f.choices)
                    raise ExchangeError(f"{where}: {raw!r} is not one of {allowed}")
                return f.choices[f.choices.index(raw)]  # one string per choice, not per row
            return raw
        if f.kind in (_TIME, _MAYBE_TIME):
            if raw is None and f.kind == _MAYBE_TIME:
                return None
            if not isinstance(raw, str):
                raise ExchangeError(f'{where}: expected a time like "2026-11-18T15:00:00Z"')
            try:
                return _parse_time(raw)
            except ValueError:
                raise ExchangeError(f"{where}: {raw!r} is not an ISO 8601 time") from None
        if f.kind == _MAYBE_INT:
            if raw is None:
                return None
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ExchangeError(f"{where}: expected a whole number or null")
            if raw not in KEEP_IN_TOUCH_DAYS:
                raise ExchangeError(
                    f"{where}: {raw} is not a number of days from {KEEP_IN_TOUCH_DAYS.start} "
                    f"to {KEEP_IN_TOUCH_DAYS.stop - 1:,}"
                )
            return raw
        if f.kind == _BOOL:
            if raw is None:
                return False
            if not isinstance(raw, bool):
                raise ExchangeError(f"{where}: expected true or false")
            return raw
        # a reference
        if raw is None and f.kind == _MAYBE_REF:
            return None
        if not isinstance(raw, str):
            raise ExchangeError(f"{where}: expected the uid of one of the {f.target}")
        known = self.known[f.target].get(raw)
        if known is None:
            raise ExchangeError(f"{where}: no record in {f.target} is called {raw!r}")
        return known

    def identity(self, where: str, section: str, name: str) -> None:
        """Note the uid (or key) a record goes by, refusing a second record with the same."""
        if name in self.known[section]:
            raise ExchangeError(f"{where}: {name!r} appears twice in {section}")
        self.known[section][name] = name

    def texts(self, where: str, raw: object) -> list[str]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ExchangeError(f"{where}: expected a list of text")
        for item in raw:
            _refuse_broken_text(where, item)
        return [clean_text(item) for item in raw]

    def items(self, where: str, raw: object) -> list[Any]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise ExchangeError(f"{where}: expected a list")
        return raw


def _no_repeats(where: str, values: Iterable[Any], what: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ExchangeError(f"{where}: {what} {value!r} appears twice")
        seen.add(value)


class _Rows:
    """The checked rows of one table, each kept as a tuple (a dict per row costs twice that)."""

    def __init__(self) -> None:
        self.columns: tuple[str, ...] = ()
        self.rows: list[tuple[Any, ...]] = []

    def append(self, row: dict[str, Any]) -> None:
        """Keep a row; every row of a table is built with its columns in the same order."""
        if not self.columns:
            self.columns = tuple(row)
        self.rows.append(tuple(row.values()))

    def __iadd__(self, rows: Iterable[dict[str, Any]]) -> _Rows:
        for row in rows:
            self.append(row)
        return self

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        columns = self.columns
        return (dict(zip(columns, row, strict=True)) for row in self.rows)


@dataclass
class _Plan:
    """Checked rows ready to insert, references still named by uid."""

    companies: _Rows
    contacts: _Rows
    topics: _Rows
    methods: _Rows
    opportunities: _Rows
    helpers: _Rows
    interviews: _Rows
    interviewers: _Rows
    interactions: _Rows
    follow_ups: _Rows
    connections: _Rows
    references: _Rows
    given: _Rows


def _check_header(document: object) -> None:
    """Refuse what isn't a crm export of the version this crm reads."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExchangeError('not a crm export (it needs "format": "crm")')
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise ExchangeError(
            f"format version {version!r} isn't one this crm reads (it reads version {VERSION})"
        )


class _Planner:
    """Checks a document section by section, in ``_SECTIONS`` order, into a plan.

    A section's records may refer only to sections checked before it.
    """

    def __init__(self) -> None:
        self.check = _Checker()
        self.plan = _Plan(*(_Rows() for _ in range(13)))
        self.pairs: set[tuple[str, str]] = set()  # the connections seen

    def section(self, name: str, items: Iterable[Any]) -> None:
        getattr(self, f"_{name}")(name, items)

    def _records(
        self, name: str, items: Iterable[Any], fields: Sequence[_Field], identity: str = "uid"
    ) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
        for index, data in enumerate(items):
            where = f"{name}[{index}]"
            values = self.check.record(where, data, fields)
            if identity:
                self.check.identity(f"{where}.{identity}", name, values[identity])
            yield where, data, values

    def _companies(self, name: str, items: Iterable[Any]) -> None:
        for _, _, values in self._records(name, items, _COMPANY_FIELDS, identity="key"):
            self.plan.companies.append(values)

    def _contacts(self, name: str, items: Iterable[Any]) -> None:
        check, plan = self.check, self.plan
        for where, data, values in self._records(name, items, _CONTACT_FIELDS):
            values["sort_key"] = sort_key(values["name"])
            plan.contacts.append(values)
            topics = check.texts(f"{where}.topics", data.get("topics"))
            _no_repeats(f"{where}.topics", topics, "topic")
            plan.topics += [
                {"contact": values["uid"], "name": topic, "position": position}
                for position, topic in enumerate(topics)
            ]
            methods = check.items(f"{where}.methods", data.get("methods"))
            for position, method in enumerate(methods):
                row = check.record(f"{where}.methods[{position}]", method, _METHOD_FIELDS)
                plan.methods.append({**row, "contact": values["uid"], "position": position})

    def _opportunities(self, name: str, items: Iterable[Any]) -> None:
        check, plan = self.check, self.plan
        for where, data, values in self._records(name, items, _OPPORTUNITY_FIELDS):
            plan.opportunities.append(values)
            people: dict[str, str] = {}
            old_referrer = check.value(f"{where}.referrer", data.get("referrer"), _OLD_REFERRER)
            if old_referrer is not None:
                people[old_referrer] = HelperRole.REFERRER.value
            helpers = check.items(f"{where}.helpers", data.get("helpers"))
            for position, item in enumerate(helpers):
                row = check.record(f"{where}.helpers[{position}]", item, _HELPER_FIELDS)
                people.setdefault(row["contact"], row["role"])
            plan.helpers += [
                {"opportunity": values["uid"], "contact": uid, "role": role, "position": position}
                for position, (uid, role) in enumerate(people.items())
            ]

    def _interviews(self, name: str, items: Iterable[Any]) -> None:
        check, plan = self.check, self.plan
        contact = _Field("contact", _REF, "contacts")
        for where, data, values in self._records(name, items, _INTERVIEW_FIELDS):
            plan.interviews.append(values)
            people = check.texts(f"{where}.interviewers", data.get("interviewers"))
            _no_repeats(f"{where}.interviewers", people, "contact")
            for position, uid in enumerate(people):
                check.value(f"{where}.interviewers[{position}]", uid, contact)
                plan.interviewers.append({"interview": values["uid"], "contact": uid})

    def _interactions(self, name: str, items: Iterable[Any]) -> None:
        for _, _, values in self._records(name, items, _INTERACTION_FIELDS):
            self.plan.interactions.append(values)

    def _follow_ups(self, name: str, items: Iterable[Any]) -> None:
        for _, _, values in self._records(name, items, _FOLLOW_UP_FIELDS):
            self.plan.follow_ups.append(values)

    def _connections(self, name: str, items: Iterable[Any]) -> None:
        for where, _, values in self._records(name, items, _CONNECTION_FIELDS, identity=""):
            pair = tuple(sorted((values["contact_a"], values["contact_b"])))
            if pair[0] == pair[1]:
                raise ExchangeError(f"{where}: a contact can't be connected to themselves")
            if pair in self.pairs:
                raise ExchangeError(f"{where}: {pair[0]!r} and {pair[1]!r} are connected twice")
            self.pairs.add((pair[0], pair[1]))
            self.plan.connections.append(values)

    def _references(self, name: str, items: Iterable[Any]) -> None:
        check, plan = self.check, self.plan
        for where, data, values in self._records(name, items, _REFERENCE_FIELDS, "contact"):
            plan.references.append(values)
            handed = [
                check.record(f"{where}.given[{position}]", item, _GIVEN_FIELDS)
                for position, item in enumerate(check.items(f"{where}.given", data.get("given")))
            ]
            _no_repeats(f"{where}.given", (item["opportunity"] for item in handed), "opportunity")
            plan.given += [{**item, "reference": values["contact"]} for item in handed]


def check_document(document: object) -> _Plan:
    """Check a parsed document from top to bottom; raises ExchangeError on the first problem."""
    _check_header(document)
    assert isinstance(document, dict)
    planner = _Planner()
    for name in _SECTIONS:
        planner.section(name, planner.check.section(document, name))
    return planner.plan


def parse_document(text: str) -> dict[str, Any]:
    """The JSON text of an export as a document; raises ExchangeError if it isn't JSON."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExchangeError(
            f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:  # json's decoder recurses once per nested list or object
        raise ExchangeError("not a crm export (lists or objects nested too deeply)") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise ExchangeError("not a crm export (a number with thousands of digits)") from None
    if not isinstance(document, dict):
        raise ExchangeError('not a crm export (it needs "format": "crm")')
    return document


def _batches(
    rows: _Rows, ids: Mapping[str, Mapping[str, int]] | None = None
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


def _insert(model: Any, rows: _Rows, ids: Mapping[str, Mapping[str, int]] | None = None) -> None:
    fields = [getattr(model, column) for column in rows.columns]
    for batch in _batches(rows, ids):
        model.insert_many(batch, fields=fields).execute()


def _ids_by(model: Any, name_field: Any) -> dict[str, int]:
    return {name: row_id for name, row_id in tuples(model.select(name_field, model.id))}


def _index(plan: _Plan, contact_ids: Mapping[str, int]) -> None:
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


def _write_plan(plan: _Plan) -> ImportSummary:
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
        a, b = 0, 1  # contact_a and contact_b lead _CONNECTION_FIELDS
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


def _plan_file(path: Path, chunk: int | None = None) -> _Plan:
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
    _check_header(header if keys[:1] != [None] else None)
    last = {key: index for index, key in enumerate(keys)}  # a repeated key: the last one counts
    pending = [name for name in _SECTIONS if name in last]
    planner = _Planner()
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


# --- CSV -----------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """A cell a spreadsheet won't run as a formula: risky first characters get a ``'``."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def _sheet_time(moment: datetime | str | None) -> str:
    """A time as spreadsheets read it, in UTC ("2026-11-18 15:00")."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _write_rows(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write a byte-order mark (Excel then reads UTF-8), the header and the rows; count rows."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([neutralise(cell) for cell in header])
    count = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count


CONTACT_COLUMNS = (
    "Name",
    "Company",
    "Role",
    "E-mail",
    "Phone",
    "LinkedIn",
    "Topics",
    "Other e-mails, phones and links",
    "How met",
    "Relationship note",
    "Rapport",
    "Keep in touch (days)",
    "Last touch (UTC)",
    "Interactions",
    "Reference",
    "Added (UTC)",
)


def write_contacts_csv(stream: TextIO) -> int:
    """One spreadsheet row per contact, in name order; returns how many.

    ``stream`` is a text stream opened with ``encoding="utf-8", newline=""``.
    """
    with reading(), db.atomic():
        topics = _grouped(
            tuples(
                ContactTopic.select(ContactTopic.contact, ContactTopic.name).order_by(
                    ContactTopic.contact, ContactTopic.position, ContactTopic.id
                )
            )
        )
        methods = _grouped(
            tuples(
                ContactMethod.select(
                    ContactMethod.contact, ContactMethod.value, ContactMethod.label
                ).order_by(ContactMethod.contact, ContactMethod.position, ContactMethod.id)
            )
        )
        counts = dict(
            tuples(
                Interaction.select(Interaction.contact, fn.COUNT(Interaction.id)).group_by(
                    Interaction.contact
                )
            )
        )
        # The last touch counts done interviews too (an interview is a touch with each
        # interviewer), as the contact card and going-cold do.
        touches = {
            contact_id: (last, counts.get(contact_id, 0))
            for contact_id, last in db.execute_sql(f"SELECT c.id, {LAST_TOUCH_OF_C} FROM contact c")
            if last is not None
        }
        references = {cid for (cid,) in tuples(Reference.select(Reference.contact))}
        query = (
            Contact.select(
                Contact.id,
                Contact.name,
                Company.name.alias("company"),
                Contact.role,
                Contact.email,
                Contact.phone,
                Contact.linkedin_url,
                Contact.how_met,
                Contact.relationship_note,
                Contact.rapport,
                Contact.keep_in_touch_days,
                Contact.created_at,
            )
            .join(Company, JOIN.LEFT_OUTER)
            .order_by(Contact.sort_key, Contact.id)
            .dicts()
        )

        def rows() -> Iterator[list[str]]:
            for row in query.iterator():
                cid = row["id"]
                last, count = touches.get(cid, (None, 0))
                extra = [
                    f"{value} ({label})" if label else value
                    for value, label in methods.get(cid, [])
                ]
                keep_days = row["keep_in_touch_days"]
                yield [
                    row["name"],
                    row["company"] or "",
                    row["role"],
                    row["email"],
                    row["phone"],
                    row["linkedin_url"],
                    "; ".join(topic for (topic,) in topics.get(cid, [])),
                    "; ".join(extra),
                    row["how_met"],
                    row["relationship_note"],
                    row["rapport"],
                    "" if keep_days is None else str(keep_days),
                    _sheet_time(last),
                    str(count),
                    "yes" if cid in references else "",
                    _sheet_time(row["created_at"]),
                ]

        return _write_rows(stream, CONTACT_COLUMNS, rows())


INTERACTION_COLUMNS = (
    "When (UTC)",
    "Contact",
    "Company",
    "Role",
    "Opportunity",
    "Channel",
    "Kind",
    "Direction",
    "Summary",
)


def write_interactions_csv(stream: TextIO) -> int:
    """One spreadsheet row per logged interaction, oldest first; returns how many.

    ``stream`` is a text stream opened with ``encoding="utf-8", newline=""``.
    """
    with reading(), db.atomic():
        companies = dict(tuples(Company.select(Company.id, Company.name)))
        openings = {
            opp_id: f"{role} at {companies.get(company_id, '')}"
            for opp_id, role, company_id in tuples(
                Opportunity.select(Opportunity.id, Opportunity.role, Opportunity.company)
            )
        }
        query = (
            Interaction.select(
                Interaction.occurred_at,
                Contact.name,
                Contact.company.alias("company_id"),
                Contact.role,
                Interaction.opportunity,
                Interaction.channel,
                Interaction.kind,
                Interaction.direction,
                Interaction.summary,
            )
            .join(Contact)
            .order_by(Interaction.occurred_at, Interaction.id)
            .dicts()
        )

        def rows() -> Iterator[list[str]]:
            for row in query.iterator():
                yield [
                    _sheet_time(row["occurred_at"]),
                    row["name"],
                    companies.get(row["company_id"], ""),
                    row["role"],
                    openings.get(row["opportunity"], ""),
                    row["channel"],
                    row["kind"],
                    row["direction"],
                    row["summary"],
                ]

        return _write_rows(stream, INTERACTION_COLUMNS, rows())


CSV_WRITERS: dict[str, Callable[[TextIO], int]] = {
    "contacts": write_contacts_csv,
    "interactions": write_interactions_csv,
}
"""The CSV exports by name, as ``crm export csv NAME`` offers them."""
