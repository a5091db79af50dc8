"""The review of what mail proposes: `a` accepts a person or an interview, `s` skips it until
newer mail, `i` never proposes it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from crm.domain.invites import Invitation
from crm.domain.text import counted
from crm.domain.validation import InvalidInput
from crm.services import review
from crm.services.review import ProposalView
from crm.widgets.cells import ago, app_now, short_local, shown, shown_text
from crm.widgets.key_bar import KeyBar
from crm.widgets.opportunity_select import OpportunitySelect
from crm.widgets.row_list import Column, Row, RowList
from crm.widgets.title_bar import TitleBar

INTRO = (
    "People unknown to crm who wrote from (or were written to at) a company you are in a "
    "process with, and interviews from invitations. Nothing is added until you accept it."
)
EMPTY_TEXT = "Nothing to review: people and invitations found by a mail import wait here."


def proposal_rows(proposals: list[ProposalView], now: datetime) -> list[Row]:
    """One row per proposal: what it is, who or what, their address or when, the company,
    how much mail and how recent."""
    rows = []
    for proposal in proposals:
        seen = f"{proposal.messages} msg · {ago(proposal.last_seen, now)}"
        invitation = proposal.invitation
        if invitation is None:
            cells = ("Person", proposal.name or "(no name)", proposal.address)
        else:
            cells = ("Interview", invitation.summary or "(no title)", when_of(invitation))
        rows.append(Row((*cells, proposal.company, seen), key=proposal))
    return rows


def when_of(invitation: Invitation) -> str:
    """When the round is, in the user's zone ("Thu 10 Dec 15:00"; an all-day one by its day)."""
    return (
        short_local(invitation.starts_at)[:10]
        if invitation.all_day
        else short_local(invitation.starts_at)
    )


def render_proposal(proposal: ProposalView | None) -> Group | Text:
    """The highlighted proposal in full, and what each key does with it."""
    if proposal is None:
        return Text("Nothing highlighted.", style="dim")
    at = f" · {proposal.company}" if proposal.company else ""
    seen = (
        f"{counted(proposal.messages, 'message', 'messages')}, first "
        f"{short_local(proposal.first_seen)}, last {short_local(proposal.last_seen)}"
    )
    invitation = proposal.invitation
    if invitation is None:
        who = f"{proposal.name} <{proposal.address}>" if proposal.name else proposal.address
        lines = [
            Text.assemble((who, "bold"), at),
            Text(seen, style="dim"),
            Text("a adds them as a contact · s not now · i never propose them", style="dim"),
        ]
        return Group(*map(shown_text, lines))
    when = f"{when_of(invitation)}–{short_local(invitation.ends_at)[-5:]}"
    lines = [
        Text.assemble((invitation.summary or "(no title)", "bold"), at),
        Text(" · ".join(part for part in (when, invitation.location) if part)),
    ]
    if invitation.organizer is not None:
        organizer = invitation.organizer.name or invitation.organizer.address
        lines.append(Text(f"From {organizer}", style="dim"))
    others = [person.name or person.address for person in invitation.attendees]
    if others:
        lines.append(Text("With " + ", ".join(others), style="dim"))
    lines.append(Text("a adds it to an opportunity · s not now · i never propose it", style="dim"))
    return Group(*map(shown_text, lines))


class ProposalList(RowList):
    """The pending proposals; a, s and i answer the highlighted one."""

    COLUMNS = (
        Column(9, 0, fit=True),
        Column(12, 3),
        Column(14, 3),
        Column(8, 2),
        Column(12, 0, fit=True),
    )
    BINDINGS = [
        Binding(
            "a",
            "answer('accept')",
            "Accept",
            tooltip="Add it: a contact, or an interview",
            id="review-accept",
        ),
        Binding(
            "s",
            "answer('skip')",
            "Skip",
            tooltip="Not now: back only with newer mail",
            id="review-skip",
        ),
        Binding(
            "i", "answer('ignore')", "Ignore", tooltip="Never propose it again", id="review-ignore"
        ),
    ]

    @dataclass
    class Answered(Message):
        """The user answered the highlighted proposal: "accept", "skip" or "ignore"."""

        proposal: ProposalView
        answer: str

    @property
    def proposal(self) -> ProposalView | None:
        """The highlighted proposal, if any."""
        key = self.highlighted_key
        return key if isinstance(key, ProposalView) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            return True if self.proposal is not None else None
        return True

    def action_answer(self, answer: str) -> None:
        if (proposal := self.proposal) is not None:
            self.post_message(self.Answered(proposal, answer))


@dataclass(frozen=True)
class Acceptance:
    """What the accept dialog returns: a contact's name, or an interview's opportunity."""

    name: str | None = None
    opportunity_id: int | None = None


class AcceptDialog(ModalScreen[Acceptance | None]):
    """Accept a proposal: a person's name (theirs from the mail, editable), or the opportunity
    an interview is a round of."""

    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", tooltip="Keep it for later", id="review-accept-cancel"
        ),
        Binding("ctrl+s", "accept", "Accept", tooltip="Add it", id="review-accept-save"),
    ]

    def __init__(self, proposal: ProposalView) -> None:
        super().__init__()
        self.proposal = proposal
        """What is being accepted."""

    def compose(self) -> ComposeResult:
        proposal = self.proposal
        at = f" at {proposal.company}" if proposal.company else ""
        with Vertical(id="review-accept-dialog", classes="dialog"):
            if proposal.invitation is None:
                yield Label(
                    shown(f"Add {proposal.address}{at} as a contact"), classes="dialog-title"
                )
                yield Label("Name", classes="form-label-left")
                yield Input(proposal.name, placeholder="Their name", id="review-name", compact=True)
                hint = "Enter adds them · Esc cancels"
            else:
                title = proposal.invitation.summary or "this interview"
                starts = proposal.invitation.starts_at
                when = f" ({short_local(starts)})" if starts else ""
                yield Label(shown(f"Add {title}{when}{at}"), classes="dialog-title")
                yield Label("Which opportunity is it a round of?", classes="form-label-left")
                yield OpportunitySelect(proposal.opportunity_id, id="review-opportunity")
                hint = "Ctrl+S adds it · Enter opens the list · Esc cancels"
            yield Static("", id="review-error", classes="form-error", markup=False)
            yield Static(hint, classes="dialog-hint")

    def on_mount(self) -> None:
        if self.proposal.invitation is None:
            name = self.query_one("#review-name", Input)
            if self.app.is_headless:
                name.cursor_blink = False
            name.focus()
        else:
            self.query_one(OpportunitySelect).focus()

    @on(Input.Submitted, "#review-name")
    def submit_name(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        error = self.query_one("#review-error", Static)
        if self.proposal.invitation is None:
            name = self.query_one("#review-name", Input).value.strip()
            if not name:
                error.update("Type their name.")
                return
            self.dismiss(Acceptance(name=name))
            return
        chosen = self.query_one(OpportunitySelect).value
        if not isinstance(chosen, int):
            error.update("No open opportunity to add it to: add one first (o on Interviews).")
            return
        self.dismiss(Acceptance(opportunity_id=chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewScreen(Screen[None]):
    """The people and interviews mail proposes, to accept, skip or always ignore."""

    DEFAULT_CSS = """
    ReviewScreen #review-intro { padding: 0 1; color: $text-muted; }
    ReviewScreen #review-detail { height: auto; min-height: 3; padding: 0 1; }
    #review-accept-dialog { width: 64; height: auto; }
    #review-accept-dialog Select { width: 100%; }
    """

    BINDINGS = [Binding("escape", "close", "Back", tooltip="Back", id="review-close")]

    @dataclass
    class Loaded(Message):
        """The pending proposals arrived."""

        proposals: list[ProposalView]
        now: datetime

    @dataclass
    class Answered(Message):
        """A proposal was answered (or couldn't be): what to tell the user."""

        text: str
        failed: bool = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(INTRO, id="review-intro", markup=False)
        yield ProposalList(id="review-list")
        yield Static(id="review-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Review"
        listing = self.query_one(ProposalList)
        listing.empty_text = EMPTY_TEXT
        listing.focus()
        self.load()

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def load(self) -> None:
        """Read the pending proposals."""
        proposals = review.list_proposals()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(proposals, app_now(self)))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        listing = self.query_one(ProposalList)
        listing.set_rows(proposal_rows(message.proposals, message.now))
        listing.refresh_bindings()
        self.show_detail()
        listing.focus()  # a reload must not leave the keys without a target

    @on(RowList.Highlighted, "#review-list")
    def show_detail(self) -> None:
        proposal = self.query_one(ProposalList).proposal
        self.query_one("#review-detail", Static).update(render_proposal(proposal))

    @on(ProposalList.Answered)
    def answer(self, message: ProposalList.Answered) -> None:
        message.stop()
        proposal = message.proposal
        if message.answer == "accept":
            self.app.push_screen(AcceptDialog(proposal), partial(self._accept, proposal))
        else:
            self.write(proposal, message.answer, None)

    def _accept(self, proposal: ProposalView, acceptance: Acceptance | None) -> None:
        if acceptance is not None:
            self.write(proposal, "accept", acceptance)

    @work(thread=True, group="review-write", exit_on_error=False)
    def write(self, proposal: ProposalView, answer: str, acceptance: Acceptance | None) -> None:
        """Save the answer, then reload the list."""
        who = proposal.name or proposal.address
        if proposal.invitation is not None:
            who = proposal.invitation.summary or "the interview"
        try:
            if answer == "skip":
                review.skip(proposal.id)
                text = f"Skipped {who}: back only with newer mail."
            elif answer == "ignore":
                review.ignore(proposal.id)
                text = f"Ignored {who}: never proposed again."
            else:
                assert acceptance is not None
                text = review.accept(
                    proposal.id,
                    name=acceptance.name,
                    opportunity_id=acceptance.opportunity_id,
                    now=app_now(self),
                ).text
        except InvalidInput as error:  # a ReviewError, or a read-only database
            self.post_message(self.Answered(str(error), failed=True))
        else:
            self.post_message(self.Answered(text))

    @on(Answered)
    def tell(self, message: Answered) -> None:
        self.notify(
            message.text, severity="error" if message.failed else "information", markup=False
        )
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
