"""SVG snapshots of the main screens (tests/tui/conftest.py copies them to screenshots/)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.pilot import Pilot

from tests.tui.helpers import build_app, settle


async def _ready(pilot: Pilot[None]) -> None:
    await settle(pilot)


def test_main_screen(snap_compare, demo_db: Path, now: datetime) -> None:
    """The Today view at launch: overdue in red, due in amber, rings dropped."""
    assert snap_compare(build_app(demo_db, now), run_before=_ready, terminal_size=(120, 36))


def test_contacts_tab(snap_compare, demo_db: Path, now: datetime) -> None:
    async def contacts(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)

    assert snap_compare(build_app(demo_db, now), run_before=contacts, terminal_size=(120, 36))


def test_interviews_pane(snap_compare, demo_db: Path, now: datetime) -> None:
    async def interviews(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f3", "down", "down")
        await settle(pilot)

    assert snap_compare(build_app(demo_db, now), run_before=interviews, terminal_size=(120, 36))


def test_log_form(snap_compare, demo_db: Path, now: datetime) -> None:
    async def log(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"Sent the thank-you")  # the cursor starts in Summary
        await settle(pilot)

    assert snap_compare(build_app(demo_db, now), run_before=log, terminal_size=(120, 36))


def test_conversation_view(snap_compare, demo_db: Path, now: datetime) -> None:
    """A logged conversation opened in full from the timeline: every field, the summary
    wrapped, what it settled and planned."""

    async def open_conversation(pilot: Pilot[None]) -> None:
        from crm.widgets.row_keys import InteractionKey
        from crm.widgets.timeline_pane import TimelinePane

        await settle(pilot)
        timeline = pilot.app.screen.query_one(TimelinePane)
        timeline.action_everything()
        await settle(pilot)
        timeline.focus()
        timeline.cursor = next(
            i for i, row in enumerate(timeline.rows) if isinstance(row.key, InteractionKey)
        )
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(
        build_app(demo_db, now), run_before=open_conversation, terminal_size=(120, 36)
    )


def test_main_screen_small_terminal(snap_compare, demo_db: Path, now: datetime) -> None:
    assert snap_compare(build_app(demo_db, now), run_before=_ready, terminal_size=(80, 24))


def test_filtered_by_company(snap_compare, demo_db: Path, now: datetime) -> None:
    async def type_filter(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"acme")
        await settle(pilot)

    assert snap_compare(build_app(demo_db, now), run_before=type_filter, terminal_size=(120, 36))


def test_empty_database(snap_compare, db_path: Path, now: datetime) -> None:
    assert snap_compare(build_app(db_path, now), run_before=_ready, terminal_size=(100, 30))


def test_contact_form(snap_compare, demo_db: Path, now: datetime) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f2", "n", *"Zoë Brontë", "tab", *"Hooli")
        await settle(pilot)

    assert snap_compare(build_app(demo_db, now), run_before=open_form, terminal_size=(100, 30))


def test_backchannel_map(snap_compare, demo_db: Path, now: datetime) -> None:
    async def open_map(pilot: Pilot[None]) -> None:
        from crm.screens.backchannel_screen import BackchannelScreen

        await settle(pilot)
        await pilot.app.push_screen(BackchannelScreen(company="Acme"))
        await settle(pilot)

    assert snap_compare(build_app(demo_db, now), run_before=open_map, terminal_size=(120, 36))


def test_reference_list(snap_compare, demo_db: Path, now: datetime) -> None:
    async def open_references(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)

    assert snap_compare(
        build_app(demo_db, now), run_before=open_references, terminal_size=(120, 36)
    )


def test_first_run_small_terminal(snap_compare, db_path: Path, now: datetime) -> None:
    """An empty database at 80×24: how to start (add, import, demo), nothing cut."""
    assert snap_compare(build_app(db_path, now), run_before=_ready, terminal_size=(80, 24))


def test_opportunity_form_editing(snap_compare, demo_db: Path, now: datetime) -> None:
    """`e` on an opportunity: the form with its link, location, salary, CV and notes."""
    from crm.domain.types import OpportunityDetails
    from crm.services import opportunities

    first = opportunities.list_opportunities()[0]
    opportunities.edit_opportunity(
        first.id,
        details=OpportunityDetails(
            url="https://jobs.example/staff-42",
            location="Berlin, hybrid (2 days)",
            salary="€95–110k + equity",
            applied_at=datetime(2026, 11, 2, 8, 30),
            cv="cv-2026-11-staff.pdf + cover letter v2",
            notes="Recruiter: Kat.\nAsk about on-call and the platform team's roadmap.",
        ),
        now=now,
    )

    async def edit(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f3", "e")
        await settle(pilot)

    assert snap_compare(build_app(demo_db, now), run_before=edit, terminal_size=(120, 36))


# Issue 16, item 5: the layout at a small, a usual and a wide terminal, for each tab.


def test_main_screen_wide_terminal(snap_compare, demo_db: Path, now: datetime) -> None:
    assert snap_compare(build_app(demo_db, now), run_before=_ready, terminal_size=(200, 50))


def _tab(keys: tuple[str, ...]):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run


def test_contacts_tab_small_terminal(snap_compare, demo_db: Path, now: datetime) -> None:
    run = _tab(("f2",))
    assert snap_compare(build_app(demo_db, now), run_before=run, terminal_size=(80, 24))


def test_contacts_tab_wide_terminal(snap_compare, demo_db: Path, now: datetime) -> None:
    run = _tab(("f2",))
    assert snap_compare(build_app(demo_db, now), run_before=run, terminal_size=(200, 50))


def test_interviews_pane_small_terminal(snap_compare, demo_db: Path, now: datetime) -> None:
    run = _tab(("f3", "down", "down"))
    assert snap_compare(build_app(demo_db, now), run_before=run, terminal_size=(80, 24))


def test_interviews_pane_wide_terminal(snap_compare, demo_db: Path, now: datetime) -> None:
    run = _tab(("f3", "down", "down"))
    assert snap_compare(build_app(demo_db, now), run_before=run, terminal_size=(200, 50))


async def _thank_you_draft(pilot: Pilot[None]) -> None:
    """`w` on the demo's first thank-you e-mail: the draft and its ring check."""
    from crm.domain.types import FollowUpKind
    from crm.widgets.row_keys import FollowUpKey
    from crm.widgets.today_pane import TodayPane

    await settle(pilot)
    today = pilot.app.screen.query_one(TodayPane)
    today.cursor = next(
        index
        for index, row in enumerate(today.rows)
        if isinstance(row.key, FollowUpKey) and row.key.kind is FollowUpKind.THANK_YOU_EMAIL
    )
    await pilot.press("w")
    await settle(pilot)


def test_draft_preview(snap_compare, demo_db: Path, now: datetime) -> None:
    """A thank-you e-mail drafted from what crm knows, with the ring check's verdict."""
    assert snap_compare(
        build_app(demo_db, now), run_before=_thank_you_draft, terminal_size=(120, 36)
    )


def test_draft_preview_small_terminal(snap_compare, demo_db: Path, now: datetime) -> None:
    assert snap_compare(
        build_app(demo_db, now), run_before=_thank_you_draft, terminal_size=(80, 24)
    )
