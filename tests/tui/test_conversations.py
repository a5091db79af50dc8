"""A logged conversation in the app: Enter on the timeline opens it in full, `e` corrects it in
the log form (a multi-line summary), Delete asks, and Ctrl+Z brings it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Input, Static, TextArea

from crm.db.models import FollowUp, Interaction
from crm.domain.types import Channel, ContactDraft, InteractionKind, LogDraft
from crm.messages import GoToContact
from crm.screens.confirm import ConfirmDialog
from crm.screens.contact_screen import ContactScreen
from crm.screens.conversation_screen import ConversationScreen
from crm.screens.log_form import LogForm
from crm.services import contacts, conversations, interviews, opportunities
from crm.services.tx import reading
from crm.widgets.row_keys import InteractionKey
from crm.widgets.timeline_pane import TimelinePane
from tests.tui.helpers import build_app, plain_text, settle
from tests.tui.test_daily_loop import move_to

LONG = (
    "Thanked Kat for the afternoon with the platform team; she said the decision is down to "
    "two people and that the hiring manager liked the migration story most of all."
)


def thanked(now: datetime) -> dict[str, int]:
    """Kat interviewed the user this morning; the thank-you e-mail to her is logged."""
    kat = contacts.create_contact(ContactDraft(name="Kat Ng", company="Initech"))
    opp = opportunities.add_opportunity("Initech", "Staff Engineer", now=now - timedelta(days=9))
    interview = interviews.add_interview(
        opp,
        now - timedelta(hours=6),
        interviewer_ids=[kat],
        minutes=60,
        now=now - timedelta(days=3),
    )
    interviews.mark_interview_done(interview, ended_at=now - timedelta(hours=5), now=now)
    result = conversations.log_conversation(
        LogDraft(
            contact_id=kat,
            channel=Channel.EMAIL,
            kind=InteractionKind.THANK_YOU,
            occurred_at=now - timedelta(hours=1),
            summary=LONG,
        ),
        now=now,
        tz=UTC,
    )
    return {"kat": kat, "opp": opp, "conversation": result.interaction_id}


def pending_kinds(contact_id: int) -> list[str]:
    with reading():
        query = FollowUp.select(FollowUp.kind).where(
            (FollowUp.contact == contact_id) & FollowUp.done_at.is_null()
        )
        return sorted(row.kind for row in query)


async def on_conversation(app, pilot, ids: dict[str, int]) -> TimelinePane:  # type: ignore[no-untyped-def]
    """Open Kat's contact screen with the timeline's cursor on the conversation."""
    app.push_screen(ContactScreen(ids["kat"]))
    await settle(pilot)
    timeline = app.screen.query_one(TimelinePane)
    timeline.focus()
    move_to(timeline, lambda key: isinstance(key, InteractionKey))
    await settle(pilot)
    return timeline


async def test_enter_opens_the_conversation_in_full(db_path: Path, now: datetime) -> None:
    ids = thanked(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await on_conversation(app, pilot, ids)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConversationScreen)
        summary = plain_text(app.screen.query_one("#conversation-summary", Static))
        assert " ".join(summary.split()) == LONG
        texts = " ".join(plain_text(s) for s in app.screen.query(Static))
        assert "Send a thank-you e-mail" in texts and "Staff Engineer at Initech" in texts
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)


async def test_e_corrects_it_with_a_multi_line_summary(db_path: Path, now: datetime) -> None:
    ids = thanked(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await on_conversation(app, pilot, ids)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        summary = app.screen.query_one("#field-summary", TextArea)
        assert app.focused is summary and summary.text == LONG
        assert app.screen.query_one("#field-contact", Input).disabled
        await pilot.press(*" More.")
        assert summary.text == LONG + " More."
        summary.text = ""
        await pilot.press(*"First line", "enter", *"second line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
    with reading():
        row = Interaction.get_by_id(ids["conversation"])
        assert (row.summary, row.kind, row.opportunity_id) == (
            "First line\nsecond line",
            "thank-you",
            ids["opp"],
        )
    assert "thank-you-email" not in pending_kinds(ids["kat"])


async def test_delete_asks_then_ctrl_z_brings_it_back(db_path: Path, now: datetime) -> None:
    ids = thanked(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # From the main screen's Contacts tab the contact screen opens with Enter.
        app.screen.post_message(GoToContact(ids["kat"]))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        timeline = app.screen.query_one(TimelinePane)
        timeline.focus()
        move_to(timeline, lambda key: isinstance(key, InteractionKey))
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert "thank-you-email" not in pending_kinds(ids["kat"])
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        with reading():
            assert Interaction.get_or_none(Interaction.id == ids["conversation"]) is None
        assert "thank-you-email" in pending_kinds(ids["kat"])
        assert not any(isinstance(row.key, InteractionKey) for row in timeline.rows)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
    with reading():
        assert Interaction.get_or_none(Interaction.id == ids["conversation"]) is not None
    assert "thank-you-email" not in pending_kinds(ids["kat"])
    assert "handwritten-note" in pending_kinds(ids["kat"])


async def test_e_on_the_timeline_row_corrects_it_too(db_path: Path, now: datetime) -> None:
    ids = thanked(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await on_conversation(app, pilot, ids)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        assert app.screen.editing is not None
        assert app.screen.editing.id == ids["conversation"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
