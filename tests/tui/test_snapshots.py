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
        await pilot.press("tab", "tab", "tab", "tab", "tab", *"Sent the thank-you")
        await settle(pilot)

    assert snap_compare(build_app(demo_db, now), run_before=log, terminal_size=(120, 36))


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
