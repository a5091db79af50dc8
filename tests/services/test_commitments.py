"""A commitment with a day in a logged summary is the next touch ("I'll call you on Thursday")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crm.db.models import FollowUp
from crm.domain.types import Channel, ContactDraft, InteractionKind, LogDraft, LogResult
from crm.services import conversations, interviews, opportunities
from crm.services.contacts import create_contact
from crm.services.tx import reading

NOW = datetime(2026, 12, 8, 15, 0)  # a Tuesday
H = timedelta(hours=1)
D = timedelta(days=1)
NEW_YORK = ZoneInfo("America/New_York")


def person(name: str) -> int:
    return create_contact(ContactDraft(name=name, company="Initech"), now=NOW - 30 * D)


def log(
    contact_id: int, summary: str, *, now: datetime = NOW, tz: tzinfo = UTC, **fields: object
) -> LogResult:
    values: dict[str, object] = {
        "contact_id": contact_id,
        "channel": Channel.EMAIL,
        "kind": InteractionKind.CHECK_IN,
        "occurred_at": now - H,
        "summary": summary,
    }
    values.update(fields)
    return conversations.log_conversation(LogDraft(**values), now=now, tz=tz)  # type: ignore[arg-type]


def check_ins(contact_id: int) -> list[datetime]:
    with reading():
        return [
            start
            for (start,) in FollowUp.select(FollowUp.window_start)
            .where((FollowUp.contact == contact_id) & FollowUp.done_at.is_null())
            .order_by(FollowUp.id)
            .tuples()
        ]


@pytest.fixture
def ann(db_path: Path) -> int:
    """Ann interviewed the user last week for Staff Engineer at Initech (an open process)."""
    ann = person("Ann Lee")
    opp = opportunities.add_opportunity("Initech", "Staff Engineer", now=NOW - 20 * D)
    interviews.add_interview(opp, NOW - 7 * D, interviewer_ids=[ann], now=NOW - 10 * D)
    return ann


@pytest.mark.parametrize(
    ("summary", "due"),
    [
        ("Sent the deck. I'll follow up on Thursday.", datetime(2026, 12, 10, 9, 0)),
        (
            "Thanks! I'll call you Friday at 3pm if I haven't heard back",
            datetime(2026, 12, 11, 15, 0),
        ),
        ("Отправил резюме. Наберу вам в пятницу.", datetime(2026, 12, 11, 9, 0)),
        ("Сказал, что позвоню через неделю", datetime(2026, 12, 15, 9, 0)),
        ("Tatawagan ko po kayo sa Lunes", datetime(2026, 12, 14, 9, 0)),
    ],
)
def test_a_commitment_with_a_day_is_the_next_touch(ann: int, summary: str, due: datetime) -> None:
    result = log(ann, summary)
    assert check_ins(ann) == [due]
    assert result.warnings == ()


def test_a_contact_without_a_process_is_held_to_it_too(db_path: Path) -> None:
    bob = person("Bob Noprocess")
    log(bob, "Coffee was great; I'll ping you next week")
    assert check_ins(bob) == [datetime(2026, 12, 14, 9, 0)]


def test_a_given_next_touch_wins_over_the_summary(ann: int) -> None:
    log(ann, "I'll follow up on Thursday.", next_touch=datetime(2026, 12, 9, 11, 0))
    assert check_ins(ann) == [datetime(2026, 12, 9, 11, 0)]


def test_their_promise_wins_over_the_summary(ann: int) -> None:
    log(ann, "I'll follow up on Thursday.", promised_at=datetime(2026, 12, 14, 17, 0))
    assert check_ins(ann) == [datetime(2026, 12, 15, 9, 0)]


def test_no_commitment_is_two_business_days_as_before(ann: int) -> None:
    log(ann, "Hope to hear from you soon")
    assert check_ins(ann) == [NOW - H + 2 * D]
    log(ann, "I'll be in touch", now=NOW + H)  # a commitment without a day: the default too
    assert check_ins(ann) == [NOW + 2 * D]


def test_a_commitment_already_past_still_plans_it(ann: int) -> None:
    # Logged a week late: "tomorrow" was last Wednesday; it shows overdue.
    log(ann, "I'll call you tomorrow", occurred_at=NOW - 7 * D)
    assert check_ins(ann) == [datetime(2026, 12, 2, 9, 0)]


def test_a_commitment_across_dst_keeps_nine_local(ann: int) -> None:
    # Friday 30 October in New York (daylight time); Monday 2 November is after the change.
    friday = datetime(2026, 10, 30, 16, 0)
    log(ann, "I'll call you on Monday", now=friday, tz=NEW_YORK)
    assert check_ins(ann) == [datetime(2026, 11, 2, 14, 0)]  # 09:00 EST


def test_a_form_that_asks_for_a_next_touch_takes_the_summarys_day(ann: int) -> None:
    log(ann, "Will call Thursday.", use_default_next=False)
    assert check_ins(ann) == [datetime(2026, 12, 10, 9, 0)]


def test_declining_the_next_touch_plans_nothing_from_the_summary(ann: int) -> None:
    log(ann, "I'll call you Thursday", no_next_reason="they hired someone")
    assert check_ins(ann) == []
