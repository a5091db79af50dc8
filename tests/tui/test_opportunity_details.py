"""An opportunity's details in the app: typed into the form, shown on the card, edited with e."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, TextArea

from crm.domain.types import OpportunityDetails, Stage
from crm.screens.opportunity_form import OpportunityDraft, OpportunityForm
from crm.services import opportunities
from crm.widgets.contact_card import ContactCard
from crm.widgets.interviews_pane import InterviewsPane
from crm.widgets.row_keys import OpportunityKey
from tests.tui.helpers import build_app, settle
from tests.tui.test_interview_forms import FormHost, error_text
from tests.tui.test_interview_forms import settle as settle_form

DETAILS = OpportunityDetails(
    url="https://jobs.example/42?ref=[bold]x[/bold]",
    location="Zürich, hybrid",
    salary="CHF 140–160k",
    applied_at=datetime(2026, 11, 2, 8, 30),
    cv="cv v3.pdf",
    notes="Recruiter: Kat.\nAsk about on-call.",
)


def card_lines(card: ContactCard) -> list[str]:
    """The card's lines as text, runs of spaces made one."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(card.content)
    return [" ".join(line.split()) for line in console.export_text().splitlines()]


async def test_the_form_takes_the_details(db_path: Path, now: datetime) -> None:
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle_form(pilot)
        await pilot.press(*"Initech", "tab", *"SRE")
        form = app.screen
        for field_id, text in (
            ("url", DETAILS.url),
            ("location", DETAILS.location),
            ("salary", DETAILS.salary),
            ("applied", "2026-11-02 08:30"),
            ("cv", DETAILS.cv),
        ):
            field = form.query_one(f"#field-{field_id}", Input)
            field.focus()
            field.insert_text_at_cursor(text)  # as a paste: Pilot can't press "–"
        form.query_one("#field-notes", TextArea).focus()
        await pilot.press(*"Recruiter: Kat.", "enter", *"Ask about on-call.")
        assert isinstance(app.screen, OpportunityForm)  # Enter in the notes starts a line
        await pilot.press("ctrl+s")
        await settle_form(pilot)
    assert app.results == [
        OpportunityDraft("Initech", "SRE", (), False, Stage.APPLIED, details=DETAILS)
    ]


async def test_the_form_refuses_a_link_or_date_it_cant_read(db_path: Path, now: datetime) -> None:
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle_form(pilot)
        await pilot.press(*"Initech", "tab", *"SRE")
        app.screen.query_one("#field-url", Input).value = "jobs.example/42"
        app.screen.query_one("#field-applied", Input).value = "blorp"
        await pilot.press("ctrl+s")
        await settle_form(pilot)
        assert isinstance(app.screen, OpportunityForm)
        problem = error_text(app)
        assert "Link: “jobs.example/42” isn't a web address" in problem
        assert "Applied: Can't read “blorp”" in problem
    assert app.results == []


async def test_the_card_shows_the_details_and_e_edits_them(db_path: Path, now: datetime) -> None:
    opportunity_id = opportunities.add_opportunity(
        "Initech", "SRE", details=DETAILS, now=now - timedelta(days=3)
    )
    app = build_app(db_path, now)
    # Wide enough for the card to hold the link on one line (the lists take 3/5 of the width).
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        pane = app.screen.query_one(InterviewsPane)
        assert isinstance(pane.highlighted_key, OpportunityKey)
        card = app.screen.query_one(ContactCard)
        shown = card_lines(card)
        # The link is shown as typed: its "[bold]" is text, never markup.
        assert "Link https://jobs.example/42?ref=[bold]x[/bold]" in shown
        for line in (
            "Applied Mon 02 Nov 08:30",
            "Location Zürich, hybrid",
            "Salary CHF 140–160k",
            "CV sent cv v3.pdf",
        ):
            assert line in shown
        notes = shown.index("Notes Recruiter: Kat.")
        assert shown[notes + 1] == "Ask about on-call."

        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OpportunityForm)
        assert form.query_one("#field-role", Input).value == "SRE"
        assert form.query_one("#field-applied", Input).value == "2026-11-02 08:30"
        assert form.query_one("#field-notes", TextArea).text == DETAILS.notes
        salary = form.query_one("#field-salary", Input)
        salary.value = ""
        salary.focus()
        salary.insert_text_at_cursor("€90k")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, OpportunityForm)
        assert "Salary €90k" in card_lines(card)
    summary = opportunities.get_opportunity(opportunity_id)
    assert summary.details == OpportunityDetails(**{**DETAILS.__dict__, "salary": "€90k"})
    assert summary.stage is Stage.APPLIED
