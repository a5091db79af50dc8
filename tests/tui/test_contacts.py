"""The contacts screen driven with the keyboard, as a person would."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from crm.domain.types import ContactDraft
from crm.screens.contact_form import ContactForm
from crm.screens.contact_screen import ContactScreen
from crm.screens.help import HelpScreen
from crm.services import contacts
from crm.widgets.contact_card import ContactCard
from crm.widgets.contact_list import ContactList
from crm.widgets.search_box import SearchBox
from crm.widgets.timeline_pane import TimelinePane
from tests.tui.helpers import build_app, plain_text, settle, visible_names


def add(name: str, company: str = "", role: str = "") -> int:
    return contacts.create_contact(ContactDraft(name=name, company=company, role=role))


async def test_empty_database_says_how_to_start(db_path: Path, now: datetime) -> None:
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        contact_list = app.screen.query_one(ContactList)
        assert contact_list.total == 0
        text = "\n".join(contact_list.render_line(y).text for y in range(1, 4))
        assert "Press n to add one" in text and "crm demo" in text


async def test_typing_a_company_narrows_the_list(db_path: Path, now: datetime) -> None:
    add("José Núñez", "Acme Corp")
    add("Mary O'Brien", "Acme, Inc.")
    add("Кэти Смирнова", "Initech")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        assert len(visible_names(app)) == 3
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBox)
        await pilot.press("a", "c", "m")
        await settle(pilot)
        assert visible_names(app) == ["José Núñez", "Mary O'Brien"]
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert len(visible_names(app)) == 3


async def test_cyrillic_filter_is_case_insensitive(db_path: Path, now: datetime) -> None:
    add("Кэти Смирнова", "Initech")
    add("Bob Stone", "Globex")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.press("slash", *"КЭТИ")
        await settle(pilot)
        assert visible_names(app) == ["Кэти Смирнова"]
        await pilot.press("enter")
        assert isinstance(app.focused, ContactList)


async def test_add_a_contact_with_the_keyboard(db_path: Path, now: datetime) -> None:
    add("Bob Stone", "Globex")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.press("n")
        assert isinstance(app.screen, ContactForm)
        await pilot.press(*"Zoë Brontë", "tab", *"Hooli", "tab", *"Staff Engineer")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ContactForm)
        assert "Zoë Brontë" in visible_names(app)
        contact_list = app.screen.query_one(ContactList)
        assert contact_list.highlighted is not None
        assert contact_list.highlighted.name == "Zoë Brontë"
    [zoe] = contacts.search_contacts("zoe")
    assert (zoe.company, zoe.role) == ("Hooli", "Staff Engineer")


async def test_form_refuses_an_empty_name_and_keeps_typing(db_path: Path, now: datetime) -> None:
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.press("n", "tab", *"Acme", "enter")
        assert isinstance(app.screen, ContactForm)
        error = app.screen.query_one("#form-error", Static)
        assert "needs a name" in plain_text(error)
        assert app.screen.query_one("#field-company", Input).value == "Acme"
        await pilot.press("escape")
        await settle(pilot)
        assert contacts.count_contacts() == 0


async def test_a_problem_quoting_brackets_shows_them_as_typed(db_path: Path, now: datetime) -> None:
    """Form problems quote what was typed; a "[" in it is text, not markup."""
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "n", *"Ann")
        app.screen.query_one("#field-email", Input).value = "ann[/b]@"
        await pilot.press("enter")
        assert isinstance(app.screen, ContactForm)
        error = app.screen.query_one("#form-error", Static)
        assert "“ann[/b]@” doesn't look like an e-mail address." in plain_text(error)
        await pilot.press("escape")
        await settle(pilot)
        assert contacts.count_contacts() == 0


async def test_edit_the_highlighted_contact(db_path: Path, now: datetime) -> None:
    add("Ann Lee", "Acme", "CTO")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.press("e")
        assert isinstance(app.screen, ContactForm)
        role = app.screen.query_one("#field-role", Input)
        assert role.value == "CTO"
        role.value = "CEO"
        await pilot.press("ctrl+s")
        await settle(pilot)
    [ann] = contacts.search_contacts("ann")
    assert ann.role == "CEO"


async def test_highlight_shows_details_and_enter_opens_the_contact(
    db_path: Path, now: datetime
) -> None:
    add("Ann Lee", "Acme", "CTO")
    add("Bob Stone", "Globex", "Recruiter")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        card = app.screen.query_one(ContactCard)
        assert card.contact is not None and card.contact.name == "Ann Lee"
        await pilot.press("down")
        await settle(pilot)
        assert card.contact is not None and card.contact.name == "Bob Stone"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        shown = app.screen.query_one(ContactCard).contact
        assert shown is not None and shown.company == "Globex"
        await pilot.press("escape")
        assert not isinstance(app.screen, ContactScreen)


async def test_question_mark_lists_every_key(db_path: Path, now: datetime) -> None:
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = plain_text(app.screen.query_one("#help-keys", Static))
        for expected in ("Add a contact", "Filter by name or company", "Show every key"):
            assert expected in keys
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_goes_to_a_contact(db_path: Path, now: datetime) -> None:
    for i in range(30):
        add(f"Person {i:02d}", "Filler Inc")
    add("Zoë Brontë", "Hooli")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.press("ctrl+p")
        await pilot.press(*"zoe")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        contact_list = app.screen.query_one(ContactList)
        assert contact_list.highlighted is not None
        assert contact_list.highlighted.name == "Zoë Brontë"


async def test_scrolling_far_fetches_rows_page_by_page(db_path: Path, now: datetime) -> None:
    from crm.services import demo

    demo.add_generated_contacts(450, now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        contact_list = app.screen.query_one(ContactList)
        assert contact_list.total == 450
        assert len(contact_list._pages) == 1  # only the first page was fetched
        await pilot.press("end")
        await settle(pilot)
        assert contact_list.cursor == 449
        last = contact_list.highlighted
        assert last is not None
        assert last.id == contacts.contacts_page("", offset=449, limit=1)[0].id
        await pilot.press("pageup")
        await settle(pilot)
        assert contact_list.highlighted is not None


async def test_record_whom_a_contact_knows(db_path: Path, now: datetime) -> None:
    from crm.services.connections import connections_of

    ann = add("Ann Lee", "Acme", "CTO")
    add("Bob Stone", "Globex", "Recruiter")
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        await pilot.press("c", *"bo")
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        knows = plain_text(app.screen.query_one("#contact-connections", Static))
        assert "Bob Stone (Globex)" in knows
    assert [c.name for c in connections_of(ann)] == ["Bob Stone"]


async def test_delete_asks_first_and_ctrl_z_brings_the_contact_back(
    db_path: Path, now: datetime
) -> None:
    from crm.screens.confirm import ConfirmDialog

    add("Ann Lee", "Acme", "CTO")
    add("Bob Stone", "Globex", "Recruiter")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "delete")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # the default answer is No
        await settle(pilot)
        assert contacts.count_contacts() == 2
        await pilot.press("delete")
        await pilot.press("y")
        await settle(pilot)
        assert contacts.count_contacts() == 1
        assert visible_names(app) == ["Bob Stone"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert contacts.count_contacts() == 2
        assert sorted(visible_names(app)) == ["Ann Lee", "Bob Stone"]


async def test_duplicates_are_merged_from_the_palette(db_path: Path, now: datetime) -> None:
    from crm.screens.duplicates_screen import DuplicatesScreen

    add("José Núñez", "Acme")
    add("Nunez, Jose", "Acme Inc")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"find duplicates")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen)
        await pilot.press("m", "y")
        await settle(pilot)
    assert contacts.count_contacts() == 1


async def test_filter_keystrokes_repaint_without_relayouting_the_screen(
    db_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screen layout costs about half a keystroke's frame at 100k contacts: typing a filter,
    even one that shrinks the list below the pane's height, must only repaint."""
    from textual.screen import Screen

    from crm.services import demo

    demo.add_generated_contacts(120, now=now)
    add("Zelda Zuckerman", "Zeta")
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "slash")
        await settle(pilot)
        layouts: list[bool] = []
        refresh_layout = Screen._refresh_layout

        def counting(screen: Screen, size: object = None, scroll: bool = False) -> None:
            layouts.append(scroll)
            refresh_layout(screen, size, scroll)  # type: ignore[arg-type]

        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        await pilot.press("z", "e", "l")
        await settle(pilot)
        assert visible_names(app) == ["Zelda Zuckerman"]
        assert layouts == []


async def test_mouse_wheel_scrolls_the_contacts_list(db_path: Path, now: datetime) -> None:
    from crm.services import demo

    demo.add_generated_contacts(120, now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        contact_list = app.screen.query_one(ContactList)
        assert contact_list.scroll_y == 0
        await pilot.mouse_down(ContactList)  # hover it
        contact_list.post_message(
            events.MouseScrollDown(contact_list, 5, 5, 0, 0, 0, False, False, False)
        )
        await settle(pilot)
        assert contact_list.scroll_y > 0


async def test_a_long_timeline_shows_its_first_screenful_then_all_of_it(
    db_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from crm.domain.types import Channel, InteractionKind, LogDraft, TimelineEntry
    from crm.screens.main import MainScreen
    from crm.screens.main_side import FIRST_TIMELINE_ROWS
    from crm.services import conversations as conversations_service
    from crm.services.conversations import log_conversation
    from crm.widgets.timeline_pane import TimelinePane

    busy = add("Ann Lee", "Acme", "CTO")
    quiet = add("Bob Stone", "Globex", "Recruiter")
    conversations = FIRST_TIMELINE_ROWS + 40
    for day in range(conversations):
        log_conversation(
            LogDraft(busy, Channel.EMAIL, InteractionKind.OTHER, now - timedelta(days=day + 1)),
            now=now,
        )
    app = build_app(db_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(TimelinePane)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        whole_fetched_when: list[int] = []  # rows on screen when the whole timeline was asked for
        fetch = conversations_service.timeline

        def timeline_spy(**options: object) -> list[TimelineEntry]:
            if options.get("limit") is None and options.get("contact_id") == busy:
                whole_fetched_when.append(len(timeline.rows))
            return fetch(**options)  # type: ignore[arg-type]

        monkeypatch.setattr(conversations_service, "timeline", timeline_spy)
        screen.show_contact(busy)
        await settle(pilot)
        # The card brought one screenful; the rest was fetched once that was on screen.
        assert whole_fetched_when and whole_fetched_when[0] >= FIRST_TIMELINE_ROWS
        shown = [row for row in timeline.rows if row.key is not None]
        assert len(shown) >= conversations
        screen.show_contact(busy)
        screen.show_contact(quiet)  # moving on before the rest of the first one lands
        await settle(pilot)
        assert timeline.shown.contact_id == quiet
        assert not [row for row in timeline.rows if row.key is not None]  # none of Ann's


async def test_the_timeline_pane_names_whose_timeline_it_is(db_path: Path, now: datetime) -> None:
    add("Кэти Смирнова", "Initech")
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.query_one(TimelinePane).border_title == "Timeline · Кэти Смирнова"
        await pilot.press("enter")  # the contact's own screen says whose it is in its title
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert app.screen.query_one(TimelinePane).border_title == "Timeline"
