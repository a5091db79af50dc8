"""A typed filter letter reaches the screen in the same frame as the rows it selects."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crm.app import CrmApp
from crm.domain.types import ContactDraft
from crm.services import contacts
from crm.widgets import frame_hold
from crm.widgets.contact_list import ContactList
from crm.widgets.search_box import SearchBox
from tests.tui.helpers import build_app, settle


def record_frames(app: CrmApp) -> list[tuple[str, str]]:
    """(text in the box, filter the list's rows belong to) at every frame painted from now."""
    frames: list[tuple[str, str]] = []
    display = app._display
    search = app.screen.query_one(SearchBox)
    contact_list = app.screen.query_one(ContactList)

    def recording(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None:
            frames.append((search.value, contact_list.filter_text))

    app._display = recording  # type: ignore[method-assign]
    return frames


@pytest.fixture
def people(db_path: Path) -> None:
    for name, company in [("Ann Lee", "Acme"), ("Bob Stone", "Globex"), ("Boris Ивано", "Bolt")]:
        contacts.create_contact(ContactDraft(name=name, company=company))


async def test_the_echo_waits_for_its_rows(
    people: None, db_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long deadline: only the rows arriving can let the frame through.
    monkeypatch.setattr(frame_hold, "DEADLINE", 5.0)
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "slash")
        await settle(pilot)
        frames = record_frames(app)
        await pilot.press("b", "o")
        await settle(pilot)
        assert frames, "typing painted nothing"
        echoes_alone = [(typed, rows) for typed, rows in frames if typed != rows]
        assert echoes_alone == []
        assert frames[-1] == ("bo", "bo")
        names = [app.screen.query_one(ContactList).row(i).name for i in range(2)]
        assert names == ["Bob Stone", "Boris Ивано"]


async def test_the_echo_shows_by_the_deadline_when_rows_are_slow(
    people: None, db_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "slash")
        await settle(pilot)
        # The rows never come: as if the database were stuck behind another writer.
        monkeypatch.setattr(ContactList, "load", lambda self, text="", **_: None)
        frames = record_frames(app)
        await pilot.press("z")
        await pilot.pause(frame_hold.DEADLINE * 6)
        assert ("z", "") in frames
