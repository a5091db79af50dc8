"""Years of made-up history for generated contacts: conversations, follow-ups, connections.

Used by ``crm demo`` and the benchmarks to try the app at the size of a long job search
(1,000,000 conversations, 50,000 pending follow-ups, 200,000 "knows" links). Seeded, so the
same arguments give the same database. Written with ``executemany`` in one transaction,
because Peewee's insert_many is several times slower at this size.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.db import db
from crm.db.bulk import indexes_deferred
from crm.domain.types import Channel, ConnectionSource, Direction, FollowUpKind, InteractionKind
from crm.services.tx import writing

BUSIEST_EVENTS = 1_000
"""The first generated contact gets this many conversations: the longest timeline to open."""

_TWO_YEARS = 2 * 365 * 24 * 3600
_CHANNELS = tuple(Channel)
_KINDS = (
    InteractionKind.OTHER,
    InteractionKind.CHECK_IN,
    InteractionKind.CASUAL,
    InteractionKind.THANK_YOU,
    InteractionKind.BACK_CHANNEL,
)
_FOLLOW_UP_KINDS = (
    FollowUpKind.CHECK_IN,
    FollowUpKind.CASUAL_TOUCH,
    FollowUpKind.KEEP_IN_TOUCH,
    FollowUpKind.THANK_YOU_EMAIL,
    FollowUpKind.HANDWRITTEN_NOTE,
)
_SOURCES = tuple(ConnectionSource)
_SUMMARIES = (
    "Coffee; talked about the team's roadmap.",
    "Quick call about the opening.",
    "Sent the article we discussed.",
    "Asked how the launch went.",
    "Thanked them for the intro.",
    "Caught up at the meetup.",
    "",
)

_INTERACTION_SQL = (
    "INSERT INTO interaction (uid, contact_id, opportunity_id, occurred_at, channel, kind,"
    " direction, summary, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)"
)
_FOLLOW_UP_SQL = (
    "INSERT INTO follow_up (uid, contact_id, opportunity_id, interview_id, origin_id, kind,"
    " window_start, window_end, done_at, snoozed_until, note, cancelled_by, created_at)"
    " VALUES (?, ?, NULL, NULL, NULL, ?, ?, ?, NULL, NULL, '', '', ?)"
)
_CONNECTION_SQL = (
    "INSERT INTO connection (contact_a_id, contact_b_id, source, note, noted_at)"
    " VALUES (?, ?, ?, '', ?)"
)


@dataclass(frozen=True)
class GeneratedHistory:
    """What was written, and the contact with the longest timeline."""

    interactions: int
    follow_ups: int
    connections: int
    busiest_contact_id: int | None


def add_generated_history(
    *,
    interactions: int,
    follow_ups: int,
    connections: int,
    now: datetime,
    seed: int = 2026,
    first_contact_id: int | None = None,
) -> GeneratedHistory:
    """Add history among the contacts from ``first_contact_id`` on (default: all of them)."""
    for label, value in (
        ("interactions", interactions),
        ("follow_ups", follow_ups),
        ("connections", connections),
    ):
        if value < 0:
            raise ValueError(f"{label} must be zero or more, not {value}")
    rng = random.Random(f"crm-history:{seed}")
    uid_rng = random.Random(f"crm-history-uid:{seed}")
    now = now.replace(microsecond=0)
    with writing():
        cursor = db.cursor()
        low, high = cursor.execute(
            "SELECT MIN(id), MAX(id) FROM contact WHERE id >= ?", (first_contact_id or 0,)
        ).fetchone()
        if low is None:
            return GeneratedHistory(0, 0, 0, None)
        stamps = _Stamps(now)
        busiest = low if interactions else None
        with indexes_deferred(cursor, "interaction", interactions >= 10_000):
            cursor.executemany(
                _INTERACTION_SQL,
                _interaction_rows(rng, uid_rng, stamps, low, high, interactions),
            )
        cursor.executemany(
            _FOLLOW_UP_SQL, _follow_up_rows(rng, uid_rng, stamps, low, high, follow_ups)
        )
        written = _add_connections(cursor, rng, stamps, low, high, connections)
    return GeneratedHistory(interactions, follow_ups, written, busiest)


class _Stamps:
    """Text timestamps relative to ``now`` as ``stored_time`` writes them, the dates cached."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._days: dict[int, str] = {}

    def ago(self, seconds: int) -> str:
        """The stamp ``seconds`` before now (negative: after now)."""
        moment = self.now - timedelta(seconds=seconds)
        day = moment.toordinal()
        date = self._days.get(day)
        if date is None:
            date = self._days[day] = moment.strftime("%Y-%m-%d")
        return f"{date} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"


def _uid(uid_rng: random.Random) -> str:
    return str(uuid.UUID(int=uid_rng.getrandbits(128), version=4))


def _interaction_rows(
    rng: random.Random, uid_rng: random.Random, stamps: _Stamps, low: int, high: int, count: int
) -> Iterator[tuple[object, ...]]:
    busiest = min(BUSIEST_EVENTS, count)
    randrange, choice = rng.randrange, rng.choice
    for index in range(count):
        # One contact gets a long timeline; the rest are spread over everyone else.
        contact_id = low if index < busiest or high == low else randrange(low + 1, high + 1)
        stamp = stamps.ago(randrange(60, _TWO_YEARS))
        direction = Direction.INBOUND if randrange(3) == 0 else Direction.OUTBOUND
        yield (
            _uid(uid_rng),
            contact_id,
            stamp,
            choice(_CHANNELS).value,
            choice(_KINDS).value,
            direction.value,
            choice(_SUMMARIES),
            stamp,
        )


def _follow_up_rows(
    rng: random.Random, uid_rng: random.Random, stamps: _Stamps, low: int, high: int, count: int
) -> Iterator[tuple[object, ...]]:
    randrange, choice = rng.randrange, rng.choice
    for _ in range(count):
        # Windows from a month ago to a month ahead: a backlog to clear and a week to plan.
        start_offset = randrange(-30 * 86_400, 30 * 86_400)
        length = randrange(3_600, 7 * 86_400)
        yield (
            _uid(uid_rng),
            randrange(low, high + 1),
            choice(_FOLLOW_UP_KINDS).value,
            stamps.ago(start_offset),
            stamps.ago(start_offset - length),
            stamps.ago(start_offset + 86_400),
        )


def _add_connections(
    cursor: sqlite3.Cursor, rng: random.Random, stamps: _Stamps, low: int, high: int, count: int
) -> int:
    if high == low:
        return 0
    existing = set(cursor.execute("SELECT contact_a_id, contact_b_id FROM connection"))
    pairs: set[tuple[int, int]] = set()
    possible = (high - low + 1) * (high - low) // 2 - len(existing)
    target = min(count, possible)
    randrange = rng.randrange
    while len(pairs) < target:
        a, b = randrange(low, high + 1), randrange(low, high + 1)
        if a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        if pair not in existing:
            pairs.add(pair)
    rows = [
        (a, b, rng.choice(_SOURCES).value, stamps.ago(randrange(86_400, _TWO_YEARS)))
        for a, b in sorted(pairs)
    ]
    cursor.executemany(_CONNECTION_SQL, rows)
    return len(rows)
