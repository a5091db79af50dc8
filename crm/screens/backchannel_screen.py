"""The back channel: who an employer may call about the user, ranked, to reach them first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from crm.domain.backchannel import RankedCandidate, Tier, Warmth, heads_up_window
from crm.domain.log_defaults import BACK_CHANNEL
from crm.domain.text import picture_controls
from crm.domain.types import FollowUpKind
from crm.messages import DataChanged, LogRequested
from crm.screens.daily_actions import OverlayScreen
from crm.services import backchannel
from crm.services.backchannel import BackchannelMap, PlannedNote
from crm.widgets.cells import app_now, short_local, shown_text
from crm.widgets.key_bar import KeyBar
from crm.widgets.row_list import Column, Row, RowList

EXPLANATION = "People an employer may call about you — reach them first."
QUIET_NOTE = "quiet search: only your interviewers"

TIER_TITLES = {
    Tier.BACK_CHANNEL: "Back channel: referred you or knows an interviewer",
    Tier.COLLEAGUE: "Colleagues at the company",
    Tier.INTERVIEWER: "Your interviewers",
}

PLANNED_WHAT = {
    FollowUpKind.HEADS_UP: "Heads-up",
    FollowUpKind.TELL_INTERVIEWED: "“I just interviewed” note",
}


@dataclass(frozen=True)
class CandidateKey:
    """A candidate row: the contact it stands for."""

    contact_id: int
    name: str


def warmth_text(candidate: RankedCandidate) -> str:
    """ "warm · 12 days ago · 3 touches", or "never in touch"."""
    if candidate.warmth is Warmth.NEVER or candidate.days_since_touch is None:
        return "never in touch"
    days = candidate.days_since_touch
    when = "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"
    touches = f"{candidate.touches} touch" + ("" if candidate.touches == 1 else "es")
    return f"{candidate.warmth.value} · {when} · {touches}"


def candidate_rows(candidates: tuple[RankedCandidate, ...]) -> list[Row]:
    """Candidates under a header per tier; a strained rapport gets a red row and its warning."""
    rows: list[Row] = []
    for tier in Tier:
        in_tier = [c for c in candidates if c.tier is tier]
        if not in_tier:
            continue
        rows.append(Row((f"{TIER_TITLES[tier]} · {len(in_tier)}",), tone="header"))
        for candidate in in_tier:
            tone = (
                "overdue"
                if candidate.warning
                else "dim"
                if candidate.warmth is Warmth.NEVER
                else ""
            )
            cells = (
                candidate.name,
                "; ".join(candidate.reasons),
                warmth_text(candidate),
                "reference" if candidate.is_reference else "",
                candidate.rapport,
            )
            rows.append(
                Row(cells, key=CandidateKey(candidate.contact_id, candidate.name), tone=tone)
            )
            if candidate.warning:
                rows.append(Row((f"    ⚠ {candidate.warning}",), tone="overdue"))
    return rows


def render_candidate(candidate: RankedCandidate | None, keys: str) -> Group | Text:
    """The highlighted candidate in full: why, how warm, the warning, and what the keys do."""
    if candidate is None:
        return Text("Nobody highlighted.", style="dim")
    lines = [
        Text(candidate.name, style="bold"),
        Text(" · ".join(candidate.reasons) or "no known link"),
    ]
    facts = [warmth_text(candidate)]
    if candidate.rapport:
        facts.append(f"rapport: {candidate.rapport}")
    if candidate.is_reference:
        facts.append("one of your references")
    lines.append(Text(" · ".join(facts), style="dim" if candidate.warmth is Warmth.NEVER else ""))
    if candidate.warning:
        lines.append(Text(f"⚠ {candidate.warning}", style="bold red"))
    lines.append(Text(keys, style="dim"))
    return Group(*map(shown_text, lines))


class BackchannelList(RowList):
    """The ranked people around a company or interview; h, t and l act on the highlighted one."""

    COLUMNS = (
        Column(18, 2),
        Column(20, 4),
        Column(30, 0, optional=True),
        Column(9, 0, optional=True),
        Column(8, 0, optional=True),
    )

    BINDINGS = [
        Binding(
            "h",
            "heads_up",
            "Heads-up",
            tooltip="Plan a heads-up to them before the round",
            id="backchannel-heads-up",
        ),
        Binding(
            "t",
            "tell",
            "Tell them",
            tooltip="Plan telling them you just interviewed",
            id="backchannel-tell",
        ),
        Binding("l", "log", "Log", tooltip="Log a conversation with them", id="backchannel-log"),
        # Where h or t don't apply, the same key says why instead of doing nothing.
        Binding("h", "explain('heads_up')", show=False, id="backchannel-heads-up-why"),
        Binding("t", "explain('tell')", show=False, id="backchannel-tell-why"),
    ]

    backchannel_map: BackchannelMap | None = None
    """The map on show."""

    @dataclass
    class HeadsUpRequested(Message):
        """The user asked for a heads-up to this candidate before the interview."""

        contact_id: int
        name: str

    @dataclass
    class TellRequested(Message):
        """The user asked to tell this candidate they just interviewed."""

        contact_id: int
        name: str

    def show_map(self, backchannel_map: BackchannelMap) -> None:
        """Show a freshly loaded map, keeping the cursor on the same person."""
        self.backchannel_map = backchannel_map
        self.empty_text = (
            "Quiet search, and no interviewers recorded yet."
            if backchannel_map.quiet
            else "Nobody around this yet. Add the interviewers and record whom they know."
        )
        self.set_rows(candidate_rows(backchannel_map.candidates))
        self.refresh_bindings()

    @property
    def candidate(self) -> CandidateKey | None:
        """The highlighted candidate, if any."""
        key = self.highlighted_key
        return key if isinstance(key, CandidateKey) else None

    def heads_up_refusal(self) -> str | None:
        """Why a heads-up doesn't fit here, or None: it needs an interview map with the round
        still ahead and not too close."""
        shown = self.backchannel_map
        if shown is None or shown.interview_id is None:
            return (
                "A heads-up goes before an interview round: open the back channel from an "
                "interview (b on the Interviews tab)."
            )
        if shown.interview_cancelled:
            return "That round was cancelled: there is nothing to give a heads-up about."
        if shown.interview_done:
            return "That round is over: a heads-up goes before a round (t tells them you did it)."
        if shown.interview_starts_at is None:
            return "The round has no date yet: a heads-up is planned before it."
        if heads_up_window(shown.interview_starts_at, app_now(self)) is None:
            return (
                "Too close to the round: a heads-up now would reach them after the employer "
                "might have."
            )
        return None

    def can_plan_heads_up(self) -> bool:
        """A heads-up fits: an interview map, the round still ahead and not too close."""
        return self.heads_up_refusal() is None

    def tell_refusal(self) -> str | None:
        """Why telling doesn't fit here, or None: it needs an interview map, and someone around
        the process, not an interviewer of any of its rounds (they get thank-yous)."""
        shown, key = self.backchannel_map, self.candidate
        if shown is None or shown.interview_id is None:
            return (
                "Telling them you interviewed goes with an interview: open the back channel "
                "from an interview (b on the Interviews tab)."
            )
        if shown.interview_cancelled:
            return "That round was cancelled: there is nothing to tell anyone about it."
        if key is None:
            return "Highlight someone to tell."
        candidate = next((c for c in shown.candidates if c.contact_id == key.contact_id), None)
        if candidate is None:
            return "Highlight someone to tell."
        if candidate.tier is Tier.INTERVIEWER:
            return (
                f"{picture_controls(candidate.name)} interviews you in this process: they get "
                "a thank-you, not a tell."
            )
        return None

    def can_tell(self) -> bool:
        """Telling fits: an interview map, and someone around the process, not an interviewer."""
        return self.tell_refusal() is None

    def action_explain(self, action: str) -> None:
        """Say, in one line, why h or t does nothing here."""
        if self.candidate is None:
            problem = "Highlight someone first."
        elif action == "heads_up":
            problem = self.heads_up_refusal() or ""
        else:
            problem = self.tell_refusal() or ""
        if problem:
            self.notify(problem, severity="warning", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "heads_up":
            return True if self.candidate is not None and self.can_plan_heads_up() else None
        if action == "tell":
            return True if self.can_tell() else None
        if action == "log":
            return True if self.candidate is not None else None
        return True

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.refresh_bindings()

    def action_heads_up(self) -> None:
        candidate = self.candidate
        if candidate is not None and self.can_plan_heads_up():
            self.post_message(self.HeadsUpRequested(candidate.contact_id, candidate.name))

    def action_tell(self) -> None:
        candidate = self.candidate
        if candidate is not None and self.can_tell():
            self.post_message(self.TellRequested(candidate.contact_id, candidate.name))

    def action_log(self) -> None:
        candidate = self.candidate
        if candidate is not None:
            opportunity_id = self.backchannel_map.opportunity_id if self.backchannel_map else None
            self.post_message(LogRequested(candidate.contact_id, opportunity_id, BACK_CHANNEL))


class BackchannelScreen(OverlayScreen):
    """Who could speak about the user at a company or around one interview, best first."""

    BINDINGS = [
        Binding(
            "escape", "close", "Back", tooltip="Close the back channel", id="backchannel-close"
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The map arrived, or the reason there is none."""

        backchannel_map: BackchannelMap | None
        problem: str = ""

    def __init__(self, *, company: str | None = None, interview_id: int | None = None) -> None:
        super().__init__()
        self.company = company
        """The company to map (any prefix of its name), when no interview is given."""
        self.interview_id = interview_id
        """The interview to map; takes precedence over ``company``."""
        self.backchannel_map: BackchannelMap | None = None
        """The map on show, once loaded."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="backchannel-body"):
            yield Input(
                placeholder="Company name, then Enter", id="backchannel-company", compact=True
            )
            yield Static(id="backchannel-intro")
            with Vertical(id="backchannel-list-pane", classes="pane"):
                yield BackchannelList(id="backchannel-list")
            yield Static(id="backchannel-detail", classes="pane")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Back channel"
        self.query_one("#backchannel-list-pane").border_title = "Who may be called"
        self.query_one("#backchannel-detail").border_title = "Details"
        company_field = self.query_one("#backchannel-company", Input)
        if self.app.is_headless:
            company_field.cursor_blink = False
        intro = self.query_one("#backchannel-intro", Static)
        if self.interview_id is None and not (self.company or "").strip():
            intro.update(Text(EXPLANATION, style="dim"))
            self.set_focus(company_field)
            return
        company_field.display = False
        intro.update(Text(EXPLANATION, style="dim"))
        self.load()

    # --- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)load the map for the interview or company."""
        self.query_one(BackchannelList).loading = True
        self.load_map(self.interview_id, self.company, app_now(self))

    @work(thread=True, exclusive=True, group="backchannel", exit_on_error=False)
    def load_map(self, interview_id: int | None, company: str | None, now: datetime) -> None:
        """Rank the people around the interview or company."""
        try:
            if interview_id is not None:
                found = backchannel.for_interview(interview_id, now=now)
            else:
                found = backchannel.for_company(company or "", now=now)
        except backchannel.NothingToMap as error:
            if not get_current_worker().is_cancelled:
                self.post_message(self.Loaded(None, str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(found))

    @on(Loaded)
    def show_map(self, message: Loaded) -> None:
        message.stop()
        listing = self.query_one(BackchannelList)
        listing.loading = False
        intro = self.query_one("#backchannel-intro", Static)
        found = message.backchannel_map
        self.backchannel_map = found
        if found is None:
            intro.update(
                Group(
                    shown_text(Text(message.problem, style="bold red")),
                    Text(EXPLANATION, style="dim"),
                )
            )
            listing.set_rows([])
            company_field = self.query_one("#backchannel-company", Input)
            company_field.display = True
            self.set_focus(company_field)
            return
        lines = [Text(found.title, style="bold")]
        if found.quiet:
            lines.append(Text(QUIET_NOTE, style="bold yellow"))
        lines.append(Text(EXPLANATION, style="dim"))
        intro.update(Group(*map(shown_text, lines)))
        self.sub_title = f"Back channel · {picture_controls(found.title)}"
        listing.show_map(found)
        self.show_detail()
        self.set_focus(listing)

    @on(Input.Submitted, "#backchannel-company")
    def map_typed_company(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        self.company = text
        self.interview_id = None
        self.load()

    # --- the detail pane ---------------------------------------------------------------------

    def _candidate(self, contact_id: int | None) -> RankedCandidate | None:
        if self.backchannel_map is None or contact_id is None:
            return None
        return next(
            (c for c in self.backchannel_map.candidates if c.contact_id == contact_id), None
        )

    def show_detail(self) -> None:
        """Show the highlighted candidate in full."""
        listing = self.query_one(BackchannelList)
        key = listing.candidate
        keys = ["l log a conversation", "Enter open the contact"]
        if listing.can_plan_heads_up():
            keys.insert(0, "h heads-up before the round")
        if listing.can_tell():
            keys.insert(1 if listing.can_plan_heads_up() else 0, "t tell them you interviewed")
        candidate = self._candidate(key.contact_id if key else None)
        self.query_one("#backchannel-detail", Static).update(
            render_candidate(candidate, " · ".join(keys))
        )

    @on(RowList.Highlighted, "#backchannel-list")
    def follow_highlight(self, message: RowList.Highlighted) -> None:
        message.stop()
        self.show_detail()

    # --- actions -----------------------------------------------------------------------------

    @on(BackchannelList.HeadsUpRequested)
    def heads_up(self, message: BackchannelList.HeadsUpRequested) -> None:
        message.stop()
        if self.backchannel_map is not None and self.backchannel_map.interview_id is not None:
            self.plan(FollowUpKind.HEADS_UP, message.contact_id, message.name, self.backchannel_map)

    @on(BackchannelList.TellRequested)
    def tell_interviewed(self, message: BackchannelList.TellRequested) -> None:
        message.stop()
        if self.backchannel_map is not None and self.backchannel_map.interview_id is not None:
            self.plan(
                FollowUpKind.TELL_INTERVIEWED,
                message.contact_id,
                message.name,
                self.backchannel_map,
            )

    def plan(self, kind: FollowUpKind, contact_id: int, name: str, shown: BackchannelMap) -> None:
        """Plan a heads-up or an "I just interviewed" note, unless one is already pending."""
        interview_id = shown.interview_id
        assert interview_id is not None
        what = PLANNED_WHAT[kind]

        def due(note: PlannedNote) -> str:
            return f", due by {short_local(note.due)}." if note.due else "."

        self.daily.write(
            lambda: backchannel.plan_note(kind, contact_id, interview_id, now=app_now(self)),
            lambda note: (
                f"{what} to {name} {'planned' if note.planned else 'is already planned'}{due(note)}"
            ),
        )

    @on(DataChanged)
    def reload(self, message: DataChanged) -> None:
        message.stop()
        if self.interview_id is not None or self.company:
            self.load()

    @on(Worker.StateChanged)
    def report_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.query_one(BackchannelList).loading = False
            self.notify(
                f"Something went wrong: {event.worker.error}", severity="error", markup=False
            )
