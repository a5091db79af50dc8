"""The snooze dialog: when should a follow-up come back."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from crm.domain.when import WhenError, parse_when, to_local, to_utc
from crm.widgets.cells import app_now, shown
from crm.zone import user_zone

NEXT_WEEK_TIME = time(9, 0)
"""A snooze to next week lands at the start of Monday's working day."""

PICK_A_DATE = "pick"


def next_monday_morning(now: datetime, tz: tzinfo) -> datetime:
    """Next Monday (never today) at 09:00 local, as naive UTC."""
    local_now = to_local(now, tz)
    days_ahead = 7 - local_now.weekday()
    monday = local_now.date() + timedelta(days=days_ahead)
    return to_utc(datetime.combine(monday, NEXT_WEEK_TIME), tz)


class SnoozeChoices(OptionList):
    """The snooze choices; 1, 2 and 3 pick the first three directly, 4 asks for a date."""

    BINDINGS = [
        Binding("1", "pick(0)", "1 day", tooltip="Snooze for a day", id="snooze-1"),
        Binding("2", "pick(1)", "3 days", tooltip="Snooze for three days", id="snooze-3"),
        Binding("3", "pick(2)", "Next week", tooltip="Until next Monday 09:00", id="snooze-week"),
        Binding("4", "pick(3)", "Pick a date", tooltip="Type when it comes back", id="snooze-pick"),
    ]

    def action_pick(self, index: int) -> None:
        """Choose the option at ``index`` as if it were highlighted and Enter pressed."""
        self.highlighted = index
        self.action_select()


class SnoozeDialog(ModalScreen[datetime | None]):
    """Pick when a follow-up comes back; returns that moment (naive UTC), or None."""

    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", tooltip="Keep the follow-up as it is", id="snooze-cancel"
        ),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title
        """What is being snoozed, shown at the top."""
        self.tz = user_zone()
        """The time zone typed dates are read in."""
        self.moments: dict[str, datetime] = {}
        """The moment each fixed option stands for, by option id."""

    def compose(self) -> ComposeResult:
        now = app_now(self)
        self.moments = {
            "day": now + timedelta(days=1),
            "three-days": now + timedelta(days=3),
            "next-week": next_monday_morning(now, self.tz),
        }
        labels = {"day": "1 day", "three-days": "3 days", "next-week": "Next week"}
        options = [
            Option(
                Content.assemble(
                    f"{index}  {labels[option_id]:<11}",
                    (f"{to_local(moment, self.tz):%a %d %b %H:%M}", "dim"),
                ),
                id=option_id,
            )
            for index, (option_id, moment) in enumerate(self.moments.items(), start=1)
        ]
        options.append(Option("4  Pick a date…", id=PICK_A_DATE))
        with Vertical(id="snooze-dialog", classes="dialog"):
            yield Label(shown(f"Snooze: {self.title_text}"), classes="dialog-title")
            yield SnoozeChoices(*options, id="snooze-choices")
            yield Input(
                placeholder="fri 10am · in 2 weeks · 2026-12-01",
                id="snooze-date",
                compact=True,
            )
            yield Static("", id="form-error", classes="form-error")
            yield Static(
                "1–4 or Enter picks · type a date and Enter · Esc cancels",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        date_field = self.query_one("#snooze-date", Input)
        if self.app.is_headless:
            date_field.cursor_blink = False
        choices = self.query_one(SnoozeChoices)
        choices.highlighted = 0
        choices.focus()

    @on(OptionList.OptionSelected, "#snooze-choices")
    def pick_option(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        if option_id in self.moments:
            self.dismiss(self.moments[option_id])
        else:
            self.query_one("#snooze-date", Input).focus()

    @on(Input.Submitted, "#snooze-date")
    def pick_typed_date(self, event: Input.Submitted) -> None:
        event.stop()
        now = app_now(self)
        error = self.query_one("#form-error", Static)
        try:
            moment = parse_when(event.value, now=now, tz=self.tz, direction="future")
        except WhenError as problem:
            error.update(Content(str(problem)))
            return
        if moment <= now:
            error.update(Content("That moment has passed; snooze to a later one."))
            return
        self.dismiss(moment)

    def action_cancel(self) -> None:
        self.dismiss(None)
