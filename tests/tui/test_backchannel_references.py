"""The back-channel map and the reference list, driven by keys on the demo job search."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import Input, Select, Static, TextArea

from crm.app import CrmApp
from crm.domain.types import AgendaItem, FollowUpKind
from crm.screens.backchannel_screen import BackchannelList, BackchannelScreen, CandidateKey
from crm.screens.main import MainScreen
from crm.screens.reference_form import (
    GiveReferenceForm,
    ReferenceForm,
    ReferenceSheetDialog,
    RemoveReferenceDialog,
)
from crm.screens.references_screen import ReferenceKey, ReferenceList, ReferencesScreen
from crm.services import followups, opportunities, references
from crm.widgets.contact_list import ContactList
from tests.tui.helpers import build_app, plain_text, settle

SIZE = (130, 40)


def interview_of(company: str, now: datetime, *, upcoming: bool) -> int:
    """The first interview at ``company`` that is still ahead (or already past)."""
    for summary in opportunities.list_opportunities():
        if summary.company != company:
            continue
        for interview in summary.interviews:
            if (interview.starts_at > now) == upcoming:
                return interview.id
    raise AssertionError(f"no {'upcoming' if upcoming else 'past'} interview at {company}")


def candidate_names(listing: BackchannelList) -> list[str]:
    return [row.key.name for row in listing.rows if isinstance(row.key, CandidateKey)]


def reference_names(listing: ReferenceList) -> list[str]:
    return [row.key.name for row in listing.rows if isinstance(row.key, ReferenceKey)]


def pending(kind: FollowUpKind, now: datetime) -> list[AgendaItem]:
    agenda = followups.agenda(now=now)
    return [i for i in agenda.overdue + agenda.due + agenda.upcoming if i.kind is kind]


def notes(app: CrmApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def move_to(listing: BackchannelList | ReferenceList, name: str) -> None:
    for index, row in enumerate(listing.rows):
        if row.key is not None and getattr(row.key, "name", None) == name:
            listing.cursor = index
            return
    raise AssertionError(f"{name} is not listed")


# --- the back channel --------------------------------------------------------------------------


async def test_acme_map_ranks_the_referrer_first_and_marks_references(
    demo_db: Path, now: datetime
) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(company="Acme"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BackchannelScreen)
        listing = screen.query_one(BackchannelList)
        assert app.focused is listing
        names = candidate_names(listing)
        assert names[0] == "Katie Morgan"
        assert "Mark Farmingham" in names
        mark = next(
            r
            for r in listing.rows
            if isinstance(r.key, CandidateKey) and r.key.name == "Mark Farmingham"
        )
        assert mark.cells[3] == "reference"
        assert "knows Tom Becker (interviewer)" in mark.cells[1]
        katie = next(
            r
            for r in listing.rows
            if isinstance(r.key, CandidateKey) and r.key.name == "Katie Morgan"
        )
        assert katie.cells[2] == "warm · 11 days ago · 3 touches"
        never = [
            r
            for r in listing.rows
            if isinstance(r.key, CandidateKey) and r.cells[2] == "never in touch"
        ]
        assert never and all(r.tone == "dim" for r in never)
        intro = plain_text(screen.query_one("#backchannel-intro", Static))
        assert "Acme Corp" in intro
        assert "reach them first" in intro
        assert "quiet search" not in intro
        detail = plain_text(screen.query_one("#backchannel-detail", Static))
        assert "Katie Morgan" in detail and "referred you" in detail


async def test_heads_up_and_tell_are_unavailable_on_a_company_map(
    demo_db: Path, now: datetime
) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(company="Acme"))
        await settle(pilot)
        listing = app.screen.query_one(BackchannelList)
        assert listing.candidate is not None
        assert listing.check_action("heads_up", ()) is None
        assert listing.check_action("tell", ()) is None
        assert listing.check_action("log", ()) is True
        await pilot.press("h", "t")
        await settle(pilot)
        assert pending(FollowUpKind.HEADS_UP, now) == []
        assert pending(FollowUpKind.TELL_INTERVIEWED, now) == []


async def test_h_plans_a_heads_up_before_an_upcoming_interview(
    demo_db: Path, now: datetime
) -> None:
    interview_id = interview_of("Acme Corp", now, upcoming=True)
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(interview_id=interview_id))
        await settle(pilot)
        listing = app.screen.query_one(BackchannelList)
        assert listing.candidate is not None and listing.candidate.name == "Katie Morgan"
        assert listing.check_action("heads_up", ()) is True
        await pilot.press("h")
        await settle(pilot)
        heads_ups = pending(FollowUpKind.HEADS_UP, now)
        assert [(i.contact, i.opportunity) for i in heads_ups] == [
            ("Katie Morgan", "Senior Data Engineer at Acme Corp")
        ]
        assert any(n.startswith("Heads-up to Katie Morgan planned") for n in notes(app))
        for _ in range(40):  # under load the list may still be reloading after the plan
            shown = app.screen.query_one(BackchannelList)
            if shown.candidate is not None and shown.check_action("heads_up", ()):
                break
            await pilot.pause(0.05)
        await pilot.press("h")  # a second press doesn't plan a second one
        await settle(pilot)
        assert len(pending(FollowUpKind.HEADS_UP, now)) == 1
        assert any("already planned" in n for n in notes(app))
        # Held rounds are touches, so a warm interviewer may rank between them: find Mark.
        for _ in range(10):
            if listing.candidate is not None and listing.candidate.name == "Mark Farmingham":
                break
            await pilot.press("down")
        await pilot.press("t")
        await settle(pilot)
        told = pending(FollowUpKind.TELL_INTERVIEWED, now)
        assert [i.contact for i in told] == ["Mark Farmingham"]


async def test_heads_up_is_greyed_out_after_the_interview(demo_db: Path, now: datetime) -> None:
    interview_id = interview_of("Acme Corp", now, upcoming=False)
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(interview_id=interview_id))
        await settle(pilot)
        listing = app.screen.query_one(BackchannelList)
        assert listing.check_action("heads_up", ()) is None
        assert listing.check_action("tell", ()) is True
        await pilot.press("h")
        await settle(pilot)
        assert pending(FollowUpKind.HEADS_UP, now) == []


async def test_quiet_interview_map_lists_only_interviewers(demo_db: Path, now: datetime) -> None:
    interview_id = interview_of("Северсталь Софт", now, upcoming=True)
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(interview_id=interview_id))
        await settle(pilot)
        screen = app.screen
        listing = screen.query_one(BackchannelList)
        assert sorted(candidate_names(listing)) == sorted(["Дмитрий Орлов", "Анна Кузнецова"])
        assert "quiet search: only your interviewers" in plain_text(
            screen.query_one("#backchannel-intro", Static)
        )


async def test_strained_rapport_is_red_with_its_warning(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(company="Globex"))
        await settle(pilot)
        listing = app.screen.query_one(BackchannelList)
        index = next(
            i
            for i, r in enumerate(listing.rows)
            if isinstance(r.key, CandidateKey) and r.key.name == "Marcus Webb"
        )
        assert listing.rows[index].tone == "overdue"
        warning = listing.rows[index + 1]
        assert warning.key is None and warning.tone == "overdue"
        assert "strained" in warning.cells[0]
        move_to(listing, "Marcus Webb")
        await pilot.pause()
        assert "strained" in plain_text(app.screen.query_one("#backchannel-detail", Static))


async def test_unknown_company_says_so_and_a_typed_one_loads(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(company="Nonesuch"))
        await settle(pilot)
        screen = app.screen
        assert "No company matches" in plain_text(screen.query_one("#backchannel-intro", Static))
        field = screen.query_one("#backchannel-company", Input)
        assert app.focused is field
        field.value = "acme"
        await pilot.press("enter")
        await settle(pilot)
        assert candidate_names(screen.query_one(BackchannelList))[0] == "Katie Morgan"
        assert app.focused is screen.query_one(BackchannelList)


async def test_enter_goes_to_the_contact_and_escape_closes(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(company="Acme"))
        await settle(pilot)
        katie_id = app.screen.query_one(BackchannelList).candidate.contact_id  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        contact_list = app.screen.query_one(ContactList)
        assert contact_list.highlighted is not None and contact_list.highlighted.id == katie_id
        await app.push_screen(BackchannelScreen(company="Acme"))
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_l_opens_the_log_form_for_the_candidate(demo_db: Path, now: datetime) -> None:
    from crm.screens.log_form import LogForm

    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(company="Acme"))
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)


# --- references --------------------------------------------------------------------------------


async def test_references_screen_lists_mark_with_details(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        screen = app.screen
        listing = screen.query_one(ReferenceList)
        assert app.focused is listing
        assert reference_names(listing) == ["Lena Hoffmann", "Mark Farmingham"]
        mark = next(
            r
            for r in listing.rows
            if isinstance(r.key, ReferenceKey) and r.key.name == "Mark Farmingham"
        )
        assert mark.cells == (
            "Mark Farmingham",
            "My direct supervisor for three years",
            "briefed 3 weeks ago",
            "given to Acme Corp",
        )
        move_to(listing, "Mark Farmingham")
        await pilot.pause()
        detail = plain_text(screen.query_one("#reference-detail", Static))
        assert "Can speak to how I grew in a fast-paced environment" in detail
        assert "mark.farmingham@umbrella-health.example" in detail


async def test_empty_reference_list_says_how_to_add_one(db_path: Path, now: datetime) -> None:
    app = build_app(db_path, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        listing = app.screen.query_one(ReferenceList)
        assert listing.rows == []
        assert listing.empty_text.startswith("No references yet — press a to add one")
        assert listing.check_action("give", ()) is None
        assert listing.check_action("add", ()) is True


async def test_a_adds_a_reference_through_the_form(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferenceForm)
        form.query_one("#field-contact", Input).value = "Katie Morg"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferencesScreen)
        listing = app.screen.query_one(ReferenceList)
        assert "Katie Morgan" in reference_names(listing)
        katie = next(v for v in references.list_references(now=now) if v.name == "Katie Morgan")
        assert katie.relationship == "" and katie.last_briefed_at is None


async def test_reference_form_fields_and_unknown_contact(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferenceForm)
        form.query_one("#field-contact", Input).value = "Nobody Atall"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Contact:" in plain_text(form.query_one("#form-error", Static))
        form.query_one("#field-contact", Input).value = "Daniel Okafor"
        form.query_one("#field-relationship", Input).value = "Hiring manager   at Acme"
        form.query_one("#field-talking-points", Input).value = "Can speak to my system design"
        form.query_one("#field-talking-points", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        daniel = next(v for v in references.list_references(now=now) if v.name == "Daniel Okafor")
        assert daniel.relationship == "Hiring manager at Acme"
        assert daniel.talking_points == "Can speak to my system design"


async def test_e_edits_a_reference(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        move_to(app.screen.query_one(ReferenceList), "Mark Farmingham")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferenceForm)
        assert (
            form.query_one("#field-relationship", Input).value
            == "My direct supervisor for three years"
        )
        form.query_one(
            "#field-talking-points", Input
        ).value = "Can speak to leading the payments migration"
        await pilot.press("ctrl+s")
        await settle(pilot)
        mark = next(v for v in references.list_references(now=now) if v.name == "Mark Farmingham")
        assert mark.talking_points == "Can speak to leading the payments migration"
        assert mark.relationship == "My direct supervisor for three years"


async def test_capital_b_marks_briefed_now(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        listing = app.screen.query_one(ReferenceList)
        assert listing.reference is not None and listing.reference.name == "Lena Hoffmann"
        await pilot.press("B")
        await settle(pilot)
        lena = next(v for v in references.list_references(now=now) if v.name == "Lena Hoffmann")
        assert lena.last_briefed_at == now
        row = next(
            r
            for r in listing.rows
            if isinstance(r.key, ReferenceKey) and r.key.name == "Lena Hoffmann"
        )
        assert row.cells[2] == "briefed today"


async def test_g_gives_a_reference_and_plans_the_briefing(demo_db: Path, now: datetime) -> None:
    acme = next(s.id for s in opportunities.list_opportunities() if s.company == "Acme Corp")
    assert [
        i for i in pending(FollowUpKind.BRIEF_REFERENCE, now) if i.contact == "Lena Hoffmann"
    ] == []
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        move_to(app.screen.query_one(ReferenceList), "Lena Hoffmann")
        await pilot.press("g")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GiveReferenceForm)
        form.query_one("#field-opportunity", Select).value = acme
        call = form.query_one("#field-call", Input)
        call.value = "in 3 days"
        call.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferencesScreen)
        briefs = [
            i for i in pending(FollowUpKind.BRIEF_REFERENCE, now) if i.contact == "Lena Hoffmann"
        ]
        assert len(briefs) == 1
        assert briefs[0].opportunity_id == acme
        assert briefs[0].window_end == now + timedelta(days=3)
        row = next(
            r
            for r in app.screen.query_one(ReferenceList).rows
            if isinstance(r.key, ReferenceKey) and r.key.name == "Lena Hoffmann"
        )
        assert row.cells[3] == "given to Acme Corp"


async def test_give_form_refuses_a_bad_date(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GiveReferenceForm)
        form.query_one("#field-call", Input).value = "someday soon"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert plain_text(form.query_one("#form-error", Static)).startswith("Expected call:")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReferencesScreen)


async def test_x_shows_the_sheet_and_c_copies_it(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReferenceSheetDialog)
        sheet = dialog.query_one(TextArea)
        assert sheet.read_only
        assert "**Mark Farmingham** — Director of Engineering, Umbrella Health" in sheet.text
        await pilot.press("c")
        await pilot.pause()
        assert "Mark Farmingham" in app.clipboard
        assert app.screen is dialog  # c copies; it doesn't type or close
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReferencesScreen)


async def test_d_removes_a_reference_after_confirming(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        listing = app.screen.query_one(ReferenceList)
        assert listing.reference is not None and listing.reference.name == "Lena Hoffmann"
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, RemoveReferenceDialog)
        await pilot.press("n")
        await settle(pilot)
        assert reference_names(listing) == ["Lena Hoffmann", "Mark Farmingham"]
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert reference_names(listing) == ["Mark Farmingham"]
        assert [v.name for v in references.list_references(now=now)] == ["Mark Farmingham"]


# --- issue 13: briefing settles, strained references, bonus points, tell them --------------------


def today_briefs(app: CrmApp) -> list[str]:
    from crm.widgets.today_pane import TodayPane

    main = app.screen_stack[0]
    agenda = main.query_one(TodayPane).agenda
    assert agenda is not None
    items = agenda.overdue + agenda.due + agenda.upcoming
    return [i.contact for i in items if i.kind is FollowUpKind.BRIEF_REFERENCE]


async def test_capital_b_settles_the_brief_and_today_follows(demo_db: Path, now: datetime) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert today_briefs(app) == ["Mark Farmingham"]
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        move_to(app.screen.query_one(ReferenceList), "Mark Farmingham")
        await pilot.press("B")
        await settle(pilot)
        assert (
            "Briefed Mark Farmingham; settled: Brief your reference for Senior Data Engineer"
            " at Acme Corp." in notes(app)
        )
        assert pending(FollowUpKind.BRIEF_REFERENCE, now) == []
        assert today_briefs(app) == []  # the Today list under the overlay reloaded already


def add_strained_reference(now: datetime) -> None:
    from crm.services.conversations import resolve_contact

    marcus = resolve_contact("Marcus Webb")
    references.save_reference(marcus, relationship="Old manager", talking_points="", now=now)


async def test_a_strained_reference_is_warned_about_in_the_list_and_before_giving(
    demo_db: Path, now: datetime
) -> None:
    add_strained_reference(now)
    warning = (
        "You left things strained with Marcus Webb: brief them first or choose another reference."
    )
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        listing = app.screen.query_one(ReferenceList)
        index = next(
            i
            for i, r in enumerate(listing.rows)
            if isinstance(r.key, ReferenceKey) and r.key.name == "Marcus Webb"
        )
        assert listing.rows[index].tone == "overdue"
        assert listing.rows[index + 1].cells[0].strip() == f"⚠ {warning}"
        move_to(listing, "Marcus Webb")
        await pilot.pause()
        assert warning in plain_text(app.screen.query_one("#reference-detail", Static))
        await pilot.press("g")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GiveReferenceForm)
        assert warning in plain_text(form.query_one("#give-warning", Static))
        await pilot.press("escape")
        await settle(pilot)


async def test_bonus_points_are_shown_for_the_employer_whose_interviewer_they_know(
    demo_db: Path, now: datetime
) -> None:
    acme = next(s.id for s in opportunities.list_opportunities() if s.company == "Acme Corp")
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferencesScreen())
        await settle(pilot)
        listing = app.screen.query_one(ReferenceList)
        move_to(listing, "Mark Farmingham")
        await pilot.pause()
        detail = plain_text(app.screen.query_one("#reference-detail", Static))
        assert "★ Acme Corp: Mention that you both know Tom Becker (interviewer)" in detail
        move_to(listing, "Lena Hoffmann")
        await pilot.press("g")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GiveReferenceForm)
        assert plain_text(form.query_one("#give-warning", Static)).strip() == ""
        form.query_one("#field-opportunity", Select).value = acme
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any(
            n.startswith("Lena Hoffmann given for Senior Data Engineer at Acme Corp")
            and n.endswith("Bonus points: Mention that you both know Priya Raman (interviewer).")
            for n in notes(app)
        ), notes(app)


async def test_tell_is_not_offered_for_an_interviewer_of_the_process(
    demo_db: Path, now: datetime
) -> None:
    interview_id = interview_of("Acme Corp", now, upcoming=False)
    app = build_app(demo_db, now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(BackchannelScreen(interview_id=interview_id))
        await settle(pilot)
        listing = app.screen.query_one(BackchannelList)
        move_to(listing, "Tom Becker")  # he interviews in a later round of this process
        await pilot.pause()
        assert listing.check_action("tell", ()) is None
        await pilot.press("t")
        await settle(pilot)
        assert pending(FollowUpKind.TELL_INTERVIEWED, now) == []
