"""What the log form starts with when it is opened on a row: the kind and channel of the
conversation that row asks for, so that logging it settles what the row is about."""

from __future__ import annotations

from dataclasses import dataclass

from crm.domain.types import Channel, FollowUpKind, InteractionKind


@dataclass(frozen=True)
class LogDefaults:
    """The kind and channel the log form preselects."""

    kind: InteractionKind = InteractionKind.CHECK_IN
    channel: Channel = Channel.EMAIL


CHECK_IN = LogDefaults()
"""A plain check-in by e-mail: what the form starts with when the row asks for nothing else."""

CASUAL = LogDefaults(InteractionKind.CASUAL)
BACK_CHANNEL = LogDefaults(InteractionKind.BACK_CHANNEL)
REFERENCE = LogDefaults(InteractionKind.REFERENCE)
THANK_YOU = LogDefaults(InteractionKind.THANK_YOU)

FOR_FOLLOW_UP: dict[FollowUpKind, LogDefaults] = {
    FollowUpKind.THANK_YOU_EMAIL: THANK_YOU,
    FollowUpKind.HANDWRITTEN_NOTE: LogDefaults(InteractionKind.THANK_YOU, Channel.HANDWRITTEN_NOTE),
    FollowUpKind.THANK_REFERRER: THANK_YOU,
    FollowUpKind.THANK_REFERENCE: THANK_YOU,
    FollowUpKind.CHECK_IN: CHECK_IN,
    FollowUpKind.KEEP_IN_TOUCH: CHECK_IN,
    FollowUpKind.TELL_OUTCOME: CHECK_IN,
    FollowUpKind.CASUAL_TOUCH: CASUAL,
    FollowUpKind.HEADS_UP: BACK_CHANNEL,
    FollowUpKind.TELL_INTERVIEWED: BACK_CHANNEL,
    FollowUpKind.BRIEF_REFERENCE: REFERENCE,
    FollowUpKind.OTHER: CHECK_IN,
}
"""Each follow-up's conversation: the kind and channel that settle it (see `closes`)."""


def log_defaults_for(kind: FollowUpKind | None) -> LogDefaults:
    """The conversation a follow-up of ``kind`` asks for; a check-in when it is unknown."""
    return FOR_FOLLOW_UP.get(kind, CHECK_IN) if kind is not None else CHECK_IN
