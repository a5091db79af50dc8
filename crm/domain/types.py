"""The vocabulary of the domain: enums and frozen dataclasses passed between layers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    """How a conversation happened."""

    EMAIL = "email"
    CALL = "call"
    VIDEO = "video"
    MEETING = "meeting"
    MESSAGE = "message"
    HANDWRITTEN_NOTE = "handwritten-note"
    LINKEDIN = "linkedin"
    OTHER = "other"


class InteractionKind(StrEnum):
    """What a conversation was for."""

    THANK_YOU = "thank-you"
    CHECK_IN = "check-in"
    CASUAL = "casual"
    BACK_CHANNEL = "back-channel"
    REFERENCE = "reference"
    OTHER = "other"


class Direction(StrEnum):
    """Who reached out: the user (outbound) or the contact (inbound, e.g. a reply)."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Stage(StrEnum):
    """Where an opportunity stands; the last four are closed."""

    LEAD = "lead"
    APPLIED = "applied"
    SCREENING = "screening"
    INTERVIEWING = "interviewing"
    OFFER = "offer"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """True while the process is alive and the ring matters."""
        return self not in CLOSED_STAGES


CLOSED_STAGES = frozenset({Stage.ACCEPTED, Stage.REJECTED, Stage.WITHDRAWN, Stage.CLOSED})


class FollowUpKind(StrEnum):
    """The dated next steps the app tracks."""

    THANK_YOU_EMAIL = "thank-you-email"
    HANDWRITTEN_NOTE = "handwritten-note"
    THANK_REFERRER = "thank-referrer"
    CHECK_IN = "check-in"
    CASUAL_TOUCH = "casual-touch"
    HEADS_UP = "heads-up"
    TELL_INTERVIEWED = "tell-interviewed"
    BRIEF_REFERENCE = "brief-reference"
    THANK_REFERENCE = "thank-reference"
    KEEP_IN_TOUCH = "keep-in-touch"
    TELL_OUTCOME = "tell-outcome"
    OTHER = "other"


class FollowUpState(StrEnum):
    """Where a follow-up stands at a given moment."""

    UPCOMING = "upcoming"
    DUE = "due"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    DONE = "done"
    SNOOZED = "snoozed"
    CANCELLED = "cancelled"
    """Settled without being done: its process closed first (kept in history)."""


CANCELLED_BY_CLOSE = "close"
"""FollowUp.cancelled_by for a follow-up its process's close cancelled."""
CANCELLED_BY_REOPEN = "reopen"
"""FollowUp.cancelled_by for what a close planned, cancelled when the process reopened."""
CANCELLED_BY_PHONE = "phone"
"""FollowUp.cancelled_by for a follow-up whose task was deleted on the phone (a sync saw it)."""


class HelperRole(StrEnum):
    """How someone helped the user into a process."""

    REFERRER = "referrer"
    PULLED_STRINGS = "pulled-strings"


@dataclass(frozen=True)
class ProcessHelper:
    """A referrer, or someone who pulled strings, in one process."""

    id: int
    name: str
    role: HelperRole


class ConnectionSource(StrEnum):
    """How the user knows that A knows B."""

    LINKEDIN_MUTUAL = "linkedin-mutual"
    THEY_SAID_SO = "they-said-so"
    SAME_TEAM = "same-team"
    OTHER = "other"


class Rapport(StrEnum):
    """How the user left things with a contact (don't burn bridges)."""

    GOOD = "good"
    NEUTRAL = "neutral"
    STRAINED = "strained"


@dataclass(frozen=True)
class ContactDraft:
    """What a user typed into the contact form or the CLI, before it is saved."""

    name: str
    company: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    linkedin_url: str = ""
    how_met: str = ""
    topics: tuple[str, ...] = ()
    relationship_note: str = ""
    keep_in_touch_days: int | None = None
    rapport: str = ""
    """How things were left: a Rapport value, or "" when not judged."""
    language: str = ""
    """The language crm writes their drafts in ("en", "ru"), or "" for the [drafts] default."""


@dataclass(frozen=True)
class ContactRow:
    """One line of the contacts list."""

    id: int
    name: str
    company: str
    role: str
    email: str = ""
    sort_key: str = ""
    overdue: int = 0


@dataclass(frozen=True)
class ContactDetail:
    """Everything shown about one contact in the detail panel."""

    id: int
    name: str
    company: str
    role: str
    email: str
    phone: str
    linkedin_url: str
    how_met: str
    topics: tuple[str, ...]
    relationship_note: str
    keep_in_touch_days: int | None
    rapport: str
    created_at: datetime
    updated_at: datetime
    last_touch_at: datetime | None = None
    interactions: int = 0
    is_reference: bool = False
    overdue: int = 0
    language: str = ""

    def to_draft(self) -> ContactDraft:
        """The editable part of this contact, to prefill the edit form."""
        return ContactDraft(
            name=self.name,
            company=self.company,
            role=self.role,
            email=self.email,
            phone=self.phone,
            linkedin_url=self.linkedin_url,
            how_met=self.how_met,
            topics=self.topics,
            relationship_note=self.relationship_note,
            keep_in_touch_days=self.keep_in_touch_days,
            rapport=self.rapport,
            language=self.language,
        )


@dataclass(frozen=True)
class AgendaItem:
    """One follow-up as the Today view and `crm agenda` list it."""

    id: int
    contact_id: int
    contact: str
    kind: FollowUpKind
    state: FollowUpState
    window_start: datetime
    window_end: datetime
    late: str
    opportunity_id: int | None = None
    opportunity: str = ""
    note: str = ""
    snoozed_until: datetime | None = None


@dataclass(frozen=True)
class DroppedRing:
    """An open opportunity with no next touch owned by the user."""

    opportunity_id: int
    opportunity: str
    stage: Stage
    last_touch_at: datetime | None
    contact_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Agenda:
    """What the user owes, as of one moment.

    A section may list only its most urgent follow-ups; its total counts all of them. A total
    left out (or smaller than its list) is the list's length.
    """

    overdue: tuple[AgendaItem, ...]
    due: tuple[AgendaItem, ...]
    upcoming: tuple[AgendaItem, ...]
    rings_dropped: tuple[DroppedRing, ...]
    overdue_total: int = 0
    """How many follow-ups are overdue, listed or not."""
    due_total: int = 0
    """How many are due now, listed or not."""
    upcoming_total: int = 0
    """How many come up within the week, listed or not."""

    def __post_init__(self) -> None:
        for section in ("overdue", "due", "upcoming"):
            listed = len(getattr(self, section))
            if getattr(self, f"{section}_total") < listed:
                object.__setattr__(self, f"{section}_total", listed)


@dataclass(frozen=True)
class InterviewSummary:
    """One interview round with its interviewers."""

    id: int
    opportunity_id: int
    starts_at: datetime
    ends_at: datetime
    kind: str
    done_at: datetime | None
    interviewers: tuple[tuple[int, str], ...] = ()
    cancelled_at: datetime | None = None
    """When its invitation was cancelled: kept in history, no longer ahead."""


@dataclass(frozen=True)
class OpportunityDetails:
    """What a job seeker tracks about a posting, all of it optional."""

    url: str = ""
    """The posting's link: http(s), or empty."""
    location: str = ""
    """Where the job is, or how remote ("Berlin", "remote", "hybrid, Zürich")."""
    salary: str = ""
    """The salary range as the posting or recruiter said it ("€70–80k", "$120k + equity")."""
    applied_at: datetime | None = None
    """When the user applied (naive UTC)."""
    cv: str = ""
    """The CV or cover letter sent: a file name or a version."""
    notes: str = ""
    """Free notes, several lines."""


@dataclass(frozen=True)
class OpportunitySummary:
    """An opportunity with its interviews, for the interviews pane."""

    id: int
    company: str
    role: str
    stage: Stage
    quiet: bool
    helpers: tuple[ProcessHelper, ...] = ()
    """Its referrers and the people who pulled strings, in the order they were added."""
    interviews: tuple[InterviewSummary, ...] = ()
    pending_follow_ups: int = 0
    details: OpportunityDetails | None = None
    """What the user tracks about the posting (None: an empty set of details)."""
    created_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def title(self) -> str:
        """ "Role at Company"."""
        return f"{self.role} at {self.company}"

    def helper_names(self, role: HelperRole) -> str:
        """The names of its helpers in one role, comma-separated ("" when none)."""
        return ", ".join(helper.name for helper in self.helpers if helper.role is role)


@dataclass(frozen=True)
class TimelineEntry:
    """One thing on a timeline: a logged conversation, a follow-up or an interview."""

    at: datetime
    what: str  # "interaction", "follow-up" or "interview"
    id: int
    contact_id: int | None
    contact: str
    title: str
    detail: str = ""
    state: FollowUpState | None = None
    opportunity: str = ""
    why: str = ""
    """A follow-up's one-line why from the playbook."""
    follow_up_kind: FollowUpKind | None = None
    """What a follow-up asks for: `l` on its row logs that kind of conversation."""
    opportunity_id: int | None = None
    """The opportunity a follow-up belongs to, if any."""


@dataclass(frozen=True)
class LogDraft:
    """A conversation the user is logging, with the next touch they commit to."""

    contact_id: int
    channel: Channel
    kind: InteractionKind
    occurred_at: datetime
    summary: str = ""
    direction: Direction = Direction.OUTBOUND
    opportunity_id: int | None = None
    next_touch: datetime | None = None
    no_next_reason: str = ""
    use_default_next: bool = True
    """With no next touch and no reason, an open opportunity gets the default next touch."""
    infer_opportunity: bool = True
    """With no opportunity given, use the contact's only open one (the CLI); a form that
    showed the choice passes False, so an explicit "(none)" stays none."""
    promised_at: datetime | None = None
    """Their date: "I'll get back to you by Thursday" (naive UTC). The user's follow-up goes
    the next business morning after it, unless ``next_touch`` names another moment."""
    read_commitment: bool = True
    """Read a day the user committed to from the summary; False when the words are theirs
    (a received e-mail's "I'll call you Friday" is no promise of the user's)."""
    message_id: str = ""
    """The e-mail's Message-ID when the conversation came from a mailbox ("" when typed)."""


@dataclass(frozen=True)
class FollowUpNote:
    """A follow-up a log settled or planned, as much as is said about it."""

    id: int
    kind: FollowUpKind
    contact: str
    window_start: datetime
    window_end: datetime
    note: str = ""


@dataclass(frozen=True)
class StageChange:
    """What moving a process to another stage did, so the CLI and the app can say it."""

    opportunity: str
    stage: Stage
    cancelled: int = 0
    """Pending follow-ups cancelled by the close (kept in history), or the close's plans that a
    reopening cancelled."""
    restored: int = 0
    """Follow-ups a reopening brought back (those the close cancelled that are still ahead)."""
    planned: tuple[FollowUpNote, ...] = ()
    handed_over: int = 0
    """People given a keep-in-touch interval because the process closed."""
    keep_in_touch_days: int = 0


class LogWarningKind(StrEnum):
    """What a logged conversation is warned about, then and there."""

    RING_GIVEN_UP = "ring-given-up"
    """An open process is left with no next touch of the user's."""
    CASUAL_BUDGET = "casual-budget"
    """A third (or later) casual touch with one person in one process."""


@dataclass(frozen=True)
class LogWarning:
    """A warning about a logged conversation; the words are the playbook's."""

    kind: LogWarningKind
    opportunity: str
    contact: str = ""
    count: int = 0


@dataclass(frozen=True)
class LogResult:
    """What logging a conversation did."""

    interaction_id: int
    opportunity_id: int | None
    closed_follow_up_ids: tuple[int, ...]
    created_follow_up_ids: tuple[int, ...]
    contact: str = ""
    channel: Channel = Channel.OTHER
    kind: InteractionKind = InteractionKind.OTHER
    settled: tuple[FollowUpNote, ...] = ()
    """The follow-ups it settled."""
    planned: tuple[FollowUpNote, ...] = ()
    """The follow-ups it planned."""
    warnings: tuple[LogWarning, ...] = ()
    promised_at: datetime | None = None
