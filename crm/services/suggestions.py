"""What the Today view suggests beyond due follow-ups: people going cold, casual touches,
and reaching the likely back-channel references before the employer does."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from peewee import SQL, OperationalError, fn

from crm.db import db
from crm.db.listing import LAST_TOUCH_OF_C, last_touches
from crm.db.models import (
    Company,
    Contact,
    ContactTopic,
    FollowUp,
    Interaction,
    Interview,
    InterviewInterviewer,
    Opportunity,
    Reference,
)
from crm.db.typed import as_datetime_or_none, tuples
from crm.domain.backchannel import Tier, should_reach_backchannel
from crm.domain.casual import CasualFacts, CasualSuggestion, suggest_casual_touch
from crm.domain.cold import (
    DAY,
    ColdContact,
    ColdFacts,
    Relationship,
    coldest,
    going_cold,
    keep_in_touch_interval,
    relationship_of,
)
from crm.domain.types import CLOSED_STAGES, FollowUpKind, InteractionKind
from crm.services.process_people import helpers_by_opportunity
from crm.services.tx import reading

THANK_YOU_KINDS = [FollowUpKind.THANK_YOU_EMAIL.value, FollowUpKind.HANDWRITTEN_NOTE.value]
MAX_BACKCHANNEL_PER_OPPORTUNITY = 3
COLD_LIMIT = 50
"""Contacts going cold that the Today view lists, longest silence first; the rest are counted."""

# Not done, in a query that picks follow-ups by contact: "+" keeps SQLite on the contact's
# index rather than walking every pending follow-up through the done_at ones.
_PENDING = SQL("+done_at IS NULL")


@dataclass(frozen=True)
class TodaySuggestions:
    """Everything the Today view suggests besides the follow-ups."""

    backchannel: tuple[BackchannelIdea, ...] = ()
    casual: tuple[CasualIdea, ...] = ()
    going_cold: tuple[ColdContact, ...] = ()
    going_cold_total: int = 0
    """How many contacts are going cold, listed or not (at least as many as listed)."""

    def __post_init__(self) -> None:
        if self.going_cold_total < len(self.going_cold):
            object.__setattr__(self, "going_cold_total", len(self.going_cold))


@dataclass(frozen=True)
class CasualIdea:
    """A casual touch worth making (or a warning that one more would be too many)."""

    suggestion: CasualSuggestion
    opportunity_id: int
    opportunity: str


@dataclass(frozen=True)
class BackchannelIdea:
    """Someone the employer may call: reach them first."""

    contact_id: int
    name: str
    opportunity_id: int
    opportunity: str
    why: str
    warning: str = ""


class Stopped(Exception):
    """The caller gave up on the suggestions before they were ready."""


def today(
    *, now: datetime, cold_limit: int = COLD_LIMIT, stop: Callable[[], bool] | None = None
) -> TodaySuggestions:
    """The suggestions for the Today view and `crm agenda`.

    Args:
        now: The moment they are for (naive UTC).
        cold_limit: How many of the contacts going cold to list (all are counted).
        stop: Asked now and then while the queries run; once it answers True the work stops
            (a newer load made it pointless) and Stopped is raised.

    Returns:
        The suggestions.
    """
    with reading(), _stoppable(stop):
        going_cold, going_cold_total = cold_contacts(now, limit=cold_limit)
        return TodaySuggestions(
            backchannel=tuple(backchannel_ideas(now)),
            casual=tuple(casual_ideas(now)),
            going_cold=tuple(going_cold),
            going_cold_total=going_cold_total,
        )


STOP_CHECK_STEPS = 50_000
"""SQLite steps between two questions to ``stop``: a few milliseconds of work."""


@contextmanager
def _stoppable(stop: Callable[[], bool] | None) -> Iterator[None]:
    """Abandon the queries of this block, raising Stopped, once ``stop()`` is true."""
    if stop is None:
        yield
        return
    connection = db.connection()
    connection.set_progress_handler(lambda: int(stop()), STOP_CHECK_STEPS)
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as error:  # Peewee's, or the cursor's
        if stop():
            raise Stopped from error
        raise
    finally:
        connection.set_progress_handler(None, 0)


def _open_opportunities() -> list[tuple[int, str, str, bool]]:
    closed = [stage.value for stage in CLOSED_STAGES]
    return list(
        tuples(
            Opportunity.select(Opportunity.id, Opportunity.role, Company.name, Opportunity.quiet)
            .join(Company)
            .where(Opportunity.stage.not_in(closed))
        )
    )


def _interviewers_by_opportunity(
    opportunity_ids: list[int], *, met_only: bool = False
) -> dict[int, set[int]]:
    """Interviewers per opportunity; with ``met_only``, only those of rounds already held."""
    query = (
        InterviewInterviewer.select(Interview.opportunity, InterviewInterviewer.contact)
        .join(Interview)
        .where(Interview.opportunity.in_(opportunity_ids))
    )
    if met_only:
        query = query.where(Interview.done_at.is_null(False))
    people: dict[int, set[int]] = defaultdict(set)
    for oid, cid in tuples(query):
        people[oid].add(cid)
    return people


def cold_contacts(now: datetime, *, limit: int | None = None) -> tuple[list[ColdContact], int]:
    """Contacts past their keep-in-touch interval, longest silence first (the first ``limit``),
    and how many there are in all.

    Only contacts with an interval the user set, or a relationship that sets one (reference,
    referrer, interviewer in an open process), are watched: a thousand imported LinkedIn
    connections shouldn't all turn up as "going cold".
    """
    opportunities = _open_opportunities()
    interviewers = set().union(
        *_interviewers_by_opportunity([o[0] for o in opportunities]).values()
    )
    referrers = {
        helper.id
        for helpers in helpers_by_opportunity([o[0] for o in opportunities]).values()
        for helper in helpers
    }
    references = {cid for (cid,) in tuples(Reference.select(Reference.contact))}
    related = interviewers | referrers | references
    watched = db.execute_sql(_WATCHED_SQL, {"related": json.dumps(sorted(related))})
    # Silent since on or after this moment, per interval: not cold (a day's slack, so this
    # only spares is_cold() the obvious cases and never decides a close one).
    warm_since: dict[int, str] = {}

    def candidates() -> Iterator[ColdFacts]:
        """The watched contacts that may be cold, as the rows arrive (none held)."""
        for cid, name, key, explicit, created, last in watched:
            relationship = (
                relationship_of(cid in references, cid in referrers, cid in interviewers)
                if cid in related
                else Relationship.OTHER
            )
            if explicit is None and relationship is Relationship.OTHER:
                continue
            interval = keep_in_touch_interval(explicit, relationship)
            if interval not in warm_since:
                warm_since[interval] = (now - (interval - 1) * DAY).isoformat(sep=" ")
            if (last or created) >= warm_since[interval]:
                continue
            yield ColdFacts(
                contact_id=cid,
                name=name,
                last_touch_at=as_datetime_or_none(last),
                known_since=datetime.fromisoformat(created),
                interval_days=interval,
                sort_key=key,
            )

    if limit is None:
        cold = going_cold(candidates(), now)
        return cold, len(cold)
    return coldest(candidates(), now, limit)


# Every contact with an interval of their own, and the related ones (references, referrers,
# interviewers), with their last touch (conversation or done interview): index probes on
# interaction (contact_id, occurred_at) and interview_interviewer (contact_id). Times are
# compared as stored text.
_WATCHED_SQL = (
    "SELECT c.id, c.name, c.sort_key, c.keep_in_touch_days, c.created_at,"
    f" {LAST_TOUCH_OF_C}"
    " FROM contact c"
    " WHERE c.keep_in_touch_days IS NOT NULL OR c.id IN (SELECT value FROM json_each(:related))"
)


def casual_ideas(now: datetime) -> list[CasualIdea]:
    """Casual touches for interviewers the user has met in open opportunities, between check-ins."""
    opportunities = {o[0]: o for o in _open_opportunities()}
    interviewers = _interviewers_by_opportunity(list(opportunities), met_only=True)
    ideas: list[CasualIdea] = []
    for oid, people in interviewers.items():
        ids = list(people)
        names = dict(tuples(Contact.select(Contact.id, Contact.name).where(Contact.id.in_(ids))))
        topics: dict[int, list[str]] = defaultdict(list)
        for cid, topic in tuples(
            ContactTopic.select(ContactTopic.contact, ContactTopic.name)
            .where(ContactTopic.contact.in_(ids))
            .order_by(ContactTopic.position)
        ):
            topics[cid].append(topic)
        pending_thanks = {
            cid
            for (cid,) in tuples(
                FollowUp.select(FollowUp.contact).where(
                    FollowUp.contact.in_(ids) & _PENDING & FollowUp.kind.in_(THANK_YOU_KINDS)
                )
            )
        }
        casual_counts = dict(
            tuples(
                Interaction.select(Interaction.contact, fn.COUNT(Interaction.id))
                .where(
                    Interaction.contact.in_(ids)
                    & (Interaction.opportunity == oid)
                    & (Interaction.kind == InteractionKind.CASUAL.value)
                )
                .group_by(Interaction.contact)
            )
        )
        last_touch = last_touches(ids)
        next_check_in = dict(
            tuples(
                FollowUp.select(FollowUp.contact, fn.MIN(FollowUp.window_start))
                .where(
                    FollowUp.contact.in_(ids)
                    & _PENDING
                    & (FollowUp.kind == FollowUpKind.CHECK_IN.value)
                )
                .group_by(FollowUp.contact)
            )
        )
        _, role, company, _ = opportunities[oid]
        for cid in sorted(ids, key=lambda c: names.get(c, "")):
            suggestion = suggest_casual_touch(
                CasualFacts(
                    contact_id=cid,
                    name=names.get(cid, ""),
                    topics=tuple(topics.get(cid, ())),
                    thank_yous_pending=cid in pending_thanks,
                    casual_touches=int(casual_counts.get(cid, 0)),
                    last_touch_at=as_datetime_or_none(last_touch.get(cid)),
                    next_check_in_at=as_datetime_or_none(next_check_in.get(cid)),
                ),
                now,
            )
            if suggestion is not None:
                ideas.append(CasualIdea(suggestion, oid, f"{role} at {company}"))
    return ideas


def backchannel_ideas(now: datetime) -> list[BackchannelIdea]:
    """After the second round, the likely back-channel references not yet reached since."""
    from crm.services import backchannel

    ideas: list[BackchannelIdea] = []
    for oid, role, company, quiet in _open_opportunities():
        if quiet:
            continue
        done = list(
            tuples(
                Interview.select(Interview.id, Interview.done_at)
                .where((Interview.opportunity == oid) & Interview.done_at.is_null(False))
                .order_by(Interview.done_at)
            )
        )
        if not should_reach_backchannel(len(done)):
            continue
        second_round_at = as_datetime_or_none(done[1][1])
        latest = done[-1][0]
        candidates = backchannel.for_interview(latest, now=now).candidates
        for candidate in candidates:
            if candidate.tier is not Tier.BACK_CHANNEL:
                continue
            touched_since = (
                candidate.days_since_touch is not None
                and second_round_at is not None
                and candidate.days_since_touch <= (now - second_round_at).days
            )
            if touched_since:
                continue
            ideas.append(
                BackchannelIdea(
                    contact_id=candidate.contact_id,
                    name=candidate.name,
                    opportunity_id=oid,
                    opportunity=f"{role} at {company}",
                    why=", ".join(candidate.reasons),
                    warning=candidate.warning,
                )
            )
            if (
                sum(1 for idea in ideas if idea.opportunity_id == oid)
                >= MAX_BACKCHANNEL_PER_OPPORTUNITY
            ):
                break
    return ideas
