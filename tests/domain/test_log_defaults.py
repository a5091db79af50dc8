"""The log form's defaults per row: logging with them settles the follow-up the row is about."""

from __future__ import annotations

from datetime import datetime

import pytest

from crm.domain.followups import PendingFollowUp, Touch, closes
from crm.domain.log_defaults import FOR_FOLLOW_UP, LogDefaults, log_defaults_for
from crm.domain.types import Channel, Direction, FollowUpKind, InteractionKind

NOW = datetime(2026, 11, 18, 15, 0)

EXPECTED = {
    FollowUpKind.THANK_YOU_EMAIL: (InteractionKind.THANK_YOU, Channel.EMAIL),
    FollowUpKind.HANDWRITTEN_NOTE: (InteractionKind.THANK_YOU, Channel.HANDWRITTEN_NOTE),
    FollowUpKind.THANK_REFERRER: (InteractionKind.THANK_YOU, Channel.EMAIL),
    FollowUpKind.THANK_REFERENCE: (InteractionKind.THANK_YOU, Channel.EMAIL),
    FollowUpKind.CHECK_IN: (InteractionKind.CHECK_IN, Channel.EMAIL),
    FollowUpKind.KEEP_IN_TOUCH: (InteractionKind.CHECK_IN, Channel.EMAIL),
    FollowUpKind.TELL_OUTCOME: (InteractionKind.CHECK_IN, Channel.EMAIL),
    FollowUpKind.CASUAL_TOUCH: (InteractionKind.CASUAL, Channel.EMAIL),
    FollowUpKind.HEADS_UP: (InteractionKind.BACK_CHANNEL, Channel.EMAIL),
    FollowUpKind.TELL_INTERVIEWED: (InteractionKind.BACK_CHANNEL, Channel.EMAIL),
    FollowUpKind.BRIEF_REFERENCE: (InteractionKind.REFERENCE, Channel.EMAIL),
    FollowUpKind.OTHER: (InteractionKind.CHECK_IN, Channel.EMAIL),
}


def test_every_follow_up_kind_has_defaults() -> None:
    assert set(FOR_FOLLOW_UP) == set(FollowUpKind)


@pytest.mark.parametrize("kind", list(FollowUpKind), ids=str)
def test_the_defaults_per_follow_up_kind(kind: FollowUpKind) -> None:
    assert log_defaults_for(kind) == LogDefaults(*EXPECTED[kind])


@pytest.mark.parametrize("kind", [k for k in FollowUpKind if k is not FollowUpKind.OTHER], ids=str)
def test_logging_with_the_defaults_settles_the_follow_up(kind: FollowUpKind) -> None:
    defaults = log_defaults_for(kind)
    touch = Touch(NOW, defaults.channel, defaults.kind, Direction.OUTBOUND, opportunity_id=7)
    follow_up = PendingFollowUp(1, kind, 7, NOW, NOW)
    assert closes(touch, follow_up)


def test_an_unknown_row_logs_a_check_in_by_email() -> None:
    assert log_defaults_for(None) == LogDefaults(InteractionKind.CHECK_IN, Channel.EMAIL)
