"""The interviews pane: opportunities grouped by stage, each with its interview rounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.worker import get_current_worker

from crm.domain.types import HelperRole, OpportunitySummary, Stage
from crm.messages import LogRequested
from crm.services import opportunities
from crm.widgets.cells import app_now, short_local
from crm.widgets.row_keys import InterviewKey, OpportunityKey, contact_of, opportunity_of
from crm.widgets.row_list import Column, Row, RowList


def opportunity_rows(summaries: list[OpportunitySummary], now: datetime) -> list[Row]:
    """Opportunities under a header per stage, each followed by its interviews."""
    rows: list[Row] = []
    for stage in Stage:
        in_stage = [s for s in summaries if s.stage is stage]
        if not in_stage:
            continue
        rows.append(Row((f"{stage.value.capitalize()} · {len(in_stage)}",), tone="header"))
        for summary in in_stage:
            first_person = next(
                (i.interviewers[0][0] for i in summary.interviews if i.interviewers),
                summary.helpers[0].id if summary.helpers else None,
            )
            notes = []
            referrers = summary.helper_names(HelperRole.REFERRER)
            if referrers:
                notes.append(f"referred by {referrers}")
            pulled = summary.helper_names(HelperRole.PULLED_STRINGS)
            if pulled:
                notes.append(f"strings pulled by {pulled}")
            if summary.quiet:
                notes.append("quiet")
            if stage.is_open:
                pending = summary.pending_follow_ups
                status = f"{pending} to do" if pending else "ring dropped"
            else:
                status = ""
            rows.append(
                Row(
                    (summary.title, "; ".join(notes), status),
                    key=OpportunityKey(summary.id, first_person),
                    tone="" if status != "ring dropped" else "due",
                )
            )
            for interview in summary.interviews:
                names = ", ".join(name for _, name in interview.interviewers)
                done = interview.done_at is not None
                cancelled = interview.cancelled_at is not None and not done
                mark = "✓" if done else ("◷" if interview.starts_at >= now else "!")
                mark = "✗" if cancelled else mark
                when = short_local(interview.starts_at)
                label = f"  {mark} {when}" + (f" {interview.kind}" if interview.kind else "")
                status = (
                    "done"
                    if done
                    else ("upcoming" if interview.starts_at >= now else "mark done: D")
                )
                status = "cancelled" if cancelled else status
                contact = interview.interviewers[0][0] if interview.interviewers else None
                rows.append(
                    Row(
                        (label, names, status),
                        key=InterviewKey(interview.id, summary.id, contact, done or cancelled),
                        tone="done"
                        if done or cancelled
                        else ("" if interview.starts_at >= now else "due"),
                    )
                )
    return rows


class InterviewsPane(RowList):
    """Opportunities by stage with their interviews; add, mark done and move along with keys."""

    COLUMNS = (Column(24, 4), Column(12, 3, optional=True), Column(8, fit=True))

    BINDINGS = [
        Binding("i", "new_interview", "Interview", tooltip="Add an interview", id="interview-new"),
        Binding(
            "D",
            "interview_done",
            "Done",
            tooltip="Mark the interview done (plans thank-yous)",
            id="interview-done",
        ),
        Binding(
            "o",
            "new_opportunity",
            "Opportunity",
            tooltip="Add an opportunity",
            id="opportunity-new",
        ),
        Binding(
            "greater_than_sign,right_square_bracket",
            "stage(1)",
            "Next stage",
            show=False,
            tooltip="Move the opportunity to the next stage",
            id="stage-next",
        ),
        Binding(
            "less_than_sign,left_square_bracket",
            "stage(-1)",
            "Previous stage",
            show=False,
            tooltip="Move the opportunity to the previous stage",
            id="stage-previous",
        ),
        Binding(
            "S", "pick_stage", "Stage", tooltip="Choose the opportunity's stage", id="stage-pick"
        ),
        Binding(
            "e",
            "edit_opportunity",
            "Edit",
            tooltip="Edit the opportunity: role, link, location, salary, CV, notes",
            id="opportunity-edit",
        ),
        Binding("l", "log", "Log", tooltip="Log a conversation", id="interviews-log"),
    ]

    summaries: list[OpportunitySummary] = []
    """The opportunities on show."""

    @dataclass
    class Loaded(Message):
        """Fresh opportunities arrived."""

        summaries: list[OpportunitySummary]
        now: datetime

    @dataclass
    class NewOpportunityRequested(Message):
        """The user asked to add an opportunity."""

    @dataclass
    class NewInterviewRequested(Message):
        """The user asked to add an interview (to this opportunity, if one is highlighted)."""

        opportunity_id: int | None

    @dataclass
    class InterviewDoneRequested(Message):
        """The user marked an interview done."""

        interview_id: int

    @dataclass
    class EditRequested(Message):
        """The user asked to edit an opportunity."""

        summary: OpportunitySummary

    @dataclass
    class StageChangeRequested(Message):
        """Move an opportunity ``step`` stages along, or to ``stage``; None asks which."""

        opportunity_id: int
        step: int = 0
        stage: Stage | None = None

    loaded_once = False
    """Whether opportunities were ever asked for (the tab is hidden at start-up)."""

    def on_mount(self) -> None:
        self.empty_text = "No opportunities yet. Press o to add one, i to add an interview."

    def on_show(self) -> None:
        if not self.loaded_once:
            self.load()

    def load(self) -> None:
        """Reload opportunities and interviews from the database."""
        self.loaded_once = True
        self.load_opportunities(app_now(self))

    @work(thread=True, exclusive=True, group="interviews", exit_on_error=False)
    def load_opportunities(self, now: datetime) -> None:
        """Fetch every opportunity with its interviews."""
        summaries = opportunities.list_opportunities()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(summaries, now))

    @on(Loaded)
    def show_opportunities(self, message: Loaded) -> None:
        message.stop()
        self.summaries = message.summaries
        self.set_rows(opportunity_rows(message.summaries, message.now))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        key = self.highlighted_key
        if action == "interview_done":
            return True if isinstance(key, InterviewKey) and not key.done else None
        if action in ("stage", "pick_stage", "edit_opportunity"):
            return True if opportunity_of(key) is not None else None
        return True

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.refresh_bindings()

    def action_new_interview(self) -> None:
        self.post_message(self.NewInterviewRequested(opportunity_of(self.highlighted_key)))

    def action_new_opportunity(self) -> None:
        self.post_message(self.NewOpportunityRequested())

    def action_interview_done(self) -> None:
        key = self.highlighted_key
        if isinstance(key, InterviewKey) and not key.done:
            self.post_message(self.InterviewDoneRequested(key.interview_id))

    def action_stage(self, step: int) -> None:
        opportunity_id = opportunity_of(self.highlighted_key)
        if opportunity_id is not None:
            self.post_message(self.StageChangeRequested(opportunity_id, step=step))

    def action_pick_stage(self) -> None:
        opportunity_id = opportunity_of(self.highlighted_key)
        if opportunity_id is not None:
            self.post_message(self.StageChangeRequested(opportunity_id))

    def action_edit_opportunity(self) -> None:
        opportunity_id = opportunity_of(self.highlighted_key)
        summary = next((s for s in self.summaries if s.id == opportunity_id), None)
        if summary is not None:
            self.post_message(self.EditRequested(summary))

    def action_log(self) -> None:
        key = self.highlighted_key
        self.post_message(LogRequested(contact_of(key), opportunity_of(key)))
