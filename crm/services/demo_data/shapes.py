"""The shape of each record in the sample job search: one tuple type per table."""

from __future__ import annotations

from typing import NamedTuple

from crm.domain.types import (
    Channel,
    ConnectionSource,
    Direction,
    FollowUpKind,
    InteractionKind,
    Rapport,
    Stage,
)


class SampleCompany(NamedTuple):
    name: str
    website: str
    notes: str


class SamplePerson(NamedTuple):
    name: str
    company: str  # "" for none
    role: str
    email: str
    phone: str = ""
    linkedin: str = ""  # the /in/<slug> part
    how_met: str = ""
    topics: tuple[str, ...] = ()
    note: str = ""
    rapport: Rapport | None = None
    keep_in_touch_days: int | None = None
    known_days: int = 180  # how long ago the contact was added
    language: str = ""  # the drafts' language; "" for the config's default


class SampleOpening(NamedTuple):
    key: str
    company: str
    role: str
    stage: Stage
    referrer: str | None
    quiet: bool
    notes: str
    opened_days_ago: int
    closed_days_ago: int | None = None


class SampleRound(NamedTuple):
    key: str
    opening: str
    starts_in_days: int  # negative: in the past (and done)
    hour: int  # starting hour of that day, UTC
    minutes: int
    kind: str
    location: str
    interviewers: tuple[str, ...]
    notes: str = ""


class SampleTouch(NamedTuple):
    contact: str
    opening: str | None
    days_ago: float
    channel: Channel
    kind: InteractionKind
    direction: Direction
    summary: str


class SampleNextStep(NamedTuple):
    """A follow-up; hours are counted from the end of ``interview``, or from now without one."""

    contact: str
    kind: FollowUpKind
    from_hours: float
    to_hours: float
    opening: str | None = None
    interview: str | None = None
    done_hours: float | None = None
    snoozed_for_days: float | None = None  # counted from now
    note: str = ""


class SampleLink(NamedTuple):
    a: str
    b: str
    source: ConnectionSource
    note: str = ""


class SampleReference(NamedTuple):
    contact: str
    relationship: str
    talking_points: str
    briefed_days_ago: int | None
    given_for: str | None = None
    given_days_ago: int = 0
    call_in_days: int | None = None
