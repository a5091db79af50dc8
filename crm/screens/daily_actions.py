"""The daily loop's writes from the main screen: log, done, snooze, interviews, stages.

Each action opens its form, then saves in a thread worker and announces the change, so the
panes reload what they derive from it.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen

from crm.domain.playbook import log_lines, planned_lines, stage_change_lines, warning_line
from crm.domain.types import LogDraft, Stage
from crm.domain.validation import InvalidInput
from crm.messages import (
    DataChanged,
    FollowUpDoneRequested,
    GoToContact,
    LogRequested,
    SnoozeRequested,
)
from crm.services import contacts, conversations, followups, opportunities
from crm.widgets.cells import app_now, short_local
from crm.widgets.row_keys import contact_of
from crm.widgets.row_list import RowList
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.screens.interview_form import InterviewDraft
    from crm.screens.opportunity_form import OpportunityDraft

USER_ERRORS = (
    InvalidInput,
    LookupError,
)


class DailyLoopActions(Screen[None]):
    """A screen from which the user logs conversations and moves follow-ups along."""

    @on(FollowUpDoneRequested)
    def mark_follow_up_done(self, message: FollowUpDoneRequested) -> None:
        message.stop()
        self.complete_follow_up(message.follow_up_id)

    @on(SnoozeRequested)
    def snooze(self, message: SnoozeRequested) -> None:
        message.stop()
        self.ask_snooze(message.follow_up_id, message.title)

    def _fail(self, error: Exception) -> None:
        self.app.call_from_thread(
            partial(self.app.notify, str(error), severity="error", markup=False)
        )

    def _changed(self, note: str) -> None:
        # Notes quote names and summaries: never read them as markup.
        self.app.call_from_thread(partial(self.app.notify, note, markup=False))
        self.post_message(DataChanged())

    def _warn(self, warning: str) -> None:
        """Say a rule was bent, then and there (it stays on screen longer than a note)."""
        self.app.call_from_thread(
            partial(self.app.notify, warning, severity="warning", timeout=12, markup=False)
        )

    # --- logging a conversation ------------------------------------------------------------

    @work(thread=True, group="open-log-form", exclusive=True, exit_on_error=False)
    def open_log_form(self, contact_id: int | None, opportunity_id: int | None) -> None:
        """Look up the contact's name, then show the log form prefilled with it."""
        from crm.screens.log_form import LogForm

        contact = None
        if contact_id is not None:
            try:
                contact = (contact_id, contacts.get_contact(contact_id).name)
            except contacts.ContactNotFound:
                contact = None
        form = LogForm(contact, opportunity_id=opportunity_id)
        self.app.call_from_thread(self.app.push_screen, form, self.save_log)

    @work(thread=True, group="save", exit_on_error=False)
    def save_log(self, draft: LogDraft | None) -> None:
        """Save a logged conversation and say what it did."""
        if draft is None:
            return
        try:
            result = conversations.log_conversation(
                draft,
                now=app_now(self),
                tz=user_zone(),
            )
        except USER_ERRORS as error:
            self._fail(error)
            return
        for warning in result.warnings:
            self._warn(warning_line(warning, surface="app"))
        self._changed("\n".join(log_lines(result, tz=user_zone())))

    # --- follow-ups ------------------------------------------------------------------------

    @work(thread=True, group="save", exit_on_error=False)
    def complete_follow_up(self, follow_up_id: int) -> None:
        """Mark a follow-up done."""
        try:
            planned = followups.complete(follow_up_id, now=app_now(self))
        except USER_ERRORS as error:
            self._fail(error)
            return
        self._changed("\n".join(["Done.", *planned_lines(tuple(planned), tz=user_zone())]))

    def ask_snooze(self, follow_up_id: int, title: str) -> None:
        """Ask until when, then snooze."""
        from crm.screens.snooze import SnoozeDialog

        self.app.push_screen(SnoozeDialog(title), partial(self.snooze_follow_up, follow_up_id))

    @work(thread=True, group="save", exit_on_error=False)
    def snooze_follow_up(self, follow_up_id: int, until: datetime | None) -> None:
        """Snooze a follow-up until a chosen moment."""
        if until is None:
            return
        try:
            followups.snooze(follow_up_id, until, now=app_now(self))
        except USER_ERRORS as error:
            self._fail(error)
            return
        self._changed(f"Snoozed until {short_local(until)}.")

    # --- opportunities and interviews ------------------------------------------------------

    def ask_new_opportunity(self) -> None:
        """Show the opportunity form."""
        from crm.screens.opportunity_form import OpportunityForm

        self.app.push_screen(OpportunityForm(), self.save_opportunity)

    @work(thread=True, group="save", exit_on_error=False)
    def save_opportunity(self, draft: OpportunityDraft | None) -> None:
        """Save a new opportunity."""
        if draft is None:
            return
        try:
            opportunities.add_opportunity(
                draft.company,
                draft.role,
                referrer_ids=draft.referrer_ids,
                pulled_strings_ids=draft.pulled_strings_ids,
                quiet=draft.quiet,
                stage=draft.stage,
                now=app_now(self),
            )
        except USER_ERRORS as error:
            self._fail(error)
            return
        self._changed(f"Added {draft.role} at {draft.company}.")

    def ask_new_interview(self, opportunity_id: int | None) -> None:
        """Show the interview form."""
        from crm.screens.interview_form import InterviewForm

        self.app.push_screen(InterviewForm(opportunity_id), self.save_interview)

    @work(thread=True, group="save", exit_on_error=False)
    def save_interview(self, draft: InterviewDraft | None) -> None:
        """Save a new interview round (and the opportunity's referrer, if newly given)."""
        if draft is None:
            return
        try:
            if draft.referrer_id is not None:
                opportunities.add_helper(draft.opportunity_id, draft.referrer_id)
            opportunities.add_interview(
                draft.opportunity_id,
                draft.starts_at,
                interviewer_ids=list(draft.interviewer_ids),
                minutes=draft.minutes,
                kind=draft.kind,
                now=app_now(self),
            )
        except USER_ERRORS as error:
            self._fail(error)
            return
        self._changed(f"Interview on {short_local(draft.starts_at)} added.")

    @work(thread=True, group="save", exit_on_error=False)
    def finish_interview(self, interview_id: int) -> None:
        """Mark an interview done, which plans the thank-yous."""
        try:
            created = opportunities.mark_interview_done(
                interview_id,
                now=app_now(self),
            )
        except USER_ERRORS as error:
            self._fail(error)
            return
        self._changed(f"Interview done: {len(created)} thank-you follow-up(s) planned.")

    def ask_stage(self, opportunity_id: int, current: Stage, title: str) -> None:
        """Let the user pick a stage for an opportunity."""
        from crm.screens.opportunity_form import StagePicker

        self.app.push_screen(
            StagePicker(current, title), partial(self.change_stage, opportunity_id)
        )

    @work(thread=True, group="save", exit_on_error=False)
    def change_stage(self, opportunity_id: int, stage: Stage | None) -> None:
        """Move an opportunity to ``stage``."""
        if stage is None:
            return
        try:
            change = opportunities.set_stage(opportunity_id, stage, now=app_now(self))
        except USER_ERRORS as error:
            self._fail(error)
            return
        self._changed(" ".join(stage_change_lines(change, tz=user_zone())))


class OverlayScreen(DailyLoopActions):
    """A full screen opened over the main one: Esc closes it, Enter on a row goes to that
    person on the main screen, and `l` logs a conversation with them."""

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
        self.open_log_form(message.contact_id, message.opportunity_id)
