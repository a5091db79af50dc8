"""The playbook's words: a why for every follow-up, their promise, and what a log did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crm.domain.followups import promise_follow_up_at
from crm.domain.playbook import (
    RING_DROPPED_WHY,
    WHY,
    log_lines,
    promise_note,
    warning_line,
    why_of,
)
from crm.domain.types import (
    Channel,
    FollowUpKind,
    FollowUpNote,
    InteractionKind,
    LogResult,
    LogWarning,
    LogWarningKind,
)

NEW_YORK_WINTER = timezone(timedelta(hours=-5))


@pytest.mark.parametrize("kind", list(FollowUpKind))
def test_every_follow_up_kind_has_a_one_line_why(kind: FollowUpKind) -> None:
    why = why_of(kind)
    assert why and why == WHY[kind]
    assert "\n" not in why and len(why) <= 100


def test_the_why_lines_quote_the_playbook() -> None:
    assert WHY[FollowUpKind.THANK_YOU_EMAIL] == "Thank-you e-mail: 2–48 h after the interview"
    assert "24–48 h after the e-mail" in WHY[FollowUpKind.HANDWRITTEN_NOTE]
    assert RING_DROPPED_WHY == (
        "Ring dropped: no next step of yours is scheduled, so they control the timing now"
    )


@pytest.mark.parametrize(
    ("promised", "follow_up"),
    [
        # Thursday 10 Dec: Friday morning.
        (datetime(2026, 12, 10, 17, 0), datetime(2026, 12, 11, 9, 0)),
        # Friday: the next business morning is Monday.
        (datetime(2026, 12, 11, 12, 0), datetime(2026, 12, 14, 9, 0)),
        # A Saturday: Monday too.
        (datetime(2026, 12, 12, 12, 0), datetime(2026, 12, 14, 9, 0)),
    ],
)
def test_their_promise_is_followed_up_the_next_business_morning(
    promised: datetime, follow_up: datetime
) -> None:
    assert promise_follow_up_at(promised, tz=UTC) == follow_up


def test_the_next_business_morning_is_local() -> None:
    # Thursday 10 Dec, 22:00 in New York is already Friday 03:00 in UTC: still Friday 09:00
    # New York (14:00 UTC), not Monday.
    promised = datetime(2026, 12, 11, 3, 0)
    assert promise_follow_up_at(promised, tz=NEW_YORK_WINTER) == datetime(2026, 12, 11, 14, 0)


def test_the_promise_note_quotes_their_date() -> None:
    note = promise_note("Ann Lee", datetime(2026, 12, 10, 17, 0), tz=UTC)
    assert note == "Ann Lee said they'd reply by Thu 10 Dec — follow up"


def result(**changes: object) -> LogResult:
    fields: dict[str, object] = {
        "interaction_id": 12,
        "opportunity_id": 3,
        "closed_follow_up_ids": (5,),
        "created_follow_up_ids": (9,),
        "contact": "Ann Lee",
        "channel": Channel.EMAIL,
        "kind": InteractionKind.THANK_YOU,
        "settled": (
            FollowUpNote(
                5,
                FollowUpKind.THANK_YOU_EMAIL,
                "Ann Lee",
                datetime(2026, 12, 1, 13, 0),
                datetime(2026, 12, 3, 11, 0),
            ),
        ),
        "planned": (
            FollowUpNote(
                9,
                FollowUpKind.HANDWRITTEN_NOTE,
                "Ann Lee",
                datetime(2026, 12, 3, 14, 0),
                datetime(2026, 12, 4, 14, 0),
            ),
        ),
    }
    fields.update(changes)
    return LogResult(**fields)  # type: ignore[arg-type]


def test_a_log_is_told_in_words() -> None:
    assert log_lines(result(), tz=UTC) == [
        "Logged conversation #12 with Ann Lee (thank-you by email).",
        "Settled: Send a thank-you e-mail (#5).",
        "Planned: Send a handwritten thank-you note, due Thu 03 Dec 14:00 (#9).",
    ]


def test_a_planned_promise_follow_up_shows_its_note() -> None:
    planned = FollowUpNote(
        9,
        FollowUpKind.CHECK_IN,
        "Ann Lee",
        datetime(2026, 12, 11, 9, 0),
        datetime(2026, 12, 12, 9, 0),
        note="Ann Lee said they'd reply by Thu 10 Dec — follow up",
    )
    lines = log_lines(result(settled=(), planned=(planned,)), tz=UTC)
    assert lines[1] == (
        "Planned: Ann Lee said they'd reply by Thu 10 Dec — follow up, due Fri 11 Dec 09:00 (#9)."
    )


def test_planned_times_are_local() -> None:
    lines = log_lines(result(), tz=NEW_YORK_WINTER)
    assert lines[-1].endswith("due Thu 03 Dec 09:00 (#9).")


def test_warnings_name_the_fix_for_each_surface() -> None:
    ring = LogWarning(LogWarningKind.RING_GIVEN_UP, opportunity="Staff Engineer at Initech")
    assert warning_line(ring, surface="cli") == (
        "Ring given up: no next touch of yours for Staff Engineer at Initech; add --next WHEN,"
        " or --promised WHEN if they said when they'd reply."
    )
    assert "Next touch" in warning_line(ring, surface="app")
    assert "They'll reply by" in warning_line(ring, surface="app")
    casual = LogWarning(
        LogWarningKind.CASUAL_BUDGET,
        opportunity="Staff Engineer at Initech",
        contact="Ann Lee",
        count=3,
    )
    assert warning_line(casual, surface="cli") == (
        "Third casual touch: that's 3 with Ann Lee in Staff Engineer at Initech; one or two per"
        " person per process is enough, keep to the check-ins."
    )
