"""The opportunity form, the interview form and the stage picker, driven with the keyboard."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

import crm
from crm.clock import fixed_clock
from crm.domain.types import ContactDraft, Stage
from crm.screens.interview_form import InterviewDraft, InterviewForm
from crm.screens.opportunity_form import OpportunityDraft, OpportunityForm, StagePicker
from crm.services import contacts, opportunities

APP_CSS = Path(crm.__file__).parent / "app.tcss"


class FormHost(App[None]):
    """A bare app that opens one modal and keeps what it returns."""

    CSS_PATH = APP_CSS

    def __init__(self, form: Screen[object], now: datetime) -> None:
        super().__init__()
        self.clock = fixed_clock(now)
        self.form = form
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.form, self.results.append)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the form's workers (lookups, suggestions) are done and the screen caught up."""
    for _ in range(10):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            break
    await pilot.pause()


def plain_text(widget: Static) -> str:
    console = Console(width=120, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def add_contact(name: str, company: str = "") -> int:
    return contacts.create_contact(ContactDraft(name=name, company=company))


def error_text(app: App[None]) -> str:
    return plain_text(app.screen.query_one("#form-error", Static)).strip()


async def type_and_accept(pilot: Pilot[None], text: str) -> None:
    """Type a prefix, wait for the suggestion, and accept it with the right arrow."""
    await pilot.press(*text)
    await settle(pilot)
    await pilot.press("right")


# --- opportunity form ------------------------------------------------------------------------


async def test_opportunity_form_returns_the_draft(db_path: Path, now: datetime) -> None:
    katie = add_contact("Katie Smirnova", "Initech")
    add_contact("Bob Stone", "Globex")
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OpportunityForm)
        await pilot.press(*"Initech", "tab", *"Staff  Engineer", "tab")
        await type_and_accept(pilot, "Kat")
        assert app.screen.query_one("#field-referrer", Input).value == "Katie Smirnova"
        await pilot.press("tab", "tab", "space")  # past "pulled strings" to quiet
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.results == [
        OpportunityDraft(
            company="Initech",
            role="Staff Engineer",
            referrer_ids=(katie,),
            quiet=True,
            stage=Stage.APPLIED,
        )
    ]


async def test_opportunity_form_takes_several_referrers_and_who_pulled_strings(
    db_path: Path, now: datetime
) -> None:
    katie = add_contact("Katie Smirnova", "Initech")
    rita = add_contact("Rita Ortega", "Hays")
    sam = add_contact("Sam Stone", "Globex")
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"Initech", "tab", *"Engineer", "tab")
        await type_and_accept(pilot, "Kat")
        await pilot.press(*", ")
        await type_and_accept(pilot, "Rit")
        assert app.screen.query_one("#field-referrer", Input).value == (
            "Katie Smirnova, Rita Ortega"
        )
        await pilot.press("tab")
        await type_and_accept(pilot, "Sa")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.results == [
        OpportunityDraft(
            company="Initech",
            role="Engineer",
            referrer_ids=(katie, rita),
            quiet=False,
            stage=Stage.APPLIED,
            pulled_strings_ids=(sam,),
        )
    ]


async def test_opportunity_form_refuses_an_unknown_string_puller(
    db_path: Path, now: datetime
) -> None:
    add_contact("Katie Smirnova", "Initech")
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"Initech", "tab", *"Engineer", "tab", *"Katie", "tab", *"Nobody")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OpportunityForm)
        assert error_text(app).startswith("Pulled strings: No contact matches")
    assert app.results == []


async def test_opportunity_form_stage_and_enter(db_path: Path, now: datetime) -> None:
    app = FormHost(OpportunityForm(company="Hooli"), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.focused is app.screen.query_one("#field-role", Input)
        app.screen.query_one("#field-stage", Select).value = Stage.LEAD
        await pilot.press(*"Designer", "enter")
        await settle(pilot)
    assert app.results == [OpportunityDraft("Hooli", "Designer", (), False, Stage.LEAD)]


async def test_opportunity_form_needs_a_role(db_path: Path, now: datetime) -> None:
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"Initech", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OpportunityForm)
        assert "needs a role" in error_text(app)
        assert app.results == []
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [None]


async def test_opportunity_form_refuses_an_unknown_referrer(db_path: Path, now: datetime) -> None:
    add_contact("Katie Smirnova", "Initech")
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"Initech", "tab", *"Engineer", "tab", *"Zed Nobody", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OpportunityForm)
        assert "Referrer" in error_text(app) and "Zed Nobody" in error_text(app)
        assert app.results == []


async def test_opportunity_form_lists_ambiguous_referrers(db_path: Path, now: datetime) -> None:
    add_contact("Ann Lee", "Acme")
    add_contact("Ann Lee", "Globex")
    app = FormHost(OpportunityForm(company="Acme"), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"Engineer", "tab", *"Ann Lee", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OpportunityForm)
        shown = error_text(app)
        assert "matches 2 contacts" in shown
        assert "(Acme, #" in shown and "(Globex, #" in shown


async def test_opportunity_form_escape_returns_none(db_path: Path, now: datetime) -> None:
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"Initech", "escape")
        await settle(pilot)
    assert app.results == [None]


# --- interview form --------------------------------------------------------------------------


async def test_interview_form_resolves_interviewers_in_order(db_path: Path, now: datetime) -> None:
    ann = add_contact("Ann Lee", "Initech")
    bob = add_contact("Bob Stone", "Initech")
    opportunities.add_opportunity("Globex", "Designer", now=now)
    wanted = opportunities.add_opportunity("Initech", "Engineer", now=now)
    app = FormHost(InterviewForm(wanted), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        select = app.screen.query_one("#field-opportunity", Select)
        assert select.value == wanted
        assert app.focused is app.screen.query_one("#field-when", Input)
        await pilot.press(*"2026-12-01 14:30", "tab", "tab")
        await type_and_accept(pilot, "Bo")
        await pilot.press(*", ")
        await type_and_accept(pilot, "An")
        field = app.screen.query_one("#field-interviewers", Input)
        assert field.value == "Bob Stone, Ann Lee"
        await pilot.press("tab", *"technical", "enter")
        await settle(pilot)
    assert app.results == [
        InterviewDraft(
            opportunity_id=wanted,
            starts_at=datetime(2026, 12, 1, 14, 30),  # tests run with TZ=UTC
            minutes=60,
            interviewer_ids=(bob, ann),
            kind="technical",
            referrer_id=None,
        )
    ]


async def test_interview_form_labels_open_opportunities(db_path: Path, now: datetime) -> None:
    add_contact("Ann Lee", "Initech")
    opportunities.add_opportunity("Initech", "Engineer", stage=Stage.SCREENING, now=now)
    opportunities.add_opportunity("Globex", "Designer", stage=Stage.REJECTED, now=now)
    app = FormHost(InterviewForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        select = app.screen.query_one("#field-opportunity", Select)
        labels = [str(prompt) for prompt, _ in select._options if _ is not Select.NULL]
        assert labels == ["Engineer at Initech (screening)"]
        assert select.value is not Select.NULL
        assert app.focused is select


async def test_interview_form_shows_the_referrer_or_asks_for_one(
    db_path: Path, now: datetime
) -> None:
    katie = add_contact("Katie Smirnova", "Initech")
    ann = add_contact("Ann Lee", "Initech")
    referred = opportunities.add_opportunity("Initech", "Engineer", referrer_id=katie, now=now)
    unreferred = opportunities.add_opportunity("Globex", "Designer", now=now)

    app = FormHost(InterviewForm(referred), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = app.screen.query_one("#opportunity-referrer", Static)
        assert shown.display and "Katie Smirnova" in plain_text(shown)
        assert not app.screen.query_one("#field-referrer", Input).display

    app = FormHost(InterviewForm(unreferred), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#opportunity-referrer", Static).display
        referrer = app.screen.query_one("#field-referrer", Input)
        assert referrer.display
        await pilot.press(*"tomorrow 2pm", "tab", "tab", *"Ann Lee", "tab", "tab")
        assert app.focused is referrer
        await type_and_accept(pilot, "Kat")
        await pilot.press("enter")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, InterviewDraft)
    assert draft.referrer_id == katie and draft.interviewer_ids == (ann,)
    assert draft.starts_at == datetime(2026, 11, 19, 14, 0)


async def test_interview_form_refuses_a_bad_date(db_path: Path, now: datetime) -> None:
    add_contact("Ann Lee", "Initech")
    opportunity = opportunities.add_opportunity("Initech", "Engineer", now=now)
    app = FormHost(InterviewForm(opportunity), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"blursday", "tab", "tab", *"Ann Lee", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InterviewForm)
        shown = error_text(app)
        assert shown.startswith("When:") and "blursday" in shown
        assert app.results == []


async def test_interview_form_refuses_unknown_interviewers(db_path: Path, now: datetime) -> None:
    add_contact("Ann Lee", "Initech")
    opportunity = opportunities.add_opportunity("Initech", "Engineer", now=now)
    app = FormHost(InterviewForm(opportunity), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"fri 10:00", "tab", "tab", *"Ann Lee, Zed Nobody", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InterviewForm)
        shown = error_text(app)
        assert shown.startswith("Interviewers:") and "Zed Nobody" in shown
        app.screen.query_one("#field-interviewers", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert "at least one" in error_text(app)
        assert app.results == []


async def test_interview_form_without_open_opportunities(db_path: Path, now: datetime) -> None:
    opportunities.add_opportunity("Globex", "Designer", stage=Stage.WITHDRAWN, now=now)
    app = FormHost(InterviewForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "No open opportunities" in error_text(app) and "o to add one" in error_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InterviewForm)
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [None]


async def test_interview_form_escape_returns_none(db_path: Path, now: datetime) -> None:
    opportunity = opportunities.add_opportunity("Initech", "Engineer", now=now)
    app = FormHost(InterviewForm(opportunity), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"fri", "escape")
        await settle(pilot)
    assert app.results == [None]


# --- stage picker ----------------------------------------------------------------------------


async def test_stage_picker_returns_the_chosen_stage(db_path: Path, now: datetime) -> None:
    app = FormHost(StagePicker(Stage.SCREENING, "Move Engineer at Initech to…"), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
    assert app.results == [Stage.INTERVIEWING]


async def test_stage_picker_escape_returns_none(db_path: Path, now: datetime) -> None:
    app = FormHost(StagePicker(Stage.OFFER, "Move it to…"), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("up", "escape")
        await settle(pilot)
    assert app.results == [None]
