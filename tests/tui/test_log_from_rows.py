"""`l` on a row opens the log form with what the row asks for (issue 16, item 2), and the
back channel's h and t say why when they don't apply."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import Select

from crm.domain.types import Channel, ContactDraft, FollowUpKind, InteractionKind
from crm.messages import GoToContact
from crm.screens.backchannel_screen import BackchannelList, BackchannelScreen
from crm.screens.contact_screen import ContactScreen
from crm.screens.log_form import LogForm
from crm.screens.references_screen import ReferenceList, ReferencesScreen
from crm.services import contacts, followups, interviews, opportunities
from crm.widgets.row_keys import FollowUpKey
from crm.widgets.timeline_pane import TimelinePane
from crm.widgets.today_pane import TodayPane
from tests.tui.helpers import build_app, settle
from tests.tui.test_backchannel_references import SIZE, interview_of, move_to, notes, pending
from tests.tui.test_daily_loop import move_to as move_to_row


def form_fields(form: LogForm) -> tuple[object, object, object]:
    """The form's kind, channel and opportunity."""
    return (
        form.query_one("#field-kind", Select).value,
        form.query_one("#field-channel", Select).value,
        form.selected_opportunity(),
    )


async def test_l_on_a_thank_you_row_logs_the_thank_you_and_settles_it(
    db_path: Path, now: datetime
) -> None:
    ann = contacts.create_contact(ContactDraft(name="Ann Lee", company="Initech"))
    opp = opportunities.add_opportunity("Initech", "Staff Engineer", now=now - timedelta(days=2))
    interview = interviews.add_interview(
        opp, now - timedelta(hours=3), interviewer_ids=[ann], now=now - timedelta(days=1)
    )
    interviews.mark_interview_done(interview, now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        today.focus()
        move_to_row(
            today,
            lambda key: isinstance(key, FollowUpKey) and key.kind is FollowUpKind.THANK_YOU_EMAIL,
        )
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogForm)
        assert form_fields(form) == (InteractionKind.THANK_YOU, Channel.EMAIL, opp)
        assert app.focused is not None and app.focused.id == "field-summary"
        await pilot.press(*"Thanks for the chat", "ctrl+s")
        await settle(pilot)
    agenda = followups.agenda(now=now)
    kinds = {i.kind for i in agenda.overdue + agenda.due + agenda.upcoming}
    assert FollowUpKind.THANK_YOU_EMAIL not in kinds
    assert FollowUpKind.HANDWRITTEN_NOTE in kinds  # the e-mail went out: the note is next


async def test_l_on_a_thank_you_row_of_the_timeline_logs_the_thank_you(
    db_path: Path, now: datetime
) -> None:
    ann = contacts.create_contact(ContactDraft(name="Ann Lee", company="Initech"))
    opp = opportunities.add_opportunity("Initech", "Staff Engineer", now=now - timedelta(days=2))
    interview = interviews.add_interview(
        opp, now - timedelta(hours=3), interviewer_ids=[ann], now=now - timedelta(days=1)
    )
    interviews.mark_interview_done(interview, now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.post_message(GoToContact(ann))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        timeline = app.screen.query_one(TimelinePane)
        timeline.focus()
        move_to_row(
            timeline,
            lambda key: (
                isinstance(key, FollowUpKey) and key.title.startswith("Send a thank-you e-mail")
            ),
        )
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogForm)
        assert form_fields(form) == (InteractionKind.THANK_YOU, Channel.EMAIL, opp)


async def test_l_on_the_back_channel_logs_a_back_channel_talk(demo_db: Path, now: datetime) -> None:
    interview_id = interview_of("Acme Corp", now, upcoming=True)
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(interview_id=interview_id))
        await settle(pilot)
        listing = app.screen.query_one(BackchannelList)
        assert listing.backchannel_map is not None
        opportunity_id = listing.backchannel_map.opportunity_id
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogForm)
        assert form_fields(form) == (InteractionKind.BACK_CHANNEL, Channel.EMAIL, opportunity_id)


async def test_l_on_a_reference_logs_a_reference_talk(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        move_to(app.screen.query_one(ReferenceList), "Mark Farmingham")
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogForm)
        assert form_fields(form)[:2] == (InteractionKind.REFERENCE, Channel.EMAIL)
        assert app.focused is not None and app.focused.id == "field-summary"


async def test_h_and_t_on_a_company_map_say_why_they_do_nothing(
    demo_db: Path, now: datetime
) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(company="Acme"))
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        said = notes(app)
    assert any(n.startswith("A heads-up goes before an interview round") for n in said)
    assert any(n.startswith("Telling them you interviewed goes with an interview") for n in said)
    assert pending(FollowUpKind.HEADS_UP, now) == []


async def test_h_after_the_round_and_t_on_an_interviewer_say_why(
    demo_db: Path, now: datetime
) -> None:
    interview_id = interview_of("Acme Corp", now, upcoming=False)
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(interview_id=interview_id))
        await settle(pilot)
        listing = app.screen.query_one(BackchannelList)
        await pilot.press("h")
        await settle(pilot)
        move_to(listing, "Tom Becker")
        await pilot.pause()
        await pilot.press("t")
        await settle(pilot)
        said = notes(app)
    assert any(n.startswith("That round is over") for n in said)
    assert "Tom Becker interviews you in this process: they get a thank-you, not a tell." in said
