"""The new-opportunity form and the stage picker."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from crm.domain.types import Stage
from crm.screens.form import FormScreen, form_bindings, form_footer
from crm.screens.lookup import resolve_contacts
from crm.widgets.cells import shown
from crm.widgets.suggesters import ContactSuggester, split_names
from crm.widgets.tick_box import TickBox

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


def stage_label(stage: Stage) -> str:
    """A stage as the forms show it ("Interviewing")."""
    return stage.value.capitalize()


class OpportunityForm(FormScreen[OpportunityDraft | None]):
    """Start tracking a role at a company; returns the checked draft, or None if cancelled."""

    BINDINGS = form_bindings("Save the opportunity")
    WORKER_PROBLEM = "Couldn't check the names"

    def __init__(
        self, *, company: str = "", referrer: str = "", title: str = "New opportunity"
    ) -> None:
        super().__init__()
        self.initial_company = company
        """The company the form starts with (e.g. the highlighted contact's)."""
        self.initial_referrer = referrer
        """The referrer's name the form starts with."""
        self.title_text = title
        """The dialog's heading."""

    def compose(self) -> ComposeResult:
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
                    yield Input(placeholder="The job title", id="field-role", compact=True)
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
                    yield TickBox(QUIET_LABEL, id="field-quiet", compact=True)
                    yield Label("Stage", classes="form-label")
                    yield Select(
                        [(stage_label(stage), stage) for stage in Stage],
                        value=DEFAULT_STAGE,
                        allow_blank=False,
                        id="field-stage",
                        compact=True,
                    )
            yield from form_footer("Enter or Ctrl+S saves · Tab moves · Esc cancels")

    def on_mount(self) -> None:
        first = "#field-role" if self.initial_company else "#field-company"
        self.query_one(first, Input).focus()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#field-{field_id}", Input).value

    def action_save(self) -> None:
        """Check the required fields here, then resolve the referrer off the event loop."""
        company = " ".join(self._value("company").split())
        role = " ".join(self._value("role").split())
        problems = []
        if not company:
            problems.append("An opportunity needs a company.")
        if not role:
            problems.append("An opportunity needs a role.")
        if problems:
            self._show_problem("\n".join(problems))
            return
        self._show_problem("")
        stage = self.query_one("#field-stage", Select).value
        self.check_draft(
            company,
            role,
            split_names(self._value("referrer")),
            split_names(self._value("pulled-strings")),
            self.query_one("#field-quiet", Checkbox).value,
            stage if isinstance(stage, Stage) else DEFAULT_STAGE,
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
        draft = OpportunityDraft(company, role, referrer_ids, quiet, stage, pulled_ids)
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
