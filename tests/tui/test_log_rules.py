"""The app says what a log did and warns then and there; their promise has a field; each
follow-up's why is on the card while its row is highlighted."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual.app import App
from textual.widgets import Input, TextArea

from crm.db.models import FollowUp, Interaction
from crm.domain.types import ContactDraft, FollowUpKind, LogDraft
from crm.screens.log_form import LogForm
from crm.services import contacts, interviews, opportunities
from crm.services.tx import reading
from crm.widgets.contact_card import ContactCard
from crm.widgets.row_keys import FollowUpKey, RingKey
from crm.widgets.timeline_pane import TimelinePane
from crm.widgets.today_pane import TodayPane
from tests.tui.helpers import build_app, plain_text, settle
from tests.tui.test_daily_loop import move_to
from tests.tui.test_log_form import error_text, log_host, open_form


def notices(app: App[None]) -> list[tuple[str, str]]:
    return [(str(n.message), n.severity) for n in app._notifications]


def process(now: datetime) -> dict[str, int]:
    """Staff Engineer at Initech, whose first round Ann ran last week."""
    ann = contacts.create_contact(ContactDraft(name="Ann [b]Lee[/b]", company="Initech"))
    opp = opportunities.add_opportunity("Initech", "Staff Engineer", now=now - timedelta(days=9))
    interviews.add_interview(
        opp, now - timedelta(days=7), interviewer_ids=[ann], now=now - timedelta(days=8)
    )
    return {"ann": ann, "opp": opp}


async def log_with(app: App[None], pilot, contact_id: int, fields: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Open the log form from the main screen on ``contact_id``, fill ``fields``, save."""
    app.screen.open_log_form(contact_id, None)  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(app.screen, LogForm)
    for field_id, value in fields.items():
        if field_id == "summary":
            app.screen.query_one("#field-summary", TextArea).text = value
        else:
            app.screen.query_one(f"#field-{field_id}", Input).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_the_promise_field_goes_into_the_draft(db_path: Path, now: datetime) -> None:
    ann = contacts.create_contact(ContactDraft(name="Ann Lee"))
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        app.screen.query_one("#field-promised", Input).value = "fri"
        await pilot.press("ctrl+s")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert draft.promised_at == datetime(2026, 11, 20, 9, 0)  # now is Wed 18 Nov, TZ=UTC


async def test_a_promise_with_none_for_next_is_refused(db_path: Path, now: datetime) -> None:
    ann = contacts.create_contact(ContactDraft(name="Ann Lee"))
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        app.screen.query_one("#field-next", Input).value = "none: waiting"
        app.screen.query_one("#field-promised", Input).value = "fri"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        assert error_text(app).startswith("They'll reply by: their promise plans your follow-up")
    assert app.results == []


async def test_giving_up_the_ring_in_the_app_is_a_warning_notice(
    db_path: Path, now: datetime
) -> None:
    ids = process(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await log_with(
            app,
            pilot,
            ids["ann"],
            {"summary": "hope to hear soon", "next": "none: waiting for them"},
        )
        said = notices(app)
    warnings = [text for text, severity in said if severity == "warning"]
    assert warnings == [
        "Ring given up: no next touch of yours for Staff Engineer at Initech; log a Next touch,"
        " or fill in They'll reply by if they said when."
    ]
    [logged] = [text for text, severity in said if severity == "information"]
    # Words, not counts; the name with brackets in it is shown as typed, not as markup.
    assert logged.startswith("Logged conversation #1 with Ann [b]Lee[/b] (check-in by email).")


async def test_their_promise_from_the_app_plans_your_follow_up(
    db_path: Path, now: datetime
) -> None:
    ids = process(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await log_with(app, pilot, ids["ann"], {"summary": "decision by Friday", "promised": "fri"})
        said = notices(app)
    assert [severity for _, severity in said] == ["information"]
    assert (
        "Planned: Ann [b]Lee[/b] said they'd reply by Fri 20 Nov — follow up, due Mon 23 Nov"
        in (said[0][0])
    )
    with reading():
        [interaction] = Interaction.select()
        assert interaction.promised_at == datetime(2026, 11, 20, 9, 0)
        [follow_up] = FollowUp.select()
        assert follow_up.window_start == datetime(2026, 11, 23, 9, 0)


async def test_a_third_casual_touch_in_the_app_is_warned(db_path: Path, now: datetime) -> None:
    from crm.domain.types import Channel, InteractionKind
    from crm.services.conversations import log_conversation

    ids = process(now)
    for days_ago in (6, 4):
        log_conversation(
            LogDraft(
                ids["ann"], Channel.EMAIL, InteractionKind.CASUAL, now - timedelta(days=days_ago),
                opportunity_id=ids["opp"],
            ),
            now=now,
        )  # fmt: skip
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.open_log_form(ids["ann"], ids["opp"])  # type: ignore[attr-defined]
        await settle(pilot)
        app.screen.query_one("#field-kind").focus()
        await pilot.press("enter", "c", "a", "enter")  # Kind: Casual
        await settle(pilot)
        app.screen.query_one("#field-summary", TextArea).text = "An article"
        await pilot.press("ctrl+s")
        await settle(pilot)
        warnings = [text for text, severity in notices(app) if severity == "warning"]
    assert warnings == [
        "Third casual touch: that's 3 with Ann [b]Lee[/b] in Staff Engineer at Initech; one or"
        " two per person per process is enough, keep to the check-ins."
    ]


async def test_marking_a_thank_you_email_done_plans_the_note_and_says_so(
    db_path: Path, now: datetime
) -> None:
    ids = process(now)
    interview = interviews.add_interview(
        ids["opp"], now - timedelta(hours=3), interviewer_ids=[ids["ann"]], now=now
    )
    interviews.mark_interview_done(interview, now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        move_to(today, lambda key: isinstance(key, FollowUpKey))
        await pilot.press("d")
        await settle(pilot)
        [(said, _)] = notices(app)
        assert today.agenda is not None
        upcoming = [(item.contact, item.kind) for item in today.agenda.upcoming]
    assert said.startswith(
        "Done.\nPlanned: Send a handwritten thank-you note, due Thu 19 Nov 15:00"
    )
    assert ("Ann [b]Lee[/b]", FollowUpKind.HANDWRITTEN_NOTE) in upcoming


async def test_the_card_says_why_while_a_follow_up_is_highlighted(
    db_path: Path, now: datetime
) -> None:
    ids = process(now)
    interview = interviews.add_interview(
        ids["opp"], now - timedelta(hours=3), interviewer_ids=[ids["ann"]], now=now
    )
    interviews.mark_interview_done(interview, now=now)
    opportunities.add_opportunity("Globex", "SRE", now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        today.focus()
        move_to(today, lambda key: isinstance(key, FollowUpKey))
        await settle(pilot)
        card = app.screen.query_one(ContactCard)
        assert "Thank-you e-mail: 2–48 h after the interview" in plain_text(card)
        move_to(today, lambda key: isinstance(key, RingKey))
        await settle(pilot)
        # The card wraps the why at its width: compare the words, not the line breaks.
        words = " ".join(plain_text(card).split())
        assert "Ring dropped: no next step of yours is scheduled" in words


async def test_a_follow_up_highlighted_on_the_timeline_shows_its_why(
    db_path: Path, now: datetime
) -> None:
    ids = process(now)
    interview = interviews.add_interview(
        ids["opp"], now - timedelta(hours=3), interviewer_ids=[ids["ann"]], now=now
    )
    interviews.mark_interview_done(interview, now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(TimelinePane)
        timeline.focus()
        await settle(pilot)
        move_to(timeline, lambda key: not isinstance(key, FollowUpKey))
        await settle(pilot)
        card = app.screen.query_one(ContactCard)
        assert "Thank-you e-mail: 2–48 h" not in plain_text(card)
        move_to(timeline, lambda key: isinstance(key, FollowUpKey))
        await settle(pilot)
        assert "Thank-you e-mail: 2–48 h after the interview" in plain_text(card)
