"""Contacts and interactions as CSV for spreadsheets, no cell of which runs as a formula."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import TextIO

from peewee import JOIN, fn

from crm.db import db
from crm.db.listing import LAST_TOUCH_OF_C
from crm.db.models import (
    Company,
    Contact,
    ContactMethod,
    ContactTopic,
    Interaction,
    Opportunity,
    Reference,
)
from crm.db.typed import tuples
from crm.services.exchange.export import grouped
from crm.services.tx import reading

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (CSV injection)."""
CSV_KINDS = ("contacts", "interactions")


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
