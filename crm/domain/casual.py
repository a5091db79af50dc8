"""Casual touches: a non-business nudge between check-ins, one or two per person per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from crm.domain.followups import PlannedFollowUp, plan_follow_up
from crm.domain.types import FollowUpKind

CASUAL_TOUCH_BUDGET = 2
"""Casual touches per person per process; the next one past this is a warning."""

QUIET_PERIOD = timedelta(days=5)
"""After any touch, wait this long before suggesting a casual one, so it doesn't crowd it."""

CHECK_IN_CLEARANCE = timedelta(days=2)
"""A check-in closer than this will carry the human side itself; a casual touch would nag."""


class CasualStatus(StrEnum):
    """What one more casual touch would be, given how many were logged in this process."""

    OK = "ok"
    """0 so far: the next one is the first, well within budget."""
    LAST_ONE = "last-one"
    """1 so far: the next one is the second and last within budget."""
    TOO_MANY = "too-many"
    """2 or more so far: the next one would be a third (or more), so warn instead."""


@dataclass(frozen=True)
class CasualFacts:
    """What the casual-touch rule needs about one interviewer of an open opportunity."""

    contact_id: int
    name: str
    topics: tuple[str, ...]
    thank_yous_pending: bool
    casual_touches: int
    """Casual touches already logged with this person in this process."""
    last_touch_at: datetime | None
    next_check_in_at: datetime | None


@dataclass(frozen=True)
class CasualSuggestion:
    """A casual touch to suggest, or a warning that one more would be too many."""

    contact_id: int
    name: str
    topic: str
    text: str
    status: CasualStatus

    @property
    def is_warning(self) -> bool:
        """True when this is a warning rather than a suggestion."""
        return self.status is CasualStatus.TOO_MANY


def casual_touch_status(count_so_far: int) -> CasualStatus:
    """What one more casual touch would be: 0 → OK, 1 → LAST_ONE, 2, 3 or more → TOO_MANY."""
    if count_so_far < 0:
        raise ValueError(f"casual touches can't be negative: {count_so_far}")
    if count_so_far < CASUAL_TOUCH_BUDGET - 1:
        return CasualStatus.OK
    if count_so_far < CASUAL_TOUCH_BUDGET:
        return CasualStatus.LAST_ONE
    return CasualStatus.TOO_MANY


def suggest_casual_touch(facts: CasualFacts, now: datetime) -> CasualSuggestion | None:
    """Suggest a casual touch from what the contact mentioned, or warn that it would be a third.

    Nothing is suggested while thank-yous to them are pending (those come first), when no
    topic is known, within five days of the last touch (exactly five days later is fine), or
    when a check-in is due within two days or already late. Topics take turns: the n-th
    casual touch uses the n-th topic, so a second touch isn't about the same thing. The text
    uses the contact's name, never a gendered pronoun. Pass interviewers of open
    opportunities only; the caller knows the stage.

    Args:
        facts: The contact, their topics and the state of the process.
        now: The current time (naive UTC).

    Returns:
        The suggestion or warning, or None when it isn't the moment.
    """
    topics = [topic.strip() for topic in facts.topics if topic.strip()]
    if facts.thank_yous_pending or not topics:
        return None
    if facts.last_touch_at is not None and now - facts.last_touch_at < QUIET_PERIOD:
        return None
    if facts.next_check_in_at is not None and facts.next_check_in_at - now < CHECK_IN_CLEARANCE:
        return None
    status = casual_touch_status(facts.casual_touches)
    topic = topics[facts.casual_touches % len(topics)]
    if status is CasualStatus.TOO_MANY:
        text = (
            f"{facts.name} has had {facts.casual_touches} casual touches in this process"
            " — another would be too many; keep to the check-ins"
        )
    else:
        text = f"{facts.name} mentioned: {topic} — send {facts.name} something on it"
    return CasualSuggestion(
        contact_id=facts.contact_id,
        name=facts.name,
        topic=topic,
        text=text,
        status=status,
    )


def casual_touch_plan(
    suggestion: CasualSuggestion, now: datetime, *, opportunity_id: int | None = None
) -> PlannedFollowUp | None:
    """Turn a suggestion into a follow-up due within the week; a warning plans nothing."""
    if suggestion.is_warning:
        return None
    return plan_follow_up(
        FollowUpKind.CASUAL_TOUCH,
        now,
        suggestion.contact_id,
        opportunity_id=opportunity_id,
        note=suggestion.text,
    )
