"""The "log a conversation" form: who, how, when, about what, and the next touch."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from time import sleep

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea
from textual.worker import get_current_worker

from crm.domain.conversations import ConversationView
from crm.domain.followups import CHECK_IN_BUSINESS_DAYS, default_next_touch
from crm.domain.log_defaults import CHECK_IN, LogDefaults
from crm.domain.ring_check import RingCheck, RingVerdict, check_ring
from crm.domain.types import Channel, Direction, InteractionKind, LogDraft
from crm.domain.when import WhenError, parse_next_touch, parse_when, to_local
from crm.screens.form import FormScreen, form_bindings, form_footer
from crm.screens.lookup import resolve_optional_contact
from crm.services.contacts import ContactNotFound, get_contact
from crm.services.conversations import open_opportunities_of
from crm.services.opportunities import list_opportunities
from crm.widgets.cells import app_now
from crm.widgets.suggesters import ContactSuggester
from crm.widgets.tick_box import TickBox
from crm.zone import user_zone

CHANNEL_LABELS: dict[Channel, str] = {
    Channel.EMAIL: "E-mail",
    Channel.CALL: "Call",
    Channel.VIDEO: "Video",
    Channel.MEETING: "Meeting",
    Channel.MESSAGE: "Message",
    Channel.HANDWRITTEN_NOTE: "Handwritten note",
    Channel.LINKEDIN: "LinkedIn",
    Channel.OTHER: "Other",
}

KIND_LABELS: dict[InteractionKind, str] = {
    InteractionKind.THANK_YOU: "Thank-you",
    InteractionKind.CHECK_IN: "Check-in",
    InteractionKind.CASUAL: "Casual",
    InteractionKind.BACK_CHANNEL: "Back-channel",
    InteractionKind.REFERENCE: "Reference",
    InteractionKind.OTHER: "Other",
}

CONTACT_LOOKUP_PAUSE = 0.15
"""Seconds of no typing in Contact before the form looks the name up (once, not per key)."""

NO_OPPORTUNITY = 0
"""The Opportunity select's "(none)" value; SQLite row ids start at 1."""

WHEN_PLACEHOLDER = "now · yesterday 4pm · 2 days ago · mon 10:00 · 2026-12-01 14:30"
NEXT_EXAMPLES = "fri · in 3 days · 2026-12-01 · none: reason"
DEFAULT_NEXT_EXAMPLES = "fri · in 3 days · none: reason"
PROMISE_PLACEHOLDER = "optional: their date (thu · 2026-12-10); you follow up the next morning"


class LogForm(FormScreen[LogDraft | None]):
    """Log a conversation; returns the draft (not yet saved), or None if cancelled."""

    BINDINGS = form_bindings(
        "Log the conversation", cancel_tooltip="Close without logging", prefix="log"
    )

    @dataclass
    class OpportunitiesLoaded(Message):
        """The open opportunities arrived, with the one to preselect (if any)."""

        choices: tuple[tuple[str, int], ...]
        preselect: int | None

    @dataclass
    class ContactResolved(Message):
        """The typed contact name matched exactly one contact."""

        text: str
        contact_id: int
        draft: LogDraft

    @dataclass
    class ContactFollowed(Message):
        """The Contact field, as typed so far, names this contact (or no one for sure)."""

        text: str
        contact: tuple[int, str] | None

    @dataclass
    class ContactNotResolved(Message):
        """The typed contact name matched no one, or several people."""

        text: str
        problem: str

    def __init__(
        self,
        contact: tuple[int, str] | None = None,
        *,
        opportunity_id: int | None = None,
        editing: ConversationView | None = None,
        defaults: LogDefaults | None = None,
    ) -> None:
        super().__init__()
        self.editing = editing
        """The logged conversation being corrected, or None to log a new one."""
        if editing is not None:
            contact, opportunity_id = (editing.contact_id, editing.contact), editing.opportunity_id
        self.contact = contact
        """The contact to prefill: (id, name), usually the highlighted one."""
        self.opportunity_id = opportunity_id
        """The opportunity to preselect, usually the highlighted one."""
        self.contact_typed = contact[1].strip() if contact is not None else None
        """What the Contact field held when ``contact`` was last known to be its person."""
        self.defaults = defaults or CHECK_IN
        """The kind and channel to preselect: what the row the form was opened on asks for."""
        self.auto_opportunity_id: int | None = None
        """The opportunity preselected because it is the prefilled contact's only open one."""
        self.opportunities_loaded = False
        """Whether the Opportunity select holds the real choices yet."""
        self.tz = user_zone()
        """The time zone typed dates are read in."""
        self._ring_check: tuple[tuple[str, datetime], RingCheck] | None = None
        """The last ring check of the summary, with the summary and When it was made for."""

    def title_text(self) -> str:
        """The dialog's title: with whom, once the contact is known."""
        title = "Log a conversation"
        if self.editing is not None:
            title = f"Correct conversation #{self.editing.id}"
        if self.contact is None:
            return title
        return f"{title} with {self.contact[1]}"

    def compose(self) -> ComposeResult:
        with Vertical(id="log-dialog", classes="dialog"):
            yield Label(self.title_text(), classes="dialog-title", markup=False)
            with Grid(id="log-fields", classes="form-grid"):
                yield Label("Contact", classes="form-label")
                yield Input(
                    self.contact[1] if self.contact else "",
                    placeholder="Name (→ accepts the suggestion)",
                    suggester=ContactSuggester(),
                    id="field-contact",
                    compact=True,
                )
                yield Label("Channel", classes="form-label")
                yield Select[Channel](
                    [(label, channel) for channel, label in CHANNEL_LABELS.items()],
                    value=self.defaults.channel,
                    allow_blank=False,
                    compact=True,
                    id="field-channel",
                )
                yield Label("Kind", classes="form-label")
                yield Select[InteractionKind](
                    [(label, kind) for kind, label in KIND_LABELS.items()],
                    value=self.defaults.kind,
                    allow_blank=False,
                    compact=True,
                    id="field-kind",
                )
                yield Label("Direction", classes="form-label")
                yield TickBox("They reached out (a reply)", compact=True, id="field-inbound")
                yield Label("When", classes="form-label")
                yield Input(placeholder=WHEN_PLACEHOLDER, id="field-when", compact=True)
                yield Label("Opportunity", classes="form-label")
                yield Select[int](
                    [("(none)", NO_OPPORTUNITY)],
                    value=NO_OPPORTUNITY,
                    allow_blank=False,
                    compact=True,
                    id="field-opportunity",
                )
                yield Label("Summary", classes="form-label")
                # Several lines, for notes after a call; Tab still moves on, Ctrl+S saves.
                yield TextArea(
                    placeholder="What was said (Enter starts a new line)",
                    tab_behavior="focus",
                    soft_wrap=True,
                    compact=True,
                    id="field-summary",
                )
                yield Label("Next touch", classes="form-label")
                yield Input(id="field-next", compact=True)
                yield Label("They'll reply by", classes="form-label")
                yield Input(placeholder=PROMISE_PLACEHOLDER, id="field-promised", compact=True)
            yield Static(id="ring-hint", classes="dialog-hint")
            yield from form_footer(
                "Ctrl+S saves · Enter saves (in Summary: a new line) · Tab moves · Esc cancels"
            )

    def on_mount(self) -> None:
        if self.app.is_headless:  # a blinking cursor would make screenshots differ
            self.query_one("#field-summary", TextArea).cursor_blink = False
        if self.editing is not None:
            self._fill_from(self.editing)
        self.refresh_next_placeholder()
        self.load_opportunities(self.contact[0] if self.contact else None)
        # With the contact known, what is left to type is what was said.
        first = "#field-summary" if self.contact is not None else "#field-contact"
        self.query_one(first).focus()

    def _fill_from(self, view: ConversationView) -> None:
        """Prefill the fields with the conversation being corrected; its next touch and their
        promise were planned when it was logged, so they are not asked again."""
        self.query_one("#field-contact", Input).disabled = True
        self.query_one("#field-channel", Select).value = view.channel
        self.query_one("#field-kind", Select).value = view.kind
        self.query_one("#field-inbound", Checkbox).value = view.direction is Direction.INBOUND
        when = to_local(view.occurred_at, self.tz).strftime("%Y-%m-%d %H:%M")
        self.query_one("#field-when", Input).value = when
        summary = self.query_one("#field-summary", TextArea)
        summary.text = view.summary
        summary.move_cursor(summary.document.end)  # notes are added after what is there
        for field_id in ("next", "promised"):
            field = self.query_one(f"#field-{field_id}", Input)
            field.disabled = True
            field.placeholder = "planned when it was logged; see the timeline"

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="log-form-opportunities", exit_on_error=False)
    def load_opportunities(self, contact_id: int | None) -> None:
        """Fetch the open opportunities, and the contact's own ones to pick a default."""
        summaries = list_opportunities(include_closed=False)
        own = open_opportunities_of(contact_id) if contact_id is not None else []
        choices = tuple((f"{s.title} · {s.stage.value}", s.id) for s in summaries)
        preselect = own[0] if len(own) == 1 else None
        if not get_current_worker().is_cancelled:
            self.post_message(self.OpportunitiesLoaded(choices, preselect))

    @on(Input.Changed, "#field-contact")
    def follow_contact(self, event: Input.Changed) -> None:
        """Another contact typed: their opportunities (and the title) replace the old one's."""
        text = event.value.strip()
        if text == (self.contact_typed if self.contact is not None else ""):
            return
        self.contact_typed = None
        self.opportunity_id = None
        self.auto_opportunity_id = None
        with self.opportunity_select.prevent(Select.Changed):
            self.opportunity_select.value = NO_OPPORTUNITY
        self.refresh_next_placeholder()
        self.look_up_contact(text)

    @work(thread=True, exclusive=True, group="log-form-follow", exit_on_error=False)
    def look_up_contact(self, text: str) -> None:
        """Find whom the Contact field names, once typing pauses."""
        sleep(CONTACT_LOOKUP_PAUSE)
        if get_current_worker().is_cancelled:
            return
        found = resolve_optional_contact("Contact", text)
        contact = None
        if isinstance(found, int):
            try:
                contact = (found, get_contact(found).name)
            except ContactNotFound:
                pass  # deleted meanwhile: the form names no one, as for an unknown name
        if not get_current_worker().is_cancelled:
            self.post_message(self.ContactFollowed(text, contact))

    @on(ContactFollowed)
    def show_followed_contact(self, message: ContactFollowed) -> None:
        message.stop()
        if message.text != self._text("contact"):
            return  # typed on since; a newer lookup follows
        self.contact = message.contact
        self.contact_typed = message.text if message.contact is not None else None
        self.query_one(".dialog-title", Label).update(self.title_text())
        self.load_opportunities(message.contact[0] if message.contact else None)

    @on(OpportunitiesLoaded)
    def fill_opportunities(self, message: OpportunitiesLoaded) -> None:
        message.stop()
        select = self.opportunity_select
        chosen_before = select.value
        choices = message.choices
        if self.editing is not None and self.editing.opportunity_id is not None:
            if self.editing.opportunity_id not in {oid for _, oid in choices}:
                # A closed process isn't offered for new logs, but this conversation is on it.
                choices += ((self.editing.opportunity, self.editing.opportunity_id),)
        known = {oid for _, oid in choices}
        with select.prevent(Select.Changed):
            select.set_options((("(none)", NO_OPPORTUNITY), *choices))
        self.opportunities_loaded = True
        if chosen_before != NO_OPPORTUNITY and chosen_before in known:
            select.value = chosen_before
        elif self.opportunity_id is not None and self.opportunity_id in known:
            select.value = self.opportunity_id
        elif message.preselect is not None and message.preselect in known:
            self.auto_opportunity_id = message.preselect
            select.value = message.preselect
        self.refresh_next_placeholder()

    # --- reading the fields ----------------------------------------------------------------

    @property
    def opportunity_select(self) -> Select[int]:
        return self.query_one("#field-opportunity", Select)

    def _text(self, field_id: str) -> str:
        return self.query_one(f"#field-{field_id}", Input).value.strip()

    def selected_opportunity(self) -> int | None:
        """The chosen opportunity; before the choices load, the one the caller asked for."""
        if not self.opportunities_loaded:
            return self.opportunity_id
        value = self.opportunity_select.value
        return value if isinstance(value, int) and value != NO_OPPORTUNITY else None

    def _occurred_at(self) -> datetime:
        """The When field as naive UTC; empty means now. Raises WhenError."""
        now = app_now(self)
        text = self._text("when")
        return parse_when(text, now=now, tz=self.tz, direction="past") if text else now

    def _occurred_or_now(self) -> datetime:
        try:
            return self._occurred_at()
        except WhenError:
            return app_now(self)

    def ring_check(self) -> RingCheck:
        """The ring check of the summary as of its When; checked again only once either
        changed (the hint and the Next touch placeholder both ask on every keystroke)."""
        key = (self.query_one("#field-summary", TextArea).text, self._occurred_or_now())
        if self._ring_check is None or self._ring_check[0] != key:
            self._ring_check = (key, check_ring(key[0], now=key[1], tz=self.tz))
        return self._ring_check[1]

    @on(TextArea.Changed, "#field-summary")
    def check_summary(self) -> None:
        """Say quietly, as the summary is typed, whether it keeps the ring."""
        summary = self.query_one("#field-summary", TextArea).text
        hint = self.query_one("#ring-hint", Static)
        check = self.ring_check()
        # Hidden while there is nothing to say, so the form is as short as it was.
        hint.display = bool(summary.strip()) and check.verdict is not RingVerdict.SILENT
        if not hint.display:
            hint.update("")
        elif check.verdict is RingVerdict.GIVEN_UP:
            quoted = ", ".join(f"“{phrase.phrase}”" for phrase in check.phrases)
            hint.update(
                Content.assemble(
                    ("Gives up the ring: ", "$text-warning"), f"{quoted} · try: {check.suggestion}"
                )
            )
        elif check.commitment is not None:
            hint.update(
                Content.assemble(("Keeps the ring: ", "$text-success"), check.commitment.phrase)
            )
        self.refresh_next_placeholder()

    @on(Input.Changed, "#field-when")
    @on(Select.Changed, "#field-opportunity")
    def refresh_next_placeholder(self) -> None:
        """Say what an empty Next touch means: the day the summary commits to, the default
        (open opportunity) or nothing."""
        if self.editing is not None:
            return  # a correction plans no new next touch
        next_field = self.query_one("#field-next", Input)
        occurred_at = self._occurred_or_now()
        commitment = self.ring_check().commitment
        if commitment is not None and commitment.due is not None:
            due = to_local(commitment.due, self.tz)
            next_field.placeholder = f"default: your word in the summary ({due:%a %d %b %H:%M})"
            return
        if self.selected_opportunity() is None:
            next_field.placeholder = f"optional: {NEXT_EXAMPLES}"
            return
        default = to_local(default_next_touch(occurred_at, tz=self.tz), self.tz)
        next_field.placeholder = (
            f"default: in {CHECK_IN_BUSINESS_DAYS} business days ({default:%a %d %b})"
            f" · {DEFAULT_NEXT_EXAMPLES}"
        )

    def show_problem(self, problem: str, field_id: str | None = None) -> None:
        """Show a red message, and put the cursor where the problem is."""
        self._show_problem(problem)
        if field_id is not None:
            self.query_one(f"#field-{field_id}").focus()

    # --- saving ----------------------------------------------------------------------------

    def action_save(self) -> None:
        """Check the fields; dismiss with the draft once the contact is known."""
        now = app_now(self)
        try:
            occurred_at = self._occurred_at()
        except WhenError as error:
            self.show_problem(f"When: {error}", "when")
            return
        if occurred_at > now:
            self.show_problem(
                "When: that is in the future; log it once it has happened, or make it the "
                "next touch.",
                "when",
            )
            return
        next_text = self._text("next")
        try:
            next_touch = parse_next_touch(next_text, now=now, tz=self.tz, default=None)
        except WhenError as error:
            self.show_problem(f"Next touch: {error}", "next")
            return
        promised_text = self._text("promised")
        try:
            promised_at = (
                parse_when(promised_text, now=now, tz=self.tz, direction="future")
                if promised_text
                else None
            )
        except WhenError as error:
            self.show_problem(f"They'll reply by: {error}", "promised")
            return
        if promised_at is not None and next_touch.reason:
            self.show_problem(
                'They\'ll reply by: their promise plans your follow-up; clear "none" in Next '
                "touch.",
                "promised",
            )
            return
        channel = self.query_one("#field-channel", Select).value
        kind = self.query_one("#field-kind", Select).value
        assert isinstance(channel, Channel) and isinstance(kind, InteractionKind)
        inbound = self.query_one("#field-inbound", Checkbox).value
        draft = LogDraft(
            contact_id=self.contact[0] if self.contact else 0,
            channel=channel,
            kind=kind,
            occurred_at=occurred_at,
            summary=self.query_one("#field-summary", TextArea).text.strip(),
            direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
            opportunity_id=self.selected_opportunity(),
            next_touch=next_touch.at,
            no_next_reason=next_touch.reason,
            use_default_next=not next_text,
            infer_opportunity=False,  # the form showed the choice; "(none)" means none
            promised_at=promised_at,
        )
        contact_text = self._text("contact")
        if self.contact is not None and contact_text == self.contact_typed:
            self.dismiss(draft)
            return
        if not contact_text:
            self.show_problem("Contact: name the person you talked to.", "contact")
            return
        self.show_problem("Looking up the contact…")
        self.resolve_and_save(contact_text, draft)

    @work(thread=True, exclusive=True, group="log-form-contact", exit_on_error=False)
    def resolve_and_save(self, text: str, draft: LogDraft) -> None:
        """Find the contact the user typed; the form dismisses once it is unambiguous."""
        found = resolve_optional_contact("Contact", text)
        result: Message
        if isinstance(found, int):
            result = self.ContactResolved(text, found, draft)
        else:
            result = self.ContactNotResolved(
                text, found or "Contact: name the person you talked to."
            )
        if not get_current_worker().is_cancelled:
            self.post_message(result)

    @on(ContactResolved)
    def save_resolved(self, message: ContactResolved) -> None:
        message.stop()
        if not self.is_current or message.text != self._text("contact"):
            return  # the user typed on (or left) while the name was looked up
        opportunity_id = message.draft.opportunity_id
        prefilled_id = self.contact[0] if self.contact else None
        if opportunity_id == self.auto_opportunity_id and message.contact_id != prefilled_id:
            # The preselection belonged to the prefilled contact; let the new one's thread win.
            opportunity_id = None
        self.dismiss(
            replace(message.draft, contact_id=message.contact_id, opportunity_id=opportunity_id)
        )

    @on(ContactNotResolved)
    def explain_unresolved(self, message: ContactNotResolved) -> None:
        message.stop()
        if self.is_current and message.text == self._text("contact"):
            self.show_problem(message.problem, "contact")
