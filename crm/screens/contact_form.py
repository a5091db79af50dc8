"""The add/edit contact form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select

from crm.domain.types import ContactDraft, Rapport
from crm.domain.validation import contact_problems, normalise_draft
from crm.screens.form import FormScreen, form_bindings, form_footer
from crm.widgets.cells import shown

# (field id, label, placeholder)
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Name", "Full name, in any script"),
    ("company", "Company", "Where they work"),
    ("role", "Role", "Their title"),
    ("email", "E-mail", "name@example.com"),
    ("phone", "Phone", ""),
    ("linkedin_url", "LinkedIn", "https://www.linkedin.com/in/…"),
    ("how_met", "How we met", "Referred by…, met at…"),
    ("topics", "Topics", "Interests, comma-separated: Agile skeptic, Spartak fan"),
    ("relationship_note", "Note", "How you left things, what matters to them"),
    ("keep_in_touch_days", "Keep in touch", "Every N days (blank: no reminder)"),
)


RAPPORT_CHOICES: list[tuple[str, str]] = [
    ("not judged", ""),
    ("good", Rapport.GOOD.value),
    ("neutral", Rapport.NEUTRAL.value),
    ("strained: mind this bridge", Rapport.STRAINED.value),
]

LANGUAGE_CHOICES: list[tuple[str, str]] = [
    ("Default", ""),
    ("English", "en"),
    ("Русский", "ru"),
]
"""The languages a contact's drafts can be written in; Default is the [drafts] setting."""


class ContactForm(FormScreen[ContactDraft | None]):
    """Edit a contact's fields; returns the checked draft, or None if cancelled."""

    BINDINGS = form_bindings("Save the contact")

    def __init__(self, draft: ContactDraft | None = None, *, title: str = "New contact") -> None:
        super().__init__()
        self.draft = draft or ContactDraft(name="")
        """The values the form starts with."""
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog", classes="dialog"):
            yield Label(shown(self.title_text), classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                with Grid(classes="form-grid"):
                    for field_id, label, placeholder in FIELDS:
                        yield Label(label, classes="form-label")
                        yield Input(
                            self._initial(field_id),
                            placeholder=placeholder,
                            id=f"field-{field_id}",
                            compact=True,
                            type="integer" if field_id == "keep_in_touch_days" else "text",
                        )
                    yield Label("Left things", classes="form-label")
                    yield Select(
                        RAPPORT_CHOICES,
                        value=self.draft.rapport,
                        allow_blank=False,
                        compact=True,
                        id="field-rapport",
                    )
                    yield Label("Language", classes="form-label")
                    yield Select(
                        LANGUAGE_CHOICES,
                        value=self._language(),
                        allow_blank=False,
                        compact=True,
                        id="field-language",
                    )
            yield from form_footer("Enter or Ctrl+S saves · Tab moves · Esc cancels")

    def on_mount(self) -> None:
        self.query_one("#field-name", Input).focus()

    def _language(self) -> str:
        # A language the form can't offer (a newer crm's) shows as Default rather than crash.
        known = {value for _, value in LANGUAGE_CHOICES}
        return self.draft.language if self.draft.language in known else ""

    def _initial(self, field_id: str) -> str:
        if field_id == "topics":
            return ", ".join(self.draft.topics)
        if field_id == "keep_in_touch_days":
            days = self.draft.keep_in_touch_days
            return "" if days is None else str(days)
        return str(getattr(self.draft, field_id))

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#field-{field_id}", Input).value

    def current_draft(self) -> ContactDraft:
        """The draft as the fields read now (not yet checked)."""
        days = self._value("keep_in_touch_days").strip()
        return ContactDraft(
            name=self._value("name"),
            company=self._value("company"),
            role=self._value("role"),
            email=self._value("email"),
            phone=self._value("phone"),
            linkedin_url=self._value("linkedin_url"),
            how_met=self._value("how_met"),
            topics=tuple(self._value("topics").split(",")),
            relationship_note=self._value("relationship_note"),
            keep_in_touch_days=int(days) if days.lstrip("-").isdigit() else None,
            rapport=str(self.query_one("#field-rapport", Select).value),
            language=str(self.query_one("#field-language", Select).value),
        )

    def action_save(self) -> None:
        draft = normalise_draft(self.current_draft())
        problems = contact_problems(draft)
        if problems:
            self._show_problem("\n".join(problems))
            return
        self.dismiss(draft)
