"""The contact card says what a last touch was: logged conversations, or only an interview."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.console import Console

from crm.domain.types import ContactDetail
from crm.widgets.contact_card import render_contact

NOW = datetime(2026, 12, 2, 15, 0)


def card_text(interactions: int) -> str:
    contact = ContactDetail(
        id=1, name="Ann Lee", company="Acme", role="Engineering Manager", email="", phone="",
        linkedin_url="", how_met="", topics=(), relationship_note="", keep_in_touch_days=None,
        rapport="", created_at=NOW - timedelta(days=30), updated_at=NOW,
        last_touch_at=NOW - timedelta(days=2), interactions=interactions,
    )  # fmt: skip
    lines = render_contact(contact, NOW, 80, Console(width=80))
    return "\n".join(line.plain for line in lines)


def test_a_held_interview_alone_is_not_shown_as_zero_touches() -> None:
    text = card_text(0)
    assert "0 in all" not in text
    assert "an interview, nothing logged yet" in text


def test_logged_conversations_are_counted() -> None:
    assert "3 logged in all" in card_text(3)
