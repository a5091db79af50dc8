"""Timelines of a contact, of an opportunity, and of everything: what each holds, in order."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.domain.types import (
    Channel,
    ContactDraft,
    Direction,
    FollowUpState,
    InteractionKind,
    LogDraft,
    TimelineEntry,
)
from crm.services import contacts, conversations, followups, interviews, opportunities


@pytest.fixture
def history(db_path: Path, now: datetime) -> dict[str, int]:
    """Ann wrote in about an Initech role and interviewed for it; Bob had a casual call."""
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    ann = contacts.create_contact(ContactDraft(name="Ann Lee"), now=ago(30))
    bob = contacts.create_contact(ContactDraft(name="Кирилл Боб"), now=ago(30))
    initech = opportunities.add_opportunity("Initech", "Staff Engineer", now=ago(20))
    conversations.log_conversation(
        LogDraft(
            contact_id=ann,
            channel=Channel.EMAIL,
            kind=InteractionKind.CHECK_IN,
            occurred_at=ago(10),
            summary="asked about the team",
            direction=Direction.INBOUND,
            opportunity_id=initech,
            next_touch=now + timedelta(days=2),
        ),
        now=ago(10),
    )
    conversations.log_conversation(
        LogDraft(
            contact_id=bob,
            channel=Channel.CALL,
            kind=InteractionKind.CASUAL,
            occurred_at=ago(5),
            use_default_next=False,
        ),
        now=now,
    )
    interview = interviews.add_interview(
        initech, ago(1), interviewer_ids=[ann], kind="onsite", now=ago(3)
    )
    (thank_you,) = interviews.mark_interview_done(interview, now=now)
    return {"ann": ann, "bob": bob, "initech": initech, "thank_you": thank_you}


def summary(entries: list[TimelineEntry]) -> list[tuple[str, str, str, str, str]]:
    return [
        (e.what, e.contact, e.title, e.state.value if e.state else "", e.opportunity)
        for e in entries
    ]


ANNS = [
    ("follow-up", "Ann Lee", "Check in", "upcoming", "Staff Engineer at Initech"),
    ("follow-up", "Ann Lee", "Send a thank-you e-mail", "due", "Staff Engineer at Initech"),
    ("interview", "", "Interview (onsite)", "", "Staff Engineer at Initech"),
    ("interaction", "Ann Lee", "← check-in by email", "", "Staff Engineer at Initech"),
]


def test_a_contacts_timeline_is_newest_first(history: dict[str, int], now: datetime) -> None:
    entries = conversations.timeline(contact_id=history["ann"], now=now)
    assert summary(entries) == ANNS
    assert entries[3].detail == "asked about the team"
    assert entries[3].at == now - timedelta(days=10)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    bobs = conversations.timeline(contact_id=history["bob"], now=now)
    assert summary(bobs) == [("interaction", "Кирилл Боб", "→ casual by call", "", "")]


def test_an_opportunitys_timeline_leaves_out_other_talk(
    history: dict[str, int], now: datetime
) -> None:
    assert summary(conversations.timeline(opportunity_id=history["initech"], now=now)) == ANNS


def test_everything_shows_pending_follow_ups_only(history: dict[str, int], now: datetime) -> None:
    followups.complete(history["thank_you"], now=now)  # sent: the handwritten note follows
    everything = summary(conversations.timeline(now=now))
    assert [row[2] for row in everything] == [
        "Check in",
        "Send a handwritten thank-you note",
        "Interview (onsite)",
        "→ casual by call",
        "← check-in by email",
    ]
    anns = conversations.timeline(contact_id=history["ann"], now=now)
    done = next(e for e in anns if e.id == history["thank_you"] and e.what == "follow-up")
    assert (done.state, done.at) == (FollowUpState.DONE, now)


def test_a_snoozed_follow_up_says_so(history: dict[str, int], now: datetime) -> None:
    followups.snooze(history["thank_you"], now + timedelta(days=3), now=now)
    anns = conversations.timeline(contact_id=history["ann"], now=now)
    snoozed = next(e for e in anns if e.id == history["thank_you"] and e.what == "follow-up")
    assert snoozed.state == FollowUpState.SNOOZED


def test_the_limit_keeps_the_newest(history: dict[str, int], now: datetime) -> None:
    assert summary(conversations.timeline(contact_id=history["ann"], now=now, limit=2)) == ANNS[:2]
