"""Casual-touch rules: the budget of two per person per process, and when to suggest one."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from crm.domain.casual import (
    CASUAL_TOUCH_BUDGET,
    CHECK_IN_CLEARANCE,
    QUIET_PERIOD,
    CasualFacts,
    CasualStatus,
    CasualSuggestion,
    casual_touch_plan,
    casual_touch_status,
    suggest_casual_touch,
)
from crm.domain.followups import PlannedFollowUp
from crm.domain.types import FollowUpKind

NOW = datetime(2026, 11, 18, 12, 0)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def ann(
    *,
    topics: tuple[str, ...] = ("Agile skeptic",),
    thank_yous_pending: bool = False,
    casual_touches: int = 0,
    last_touch_at: datetime | None = NOW - 10 * DAY,
    next_check_in_at: datetime | None = NOW + 7 * DAY,
) -> CasualFacts:
    """Ann, an interviewer, thanked ten days ago, with a check-in next week."""
    return CasualFacts(
        contact_id=5,
        name="Ann",
        topics=topics,
        thank_yous_pending=thank_yous_pending,
        casual_touches=casual_touches,
        last_touch_at=last_touch_at,
        next_check_in_at=next_check_in_at,
    )


# --- the budget --------------------------------------------------------------------------------


def test_constants() -> None:
    assert CASUAL_TOUCH_BUDGET == 2
    assert QUIET_PERIOD == 5 * DAY
    assert CHECK_IN_CLEARANCE == 2 * DAY


@pytest.mark.parametrize(
    ("count_so_far", "status"),
    [
        (0, CasualStatus.OK),
        (1, CasualStatus.LAST_ONE),
        (2, CasualStatus.TOO_MANY),
        (3, CasualStatus.TOO_MANY),
        (10, CasualStatus.TOO_MANY),
    ],
)
def test_status_by_count_so_far(count_so_far: int, status: CasualStatus) -> None:
    assert casual_touch_status(count_so_far) is status


def test_negative_count_is_a_bug() -> None:
    with pytest.raises(ValueError):
        casual_touch_status(-1)


# --- suggestions -------------------------------------------------------------------------------


def test_suggests_from_what_they_mentioned() -> None:
    assert suggest_casual_touch(ann(), NOW) == CasualSuggestion(
        contact_id=5,
        name="Ann",
        topic="Agile skeptic",
        text="Ann mentioned: Agile skeptic — send Ann something on it",
        status=CasualStatus.OK,
    )


def test_second_touch_is_the_last_one_and_uses_the_next_topic() -> None:
    suggestion = suggest_casual_touch(
        ann(topics=("Agile skeptic", "Arsenal"), casual_touches=1), NOW
    )
    assert suggestion is not None
    assert suggestion.status is CasualStatus.LAST_ONE
    assert suggestion.topic == "Arsenal"
    assert suggestion.text == "Ann mentioned: Arsenal — send Ann something on it"
    assert not suggestion.is_warning


def test_one_topic_is_reused() -> None:
    suggestion = suggest_casual_touch(ann(casual_touches=1), NOW)
    assert suggestion is not None and suggestion.topic == "Agile skeptic"


def test_a_third_is_a_warning_not_a_suggestion() -> None:
    suggestion = suggest_casual_touch(ann(casual_touches=2), NOW)
    assert suggestion is not None
    assert suggestion.is_warning
    assert suggestion.status is CasualStatus.TOO_MANY
    assert suggestion.text == (
        "Ann has had 2 casual touches in this process — another would be too many;"
        " keep to the check-ins"
    )
    assert "send" not in suggestion.text


def test_past_the_budget_still_warns() -> None:
    suggestion = suggest_casual_touch(ann(casual_touches=3), NOW)
    assert suggestion is not None and suggestion.is_warning


def test_no_gendered_pronouns() -> None:
    for touches in range(4):
        suggestion = suggest_casual_touch(ann(casual_touches=touches), NOW)
        assert suggestion is not None
        assert not re.search(r"\b(he|she|him|her|his|hers|they|them)\b", suggestion.text, re.I)


def test_non_latin_name() -> None:
    facts = CasualFacts(8, "山田太郎", ("野球",), False, 0, None, None)
    suggestion = suggest_casual_touch(facts, NOW)
    assert suggestion is not None
    assert suggestion.text == "山田太郎 mentioned: 野球 — send 山田太郎 something on it"


# --- when not to suggest -----------------------------------------------------------------------


def test_nothing_while_thank_yous_are_pending() -> None:
    assert suggest_casual_touch(ann(thank_yous_pending=True), NOW) is None


def test_no_warning_either_while_thank_yous_are_pending() -> None:
    assert suggest_casual_touch(ann(thank_yous_pending=True, casual_touches=2), NOW) is None


@pytest.mark.parametrize("topics", [(), ("",), ("  ", "\t")])
def test_nothing_without_topics(topics: tuple[str, ...]) -> None:
    assert suggest_casual_touch(ann(topics=topics), NOW) is None


def test_blank_topics_are_skipped() -> None:
    suggestion = suggest_casual_touch(ann(topics=(" ", " jazz ")), NOW)
    assert suggestion is not None and suggestion.topic == "jazz"


def test_nothing_within_the_quiet_period() -> None:
    assert suggest_casual_touch(ann(last_touch_at=NOW - 5 * DAY + SECOND), NOW) is None
    assert suggest_casual_touch(ann(last_touch_at=NOW - DAY), NOW) is None


def test_exactly_at_the_end_of_the_quiet_period_is_fine() -> None:
    assert suggest_casual_touch(ann(last_touch_at=NOW - 5 * DAY), NOW) is not None


def test_never_touched_is_fine() -> None:
    assert suggest_casual_touch(ann(last_touch_at=None), NOW) is not None


def test_nothing_when_a_check_in_is_close() -> None:
    assert suggest_casual_touch(ann(next_check_in_at=NOW + DAY), NOW) is None
    assert suggest_casual_touch(ann(next_check_in_at=NOW + 2 * DAY - SECOND), NOW) is None


def test_nothing_when_the_check_in_is_late() -> None:
    assert suggest_casual_touch(ann(next_check_in_at=NOW - DAY), NOW) is None


def test_check_in_exactly_two_days_away_leaves_room() -> None:
    assert suggest_casual_touch(ann(next_check_in_at=NOW + 2 * DAY), NOW) is not None


def test_no_check_in_scheduled_leaves_room() -> None:
    assert suggest_casual_touch(ann(next_check_in_at=None), NOW) is not None


# --- planning ------------------------------------------------------------------------------------


def test_plan_a_suggestion_within_the_week() -> None:
    suggestion = suggest_casual_touch(ann(), NOW)
    assert suggestion is not None
    assert casual_touch_plan(suggestion, NOW, opportunity_id=3) == PlannedFollowUp(
        contact_id=5,
        kind=FollowUpKind.CASUAL_TOUCH,
        window_start=NOW,
        window_end=NOW + 7 * DAY,
        opportunity_id=3,
        note="Ann mentioned: Agile skeptic — send Ann something on it",
    )


def test_a_warning_plans_nothing() -> None:
    warning = suggest_casual_touch(ann(casual_touches=2), NOW)
    assert warning is not None
    assert casual_touch_plan(warning, NOW) is None
