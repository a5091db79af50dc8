"""The contact form's Language select (Default / English / Русский)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import Select

from crm.domain.types import ContactDraft
from crm.screens.contact_form import ContactForm
from crm.services import contacts
from tests.tui.helpers import build_app, settle


async def test_the_form_shows_and_saves_the_language(db_path: Path, now: datetime) -> None:
    katie = contacts.create_contact(ContactDraft(name="Кэти Смирнова", language="ru"), now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "e")
        assert isinstance(app.screen, ContactForm)
        language = app.screen.query_one("#field-language", Select)
        assert language.value == "ru"
        language.value = "en"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert contacts.get_contact(katie, now=now).language == "en"


async def test_a_new_contact_starts_with_the_default_language(db_path: Path, now: datetime) -> None:
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "n", *"Ann")
        language = app.screen.query_one("#field-language", Select)
        assert language.value == ""
        language.value = "ru"
        await pilot.press("ctrl+s")
        await settle(pilot)
    [ann] = contacts.search_contacts("ann")
    assert contacts.get_contact(ann.id, now=now).language == "ru"
