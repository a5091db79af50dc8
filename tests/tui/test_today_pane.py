"""The Today pane: honest section headers, "… and N more" under a cut section, and loading
the agenda before the suggestions."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.domain.cold import ColdContact
from crm.domain.types import Agenda, AgendaItem, FollowUpKind, FollowUpState
from crm.services.suggestions import TodaySuggestions
from crm.widgets.row_list import RowList
from crm.widgets.today_pane import TodayPane, agenda_rows
from tests.tui.helpers import build_app, settle

NOW = datetime(2026, 11, 18, 15, 0)


def item(follow_up_id: int, state: FollowUpState = FollowUpState.OVERDUE) -> AgendaItem:
    return AgendaItem(
        id=follow_up_id,
        contact_id=follow_up_id,
        contact=f"Person {follow_up_id}",
        kind=FollowUpKind.CHECK_IN,
        state=state,
        window_start=NOW - timedelta(days=2),
        window_end=NOW - timedelta(days=1),
        late="1 day late",
    )


def cold(contact_id: int) -> ColdContact:
    return ColdContact(contact_id, f"Cold {contact_id}", None, days_silent=200, days_over=80)


def texts(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [" ".join(row.cells) for row in rows]


def test_a_cut_section_names_its_total_and_how_many_more() -> None:
    agenda = Agenda(
        overdue=(item(1), item(2)),
        due=(item(3, FollowUpState.DUE),),
        upcoming=(),
        rings_dropped=(),
        overdue_total=24_812,
        due_total=1,
    )
    rows = agenda_rows(agenda)
    assert texts(rows)[0] == "Overdue · 24,812"
    assert texts(rows)[3] == "… and 24,810 more"
    assert rows[3].key is None and rows[3].tone == "dim"  # the cursor skips it
    assert texts(rows)[4] == "Due now · 1"
    assert [row.cells[0] for row in rows[5:]] == ["Person 3"]


def test_a_section_listed_whole_has_no_more_line() -> None:
    rows = agenda_rows(Agenda((item(1), item(2)), (), (), ()))
    assert texts(rows)[0] == "Overdue · 2"
    assert not any(text.startswith("…") for text in texts(rows))


def test_going_cold_names_its_total_and_how_many_more() -> None:
    ideas = TodaySuggestions(going_cold=(cold(1), cold(2)), going_cold_total=3_002)
    rows = agenda_rows(Agenda((), (), (), ()), ideas)
    assert texts(rows)[0] == "Going cold · 3,002"
    assert texts(rows)[-1] == "… and 3,000 more"


async def test_the_agenda_shows_first_then_the_suggestions(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    loaded: list[type] = []
    async with app.run_test(
        size=(120, 36),
        message_hook=lambda message: (
            loaded.append(type(message))
            if isinstance(message, (TodayPane.Loaded, TodayPane.SuggestionsLoaded))
            else None
        ),
    ) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        assert loaded == [TodayPane.Loaded, TodayPane.SuggestionsLoaded]
        assert today.agenda is not None and today.suggestions is not None
        assert texts(today.rows) == texts(agenda_rows(today.agenda, today.suggestions))


async def test_a_reload_keeps_the_row_and_does_not_announce_it_again(
    demo_db: Path, now: datetime
) -> None:
    app = build_app(demo_db, now)
    announced: list[object] = []
    async with app.run_test(
        size=(120, 36),
        message_hook=lambda message: (
            announced.append(message.key)
            if isinstance(message, RowList.Highlighted) and isinstance(message.row_list, TodayPane)
            else None
        ),
    ) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        await pilot.press("down")
        highlighted = today.highlighted_key
        assert highlighted is not None and announced[-1] == highlighted
        announced.clear()
        today.load()
        await settle(pilot)
        assert today.highlighted_key == highlighted
        assert announced == []


async def test_unchanged_suggestions_are_not_shown_again(
    demo_db: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        before = (today.agenda, today.suggestions, list(today.rows))
        assert today.suggestions is not None and today.suggestions.going_cold
        shown: list[int] = []
        original = TodayPane.show_rows
        monkeypatch.setattr(
            TodayPane,
            "show_rows",
            lambda pane, rows: (shown.append(len(rows)), original(pane, rows)),
        )
        today.load()
        await settle(pilot)
        assert today.agenda is not before[0] and today.suggestions is before[1]
        assert shown == [len(before[2])] and today.rows == before[2]


async def test_the_first_frame_turns_a_paused_collector_back_on(db_path: Path) -> None:
    """`crm` starts with the collector paused (crm.process); its app resumes it once painted."""
    import gc

    from crm.cli import tui_app
    from crm.clock import fixed_clock
    from crm.process import pause_garbage_collection

    pause_garbage_collection()
    try:
        app = tui_app(db_path, fixed_clock(NOW))
        async with app.run_test() as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()
