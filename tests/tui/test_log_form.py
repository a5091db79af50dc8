"""The log-a-conversation form and the snooze dialog, driven with the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

import crm
from crm.clock import fixed_clock
from crm.domain import log_defaults
from crm.domain.log_defaults import log_defaults_for
from crm.domain.types import (
    Channel,
    ContactDraft,
    Direction,
    FollowUpKind,
    InteractionKind,
    LogDraft,
)
from crm.screens.log_form import LogForm
from crm.screens.snooze import SnoozeDialog
from crm.services import contacts
from crm.services.opportunities import add_opportunity
from tests.tui.helpers import plain_text, settle

KEY_BUDGET = 15


class FormHost(App[None]):
    """A bare app that opens one dialog with `l` and keeps what it returns."""

    CSS_PATH = Path(crm.__file__).parent / "app.tcss"
    BINDINGS = [Binding("l", "open", "Open", id="test-open")]

    def __init__(self, now: datetime, make_screen: Callable[[], Screen[object]]) -> None:
        super().__init__()
        self.clock = fixed_clock(now)
        self.make_screen = make_screen
        self.results: list[object] = []

    def action_open(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)


class CountingKeys:
    """Presses keys through the pilot, counting each one; typed text is not counted."""

    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)


def add(name: str, company: str = "") -> int:
    return contacts.create_contact(ContactDraft(name=name, company=company))


def log_host(now: datetime, *args: object, **kwargs: object) -> FormHost:
    return FormHost(now, lambda: LogForm(*args, **kwargs))  # type: ignore[arg-type]


async def open_form(pilot: Pilot[None]) -> None:
    await pilot.press("l")
    await settle(pilot)


def error_text(app: App[None]) -> str:
    return plain_text(app.screen.query_one("#form-error", Static)).strip()


async def test_full_keyboard_log_fits_the_key_budget(db_path: Path, now: datetime) -> None:
    ann = add("Ann Lee", "Acme")
    acme = add_opportunity("Acme", "Staff Engineer", referrer_id=ann, now=now)
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        keys = CountingKeys(pilot)
        await keys.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        # The cursor starts in Summary: the row already said who, how and what for.
        assert app.focused is not None and app.focused.id == "field-summary"
        await keys.type("Asked about the team offsite")
        await keys.press("tab")
        await keys.type("fri")
        await keys.press("enter")
        await settle(pilot)
    assert keys.count <= KEY_BUDGET
    assert keys.count == 3
    assert app.results == [
        LogDraft(
            contact_id=ann,
            channel=Channel.EMAIL,
            kind=InteractionKind.CHECK_IN,
            occurred_at=now,
            summary="Asked about the team offsite",
            direction=Direction.OUTBOUND,
            opportunity_id=acme,
            next_touch=datetime(2026, 11, 20, 9, 0),  # now is Wed 18 Nov 15:00, TZ=UTC
            no_next_reason="",
            use_default_next=False,
            infer_opportunity=False,
        )
    ]


async def test_empty_fields_log_now_with_the_default_next_touch(
    db_path: Path, now: datetime
) -> None:
    ann = add("Ann Lee", "Acme")
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert (draft.contact_id, draft.occurred_at, draft.channel) == (ann, now, Channel.EMAIL)
    assert draft.next_touch is None and draft.use_default_next
    assert draft.opportunity_id is None


async def test_yesterday_4pm_in_when_and_a_reply(db_path: Path, now: datetime) -> None:
    ann = add("Ann Lee", "Acme")
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press("shift+tab", "shift+tab", "shift+tab")  # Opportunity, When, Direction
        await pilot.press("space", "tab")  # tick, When
        await pilot.press(*"yesterday 4pm", "enter")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert draft.occurred_at == datetime(2026, 11, 17, 16, 0)
    assert draft.direction is Direction.INBOUND


async def test_a_bad_date_shows_a_red_error_and_stays_open(db_path: Path, now: datetime) -> None:
    ann = add("Ann Lee", "Acme")
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        app.screen.query_one("#field-when", Input).value = "the day after never"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        error = app.screen.query_one("#form-error", Static)
        assert error.has_class("form-error")
        assert error_text(app).startswith("When: Can't read")
        assert app.focused is not None and app.focused.id == "field-when"
        assert error.styles.color.hex == app.get_css_variables()["error"]  # red

        app.screen.query_one("#field-when", Input).value = "in 2 hours"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        assert error_text(app).startswith("When: that is in the future")

        app.screen.query_one("#field-when", Input).value = ""
        next_field = app.screen.query_one("#field-next", Input)
        next_field.value = "2 days ago"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_text(app) == (
            "Next touch: “2 days ago” is in the past; a next touch is ahead of you."
        )
        assert app.focused is next_field

        next_field.value = "none"  # declining the ring needs a reason
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        assert error_text(app).startswith("Next touch: Say why")
        assert app.results == []


async def test_none_with_a_reason_declines_the_next_touch(db_path: Path, now: datetime) -> None:
    ann = add("Ann Lee", "Acme")
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        app.screen.query_one("#field-next", Input).focus()
        await pilot.press(*"none: waiting on them", "enter")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert draft.next_touch is None
    assert draft.no_next_reason == "waiting on them"
    assert not draft.use_default_next


async def test_an_ambiguous_name_lists_the_candidates(db_path: Path, now: datetime) -> None:
    bob = add("Bob Stone", "Globex")
    ann_lee = add("Ann Lee", "Acme")
    add("Ann Smith", "Initech")
    app = log_host(now, (bob, "Bob Stone"))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press(*["shift+tab"] * 6)  # back to Contact; focusing selects the whole name
        assert app.focused is not None and app.focused.id == "field-contact"
        await pilot.press(*"Ann", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        problem = error_text(app)
        assert "matches 2 contacts" in problem
        assert "Ann Lee (Acme, #" in problem and "Ann Smith (Initech, #" in problem
        assert app.results == []

        await pilot.press("end", *" Lee", "enter")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert draft.contact_id == ann_lee


async def test_an_unknown_name_says_so(db_path: Path, now: datetime) -> None:
    add("Ann Lee", "Acme")
    app = log_host(now)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        assert app.focused is not None and app.focused.id == "field-contact"
        await pilot.press(*"Zed", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        assert "No contact matches" in error_text(app)


async def test_the_contacts_only_open_opportunity_is_preselected(
    db_path: Path, now: datetime
) -> None:
    ann = add("Ann Lee", "Acme")
    add_opportunity("Globex", "Designer", now=now)
    acme = add_opportunity("Acme", "Staff Engineer", referrer_id=ann, now=now)
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        select = app.screen.query_one("#field-opportunity", Select)
        assert select.value == acme
        labels = [str(prompt) for prompt, _ in select._options]
        assert labels[0] == "(none)"
        assert any(label.startswith("Designer at Globex") for label in labels)
        next_field = app.screen.query_one("#field-next", Input)
        assert next_field.placeholder.startswith("default: in 2 business days (Fri 20 Nov)")
        await pilot.press("ctrl+s")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert draft.opportunity_id == acme


async def test_the_highlighted_opportunity_wins(db_path: Path, now: datetime) -> None:
    ann = add("Ann Lee", "Acme")
    globex = add_opportunity("Globex", "Designer", now=now)
    add_opportunity("Acme", "Staff Engineer", referrer_id=ann, now=now)
    app = log_host(now, (ann, "Ann Lee"), opportunity_id=globex)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        assert app.screen.query_one("#field-opportunity", Select).value == globex


async def test_escape_cancels_the_log_form(db_path: Path, now: datetime) -> None:
    ann = add("Ann Lee", "Acme")
    app = log_host(now, (ann, "Ann Lee"))
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, LogForm)
    assert app.results == [None]


# --- snooze ------------------------------------------------------------------------------


def snooze_host(now: datetime) -> FormHost:
    return FormHost(now, lambda: SnoozeDialog("Check in with Ann Lee"))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1", datetime(2026, 11, 19, 15, 0)),
        ("2", datetime(2026, 11, 21, 15, 0)),
        ("3", datetime(2026, 11, 23, 9, 0)),  # next Monday 09:00 (TZ=UTC)
    ],
)
async def test_snooze_number_keys(now: datetime, key: str, expected: datetime) -> None:
    app = snooze_host(now)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_form(pilot)
        assert isinstance(app.screen, SnoozeDialog)
        await pilot.press(key)
        await settle(pilot)
    assert app.results == [expected]


async def test_snooze_enter_on_a_highlighted_option(now: datetime) -> None:
    app = snooze_host(now)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_form(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
    assert app.results == [datetime(2026, 11, 21, 15, 0)]


async def test_snooze_to_a_typed_date(now: datetime) -> None:
    app = snooze_host(now)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_form(pilot)
        await pilot.press("down", "down", "down", "enter")  # "Pick a date…"
        assert app.focused is not None and app.focused.id == "snooze-date"
        await pilot.press("shift+tab", "4")  # 4 picks it too
        assert app.focused is not None and app.focused.id == "snooze-date"
        await pilot.press(*"someday", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SnoozeDialog)
        assert "Can't read" in error_text(app)
        await pilot.press(*"yesterday", "enter")  # the past is no place to snooze to
        await settle(pilot)
        assert isinstance(app.screen, SnoozeDialog)
        app.screen.query_one("#snooze-date", Input).value = ""
        await pilot.press(*"2026-12-01", "enter")
        await settle(pilot)
    assert app.results == [datetime(2026, 12, 1, 9, 0)]


async def test_escape_cancels_the_snooze(now: datetime) -> None:
    app = snooze_host(now)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_form(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SnoozeDialog)
    assert app.results == [None]


# --- the form follows the row and the contact ----------------------------------------------


@pytest.mark.parametrize(
    ("defaults", "kind", "channel"),
    [
        (None, InteractionKind.CHECK_IN, Channel.EMAIL),
        (
            log_defaults_for(FollowUpKind.HANDWRITTEN_NOTE),
            InteractionKind.THANK_YOU,
            Channel.HANDWRITTEN_NOTE,
        ),
        (log_defaults.REFERENCE, InteractionKind.REFERENCE, Channel.EMAIL),
    ],
)
async def test_the_form_starts_with_the_rows_kind_and_channel(
    db_path: Path,
    now: datetime,
    defaults: log_defaults.LogDefaults | None,
    kind: InteractionKind,
    channel: Channel,
) -> None:
    ann = add("Ann Lee", "Acme")
    app = log_host(now, (ann, "Ann Lee"), defaults=defaults)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        assert app.focused is not None and app.focused.id == "field-summary"
        await pilot.press(*"Thanks", "ctrl+s")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert (draft.kind, draft.channel, draft.summary) == (kind, channel, "Thanks")


async def test_changing_the_contact_files_it_under_the_new_contacts_opportunity(
    db_path: Path, now: datetime
) -> None:
    ann = add("Ann Lee", "Acme")
    bob = add("Bob Stone", "Globex")
    acme = add_opportunity("Acme", "Staff Engineer", referrer_id=ann, now=now)
    globex = add_opportunity("Globex", "Designer", referrer_id=bob, now=now)
    app = log_host(now, (ann, "Ann Lee"), opportunity_id=acme)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        select = app.screen.query_one("#field-opportunity", Select)
        assert select.value == acme
        app.screen.query_one("#field-contact", Input).value = "Bob Stone"
        await pilot.pause(0.3)
        await settle(pilot)
        assert select.value == globex
        title = app.screen.query_one(".dialog-title", Static)
        assert plain_text(title).strip() == "Log a conversation with Bob Stone"
        await pilot.press("ctrl+s")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert (draft.contact_id, draft.opportunity_id) == (bob, globex)


async def test_a_contact_with_no_open_opportunity_logs_under_none(
    db_path: Path, now: datetime
) -> None:
    ann = add("Ann Lee", "Acme")
    cat = add("Cat Ng")
    acme = add_opportunity("Acme", "Staff Engineer", referrer_id=ann, now=now)
    app = log_host(now, (ann, "Ann Lee"), opportunity_id=acme)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot)
        app.screen.query_one("#field-contact", Input).value = "Cat Ng"
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    [draft] = app.results
    assert isinstance(draft, LogDraft)
    assert (draft.contact_id, draft.opportunity_id) == (cat, None)
