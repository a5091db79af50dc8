"""The palette finds its verbs by their words ("go to", "log") and logs with a contact in a
few keys (issue 16, item 8)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.pilot import Pilot

from crm.app import CrmApp
from crm.commands import split_verb
from crm.domain.types import ContactDraft
from crm.screens.log_form import LogForm
from crm.services import contacts
from tests.tui.helpers import build_app, settle
from tests.tui.test_log_form import CountingKeys

LOG_WITH_KEY_BUDGET = 12


async def palette_hits(app: CrmApp, pilot: Pilot[None], query: str) -> list[str]:
    """What the palette lists for ``query``."""
    await pilot.press("ctrl+p", *query)
    await settle(pilot)
    await pilot.pause(0.4)
    command_list = app.screen.query_one(CommandList)
    return [
        str(command_list.get_option_at_index(i).prompt) for i in range(command_list.option_count)
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("go to", "Go to contact…"),
        ("log", "Log a conversation with…"),
        ("log a conversation with", "Log a conversation with…"),
    ],
)
async def test_typing_a_verbs_words_finds_it(
    db_path: Path, now: datetime, query: str, expected: str
) -> None:
    contacts.create_contact(ContactDraft(name="Ann Lee", company="Acme"))
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        hits = await palette_hits(app, pilot, query)
    assert any(expected in hit for hit in hits), hits


async def test_go_to_and_a_name_lists_the_contact(db_path: Path, now: datetime) -> None:
    contacts.create_contact(ContactDraft(name="Ann Lee", company="Acme"))
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        hits = await palette_hits(app, pilot, "go to ann")
    assert any("Go to contact… Ann Lee (Acme)" in hit for hit in hits), hits


async def test_log_with_a_contact_from_the_palette_in_few_keys(
    db_path: Path, now: datetime
) -> None:
    for name in ("Ann Lee", "Bob Stone", "Cat Ng"):
        contacts.create_contact(ContactDraft(name=name, company="Acme"))
    bob = contacts.create_contact(ContactDraft(name="Bobby Tables", company="Initech"))
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        keys = CountingKeys(pilot)
        await keys.press("ctrl+p")
        await keys.type("log bobby")
        await settle(pilot)
        await pilot.pause(0.4)
        await keys.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogForm)
        assert form.contact == (bob, "Bobby Tables")
        assert app.focused is not None and app.focused.id == "field-summary"
    assert keys.count <= LOG_WITH_KEY_BUDGET
    assert keys.count == 2


def test_split_verb() -> None:
    assert split_verb("Go to Ann") == ("Go to contact…", "Ann")
    assert split_verb("log a conversation with Ann Lee") == ("Log a conversation with…", "Ann Lee")
    assert split_verb("log") == ("Log a conversation with…", "")
    assert split_verb("logan") == (None, "logan")
    assert split_verb(" ann ") == (None, "ann")
