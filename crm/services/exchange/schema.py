"""The shape of a JSON export: its header, its sections, each record's fields, and its times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from crm.domain.conversations import CANCELLED_BY_UNLOG
from crm.domain.day_words import DRAFT_LANGUAGES
from crm.domain.invites import CANCELLED_BY_INVITE
from crm.domain.types import (
    CANCELLED_BY_CLOSE,
    CANCELLED_BY_PHONE,
    CANCELLED_BY_REOPEN,
    Channel,
    ConnectionSource,
    Direction,
    FollowUpKind,
    HelperRole,
    InteractionKind,
    Rapport,
    Stage,
)

FORMAT = "crm"
VERSION = 1


class ExchangeError(Exception):
    """A document can't be imported; the message is one line meant for the user."""


TEXT = "text"  # a string; "" when missing
NAME = "name"  # a string that isn't blank; required
TIME = "time"  # ISO 8601, UTC ("2026-11-18T15:00:00Z"); required
MAYBE_TIME = "time?"
MAYBE_INT = "int?"
COUNT = "count"  # a whole number, 0 or more; 0 when missing
BOOL = "bool"
REF = "ref"  # the uid (or company key) of a record in an earlier section; required
MAYBE_REF = "ref?"


@dataclass(frozen=True)
class Field:
    key: str  # the name in the document, and the model field unless ``column`` says otherwise
    kind: str
    target: str = ""  # the section a reference points into
    choices: tuple[str, ...] = ()  # the allowed values, when the field holds an enum
    column: str = ""

    @property
    def name(self) -> str:
        return self.column or self.key


def _values(enum_type: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum_type)


COMPANY_FIELDS = (
    Field("key", NAME),
    Field("name", NAME),
    Field("website", TEXT),
    Field("notes", TEXT),
    Field("created_at", TIME),
)
CONTACT_FIELDS = (
    Field("uid", NAME),
    Field("name", NAME),
    Field("company", MAYBE_REF, "companies"),
    Field("role", TEXT),
    Field("email", TEXT),
    Field("phone", TEXT),
    Field("linkedin_url", TEXT),
    Field("how_met", TEXT),
    Field("relationship_note", TEXT),
    Field("rapport", TEXT, choices=("", *_values(Rapport))),
    Field("keep_in_touch_days", MAYBE_INT),
    Field("language", TEXT, choices=("", *DRAFT_LANGUAGES)),
    Field("created_at", TIME),
    Field("updated_at", TIME),
)
METHOD_FIELDS = (Field("kind", NAME), Field("value", NAME), Field("label", TEXT))
OPPORTUNITY_FIELDS = (
    Field("uid", NAME),
    Field("company", REF, "companies"),
    Field("role", TEXT),
    Field("stage", NAME, choices=_values(Stage)),
    Field("quiet", BOOL),
    Field("notes", TEXT),
    Field("created_at", TIME),
    Field("updated_at", TIME),
    Field("closed_at", MAYBE_TIME),
    Field("url", TEXT),
    Field("location", TEXT),
    Field("salary", TEXT),
    Field("applied_at", MAYBE_TIME),
    Field("cv", TEXT),
)
HELPER_FIELDS = (
    Field("contact", REF, "contacts"),
    Field("role", NAME, choices=_values(HelperRole)),
)
OLD_REFERRER = Field("referrer", MAYBE_REF, "contacts")
"""Exports made before a process could have several helpers name its one referrer here."""
INTERVIEW_FIELDS = (
    Field("uid", NAME),
    Field("opportunity", REF, "opportunities"),
    Field("starts_at", TIME),
    Field("ends_at", TIME),
    Field("kind", TEXT),
    Field("location", TEXT),
    Field("notes", TEXT),
    Field("done_at", MAYBE_TIME),
    Field("invite_uid", TEXT),
    Field("invite_sequence", COUNT),
    Field("cancelled_at", MAYBE_TIME),
)
INTERACTION_FIELDS = (
    Field("uid", NAME),
    Field("contact", REF, "contacts"),
    Field("opportunity", MAYBE_REF, "opportunities"),
    Field("occurred_at", TIME),
    Field("channel", NAME, choices=_values(Channel)),
    Field("kind", NAME, choices=_values(InteractionKind)),
    Field("direction", NAME, choices=_values(Direction)),
    Field("summary", TEXT),
    Field("created_at", TIME),
)
FOLLOW_UP_FIELDS = (
    Field("uid", NAME),
    Field("contact", REF, "contacts"),
    Field("opportunity", MAYBE_REF, "opportunities"),
    Field("interview", MAYBE_REF, "interviews"),
    Field("origin", MAYBE_REF, "interactions"),
    Field("kind", NAME, choices=_values(FollowUpKind)),
    Field("window_start", TIME),
    Field("window_end", TIME),
    Field("done_at", MAYBE_TIME),
    Field("snoozed_until", MAYBE_TIME),
    Field("note", TEXT),
    Field(
        "cancelled_by",
        TEXT,
        choices=(
            "",
            CANCELLED_BY_CLOSE,
            CANCELLED_BY_REOPEN,
            CANCELLED_BY_UNLOG,
            CANCELLED_BY_PHONE,
            CANCELLED_BY_INVITE,
        ),
    ),
    Field("created_at", TIME),
)
CONNECTION_FIELDS = (
    Field("contact_a", REF, "contacts"),
    Field("contact_b", REF, "contacts"),
    Field("source", NAME, choices=_values(ConnectionSource)),
    Field("note", TEXT),
    Field("noted_at", TIME),
)
REFERENCE_FIELDS = (
    Field("contact", REF, "contacts"),
    Field("relationship", TEXT),
    Field("talking_points", TEXT),
    Field("last_briefed_at", MAYBE_TIME),
    Field("created_at", TIME),
)
GIVEN_FIELDS = (
    Field("opportunity", REF, "opportunities"),
    Field("given_at", TIME),
    Field("expected_call_at", MAYBE_TIME),
)

SECTIONS = (
    "companies",
    "contacts",
    "opportunities",
    "interviews",
    "interactions",
    "follow_ups",
    "connections",
    "references",
)


def time_text(moment: datetime | str) -> str:
    """A stored naive-UTC time as ISO 8601 with a "Z" ("2026-11-18T15:00:00Z")."""
    if isinstance(moment, str):  # a value peewee couldn't parse comes back as stored
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def parse_time(text: str) -> datetime:
    """Read an ISO 8601 time as naive UTC; one without an offset is taken to be UTC already."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
