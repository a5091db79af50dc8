"""What the Today view suggests beyond due follow-ups: people going cold, casual touches,
and reaching the likely back-channel references before the employer does."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from peewee import fn

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
from crm.domain.backchannel import Tier, should_reach_backchannel
from crm.domain.casual import CasualFacts, CasualSuggestion, suggest_casual_touch
from crm.domain.cold import (
    ColdContact,
    ColdFacts,
    Relationship,
    going_cold,
    keep_in_touch_interval,
    relationship_of,
)
from crm.domain.types import CLOSED_STAGES, FollowUpKind, InteractionKind
from crm.services.tx import reading

THANK_YOU_KINDS = [FollowUpKind.THANK_YOU_EMAIL.value, FollowUpKind.HANDWRITTEN_NOTE.value]
MAX_BACKCHANNEL_PER_OPPORTUNITY = 3


@dataclass(frozen=True)
class TodaySuggestions:
    """Everything the Today view suggests besides the follow-ups."""

    backchannel: tuple[BackchannelIdea, ...] = ()
    casual: tuple[CasualIdea, ...] = ()
    going_cold: tuple[ColdContact, ...] = ()


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


def today(*, now: datetime) -> TodaySuggestions:
    """The suggestions for the Today view and `crm agenda`."""
    with reading():
        return TodaySuggestions(
            backchannel=tuple(backchannel_ideas(now)),
            casual=tuple(casual_ideas(now)),
            going_cold=tuple(cold_contacts(now)),
        )


def _as_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _open_opportunities() -> list[tuple[int, str, str, int | None, bool]]:
    closed = [stage.value for stage in CLOSED_STAGES]
    return list(
        Opportunity.select(
            Opportunity.id, Opportunity.role, Company.name, Opportunity.referrer, Opportunity.quiet
        )
        .join(Company)
        .where(Opportunity.stage.not_in(closed))
        .tuples()
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
    for oid, cid in query.tuples():
        people[oid].add(cid)
    return people


def cold_contacts(now: datetime) -> list[ColdContact]:
    """Contacts past their keep-in-touch interval, longest silence first.

    Only contacts with an interval the user set, or a relationship that sets one (reference,
    referrer, interviewer in an open process), are watched: a thousand imported LinkedIn
    connections shouldn't all turn up as "going cold".
    """
    opportunities = _open_opportunities()
    interviewers = set().union(*_interviewers_by_opportunity([o[0] for o in opportunities]).values())
    referrers = {o[3] for o in opportunities if o[3] is not None}
    references = {cid for (cid,) in Reference.select(Reference.contact).tuples()}
    related = interviewers | referrers | references
    rows = list(
        Contact.select(Contact.id, Contact.name, Contact.keep_in_touch_days, Contact.created_at)
        .where(Contact.keep_in_touch_days.is_null(False) | Contact.id.in_(list(related)))
        .tuples()
    )
    ids = [row[0] for row in rows]
    last_touch = {
        cid: _as_datetime(last)
        for cid, last in Interaction.select(Interaction.contact, fn.MAX(Interaction.occurred_at))
        .where(Interaction.contact.in_(ids))
        .group_by(Interaction.contact)
        .tuples()
    }
    facts = []
    for cid, name, explicit, created in rows:
        relationship = relationship_of(cid in references, cid in referrers, cid in interviewers)
        if explicit is None and relationship is Relationship.OTHER:
            continue
        facts.append(
            ColdFacts(
                contact_id=cid,
                name=name,
                last_touch_at=last_touch.get(cid),
                known_since=created,
                interval_days=keep_in_touch_interval(explicit, relationship),
            )
        )
    return going_cold(facts, now)


def casual_ideas(now: datetime) -> list[CasualIdea]:
    """Casual touches for interviewers the user has met in open opportunities, between check-ins."""
    opportunities = {o[0]: o for o in _open_opportunities()}
    interviewers = _interviewers_by_opportunity(list(opportunities), met_only=True)
    ideas: list[CasualIdea] = []
    for oid, people in interviewers.items():
        ids = list(people)
        names = dict(Contact.select(Contact.id, Contact.name).where(Contact.id.in_(ids)).tuples())
        topics: dict[int, list[str]] = defaultdict(list)
        for cid, topic in (
            ContactTopic.select(ContactTopic.contact, ContactTopic.name)
            .where(ContactTopic.contact.in_(ids))
            .order_by(ContactTopic.position)
            .tuples()
        ):
            topics[cid].append(topic)
        pending_thanks = {
            cid
            for (cid,) in FollowUp.select(FollowUp.contact)
            .where(
                FollowUp.contact.in_(ids)
                & FollowUp.done_at.is_null()
                & FollowUp.kind.in_(THANK_YOU_KINDS)
            )
            .tuples()
        }
        casual_counts = dict(
            Interaction.select(Interaction.contact, fn.COUNT(Interaction.id))
            .where(
                Interaction.contact.in_(ids)
                & (Interaction.opportunity == oid)
                & (Interaction.kind == InteractionKind.CASUAL.value)
            )
            .group_by(Interaction.contact)
            .tuples()
        )
        last_touch = dict(
            Interaction.select(Interaction.contact, fn.MAX(Interaction.occurred_at))
            .where(Interaction.contact.in_(ids))
            .group_by(Interaction.contact)
            .tuples()
        )
        next_check_in = dict(
            FollowUp.select(FollowUp.contact, fn.MIN(FollowUp.window_start))
            .where(
                FollowUp.contact.in_(ids)
                & FollowUp.done_at.is_null()
                & (FollowUp.kind == FollowUpKind.CHECK_IN.value)
            )
            .group_by(FollowUp.contact)
            .tuples()
        )
        _, role, company, _, _ = opportunities[oid]
        for cid in sorted(ids, key=lambda c: names.get(c, "")):
            suggestion = suggest_casual_touch(
                CasualFacts(
                    contact_id=cid,
                    name=names.get(cid, ""),
                    topics=tuple(topics.get(cid, ())),
                    thank_yous_pending=cid in pending_thanks,
                    casual_touches=int(casual_counts.get(cid, 0)),
                    last_touch_at=_as_datetime(last_touch.get(cid)),
                    next_check_in_at=_as_datetime(next_check_in.get(cid)),
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
    for oid, role, company, _, quiet in _open_opportunities():
        if quiet:
            continue
        done = list(
            Interview.select(Interview.id, Interview.done_at)
            .where((Interview.opportunity == oid) & Interview.done_at.is_null(False))
            .order_by(Interview.done_at)
            .tuples()
        )
        if not should_reach_backchannel(len(done)):
            continue
        second_round_at = _as_datetime(done[1][1])
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
            if sum(1 for idea in ideas if idea.opportunity_id == oid) >= MAX_BACKCHANNEL_PER_OPPORTUNITY:
                break
    return ideas
