"""Reading a JSON document, section by section, into a checked plan of rows to insert."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crm.domain.text import clean_text, sort_key
from crm.domain.types import HelperRole
from crm.domain.validation import MAX_KEEP_IN_TOUCH_DAYS, url_problem
from crm.services.exchange.schema import (
    BOOL,
    COMPANY_FIELDS,
    CONNECTION_FIELDS,
    CONTACT_FIELDS,
    COUNT,
    FOLLOW_UP_FIELDS,
    FORMAT,
    GIVEN_FIELDS,
    HELPER_FIELDS,
    INTERACTION_FIELDS,
    INTERVIEW_FIELDS,
    MAYBE_INT,
    MAYBE_REF,
    MAYBE_TIME,
    METHOD_FIELDS,
    NAME,
    OLD_REFERRER,
    OPPORTUNITY_FIELDS,
    REF,
    REFERENCE_FIELDS,
    SECTIONS,
    TEXT,
    TIME,
    VERSION,
    ExchangeError,
    Field,
    parse_time,
)

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
        # kept as that same string, not a copy, so a big document holds each uid once.
        self.known: dict[str, dict[str, str]] = {section: {} for section in SECTIONS}

    def section(self, document: Mapping[str, Any], name: str) -> list[Any]:
        items = document.get(name, [])
        if not isinstance(items, list):
            raise ExchangeError(f"{name}: expected a list")
        return items

    def record(self, where: str, data: object, fields: Sequence[Field]) -> dict[str, Any]:
        """The model values of one record; references stay as the uids they name."""
        if not isinstance(data, dict):
            raise ExchangeError(f"{where}: expected an object")
        values: dict[str, Any] = {}
        for f in fields:
            values[f.name] = self.value(f"{where}.{f.key}", data.get(f.key), f)
        return values

    def value(self, where: str, raw: object, f: Field) -> Any:
        if f.kind == TEXT or f.kind == NAME:
            if raw is None and f.kind == TEXT:
                raw = ""
            if not isinstance(raw, str):
                raise ExchangeError(f"{where}: expected text")
            _refuse_broken_text(where, raw)
            raw = clean_text(raw, allow_newlines=True)
            if f.kind == NAME and not raw.strip():
                raise ExchangeError(f"{where}: must not be blank")
            if f.choices:
                if raw not in f.choices:
                    allowed = ", ".join(repr(choice) for choice in f.choices)
                    raise ExchangeError(f"{where}: {raw!r} is not one of {allowed}")
                return f.choices[f.choices.index(raw)]  # one string per choice, not per row
            return raw
        if f.kind in (TIME, MAYBE_TIME):
            if raw is None and f.kind == MAYBE_TIME:
                return None
            if not isinstance(raw, str):
                raise ExchangeError(f'{where}: expected a time like "2026-11-18T15:00:00Z"')
            try:
                return parse_time(raw)
            except ValueError:
                raise ExchangeError(f"{where}: {raw!r} is not an ISO 8601 time") from None
        if f.kind == MAYBE_INT:
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
        if f.kind == COUNT:
            if raw is None:
                return 0
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                raise ExchangeError(f"{where}: expected a whole number, 0 or more")
            return raw
        if f.kind == BOOL:
            if raw is None:
                return False
            if not isinstance(raw, bool):
                raise ExchangeError(f"{where}: expected true or false")
            return raw
        # a reference
        if raw is None and f.kind == MAYBE_REF:
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


class Rows:
    """The checked rows of one table, each kept as a tuple (a dict per row costs twice that)."""

    def __init__(self) -> None:
        self.columns: tuple[str, ...] = ()
        self.rows: list[tuple[Any, ...]] = []

    def append(self, row: dict[str, Any]) -> None:
        """Keep a row; every row of a table is built with its columns in the same order."""
        if not self.columns:
            self.columns = tuple(row)
        self.rows.append(tuple(row.values()))

    def __iadd__(self, rows: Iterable[dict[str, Any]]) -> Rows:
        for row in rows:
            self.append(row)
        return self

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        columns = self.columns
        return (dict(zip(columns, row, strict=True)) for row in self.rows)


@dataclass
class Plan:
    """Checked rows ready to insert, references still named by uid."""

    companies: Rows
    contacts: Rows
    topics: Rows
    methods: Rows
    opportunities: Rows
    helpers: Rows
    interviews: Rows
    interviewers: Rows
    interactions: Rows
    follow_ups: Rows
    connections: Rows
    references: Rows
    given: Rows


def check_header(document: object) -> None:
    """Refuse what isn't a crm export of the version this crm reads."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExchangeError('not a crm export (it needs "format": "crm")')
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise ExchangeError(
            f"format version {version!r} isn't one this crm reads (it reads version {VERSION})"
        )


class Planner:
    """Checks a document section by section, in ``SECTIONS`` order, into a plan.

    A section's records may refer only to sections checked before it.
    """

    def __init__(self) -> None:
        self.check = _Checker()
        self.plan = Plan(*(Rows() for _ in range(13)))
        self.pairs: set[tuple[str, str]] = set()  # the connections seen

    def section(self, name: str, items: Iterable[Any]) -> None:
        getattr(self, f"_{name}")(name, items)

    def _records(
        self, name: str, items: Iterable[Any], fields: Sequence[Field], identity: str = "uid"
    ) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
        for index, data in enumerate(items):
            where = f"{name}[{index}]"
            values = self.check.record(where, data, fields)
            if identity:
                self.check.identity(f"{where}.{identity}", name, values[identity])
            yield where, data, values

    def _companies(self, name: str, items: Iterable[Any]) -> None:
        for _, _, values in self._records(name, items, COMPANY_FIELDS, identity="key"):
            self.plan.companies.append(values)

    def _contacts(self, name: str, items: Iterable[Any]) -> None:
        check, plan = self.check, self.plan
        for where, data, values in self._records(name, items, CONTACT_FIELDS):
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
                row = check.record(f"{where}.methods[{position}]", method, METHOD_FIELDS)
                plan.methods.append({**row, "contact": values["uid"], "position": position})

    def _opportunities(self, name: str, items: Iterable[Any]) -> None:
        check, plan = self.check, self.plan
        for where, data, values in self._records(name, items, OPPORTUNITY_FIELDS):
            problem = url_problem(values["url"])
            if problem:
                raise ExchangeError(f"{where}.url: {problem}")
            plan.opportunities.append(values)
            people: dict[str, str] = {}
            old_referrer = check.value(f"{where}.referrer", data.get("referrer"), OLD_REFERRER)
            if old_referrer is not None:
                people[old_referrer] = HelperRole.REFERRER.value
            helpers = check.items(f"{where}.helpers", data.get("helpers"))
            for position, item in enumerate(helpers):
                row = check.record(f"{where}.helpers[{position}]", item, HELPER_FIELDS)
                people.setdefault(row["contact"], row["role"])
            plan.helpers += [
                {"opportunity": values["uid"], "contact": uid, "role": role, "position": position}
                for position, (uid, role) in enumerate(people.items())
            ]

    def _interviews(self, name: str, items: Iterable[Any]) -> None:
        check, plan = self.check, self.plan
        contact = Field("contact", REF, "contacts")
        for where, data, values in self._records(name, items, INTERVIEW_FIELDS):
            plan.interviews.append(values)
            people = check.texts(f"{where}.interviewers", data.get("interviewers"))
            _no_repeats(f"{where}.interviewers", people, "contact")
            for position, uid in enumerate(people):
                check.value(f"{where}.interviewers[{position}]", uid, contact)
                plan.interviewers.append({"interview": values["uid"], "contact": uid})

    def _interactions(self, name: str, items: Iterable[Any]) -> None:
        for _, _, values in self._records(name, items, INTERACTION_FIELDS):
            self.plan.interactions.append(values)

    def _follow_ups(self, name: str, items: Iterable[Any]) -> None:
        for _, _, values in self._records(name, items, FOLLOW_UP_FIELDS):
            self.plan.follow_ups.append(values)

    def _connections(self, name: str, items: Iterable[Any]) -> None:
        for where, _, values in self._records(name, items, CONNECTION_FIELDS, identity=""):
            pair = tuple(sorted((values["contact_a"], values["contact_b"])))
            if pair[0] == pair[1]:
                raise ExchangeError(f"{where}: a contact can't be connected to themselves")
            if pair in self.pairs:
                raise ExchangeError(f"{where}: {pair[0]!r} and {pair[1]!r} are connected twice")
            self.pairs.add((pair[0], pair[1]))
            self.plan.connections.append(values)

    def _references(self, name: str, items: Iterable[Any]) -> None:
        check, plan = self.check, self.plan
        for where, data, values in self._records(name, items, REFERENCE_FIELDS, "contact"):
            plan.references.append(values)
            handed = [
                check.record(f"{where}.given[{position}]", item, GIVEN_FIELDS)
                for position, item in enumerate(check.items(f"{where}.given", data.get("given")))
            ]
            _no_repeats(f"{where}.given", (item["opportunity"] for item in handed), "opportunity")
            plan.given += [{**item, "reference": values["contact"]} for item in handed]


def check_document(document: object) -> Plan:
    """Check a parsed document from top to bottom; raises ExchangeError on the first problem."""
    check_header(document)
    assert isinstance(document, dict)
    planner = Planner()
    for name in SECTIONS:
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
