"""The opportunity form (new, or editing one) and the stage picker."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from crm.domain.types import HelperRole, OpportunityDetails, OpportunitySummary, Stage
from crm.domain.validation import url_problem
from crm.domain.when import WhenError, parse_when
from crm.screens.form import FormScreen, form_bindings, form_footer
from crm.screens.lookup import resolve_contacts
from crm.widgets.cells import app_now, shown
from crm.widgets.suggesters import ContactSuggester, split_names
from crm.widgets.tick_box import TickBox
from crm.zone import local_text, user_zone

QUIET_LABEL = "Quiet: a confidential search — no outreach beyond the interviewers"
DEFAULT_STAGE = Stage.APPLIED


@dataclass(frozen=True)
class OpportunityDraft:
    """What the user typed into the opportunity form, with every name resolved to an id."""

    company: str
    role: str
    referrer_ids: tuple[int, ...]
    quiet: bool
    stage: Stage
    pulled_strings_ids: tuple[int, ...] = ()
    """People who pulled strings for the user without referring them."""
    details: OpportunityDetails = field(default_factory=OpportunityDetails)
    """The link, location, salary, when applied, CV sent and notes."""
    opportunity_id: int | None = None
    """The opportunity edited, or None for a new one."""


# (field id, label, placeholder) of the one-line details, in the order the form shows them.
DETAIL_FIELDS = (
    ("url", "Link", "The posting's address: https://…"),
    ("location", "Location", "Where, or how remote: Berlin, hybrid"),
    ("salary", "Salary", "The range: €70–80k, $120k + equity"),
    ("applied", "Applied", "When you applied: today, mon 9:00, 2026-11-02"),
    ("cv", "CV sent", "Which CV or cover letter: cv-2026-11.pdf"),
)


def stage_label(stage: Stage) -> str:
    """A stage as the forms show it ("Interviewing")."""
    return stage.value.capitalize()


class OpportunityForm(FormScreen[OpportunityDraft | None]):
    """Start tracking a role at a company, or change one (``existing``); returns the checked
    draft, or None if cancelled."""

    BINDINGS = form_bindings("Save the opportunity")
    WORKER_PROBLEM = "Couldn't check the names"

    def __init__(
        self,
        *,
        company: str = "",
        referrer: str = "",
        title: str = "",
        existing: OpportunitySummary | None = None,
    ) -> None:
        super().__init__()
        self.existing = existing
        """The opportunity edited; its stage and people change elsewhere (S, the CLI)."""
        self.initial_company = existing.company if existing else company
        """The company the form starts with (e.g. the highlighted contact's)."""
        self.initial_referrer = referrer
        """The referrer's name the form starts with."""
        self.title_text = title or (
            f"Edit {existing.title}" if existing is not None else "New opportunity"
        )
        """The dialog's heading."""

    def compose(self) -> ComposeResult:
        existing = self.existing
        details = (existing.details if existing else None) or OpportunityDetails()
        initial = {
            "url": details.url,
            "location": details.location,
            "salary": details.salary,
            "applied": local_text(details.applied_at) if details.applied_at else "",
            "cv": details.cv,
        }
        with Vertical(id="opportunity-dialog", classes="dialog"):
            yield Label(shown(self.title_text), classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                with Grid(classes="form-grid"):
                    yield Label("Company", classes="form-label")
                    yield Input(
                        self.initial_company,
                        placeholder="Where the role is",
                        id="field-company",
                        compact=True,
                    )
                    yield Label("Role", classes="form-label")
                    yield Input(
                        existing.role if existing else "",
                        placeholder="The job title",
                        id="field-role",
                        compact=True,
                    )
                    if existing is None:
                        yield Label("Referrers", classes="form-label")
                        yield Input(
                            self.initial_referrer,
                            placeholder="Who referred you: names, comma-separated (optional; →)",
                            id="field-referrer",
                            compact=True,
                            suggester=ContactSuggester(multiple=True),
                        )
                        yield Label("Pulled strings", classes="form-label")
                        yield Input(
                            placeholder="Who else put in a word: names, comma-separated (optional)",
                            id="field-pulled-strings",
                            compact=True,
                            suggester=ContactSuggester(multiple=True),
                        )
                    yield TickBox(
                        QUIET_LABEL,
                        existing.quiet if existing else False,
                        id="field-quiet",
                        compact=True,
                    )
                    if existing is None:
                        yield Label("Stage", classes="form-label")
                        yield Select(
                            [(stage_label(stage), stage) for stage in Stage],
                            value=DEFAULT_STAGE,
                            allow_blank=False,
                            id="field-stage",
                            compact=True,
                        )
                    for field_id, label, placeholder in DETAIL_FIELDS:
                        yield Label(label, classes="form-label")
                        yield Input(
                            initial[field_id],
                            placeholder=placeholder,
                            id=f"field-{field_id}",
                            compact=True,
                        )
                yield Label("Notes", classes="form-label-left")
                yield TextArea(
                    details.notes, soft_wrap=True, id="field-notes", classes="form-notes"
                )
            yield from form_footer(
                "Enter or Ctrl+S saves · Enter in Notes starts a line · Esc cancels"
            )

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one("#field-notes", TextArea).cursor_blink = False
        first = "#field-role" if self.initial_company else "#field-company"
        self.query_one(first, Input).focus()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#field-{field_id}", Input).value

    def _details(self, problems: list[str]) -> OpportunityDetails:
        """The details as typed; what can't be read is added to ``problems``."""
        url = self._value("url").strip()
        problem = url_problem(url)
        if problem:
            problems.append(f"Link: {problem}")
        applied_text = self._value("applied").strip()
        applied_at: datetime | None = None
        if applied_text:
            try:
                applied_at = parse_when(
                    applied_text, now=app_now(self), tz=user_zone(), direction="past"
                )
            except WhenError as error:
                problems.append(f"Applied: {error}")
        return OpportunityDetails(
            url=url,
            location=self._value("location"),
            salary=self._value("salary"),
            applied_at=applied_at,
            cv=self._value("cv"),
            notes=self.query_one("#field-notes", TextArea).text,
        )

    def action_save(self) -> None:
        """Check the fields here, then resolve the referrer off the event loop."""
        company = " ".join(self._value("company").split())
        role = " ".join(self._value("role").split())
        problems = []
        if not company:
            problems.append("An opportunity needs a company.")
        if not role:
            problems.append("An opportunity needs a role.")
        details = self._details(problems)
        if problems:
            self._show_problem("\n".join(problems))
            return
        self._show_problem("")
        quiet = self.query_one("#field-quiet", Checkbox).value
        if self.existing is not None:
            existing = self.existing
            self.dismiss(
                OpportunityDraft(
                    company,
                    role,
                    tuple(h.id for h in existing.helpers if h.role is HelperRole.REFERRER),
                    quiet,
                    existing.stage,
                    details=details,
                    opportunity_id=existing.id,
                )
            )
            return
        stage = self.query_one("#field-stage", Select).value
        self.check_draft(
            company,
            role,
            split_names(self._value("referrer")),
            split_names(self._value("pulled-strings")),
            quiet,
            stage if isinstance(stage, Stage) else DEFAULT_STAGE,
            details,
        )

    @work(thread=True, exclusive=True, group="opportunity-form", exit_on_error=False)
    def check_draft(
        self,
        company: str,
        role: str,
        referrers: list[str],
        pulled_strings: list[str],
        quiet: bool,
        stage: Stage,
        details: OpportunityDetails,
    ) -> None:
        """Resolve the helpers' names to contacts and report back with the draft."""
        referrer_ids = resolve_contacts("Referrers", referrers)
        pulled_ids = resolve_contacts("Pulled strings", pulled_strings)
        if get_current_worker().is_cancelled:
            return
        problems = [p for p in (referrer_ids, pulled_ids) if isinstance(p, str)]
        if problems or isinstance(referrer_ids, str) or isinstance(pulled_ids, str):
            self.post_message(self.Refused("\n".join(problems)))
            return
        draft = OpportunityDraft(company, role, referrer_ids, quiet, stage, pulled_ids, details)
        self.post_message(self.Checked(draft))


class StagePicker(ModalScreen[Stage | None]):
    """Pick an opportunity's stage from the pipeline; returns it, or None if cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep the stage", id="stage-cancel"),
    ]

    def __init__(self, current: Stage, title: str) -> None:
        super().__init__()
        self.current = current
        """The stage the opportunity is at; highlighted when the picker opens."""
        self.title_text = title
        """The dialog's heading."""

    def compose(self) -> ComposeResult:
        options = [
            Option(
                stage_label(stage)
                + ("" if stage.is_open else " · closes it")
                + (" (now)" if stage == self.current else ""),
                id=stage.value,
            )
            for stage in Stage
        ]
        with Vertical(id="stage-dialog", classes="dialog"):
            yield Label(shown(self.title_text), classes="dialog-title")
            yield OptionList(*options, id="stage-options")
            yield Static("Enter picks · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one("#stage-options", OptionList)
        options.highlighted = list(Stage).index(self.current)
        options.focus()

    @on(OptionList.OptionSelected, "#stage-options")
    def pick_stage(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(Stage(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
