"""The schedule-an-interview form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static
from textual.worker import get_current_worker

from crm.domain.types import HelperRole, OpportunitySummary
from crm.domain.when import WhenError, parse_when
from crm.screens.form import FormScreen, form_bindings, form_footer
from crm.screens.lookup import resolve_contacts, resolve_optional_contact
from crm.services.interviews import DEFAULT_INTERVIEW_MINUTES
from crm.widgets.cells import app_now, shown_text
from crm.widgets.opportunity_select import OpportunitySelect
from crm.widgets.suggesters import ContactSuggester, split_names
from crm.zone import user_zone

MAX_MINUTES = 24 * 60
NO_OPPORTUNITIES = "No open opportunities yet. Press Esc, then o to add one first."


@dataclass(frozen=True)
class InterviewDraft:
    """An interview round as typed, with every name resolved to a contact id.

    ``referrer_id`` is a referrer to set on an opportunity that has none; None leaves the
    opportunity's referrer as it is.
    """

    opportunity_id: int
    starts_at: datetime
    minutes: int
    interviewer_ids: tuple[int, ...]
    kind: str
    referrer_id: int | None


def resolve_interviewers(names: list[str]) -> tuple[int, ...] | str:
    """The ids of the named interviewers in order (repeats dropped), or every problem as text.

    Runs SQL: call it from a thread worker only.
    """
    return resolve_contacts("Interviewers", names)


class InterviewForm(FormScreen[InterviewDraft | None]):
    """Schedule an interview round for an open opportunity; returns the draft, or None."""

    BINDINGS = form_bindings("Save the interview")

    def __init__(self, opportunity_id: int | None = None) -> None:
        super().__init__()
        self.opportunity_id = opportunity_id
        """The opportunity to preselect, if it is open."""
        self.opportunities: dict[int, OpportunitySummary] | None = None
        """The open opportunities by id; None until they are loaded."""

    def compose(self) -> ComposeResult:
        with Vertical(id="interview-dialog", classes="dialog"):
            yield Label("Schedule an interview", classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                with Grid(classes="form-grid"):
                    yield Label("Opportunity", classes="form-label")
                    yield OpportunitySelect(self.opportunity_id, id="field-opportunity")
                    yield Label("When", classes="form-label")
                    yield Input(
                        placeholder="fri 10:00, tomorrow 2pm, 2026-12-01 14:30",
                        id="field-when",
                        compact=True,
                    )
                    yield Label("Minutes", classes="form-label")
                    yield Input(
                        str(DEFAULT_INTERVIEW_MINUTES),
                        placeholder="How long it lasts",
                        id="field-minutes",
                        compact=True,
                        type="integer",
                    )
                    yield Label("Interviewers", classes="form-label")
                    yield Input(
                        placeholder="Names, comma-separated (→ accepts a suggestion)",
                        id="field-interviewers",
                        compact=True,
                        suggester=ContactSuggester(multiple=True),
                    )
                    yield Label("Kind", classes="form-label")
                    yield Input(
                        placeholder="phone screen, technical, on-site…",
                        id="field-kind",
                        compact=True,
                    )
                    yield Label("Referrer", classes="form-label")
                    yield Static("", id="opportunity-referrer")
                    yield Input(
                        placeholder="Who referred you (optional)",
                        id="field-referrer",
                        compact=True,
                        suggester=ContactSuggester(),
                    )
            yield from form_footer("Enter or Ctrl+S saves · Tab moves · Esc cancels")

    def on_mount(self) -> None:
        self.query_one("#opportunity-referrer", Static).display = False
        if self.opportunity_id is None:
            self.query_one("#field-opportunity", Select).focus()
        else:
            self.query_one("#field-when", Input).focus()

    @on(OpportunitySelect.Filled)
    def opportunities_ready(self, message: OpportunitySelect.Filled) -> None:
        message.stop()
        self.opportunities = message.opportunities
        if not message.opportunities:
            self._show_problem(NO_OPPORTUNITIES)
            return
        self._show_referrer()

    @on(Select.Changed, "#field-opportunity")
    def show_opportunity_referrer(self, event: Select.Changed) -> None:
        event.stop()
        self._show_referrer()

    def _selected(self) -> OpportunitySummary | None:
        value = self.query_one("#field-opportunity", Select).value
        if self.opportunities is None or not isinstance(value, int):
            return None
        return self.opportunities.get(value)

    def _show_referrer(self) -> None:
        """Show the chosen opportunity's referrer, or the field to name one if it has none."""
        opportunity = self._selected()
        has_referrer = opportunity is not None and bool(opportunity.helpers)
        shown = self.query_one("#opportunity-referrer", Static)
        field = self.query_one("#field-referrer", Input)
        shown.display = has_referrer
        field.display = not has_referrer
        if opportunity is not None and has_referrer:
            said = [
                f"{names} {verb}"
                for names, verb in (
                    (opportunity.helper_names(HelperRole.REFERRER), "referred you"),
                    (opportunity.helper_names(HelperRole.PULLED_STRINGS), "pulled strings"),
                )
                if names
            ]
            shown.update(shown_text(Text("; ".join(said))))

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#field-{field_id}", Input).value

    def action_save(self) -> None:
        """Check what can be checked here, then resolve the names off the event loop."""
        if self.opportunities is not None and not self.opportunities:
            self._show_problem(NO_OPPORTUNITIES)
            return
        problems: list[str] = []
        opportunity = self._selected()
        if opportunity is None:
            loading = self.opportunities is None
            problems.append("Opportunity: still loading…" if loading else "Choose an opportunity.")
        starts_at: datetime | None = None
        try:
            starts_at = parse_when(
                self._value("when"),
                now=app_now(self),
                tz=user_zone(),
                direction="future",
            )
        except WhenError as error:
            problems.append(f"When: {error}")
        minutes_text = self._value("minutes").strip()
        minutes = int(minutes_text) if minutes_text.lstrip("-").isdigit() else 0
        if not 1 <= minutes <= MAX_MINUTES:
            problems.append(f"Minutes: between 1 and {MAX_MINUTES}.")
        interviewers = split_names(self._value("interviewers"))
        if not interviewers:
            problems.append("Interviewers: name at least one.")
        if problems or opportunity is None or starts_at is None:
            self._show_problem("\n".join(problems))
            return
        self._show_problem("")
        referrer = "" if opportunity.helpers else self._value("referrer")
        self.check_draft(
            opportunity.id,
            starts_at,
            minutes,
            interviewers,
            " ".join(self._value("kind").split()),
            referrer,
        )

    @work(thread=True, exclusive=True, group="interview-form-check", exit_on_error=False)
    def check_draft(
        self,
        opportunity_id: int,
        starts_at: datetime,
        minutes: int,
        interviewers: list[str],
        kind: str,
        referrer: str,
    ) -> None:
        """Resolve the interviewers' and referrer's names and report back with the draft."""
        interviewer_ids = resolve_interviewers(interviewers)
        referrer_id = resolve_optional_contact("Referrer", referrer)
        if get_current_worker().is_cancelled:
            return
        if isinstance(interviewer_ids, str) or isinstance(referrer_id, str):
            problems = [p for p in (interviewer_ids, referrer_id) if isinstance(p, str)]
            self.post_message(self.Refused("\n".join(problems)))
            return
        draft = InterviewDraft(
            opportunity_id, starts_at, minutes, interviewer_ids, kind, referrer_id
        )
        self.post_message(self.Checked(draft))
