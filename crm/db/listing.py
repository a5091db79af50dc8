"""Hand-written SQL for the contacts list, the per-keystroke path.

Building a query with Peewee costs more here than SQLite takes to run it, so the few
statements behind the list are plain SQL with bound parameters.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

from crm.db.database import db
from crm.db.typed import stored_time

# Shares of all contacts matching a filter above which a different plan finds a name-ordered
# page faster, chosen on the benchmark's worst cases (figures in docs/performance.md).
SCAN_ABOVE_SHARE = 0.03
PROBE_ABOVE_SHARE = 0.3


class Plan(StrEnum):
    """How to find a name-ordered page of contacts matching a full-text expression."""

    COLLECT = "collect"  # few matches: gather them all, then sort
    SCAN = "scan"  # many: walk the name index, test each against the gathered matches
    PROBE = "probe"  # most: walk the name index, ask the full-text index row by row


_MATCH_SET = "SELECT rowid FROM contact_index WHERE contact_index MATCH ?"
_CONDITIONS = {
    Plan.COLLECT: f"c.id IN ({_MATCH_SET})",
    # "+c.id" can't drive the lookup, so SQLite walks the name index instead of sorting.
    Plan.SCAN: f"+c.id IN ({_MATCH_SET})",
    Plan.PROBE: (
        "EXISTS (SELECT 1 FROM contact_index f WHERE contact_index MATCH ? AND f.rowid = c.id)"
    ),
}


def count_all() -> int:
    """How many contacts there are."""
    return int(db.execute_sql("SELECT COUNT(*) FROM contact").fetchone()[0])


def count_matching(expression: str) -> int:
    """How many contacts match a full-text expression."""
    sql = "SELECT COUNT(*) FROM contact_index WHERE contact_index MATCH ?"
    return int(db.execute_sql(sql, (expression,)).fetchone()[0])


def plan_for(matching: int, everyone: int) -> Plan:
    """Pick the plan from the share of contacts that match."""
    share = matching / max(everyone, 1)
    if share > PROBE_ABOVE_SHARE:
        return Plan.PROBE
    return Plan.SCAN if share > SCAN_ABOVE_SHARE else Plan.COLLECT


def page_ids(
    expression: str | None,
    plan: Plan,
    *,
    offset: int,
    limit: int,
    after: tuple[str, int] | None,
) -> list[int]:
    """Ids of one name-ordered page, after a known row (keyset) or at an offset."""
    conditions: list[str] = []
    params: list[object] = []
    if expression is not None:
        conditions.append(_CONDITIONS[plan])
        params.append(expression)
    if after is not None:
        conditions.append("(c.sort_key, c.id) > (?, ?)")
        params.extend(after)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = f"SELECT c.id FROM contact c {where} ORDER BY c.sort_key, c.id LIMIT ? OFFSET ?"
    params.extend((limit, 0 if after is not None else offset))
    return [contact_id for (contact_id,) in db.execute_sql(sql, params)]


def rows(contact_ids: list[int], now: datetime) -> list[tuple[int, str, str, str, str, str, int]]:
    """(id, name, company, role, email, sort key, overdue follow-ups) for each id, in order."""
    if not contact_ids:
        return []
    marks = ",".join("?" * len(contact_ids))
    details = db.execute_sql(
        "SELECT c.id, c.name, COALESCE(co.name, ''), c.role, c.email, c.sort_key "
        f"FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id IN ({marks})",
        contact_ids,
    )
    by_id = {row[0]: row for row in details}
    overdue = dict(overdue_counts(contact_ids, now))
    return [(*by_id[cid], overdue.get(cid, 0)) for cid in contact_ids if cid in by_id]


def overdue_counts(contact_ids: list[int], now: datetime) -> list[tuple[int, int]]:
    """(contact id, follow-ups past their window and not snoozed) for those that have any."""
    if not contact_ids:
        return []
    marks = ",".join("?" * len(contact_ids))
    stamp = stored_time(now)
    sql = (
        "SELECT contact_id, COUNT(*) FROM follow_up "
        # "+done_at": keep the planner off the (done_at, window_end) index, which walks every
        # pending follow-up; the (contact_id, window_end) one reads only this page's people.
        f"WHERE contact_id IN ({marks}) AND +done_at IS NULL AND window_end < ? "
        "AND (snoozed_until IS NULL OR snoozed_until <= ?) GROUP BY contact_id"
    )
    return list(db.execute_sql(sql, [*contact_ids, stamp, stamp]))


LAST_TOUCH_OF_C = (
    "(SELECT MAX(t) FROM ("
    "SELECT MAX(occurred_at) AS t FROM interaction WHERE contact_id = c.id"
    " UNION ALL SELECT MAX(v.done_at) FROM interview_interviewer ii"
    " JOIN interview v ON v.id = ii.interview_id WHERE ii.contact_id = c.id))"
)
"""SQL for the last touch of the contact aliased ``c``: their latest logged conversation or
done interview (an interview is a touch with each interviewer), as stored text or NULL."""


def last_touches(contact_ids: list[int]) -> dict[int, object]:
    """Each contact's last touch (see LAST_TOUCH_OF_C), as stored; contacts never touched are
    left out."""
    if not contact_ids:
        return {}
    sql = (
        f"SELECT c.id, {LAST_TOUCH_OF_C} FROM contact c"
        " WHERE c.id IN (SELECT value FROM json_each(?))"
    )
    rows = db.execute_sql(sql, (json.dumps(sorted(set(contact_ids))),))
    return {cid: last for cid, last in rows if last is not None}


_DETAIL_SQL = (
    "SELECT c.name, COALESCE(co.name, ''), c.role, c.email, c.phone, c.linkedin_url,"
    " c.how_met, c.relationship_note, c.keep_in_touch_days, c.rapport, c.created_at,"
    " c.updated_at,"
    " (SELECT json_group_array(name) FROM"
    "   (SELECT name FROM contact_topic WHERE contact_id = c.id ORDER BY position)),"
    f" {LAST_TOUCH_OF_C},"
    " (SELECT COUNT(*) FROM interaction WHERE contact_id = c.id),"
    " EXISTS (SELECT 1 FROM reference WHERE contact_id = c.id), c.language"
    " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE c.id = ?"
)


def detail(contact_id: int) -> tuple[object, ...] | None:
    """One contact's card, in one statement (the card follows the list's cursor): name,
    company, role, e-mail, phone, LinkedIn, how met, note, keep-in-touch days, rapport,
    created, updated, topics (a JSON array), last touch, touches, whether a reference, and the
    language its drafts are written in."""
    row = db.execute_sql(_DETAIL_SQL, (contact_id,)).fetchone()
    return tuple(row) if row is not None else None


def position(contact_id: int, expression: str | None) -> int | None:
    """How many rows come before a contact in the (filtered) list; None if it isn't in it."""
    found = db.execute_sql("SELECT sort_key FROM contact WHERE id = ?", (contact_id,)).fetchone()
    if found is None:
        return None
    conditions = ["(c.sort_key, c.id) < (?, ?)"]
    params: list[object] = [found[0], contact_id]
    if expression is not None:
        member = db.execute_sql(
            f"SELECT 1 FROM contact c WHERE c.id = ? AND {_CONDITIONS[Plan.PROBE]}",
            (contact_id, expression),
        ).fetchone()
        if member is None:
            return None
        conditions.append(_CONDITIONS[Plan.COLLECT])
        params.append(expression)
    sql = f"SELECT COUNT(*) FROM contact c WHERE {' AND '.join(conditions)}"
    return int(db.execute_sql(sql, params).fetchone()[0])
