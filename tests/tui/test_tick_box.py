"""Checkboxes in forms read [x] or [ ] without colour; Space ticks, Enter saves the form."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from crm.screens.opportunity_form import OpportunityDraft, OpportunityForm
from crm.widgets.tick_box import TickBox
from tests.tui.test_interview_forms import FormHost, settle


def shown(box: TickBox) -> str:
    return box.render().plain


async def test_space_ticks_quiet_and_enter_on_it_saves(db_path: Path, now: datetime) -> None:
    app = FormHost(OpportunityForm(), now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"Initech", "tab", *"Staff Engineer", "tab", "tab", "tab")
        quiet = app.screen.query_one("#field-quiet", TickBox)
        assert app.focused is quiet
        assert shown(quiet).startswith("[ ] Quiet")
        await pilot.press("space")
        assert quiet.value and shown(quiet).startswith("[x] Quiet")
        await pilot.press("enter")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, OpportunityDraft)
    assert (draft.company, draft.role, draft.quiet) == ("Initech", "Staff Engineer", True)


def test_the_log_form_reads_ticked_in_monochrome(
    snap_compare, db_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR: the ticked "They reached out" box must still read as ticked."""
    from crm.domain.types import ContactDraft
    from crm.services import contacts
    from tests.tui.test_log_form import log_host

    ann = contacts.create_contact(ContactDraft(name="Ann Lee", company="Acme"))
    monkeypatch.setenv("NO_COLOR", "1")
    app = log_host(now, (ann, "Ann Lee"))

    async def tick(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        app.screen.query_one("#field-inbound", TickBox).focus()
        await pilot.press("space", "tab")
        await settle(pilot)

    assert snap_compare(app, run_before=tick, terminal_size=(100, 24))
