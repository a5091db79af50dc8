"""What a row in the Today, interviews and timeline lists stands for."""

from __future__ import annotations

from dataclasses import dataclass

from crm.domain.log_defaults import LogDefaults, log_defaults_for
from crm.domain.types import FollowUpKind


@dataclass(frozen=True)
class FollowUpKey:
    """A follow-up row."""

    follow_up_id: int
    contact_id: int
    opportunity_id: int | None
    title: str
    pending: bool = True
    why: str = ""
    """The playbook's one-line why, shown on the card while the row is highlighted."""
    kind: FollowUpKind | None = None
    """What the follow-up asks for: `l` on the row logs that kind of conversation."""


@dataclass(frozen=True)
class RingKey:
    """An opportunity that gave up the ring."""

    opportunity_id: int
    contact_id: int | None
    why: str = ""


@dataclass(frozen=True)
class OpportunityKey:
    """An opportunity row in the interviews pane."""

    opportunity_id: int
    contact_id: int | None


@dataclass(frozen=True)
class InterviewKey:
    """An interview row."""

    interview_id: int
    opportunity_id: int
    contact_id: int | None
    done: bool


@dataclass(frozen=True)
class InteractionKey:
    """A logged conversation on a timeline."""

    interaction_id: int
    contact_id: int


RowKey = FollowUpKey | RingKey | OpportunityKey | InterviewKey | InteractionKey


def contact_of(key: object) -> int | None:
    """The contact a row is about, if any."""
    return getattr(key, "contact_id", None)


def opportunity_of(key: object) -> int | None:
    """The opportunity a row is about, if any."""
    return getattr(key, "opportunity_id", None)


def log_defaults_of(key: object) -> LogDefaults | None:
    """The kind and channel `l` on a row starts the log form with, if the row asks for one."""
    if isinstance(key, FollowUpKey) and key.kind is not None:
        return log_defaults_for(key.kind)
    log_as = getattr(key, "log_as", None)
    return log_as if isinstance(log_as, LogDefaults) else None


@dataclass(frozen=True)
class PersonKey:
    """A suggestion about a person: reach the back channel, a casual touch, going cold."""

    contact_id: int
    opportunity_id: int | None = None
    log_as: LogDefaults | None = None
    """The conversation the suggestion asks for (a casual touch, the back channel)."""
