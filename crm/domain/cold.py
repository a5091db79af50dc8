"""Going cold: contacts silent for longer than their keep-in-touch interval."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from crm.domain.followups import PlannedFollowUp, plan_follow_up
from crm.domain.text import sort_key
from crm.domain.types import FollowUpKind

DAY = timedelta(days=1)


class Relationship(StrEnum):
    """What a contact is to the user, as far as keeping in touch goes."""

    INTERVIEWER = "interviewer"
    """Interviews the user in a process that is still open."""
    REFERRER = "referrer"
    REFERENCE = "reference"
    OTHER = "other"
    """Former colleagues, friends, past interviewers: everyone else."""


DEFAULT_INTERVALS: dict[Relationship, int] = {
    # An open process moves weekly; three silent weeks and the interviewer forgets the user.
    Relationship.INTERVIEWER: 21,
    # A referrer vouched for the user and should hear how it went well within two months.
    Relationship.REFERRER: 45,
    # A reference must not be surprised by a call: touch base every couple of months.
    Relationship.REFERENCE: 60,
    # The marathon: renew old ties about three times a year.
    Relationship.OTHER: 120,
}
"""Default keep-in-touch interval in days, by relationship."""


@dataclass(frozen=True)
class ColdFacts:
    """One contact as the going-cold rule sees it."""

    contact_id: int
    name: str
    last_touch_at: datetime | None
    known_since: datetime
    """When the contact was added; a never-touched contact is silent since then."""
    interval_days: int
    sort_key: str = ""
    """The name's sort key (domain.text.sort_key), when already at hand; else made from name."""


@dataclass(frozen=True)
class ColdContact:
    """A contact past their keep-in-touch interval."""

    contact_id: int
    name: str
    last_touch_at: datetime | None
    days_silent: int
    days_over: int
    """Whole days past the interval; 0 on the first day it is over."""


def relationship_of(
    is_reference: bool, is_referrer: bool, is_active_interviewer: bool
) -> Relationship:
    """The relationship that sets a contact's default interval: the most demanding one wins."""
    applicable = [
        relationship
        for relationship, applies in (
            (Relationship.REFERENCE, is_reference),
            (Relationship.REFERRER, is_referrer),
            (Relationship.INTERVIEWER, is_active_interviewer),
        )
        if applies
    ]
    return min(applicable, key=DEFAULT_INTERVALS.__getitem__, default=Relationship.OTHER)


def keep_in_touch_interval(explicit_days: int | None, relationship: Relationship) -> int:
    """A contact's interval in days: the one the user set, else the relationship's default."""
    if explicit_days is None:
        return DEFAULT_INTERVALS[relationship]
    if explicit_days <= 0:
        raise ValueError(f"a keep-in-touch interval must be at least one day: {explicit_days}")
    return explicit_days


def silent_since(last_touch_at: datetime | None, known_since: datetime) -> datetime:
    """Since when a contact has been silent: the last touch, else when they were added."""
    return known_since if last_touch_at is None else last_touch_at


def is_cold(
    last_touch_at: datetime | None, known_since: datetime, interval_days: int, now: datetime
) -> bool:
    """Whether a contact has gone cold: silent for longer than the interval.

    Exactly ``interval_days`` after the last touch is not yet cold; a second later it is.
    """
    if interval_days <= 0:
        raise ValueError(f"a keep-in-touch interval must be at least one day: {interval_days}")
    return now - silent_since(last_touch_at, known_since) > interval_days * DAY


def going_cold(contacts: Iterable[ColdFacts], now: datetime) -> list[ColdContact]:
    """The contacts past their interval at ``now``, longest silence first, then by name."""
    cold = sorted(_past_interval(contacts, now), key=_silence_order)
    return [_cold_contact(facts, now) for facts in cold]


def coldest(
    contacts: Iterable[ColdFacts], now: datetime, limit: int
) -> tuple[list[ColdContact], int]:
    """The first ``limit`` contacts of going_cold(), and how many are past their interval in all."""
    counted = 0

    def counting(cold: Iterator[ColdFacts]) -> Iterator[ColdFacts]:
        nonlocal counted
        for facts in cold:
            counted += 1
            yield facts

    # One pass that keeps only the first ``limit``: the rest are counted, not held (10k
    # watched contacts on a big database, on every reload of the Today view).
    first = heapq.nsmallest(limit, counting(_past_interval(contacts, now)), key=_silence_order)
    return [_cold_contact(facts, now) for facts in first], counted


def _past_interval(contacts: Iterable[ColdFacts], now: datetime) -> Iterator[ColdFacts]:
    return (
        facts
        for facts in contacts
        if is_cold(facts.last_touch_at, facts.known_since, facts.interval_days, now)
    )


def _silence_order(facts: ColdFacts) -> tuple[datetime, str, int]:
    """Longest silence first, then by name, then by id."""
    return (
        silent_since(facts.last_touch_at, facts.known_since),
        facts.sort_key or sort_key(facts.name),
        facts.contact_id,
    )


def keep_in_touch_plan(contact: ColdContact, now: datetime) -> PlannedFollowUp:
    """Plan a keep-in-touch nudge for a cold contact, due within the week."""
    if contact.last_touch_at is None:
        note = f"added {contact.days_silent} days ago and never contacted"
    else:
        note = f"{contact.days_silent} days since you were last in touch"
    return plan_follow_up(FollowUpKind.KEEP_IN_TOUCH, now, contact.contact_id, note=note)


def _cold_contact(facts: ColdFacts, now: datetime) -> ColdContact:
    """A cold contact with its silence in whole days."""
    days_silent = (now - silent_since(facts.last_touch_at, facts.known_since)) // DAY
    return ColdContact(
        contact_id=facts.contact_id,
        name=facts.name,
        last_touch_at=facts.last_touch_at,
        days_silent=days_silent,
        days_over=days_silent - facts.interval_days,
    )
