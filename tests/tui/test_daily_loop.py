"""The daily loop in the app: Today, interviews, timeline, done and snooze, by keyboard."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import TabbedContent

from crm.domain.types import ContactDraft, FollowUpKind
from crm.services import contacts, followups, interviews, opportunities
from crm.widgets.contact_list import ContactList
from crm.widgets.interviews_pane import InterviewsPane
from crm.widgets.row_keys import FollowUpKey, InterviewKey
from crm.widgets.timeline_pane import TimelinePane
from crm.widgets.today_pane import TodayPane
from tests.tui.helpers import build_app, settle


def scenario(now: datetime) -> dict[str, int]:
    """An opportunity with a referrer and a finished (not yet marked) interview of two."""
    ids = {
        name: contacts.create_contact(ContactDraft(name=name, company="Acme"))
        for name in ("Katie Morgan", "Ann Lee", "Bob Stone")
    }
    ids["opportunity"] = opportunities.add_opportunity(
        "Acme", "Staff Engineer", referrer_id=ids["Katie Morgan"], now=now - timedelta(days=10)
    )
    ids["interview"] = interviews.add_interview(
        ids["opportunity"],
        now - timedelta(hours=5),
        interviewer_ids=[ids["Ann Lee"], ids["Bob Stone"]],
        now=now - timedelta(days=9),
    )
    return ids


def move_to(pane: TodayPane | InterviewsPane | TimelinePane, predicate) -> None:  # type: ignore[no-untyped-def]
    """Put the cursor on the first row whose key satisfies ``predicate``."""
    for index, row in enumerate(pane.rows):
        if row.key is not None and predicate(row.key):
            pane.cursor = index
            return
    raise AssertionError("no such row")


async def test_marking_an_interview_done_puts_thank_yous_on_today(
    db_path: Path, now: datetime
) -> None:
    ids = scenario(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        assert today.agenda is not None and not today.agenda.due
        await pilot.press("f3")
        interviews = app.screen.query_one(InterviewsPane)
        assert app.focused is interviews
        move_to(interviews, lambda key: isinstance(key, InterviewKey))
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert today.agenda is not None
        due = {(item.contact, item.kind) for item in today.agenda.due}
        assert due == {
            ("Ann Lee", FollowUpKind.THANK_YOU_EMAIL),
            ("Bob Stone", FollowUpKind.THANK_YOU_EMAIL),
            ("Katie Morgan", FollowUpKind.THANK_REFERRER),
        }
        assert {row.tone for row in today.rows if isinstance(row.key, FollowUpKey)} == {"due"}
    assert ids["interview"]


async def test_overdue_items_are_red_on_today_and_in_the_timeline(
    db_path: Path, now: datetime
) -> None:
    ids = scenario(now - timedelta(days=3))
    interviews.mark_interview_done(ids["interview"], now=now - timedelta(days=3))
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        overdue_rows = [row for row in today.rows if row.tone == "overdue"]
        assert len(overdue_rows) == 3
        assert today.rows[0].cells[0].startswith("Overdue")
        timeline = app.screen.query_one(TimelinePane)
        assert any(row.tone == "overdue" for row in timeline.rows)
        red = today.get_component_rich_style("row-list--overdue").color
        # Under the focused cursor the first overdue row is a red bar; the next is red text
        # (nudged, if the theme needs it, to read on its background).
        assert all(s.style and s.style.bgcolor == red for s in today.render_line(1))
        plain, _ = today.row_styles()
        assert plain["overdue"].color is not None and plain["overdue"].color.triplet is not None
        assert all(s.style == plain["overdue"] for s in today.render_line(2))
        r, g, b = plain["overdue"].color.triplet
        assert r > g and r > b


async def test_d_marks_done_and_s_snoozes(db_path: Path, now: datetime) -> None:
    ids = scenario(now)
    interviews.mark_interview_done(ids["interview"], now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        assert today.agenda is not None and len(today.agenda.due) == 3
        first = today.highlighted_key
        assert isinstance(first, FollowUpKey)
        await pilot.press("d")
        await settle(pilot)
        assert first.follow_up_id not in {item.id for item in today.agenda.due}
        second = today.highlighted_key
        assert isinstance(second, FollowUpKey)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("2")  # three days
        await settle(pilot)
        remaining = {item.id for item in today.agenda.due}
        assert second.follow_up_id not in remaining
        assert len(remaining) == 1
    agenda = followups.agenda(now=now + timedelta(days=3, hours=1))
    assert second.follow_up_id in {item.id for item in agenda.due + agenda.overdue}


async def test_enter_on_today_jumps_to_the_contact(db_path: Path, now: datetime) -> None:
    ids = scenario(now)
    interviews.mark_interview_done(ids["interview"], now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        move_to(
            today, lambda key: isinstance(key, FollowUpKey) and key.contact_id == ids["Bob Stone"]
        )
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "contacts"
        contact_list = app.screen.query_one(ContactList)
        assert contact_list.highlighted is not None
        assert contact_list.highlighted.name == "Bob Stone"


async def test_ring_dropped_shows_on_today(db_path: Path, now: datetime) -> None:
    opportunities.add_opportunity("Globex", "SRE", now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        assert [row.cells[0] for row in today.rows] == ["Rings dropped · 1", "SRE at Globex"]


async def test_stage_keys_move_an_opportunity(db_path: Path, now: datetime) -> None:
    opportunity_id = opportunities.add_opportunity("Globex", "SRE", now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.press("greater_than_sign")
        await settle(pilot)
        pane = app.screen.query_one(InterviewsPane)
        assert [s.stage.value for s in pane.summaries if s.id == opportunity_id] == ["screening"]


async def test_log_a_conversation_entirely_by_keyboard(db_path: Path, now: datetime) -> None:
    from crm.db.models import FollowUp, Interaction
    from crm.services.tx import reading

    ids = scenario(now)
    interviews.mark_interview_done(ids["interview"], now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        move_to(
            today, lambda key: isinstance(key, FollowUpKey) and key.contact_id == ids["Ann Lee"]
        )
        # l on the thank-you row: Thank-you by E-mail, the cursor in Summary; type it, save.
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"Thanks for the interview", "ctrl+s")
        await settle(pilot)
        assert today.agenda is not None
        remaining = {(item.contact, item.kind) for item in today.agenda.due}
        assert ("Ann Lee", FollowUpKind.THANK_YOU_EMAIL) not in remaining
        upcoming = {(item.contact, item.kind) for item in today.agenda.upcoming}
        assert ("Ann Lee", FollowUpKind.HANDWRITTEN_NOTE) in upcoming
    with reading():
        logged = Interaction.get(Interaction.contact == ids["Ann Lee"])
        assert (logged.channel, logged.kind, logged.summary) == (
            "email",
            "thank-you",
            "Thanks for the interview",
        )
        assert logged.opportunity_id == ids["opportunity"]
        next_touch = FollowUp.get((FollowUp.origin == logged.id) & (FollowUp.kind == "check-in"))
        assert next_touch.window_start > now


async def test_palette_runs_verbs_by_name(db_path: Path, now: datetime) -> None:
    from crm.screens.opportunity_form import OpportunityForm

    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"add an opportunity")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OpportunityForm)


async def test_import_linkedin_from_the_palette_and_undo_it(db_path: Path, now: datetime) -> None:
    from textual.widgets import Input, Static

    from crm.screens.import_screen import ImportHistory, ImportScreen
    from tests.tui.helpers import plain_text

    export = Path(__file__).parents[1] / "fixtures" / "linkedin" / "connections_en.csv"
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"import linkedin")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        app.screen.query_one("#import-path", Input).value = str(export)
        await pilot.press("enter")
        await settle(pilot)
        summary = plain_text(app.screen.query_one("#import-summary", Static))
        assert "new" in summary and "Import #1" in summary
        created = contacts.count_contacts()
        assert created > 0
        await pilot.press("u")  # the list has the focus after an import
        await settle(pilot)
        await pilot.press("y")  # undo asks first
        await settle(pilot)
        assert "Undid import #1" in plain_text(app.screen.query_one("#import-summary", Static))
        assert contacts.count_contacts() == 0
        assert isinstance(app.screen.query_one(ImportHistory), ImportHistory)


async def test_d_and_s_work_on_the_contact_screen_too(db_path: Path, now: datetime) -> None:
    from crm.screens.contact_screen import ContactScreen

    ids = scenario(now)
    interviews.mark_interview_done(ids["interview"], now=now)
    agenda = followups.agenda(now=now)

    def thank_you_to(name: str) -> int:
        (found,) = [item.id for item in agenda.due if item.contact_id == ids[name]]
        return found

    done, snoozed = thank_you_to("Ann Lee"), thank_you_to("Bob Stone")
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for name, follow_up, keys in (("Ann Lee", done, ["d"]), ("Bob Stone", snoozed, ["s", "2"])):
            app.push_screen(ContactScreen(ids[name]))
            await settle(pilot)
            timeline = app.screen.query_one(TimelinePane)
            move_to(
                timeline,
                lambda key, wanted=follow_up: (
                    isinstance(key, FollowUpKey) and key.follow_up_id == wanted
                ),
            )
            for key in keys:  # "2": snooze three days
                await pilot.press(key)
                await settle(pilot)
            assert isinstance(app.screen, ContactScreen)
            await pilot.press("escape")
            await settle(pilot)
    after = followups.agenda(now=now)
    assert not {done, snoozed} & {item.id for item in after.overdue + after.due + after.upcoming}
    later = followups.agenda(now=now + timedelta(days=3, hours=1))
    assert snoozed in {item.id for item in later.due + later.overdue}  # back in three days
    assert done not in {item.id for item in later.due + later.overdue}


async def test_the_interviews_pane_shows_every_helper_and_closing_settles_the_process(
    db_path: Path, now: datetime
) -> None:
    from crm.domain.types import HelperRole, Stage
    from crm.widgets.row_keys import OpportunityKey

    ids = scenario(now)
    rita = contacts.create_contact(ContactDraft(name="Rita Ortega", company="Hays"))
    sam = contacts.create_contact(ContactDraft(name="Sam Stone", company="Hooli"))
    opportunities.add_helper(ids["opportunity"], rita, now=now)
    opportunities.add_helper(ids["opportunity"], sam, HelperRole.PULLED_STRINGS, now=now)
    interviews.mark_interview_done(ids["interview"], now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        pane = app.screen.query_one(InterviewsPane)
        [row] = [r for r in pane.rows if isinstance(r.key, OpportunityKey)]
        assert row.cells[1] == "referred by Katie Morgan, Rita Ortega; strings pulled by Sam Stone"
        move_to(pane, lambda key: isinstance(key, OpportunityKey))
        await pilot.press("S")
        await settle(pilot)
        options = app.screen.query_one("#stage-options")
        options.highlighted = list(Stage).index(Stage.REJECTED)
        await pilot.press("enter")
        await settle(pilot)
        [said] = [str(n.message) for n in app._notifications if "now rejected" in str(n.message)]
        assert "Cancelled " in said and "Planned: Tell them how it ended" in said
        assert "Keep in touch: 5 people from this process, every 90 days" in said
        await pilot.press("f1")
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        assert today.agenda is not None
        owed = [
            (item.contact, item.kind)
            for item in (*today.agenda.overdue, *today.agenda.due, *today.agenda.upcoming)
        ]
        assert sorted(owed) == [
            ("Katie Morgan", FollowUpKind.TELL_OUTCOME),
            ("Rita Ortega", FollowUpKind.TELL_OUTCOME),
            ("Sam Stone", FollowUpKind.TELL_OUTCOME),
        ]
    assert contacts.get_contact(ids["Ann Lee"], now=now).keep_in_touch_days == 90


async def test_a_follow_up_planned_late_says_why_in_the_timeline(
    db_path: Path, now: datetime
) -> None:
    ids = scenario(now)
    late = interviews.add_interview(
        ids["opportunity"],
        now - timedelta(days=6),
        interviewer_ids=[ids["Bob Stone"]],
        now=now - timedelta(days=9),
    )
    interviews.mark_interview_done(late, now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f4", "a")
        await settle(pilot)
        timeline = app.screen.query_one(TimelinePane)
        details = {row.cells[-1] for row in timeline.rows if isinstance(row.key, FollowUpKey)}
        assert "planned late: the interview ended 5 days ago" in details


async def test_the_timeline_shows_what_a_close_cancelled(db_path: Path, now: datetime) -> None:
    from crm.domain.types import Stage

    ids = scenario(now)
    interviews.mark_interview_done(ids["interview"], now=now - timedelta(hours=3))
    opportunities.set_stage(ids["opportunity"], Stage.WITHDRAWN, now=now)
    app = build_app(db_path, now)
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        # Today lists Katie's "tell them how it ended"; the timeline follows her.
        await pilot.press("f4")
        await settle(pilot)
        timeline = app.screen.query_one(TimelinePane)
        titles = [row.cells[1] for row in timeline.rows if isinstance(row.key, FollowUpKey)]
        assert titles == [
            "Tell them how it ended",
            "Thank the referrer — cancelled (process closed)",
        ]
