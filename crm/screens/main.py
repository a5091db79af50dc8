"""The main screen: Today | Contacts | Interviews on the left, the subject and its timeline on
the right. It owns the wiring between panes: they post messages, it pushes state down."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from crm.domain.text import picture_controls
from crm.domain.types import ContactDetail
from crm.messages import (
    ContactSaved,
    DataChanged,
    DeleteRequested,
    DraftRequested,
    FollowUpDoneRequested,
    GoToContact,
    LogRequested,
    SnoozeRequested,
)
from crm.screens.daily_actions import DailyLoop
from crm.screens.editing import ContactEditor
from crm.screens.main_keys import MAIN_BINDINGS, help_sections
from crm.screens.main_side import CardLoaded, RestOfTimeline, SidePanes
from crm.screens.main_sync import PhoneSync
from crm.screens.main_verbs import MainVerbs
from crm.services import opportunities
from crm.services.watch import ChangeWatch
from crm.widgets.contact_card import ContactCard
from crm.widgets.contact_list import ContactList
from crm.widgets.frame_hold import FrameHold
from crm.widgets.interviews_pane import InterviewsPane
from crm.widgets.key_bar import KeyBar
from crm.widgets.read_only_banner import ReadOnlyBanner
from crm.widgets.row_keys import contact_of
from crm.widgets.row_list import RowList
from crm.widgets.search_box import SearchBox
from crm.widgets.timeline_pane import TimelinePane
from crm.widgets.title_bar import TitleBar
from crm.widgets.today_pane import TodayPane

if TYPE_CHECKING:
    from crm.services.conversation_edits import DeletedConversation
    from crm.services.merging import DeletedContact

TABS: dict[str, type[Widget]] = {
    "today": TodayPane,
    "contacts": ContactList,
    "interviews": InterviewsPane,
}
NARROW_BELOW = 100
"""Terminal columns under which the card and timeline fold away beside the lists."""
WATCH_SECONDS = 1.0
"""How often the app looks for writes by other processes: a second is as quick as a person
would expect a cron job's change to appear, and the look costs microseconds."""


class MainScreen(Screen[None]):
    """Today, contacts and interviews as tabs; the highlighted subject and its timeline beside."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    """Below 100 columns the card and timeline fold away, so the lists keep a readable width."""

    AUTO_FOCUS = "#today-list"
    """Focus starts on Today's list: focusing the tabs first, then moving, restyles them twice."""

    BINDINGS = MAIN_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.side = SidePanes(self)
        """Shows the highlighted contact or opportunity in the card and timeline."""
        self.deleted: list[DeletedContact | DeletedConversation] = []
        """Contacts and conversations deleted this session, newest last: Ctrl+Z brings them
        back."""
        self._watch = ChangeWatch()
        """Notices what other processes write, so the screen never shows stale rows."""
        self.editor = ContactEditor(self)
        """Adds and edits contacts from this screen."""
        self.daily = DailyLoop(self, keep_deleted=self.deleted.append)
        """Logs conversations, moves follow-ups, interviews and opportunities along."""
        self.verbs = MainVerbs(self, self.daily, self.deleted, lambda: self.shown_contact)
        """Opens the other screens and runs the palette's verbs."""
        self.phone_sync: PhoneSync | None = None
        """Syncs with the CalDAV/CardDAV server in [sync], by hand or every few minutes."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield ReadOnlyBanner()
        with Horizontal(id="panes"):
            with TabbedContent(initial="today", id="views"):
                with TabPane("Today", id="today"):
                    yield TodayPane(id="today-list")
                with TabPane("Contacts", id="contacts"):
                    typing = FrameHold(self)
                    yield SearchBox(frame_hold=typing, id="search")
                    yield ContactList(frame_hold=typing, id="contacts-list")
                with TabPane("Interviews", id="interviews"):
                    yield InterviewsPane(id="interviews-list")
            with Vertical(id="side"):
                yield ContactCard(id="contact-card", classes="pane")
                yield TimelinePane(id="timeline", classes="pane")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#contact-card").border_title = "Contact"
        self.query_one(TimelinePane).border_title = "Timeline"
        self.call_after_refresh(self._start_up_over)

    def _start_up_over(self) -> None:
        self.app.first_frame_shown()  # type: ignore[attr-defined]
        self._watch.settle()
        self.set_interval(WATCH_SECONDS, self._look_for_other_writers, name="watch")
        self.phone_sync = PhoneSync(
            self,
            self.app.settings,  # type: ignore[attr-defined]
            self.app.clock,  # type: ignore[attr-defined]
        )
        self.phone_sync.start()

    def _look_for_other_writers(self) -> None:
        """Show what another process wrote (cron's `crm log`, a restore) within a second."""
        if self._watch.changed():
            self.post_message(DataChanged())
            if self.app.screen is not self:
                self.app.screen.post_message(DataChanged())

    def on_unmount(self) -> None:
        self._watch.close()

    @property
    def contact_list(self) -> ContactList:
        return self.query_one(ContactList)

    # --- tabs and focus ----------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.set_focus(self.query_one(TABS[tab]))

    @on(TabbedContent.TabActivated)
    def focus_active_tab(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id or ""
        if tab in TABS and not isinstance(self.focused, Input):
            self.set_focus(self.query_one(TABS[tab]))

    def action_focus_timeline(self) -> None:
        if self.side_folded:
            self.add_class("-side-toggled")
        self.set_focus(self.query_one(TimelinePane))

    @property
    def side_folded(self) -> bool:
        """Whether the card and timeline are out of sight (a narrow terminal, or F5)."""
        return not self.query_one("#side").display

    def action_toggle_side(self) -> None:
        self.toggle_class("-side-toggled")
        if (
            self.side_folded
            and self.focused is not None
            and "side" in {node.id for node in self.focused.ancestors}
        ):
            self.action_show_tab(self.query_one(TabbedContent).active or "today")

    @on(ContactList.SearchRequested)
    def action_focus_search(self) -> None:
        self.query_one(TabbedContent).active = "contacts"
        self.query_one(SearchBox).focus()

    # --- search ------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def filter_contacts(self, event: Input.Changed) -> None:
        event.stop()
        self.contact_list.load(event.value)

    @on(SearchBox.Finished)
    def back_to_list(self) -> None:
        self.set_focus(self.contact_list)

    # --- the subject: card and timeline (SidePanes) -----------------------------------------

    @property
    def shown_contact(self) -> ContactDetail | None:
        """The contact whose details the card shows."""
        return self.side.shown_contact

    @property
    def card_pending(self) -> bool:
        """Whether the card waits for typing to pause before following the list."""
        return self.side.card_pending

    @on(ContactList.Highlighted)
    def show_highlighted_contact(self, message: ContactList.Highlighted) -> None:
        message.stop()
        self.side.follow_contact_list(message.contact_id)

    @on(RowList.Highlighted, "#today-list, #interviews-list")
    def show_highlighted_row(self, message: RowList.Highlighted) -> None:
        message.stop()
        if not message.row_list.has_focus and self.focused is not None:
            return
        self.side.show_subject_of(
            message.key, prefer_opportunity=message.row_list.id == "interviews-list"
        )

    @on(RowList.Highlighted, "#timeline")
    def show_timeline_row_why(self, message: RowList.Highlighted) -> None:
        """A follow-up highlighted on the timeline (where d and s act on it) shows its why."""
        message.stop()
        if message.row_list.has_focus:
            self.query_one(ContactCard).show_why(getattr(message.key, "why", ""))

    def on_descendant_focus(self, event: object) -> None:
        """Focusing a list shows what its highlighted row is about."""
        focused = self.focused
        if isinstance(focused, (TodayPane, InterviewsPane)):
            key = focused.highlighted_key
            if key is not None:
                self.side.show_subject_of(
                    key, prefer_opportunity=isinstance(focused, InterviewsPane)
                )
        elif isinstance(focused, ContactList) and focused.highlighted is not None:
            if self.shown_contact is None or self.shown_contact.id != focused.highlighted.id:
                self.show_contact(focused.highlighted.id)

    def show_contact(self, contact_id: int | None, *, why: str = "") -> None:
        """Show a contact's card and timeline, with the why of the row that led there."""
        self.side.show_contact(contact_id, why=why)

    @on(CardLoaded)
    def show_card(self, message: CardLoaded) -> None:
        self.side.show_card(message)

    @on(RestOfTimeline)
    def show_rest_of_timeline(self, message: RestOfTimeline) -> None:
        self.side.show_rest_of_timeline(message)

    # --- jumping -----------------------------------------------------------------------------

    @on(ContactList.Opened)
    def open_contact(self, message: ContactList.Opened) -> None:
        message.stop()
        # Whatever was logged or edited in there shows here on return.
        from crm.screens.contact_screen import ContactScreen

        screen = ContactScreen(message.contact_id, keep_deleted=self.deleted.append)
        self.app.push_screen(screen, self.verbs.returned)

    @on(RowList.Selected, "#today-list, #timeline")
    def jump_to_row_contact(self, message: RowList.Selected) -> None:
        message.stop()
        contact_id = contact_of(message.key)
        if contact_id and self.side_folded:
            # With no card beside the list, the contact's own screen is where Enter leads.
            self.post_message(ContactList.Opened(contact_id))
        elif contact_id:
            self.post_message(GoToContact(contact_id))

    @on(TimelinePane.ConversationRequested)
    def act_on_conversation(self, message: TimelinePane.ConversationRequested) -> None:
        message.stop()
        self.daily.act_on_conversation(message.interaction_id, message.action)

    @on(RowList.Selected, "#interviews-list")
    def focus_opportunity_timeline(self, message: RowList.Selected) -> None:
        message.stop()
        self.action_focus_timeline()

    @on(GoToContact)
    def go_to_contact(self, message: GoToContact) -> None:
        message.stop()
        self.query_one(TabbedContent).active = "contacts"
        search = self.query_one(SearchBox)
        with search.prevent(Input.Changed):
            search.value = ""
        self.contact_list.load("", focus_contact=message.contact_id)
        self.set_focus(self.contact_list)

    # --- adding and editing contacts ---------------------------------------------------------

    @on(ContactList.NewRequested)
    def action_new_contact(self) -> None:
        self.editor.open_contact_form(None)

    @on(ContactList.EditRequested)
    def edit_contact(self, message: ContactList.EditRequested) -> None:
        message.stop()
        if self.shown_contact is not None and self.shown_contact.id == message.contact_id:
            self.editor.open_contact_form(self.shown_contact)

    @on(ContactSaved)
    def show_saved_contact(self, message: ContactSaved) -> None:
        message.stop()
        verb = "Added" if message.created else "Saved"
        self.notify(f"{verb} {picture_controls(message.name)}.", markup=False)
        if message.created:
            self.query_one(TodayPane).contact_added()
        if message.created and self.contact_list.filter_text:
            with self.query_one(SearchBox).prevent(Input.Changed):
                self.query_one(SearchBox).value = ""
            self.contact_list.load("", focus_contact=message.contact_id)
        else:
            self.contact_list.reload(focus_contact=message.contact_id)
        self.side.load_card(message.contact_id)

    # --- the daily loop ----------------------------------------------------------------------

    def open_log_form(self, contact_id: int | None, opportunity_id: int | None) -> None:
        """Show the log form, prefilled with the contact and opportunity."""
        self.daily.open_log_form(contact_id, opportunity_id)

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

    @on(InterviewsPane.NewOpportunityRequested)
    def new_opportunity(self, message: InterviewsPane.NewOpportunityRequested) -> None:
        message.stop()
        self.daily.ask_new_opportunity()

    @on(InterviewsPane.EditRequested)
    def edit_opportunity(self, message: InterviewsPane.EditRequested) -> None:
        message.stop()
        self.daily.ask_edit_opportunity(message.summary)

    @on(InterviewsPane.NewInterviewRequested)
    def new_interview(self, message: InterviewsPane.NewInterviewRequested) -> None:
        message.stop()
        self.daily.ask_new_interview(message.opportunity_id)

    @on(InterviewsPane.InterviewDoneRequested)
    def interview_done(self, message: InterviewsPane.InterviewDoneRequested) -> None:
        message.stop()
        self.daily.finish_interview(message.interview_id)

    @on(InterviewsPane.StageChangeRequested)
    def change_opportunity_stage(self, message: InterviewsPane.StageChangeRequested) -> None:
        message.stop()
        pane = self.query_one(InterviewsPane)
        summary = next((s for s in pane.summaries if s.id == message.opportunity_id), None)
        if summary is None:
            return
        if message.stage is not None:
            self.daily.change_stage(summary.id, message.stage)
        elif message.step:
            stage = opportunities.next_stage(summary.stage, message.step)
            if stage is not summary.stage:
                self.daily.change_stage(summary.id, stage)
        else:
            self.daily.ask_stage(summary.id, summary.stage, summary.title)

    # --- other screens and palette verbs (MainVerbs) ----------------------------------------

    def action_backchannel(self) -> None:
        self.verbs.open_backchannel()

    def action_references(self) -> None:
        self.verbs.open_references()

    @on(DeleteRequested)
    def confirm_delete(self, message: DeleteRequested) -> None:
        message.stop()
        self.verbs.confirm_delete(message.contact_id, message.name)

    def action_undo_delete(self) -> None:
        self.verbs.undo_delete()

    def action_find_duplicates(self) -> None:
        self.verbs.find_duplicates()

    def action_import_linkedin(self, source: str = "linkedin") -> None:
        self.verbs.open_import(source)

    def action_import_vcard(self) -> None:
        self.verbs.open_import("vcard")

    def action_import_google(self) -> None:
        self.verbs.open_import("google")

    def action_import_mail(self) -> None:
        self.verbs.open_import("mail")

    def action_review_proposals(self) -> None:
        self.verbs.open_review()

    def action_log_highlighted(self) -> None:
        """Log a conversation with whoever the card shows (or nobody yet)."""
        contact_id = self.shown_contact.id if self.shown_contact is not None else None
        self.open_log_form(contact_id, None)

    def action_new_opportunity_from_palette(self) -> None:
        self.daily.ask_new_opportunity()

    def action_new_interview_from_palette(self) -> None:
        self.daily.ask_new_interview(None)

    def action_timeline_everything(self) -> None:
        self.query_one(TimelinePane).action_everything()
        self.set_focus(self.query_one(TimelinePane))

    def action_rebuild_search_index(self) -> None:
        self.verbs.rebuild_index()

    def action_sync_now(self) -> None:
        if self.phone_sync is not None:
            self.phone_sync.run(by_hand=True)

    @on(DataChanged)
    def reload_everything(self, message: DataChanged) -> None:
        message.stop()
        self._watch.settle()  # this reload shows every write so far, the app's own included
        self.query_one(TodayPane).load()
        self.query_one(InterviewsPane).load()
        self.query_one(TimelinePane).load()
        self.contact_list.reload()
        card = self.query_one(ContactCard)
        if self.shown_contact is not None:
            self.side.load_card(self.shown_contact.id)
        elif card.opportunity is not None:
            # Lists no longer re-announce an unchanged row, so refresh the card here.
            self.side.load_opportunity_card(card.opportunity.id)

    # --- help and errors ---------------------------------------------------------------------

    def help_sections(self) -> list[tuple[str, list[Binding]]]:
        """Every key, grouped for the help screen."""
        return help_sections([*self.BINDINGS, *type(self.app).BINDINGS])

    def show_help(self) -> None:
        from crm.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.help_sections()))

    @on(Worker.StateChanged)
    def report_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                f"Something went wrong: {event.worker.error}", severity="error", markup=False
            )
