"""The daily loop's writes from a screen: log, done, snooze, interviews, stages.

A screen owns a `DailyLoop` and hands it the requests: it opens the form, then saves in a
thread worker on that screen and announces the change, so the panes reload what they derive
from it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on
from textual.screen import Screen

from crm.domain.log_defaults import LogDefaults
from crm.domain.playbook import log_lines, planned_lines, stage_change_lines, warning_line
from crm.domain.types import LogDraft, LogResult, OpportunitySummary, Stage
from crm.domain.validation import InvalidInput
from crm.messages import (
    DataChanged,
    DraftRequested,
    FollowUpDoneRequested,
    GoToContact,
    LogRequested,
    SnoozeRequested,
)
from crm.services import (
    contacts,
    conversation_edits,
    conversations,
    followups,
    interviews,
    opportunities,
)
from crm.widgets.cells import app_now, short_local
from crm.widgets.row_keys import contact_of
from crm.widgets.row_list import RowList
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.domain.conversations import ConversationChange, ConversationView
    from crm.screens.conversation_screen import ConversationChoice
    from crm.screens.interview_form import InterviewDraft
    from crm.screens.opportunity_form import OpportunityDraft

USER_ERRORS = (
    InvalidInput,
    LookupError,
)

ResultT = TypeVar("ResultT")


class DailyLoop:
    """The writes of the daily loop, run in thread workers of the screen that owns this."""

    def __init__(
        self,
        screen: Screen[Any],
        *,
        also_changed: Callable[[], None] | None = None,
        keep_deleted: Callable[[conversation_edits.DeletedConversation], None] | None = None,
    ) -> None:
        self.screen = screen
        """The screen whose workers write, and which is told when something changed."""
        self.also_changed = also_changed
        """Tells other screens of a change too (from the worker), if they show what it changes."""
        self.keep_deleted = keep_deleted
        """Keeps a deleted conversation where Ctrl+Z finds it (from the worker that deleted)."""

    # --- running a write and saying what it did ----------------------------------------------

    def write(
        self,
        save: Callable[[], ResultT],
        said: Callable[[ResultT], str],
        then: Callable[[ResultT], None] | None = None,
    ) -> None:
        """Run ``save`` in a thread worker, then say what it did (``said``), reload and run
        ``then``, or say why it couldn't."""
        self.screen.run_worker(
            partial(self._write, save, said, then),
            thread=True,
            group="save",
            exit_on_error=False,
        )

    def _write(
        self,
        save: Callable[[], ResultT],
        said: Callable[[ResultT], str],
        then: Callable[[ResultT], None] | None,
    ) -> None:
        try:
            result = save()
        except USER_ERRORS as error:
            self.fail(error)
            return
        self.changed(said(result))
        if then is not None:
            then(result)

    def fail(self, error: Exception) -> None:
        """Say why a write didn't happen (from a worker)."""
        app = self.screen.app
        app.call_from_thread(partial(app.notify, str(error), severity="error", markup=False))

    def changed(self, note: str) -> None:
        """Say what a write did and reload what shows it (from a worker)."""
        # Notes quote names and summaries: never read them as markup.
        app = self.screen.app
        app.call_from_thread(partial(app.notify, note, markup=False))
        self.screen.post_message(DataChanged())
        if self.also_changed is not None:
            self.also_changed()

    def warn(self, warning: str) -> None:
        """Say a rule was bent, then and there (it stays on screen longer than a note)."""
        app = self.screen.app
        app.call_from_thread(
            partial(app.notify, warning, severity="warning", timeout=12, markup=False)
        )

    def _now(self) -> datetime:
        return app_now(self.screen)

    # --- logging a conversation ------------------------------------------------------------

    def open_log_form(
        self,
        contact_id: int | None,
        opportunity_id: int | None,
        defaults: LogDefaults | None = None,
    ) -> None:
        """Look up the contact's name, then show the log form prefilled with it (and with the
        kind and channel the row asks for)."""
        self.screen.run_worker(
            partial(self._open_log_form, contact_id, opportunity_id, defaults),
            thread=True,
            group="open-log-form",
            exclusive=True,
            exit_on_error=False,
        )

    def _open_log_form(
        self, contact_id: int | None, opportunity_id: int | None, defaults: LogDefaults | None
    ) -> None:
        from crm.screens.log_form import LogForm

        contact = None
        if contact_id is not None:
            try:
                contact = (contact_id, contacts.get_contact(contact_id).name)
            except contacts.ContactNotFound:
                contact = None
        form = LogForm(contact, opportunity_id=opportunity_id, defaults=defaults)
        self.screen.app.call_from_thread(self.screen.app.push_screen, form, self._log_closed)

    def _log_closed(self, draft: LogDraft | None) -> None:
        if draft is not None:
            self.write(
                lambda: conversations.log_conversation(draft, now=self._now(), tz=user_zone()),
                self._logged,
            )

    def _logged(self, result: LogResult) -> str:
        for warning in result.warnings:
            self.warn(warning_line(warning, surface="app"))
        return "\n".join(log_lines(result, tz=user_zone()))

    # --- writing the message a follow-up asks for -----------------------------------------

    def open_draft(self, follow_up_id: int) -> None:
        """Draft the follow-up's message, then show it with the ring check; what the user
        marks as sent is logged as that follow-up's conversation."""
        self.screen.run_worker(
            partial(self._open_draft, follow_up_id),
            thread=True,
            group="open-draft",
            exclusive=True,
            exit_on_error=False,
        )

    def _open_draft(self, follow_up_id: int) -> None:
        from crm.screens.draft_screen import DraftScreen
        from crm.services.drafts import DraftError, draft_for

        now, tz = self._now(), user_zone()
        try:
            draft = draft_for(follow_up_id, now=now, tz=tz)
        except (DraftError, *USER_ERRORS) as error:
            self.fail(error)
            return
        screen = DraftScreen(draft, now=now, tz=tz)
        self.screen.app.call_from_thread(
            self.screen.app.push_screen, screen, partial(self._draft_closed, follow_up_id)
        )

    def _draft_closed(self, follow_up_id: int, sent: str | None) -> None:
        from crm.services.drafts import log_sent

        if sent is not None:
            self.write(
                lambda: log_sent(follow_up_id, sent, now=self._now(), tz=user_zone()),
                self._logged,
            )

    # --- a logged conversation: open, correct, delete -------------------------------------

    def act_on_conversation(self, conversation_id: int, action: ConversationChoice | str) -> None:
        """Read the conversation, then open it ("open"), correct it ("edit") or ask before
        deleting it ("delete")."""
        self.screen.run_worker(
            partial(self._read_conversation, conversation_id, action),
            thread=True,
            group="open-conversation",
            exclusive=True,
            exit_on_error=False,
        )

    def _read_conversation(self, conversation_id: int, action: str) -> None:
        try:
            view = conversation_edits.get_conversation(conversation_id)
        except conversation_edits.ConversationNotFound as error:
            self.fail(error)
            return
        self.screen.app.call_from_thread(self._act_on, view, action)

    def _act_on(self, view: ConversationView, action: str) -> None:
        from crm.screens.confirm import ConfirmDialog
        from crm.screens.conversation_screen import ConversationScreen
        from crm.screens.log_form import LogForm

        app = self.screen.app
        if action == "edit":
            app.push_screen(LogForm(editing=view), partial(self._correction_closed, view))
        elif action == "delete":
            dialog = ConfirmDialog(
                f"Delete conversation #{view.id} with {view.contact}?",
                "What it settled comes back to do, and what it planned is cancelled."
                + (
                    " Ctrl+Z on the main screen brings it back until you quit."
                    if self.keep_deleted is not None
                    else ""
                ),
                yes="Delete",
            )
            app.push_screen(dialog, partial(self._delete_if_confirmed, view))
        else:
            app.push_screen(ConversationScreen(view), partial(self._conversation_closed, view))

    def _conversation_closed(
        self, view: ConversationView, choice: ConversationChoice | None
    ) -> None:
        if choice is not None:
            self._act_on(view, choice)

    def _correction_closed(self, view: ConversationView, draft: LogDraft | None) -> None:
        from crm.domain.conversations import ConversationEdit

        if draft is None:
            return
        edit = ConversationEdit(
            occurred_at=draft.occurred_at,
            channel=draft.channel,
            kind=draft.kind,
            direction=draft.direction,
            summary=draft.summary,
            opportunity_id=draft.opportunity_id,
            change_opportunity=True,
        )
        self.write(
            lambda: conversation_edits.edit_conversation(view.id, edit, now=self._now()),
            self._corrected,
        )

    def _corrected(self, change: ConversationChange) -> str:
        from crm.domain.conversations import change_lines

        return "\n".join(change_lines(change, tz=user_zone()))

    def _delete_if_confirmed(self, view: ConversationView, confirmed: bool | None) -> None:
        if confirmed:
            self.write(
                lambda: conversation_edits.delete_conversation(view.id, now=self._now()),
                self._conversation_deleted,
            )

    def _conversation_deleted(self, deleted: conversation_edits.DeletedConversation) -> str:
        from crm.domain.conversations import change_lines

        assert deleted.change is not None
        lines = change_lines(deleted.change, tz=user_zone(), deleted=True)
        if self.keep_deleted is not None:
            self.keep_deleted(deleted)
            lines.append("Ctrl+Z on the main screen brings it back.")
        return "\n".join(lines)

    def restore_conversation(self, deleted: conversation_edits.DeletedConversation) -> None:
        """Undo a conversation's delete."""
        self.write(
            partial(conversation_edits.restore_conversation, deleted),
            lambda view: f"Conversation #{view.id} with {view.contact} is back.",
        )

    # --- follow-ups ------------------------------------------------------------------------

    def complete_follow_up(self, follow_up_id: int) -> None:
        """Mark a follow-up done."""
        self.write(
            lambda: followups.complete(follow_up_id, now=self._now()),
            lambda planned: "\n".join(["Done.", *planned_lines(tuple(planned), tz=user_zone())]),
        )

    def ask_snooze(self, follow_up_id: int, title: str) -> None:
        """Ask until when, then snooze."""
        from crm.screens.snooze import SnoozeDialog

        self.screen.app.push_screen(SnoozeDialog(title), partial(self._snooze_closed, follow_up_id))

    def _snooze_closed(self, follow_up_id: int, until: datetime | None) -> None:
        if until is not None:
            self.write(
                lambda: followups.snooze(follow_up_id, until, now=self._now()),
                lambda _: f"Snoozed until {short_local(until)}.",
            )

    # --- opportunities and interviews ------------------------------------------------------

    def ask_new_opportunity(self) -> None:
        """Show the opportunity form."""
        from crm.screens.opportunity_form import OpportunityForm

        self.screen.app.push_screen(OpportunityForm(), self._opportunity_closed)

    def ask_edit_opportunity(self, summary: OpportunitySummary) -> None:
        """Show the opportunity form filled with ``summary``."""
        from crm.screens.opportunity_form import OpportunityForm

        self.screen.app.push_screen(OpportunityForm(existing=summary), self._opportunity_closed)

    def _opportunity_closed(self, draft: OpportunityDraft | None) -> None:
        if draft is None:
            return
        opportunity_id = draft.opportunity_id
        if opportunity_id is not None:
            self.write(
                lambda: opportunities.edit_opportunity(
                    opportunity_id,
                    company=draft.company,
                    role=draft.role,
                    quiet=draft.quiet,
                    details=draft.details,
                    now=self._now(),
                ),
                lambda title: f"Saved {title}.",
            )
            return
        self.write(
            lambda: opportunities.add_opportunity(
                draft.company,
                draft.role,
                referrer_ids=draft.referrer_ids,
                pulled_strings_ids=draft.pulled_strings_ids,
                quiet=draft.quiet,
                stage=draft.stage,
                details=draft.details,
                now=self._now(),
            ),
            lambda _: f"Added {draft.role} at {draft.company}.",
        )

    def ask_new_interview(self, opportunity_id: int | None) -> None:
        """Show the interview form."""
        from crm.screens.interview_form import InterviewForm

        self.screen.app.push_screen(InterviewForm(opportunity_id), self._interview_closed)

    def _interview_closed(self, draft: InterviewDraft | None) -> None:
        if draft is not None:
            self.write(
                partial(self._add_interview, draft),
                lambda _: f"Interview on {short_local(draft.starts_at)} added.",
            )

    def _add_interview(self, draft: InterviewDraft) -> int:
        """Save a new interview round (and the opportunity's referrer, if newly given)."""
        if draft.referrer_id is not None:
            opportunities.add_helper(draft.opportunity_id, draft.referrer_id)
        return interviews.add_interview(
            draft.opportunity_id,
            draft.starts_at,
            interviewer_ids=list(draft.interviewer_ids),
            minutes=draft.minutes,
            kind=draft.kind,
            now=self._now(),
        )

    def finish_interview(self, interview_id: int) -> None:
        """Mark an interview done, which plans the thank-yous."""
        self.write(
            lambda: interviews.mark_interview_done(interview_id, now=self._now()),
            lambda created: f"Interview done: {len(created)} thank-you follow-up(s) planned.",
        )

    def ask_stage(self, opportunity_id: int, current: Stage, title: str) -> None:
        """Let the user pick a stage for an opportunity."""
        from crm.screens.opportunity_form import StagePicker

        self.screen.app.push_screen(
            StagePicker(current, title), partial(self._stage_picked, opportunity_id)
        )

    def _stage_picked(self, opportunity_id: int, stage: Stage | None) -> None:
        if stage is not None:
            self.change_stage(opportunity_id, stage)

    def change_stage(self, opportunity_id: int, stage: Stage) -> None:
        """Move an opportunity to ``stage``."""
        self.write(
            lambda: opportunities.set_stage(opportunity_id, stage, now=self._now()),
            lambda change: " ".join(stage_change_lines(change, tz=user_zone())),
        )


class OverlayScreen(Screen[None]):
    """A full screen opened over the main one: Esc closes it, Enter on a row goes to that
    person on the main screen, `l` logs a conversation with them, and `d` and `s` move a
    follow-up along."""

    def __init__(self) -> None:
        super().__init__()
        self.daily = DailyLoop(self)
        """Logs conversations and moves follow-ups along from this screen."""

    def action_close(self) -> None:
        self.dismiss(None)

    @on(RowList.Selected)
    def go_to_row_contact(self, message: RowList.Selected) -> None:
        message.stop()
        contact_id = contact_of(message.key)
        if contact_id:
            self.dismiss(None)
            self.app.post_message(GoToContact(contact_id))

    @on(LogRequested)
    def log_conversation(self, message: LogRequested) -> None:
        message.stop()
        self.daily.open_log_form(message.contact_id, message.opportunity_id, message.defaults)

    @on(FollowUpDoneRequested)
    def mark_follow_up_done(self, message: FollowUpDoneRequested) -> None:
        message.stop()
        self.daily.complete_follow_up(message.follow_up_id)

    @on(DraftRequested)
    def write_message(self, message: DraftRequested) -> None:
        message.stop()
        self.daily.open_draft(message.follow_up_id)

    @on(SnoozeRequested)
    def snooze(self, message: SnoozeRequested) -> None:
        message.stop()
        self.daily.ask_snooze(message.follow_up_id, message.title)
