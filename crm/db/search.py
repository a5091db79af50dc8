"""Full-text search over contacts: folded text in, safe FTS5 expressions out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from peewee import JOIN, ModelSelect, fn

from crm.db.database import db
from crm.db.models import Company, Contact, ContactIndex, ContactTopic
from crm.db.typed import tuples
from crm.domain.text import fold, fold_sort_key, sort_key

INDEX_CHUNK = 5_000
"""Contacts indexed per round trip by index_contacts()."""

# bm25 weights by column: name, company, role, topics, notes.
RANK_WEIGHTS = (10.0, 6.0, 2.0, 1.0, 1.0)


def match_expression(text: str) -> str | None:
    """Turn whatever a user typed into a safe FTS5 expression, or None if nothing is left.

    The text is folded like the index, the last word becomes a prefix (type-ahead), and
    ``web_query`` turns quotes, dashes and stray operators into valid syntax.
    """
    folded = fold(text)
    if not folded:
        return None
    if folded[-1].isalnum():
        folded += "*"
    expression = ContactIndex.web_query(folded)
    return expression or None


def index_contact(contact_id: int) -> None:
    """(Re)write one contact's row of the index; call inside the contact's own transaction."""
    row = (
        Contact.select(
            Contact.name,
            Company.name.alias("company_name"),
            Contact.role,
            Contact.email,
            Contact.how_met,
            Contact.relationship_note,
        )
        .join(Company, JOIN.LEFT_OUTER)
        .where(Contact.id == contact_id)
        .dicts()
        .first()
    )
    if row is None:
        ContactIndex.delete().where(ContactIndex.rowid == contact_id).execute()
        return
    topics = [
        name
        for (name,) in tuples(
            ContactTopic.select(ContactTopic.name)
            .where(ContactTopic.contact == contact_id)
            .order_by(ContactTopic.position)
        )
    ]
    name, company, role, topic_text, notes = search_columns(
        sort_key(row["name"]),
        row["company_name"] or "",
        row["role"],
        topics,
        (row["email"], row["how_met"], row["relationship_note"]),
        FoldCache(),
    )
    ContactIndex.replace(
        rowid=contact_id, name=name, company=company, role=role, topics=topic_text, notes=notes
    ).execute()


def search_columns(
    name_key: str,
    company: str,
    role: str,
    topics: Sequence[str],
    notes: Sequence[str],
    folded: FoldCache,
) -> tuple[str, str, str, str, str]:
    """A contact's row of the index (name, company, role, topics, notes), folded.

    ``name_key`` is ``sort_key(name)``, which contacts store already; ``notes`` are the
    e-mail, how we met and the note; ``folded`` folds the values that repeat across contacts
    once each.
    """
    text = " ".join(filter(None, notes))
    return (
        fold_sort_key(name_key),
        folded[company],
        folded[role],
        fold(" ; ".join(topics)) if topics else "",
        # fold() itself, without two calls for the ASCII text most notes are
        " ".join(text.lower().split()) if text.isascii() else fold(text),
    )


class FoldCache(dict[str, str]):
    """fold() of texts that repeat (companies, roles), each computed once."""

    def __missing__(self, text: str) -> str:
        value = self[text] = fold(text)
        return value


def index_contacts(contact_ids: Iterable[int]) -> None:
    """index_contact() for many contacts at once: two reads and one write per 5,000.

    Call inside the contacts' own transaction.
    """
    ids = list(dict.fromkeys(contact_ids))
    cursor = db.cursor()
    folded = FoldCache()
    for start in range(0, len(ids), INDEX_CHUNK):
        chunk = json.dumps(ids[start : start + INDEX_CHUNK])
        topics: dict[int, list[str]] = {}
        for contact_id, topic in cursor.execute(
            "SELECT contact_id, name FROM contact_topic"
            " WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, position",
            (chunk,),
        ):
            topics.setdefault(contact_id, []).append(topic)
        rows = cursor.execute(
            "SELECT c.id, c.name, COALESCE(co.name, ''), c.role, c.email, c.how_met,"
            " c.relationship_note FROM contact c LEFT JOIN company co ON co.id = c.company_id"
            " WHERE c.id IN (SELECT value FROM json_each(?))",
            (chunk,),
        ).fetchall()
        cursor.executemany(
            "INSERT OR REPLACE INTO contact_index (rowid, name, company, role, topics, notes)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    contact_id,
                    *search_columns(
                        sort_key(name),
                        company,
                        role,
                        topics.get(contact_id, ()),
                        (email, how_met, note),
                        folded,
                    ),
                )
                for contact_id, name, company, role, email, how_met, note in rows
            ],
        )
        if len(rows) < len(ids[start : start + INDEX_CHUNK]):  # gone: as index_contact does
            cursor.execute(
                "DELETE FROM contact_index WHERE rowid IN (SELECT value FROM json_each(?))"
                " AND rowid NOT IN (SELECT id FROM contact)",
                (chunk,),
            )


def index_contacts_of_company(company_id: int) -> None:
    """Re-index everyone at a company, after the company itself was renamed."""
    rows = db.execute_sql("SELECT id FROM contact WHERE company_id = ?", (company_id,))
    index_contacts(contact_id for (contact_id,) in rows.fetchall())


def rebuild_index() -> int:
    """Rebuild the whole index from the contact tables; returns how many contacts it holds."""
    ContactIndex.delete().execute()
    contact_ids = [contact_id for (contact_id,) in db.execute_sql("SELECT id FROM contact")]
    index_contacts(contact_ids)
    return len(contact_ids)


def matching_ids(expression: str) -> ModelSelect:
    """A sub-select of the ids of contacts matching an FTS5 expression."""
    return ContactIndex.select(ContactIndex.rowid).where(ContactIndex.match(expression))


def ranked_ids(expression: str, limit: int) -> list[int]:
    """Ids of the best ``limit`` matches, best first."""
    query = (
        ContactIndex.select(ContactIndex.rowid)
        .where(ContactIndex.match(expression))
        .order_by(fn.bm25(ContactIndex._meta.entity, *RANK_WEIGHTS), ContactIndex.rowid)
        .limit(limit)
        .tuples()
    )
    return [contact_id for (contact_id,) in query]
