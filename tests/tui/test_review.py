"""The review screen from the keyboard: a accepts (a name, or an interview's opportunity), s
skips, i ignores; reached from the palette and from a mail import's summary."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from crm.app import CrmApp
from crm.db.models import Company, MailProposal
from crm.domain.types import ContactDraft
from crm.services import contacts, opportunities, review
from crm.services.tx import reading, writing
from tests.invite_fixtures import proposed_detail
from tests.tui.helpers import build_app, plain_text, settle

H = timedelta(hours=1)
D = timedelta(days=1)


UID = "abc-123@initech.example"


def seed(now: datetime) -> dict[str, int]:
    """Ann at Initech (in process); four proposals: 山田 太郎 (2 h ago), an interview (5 h),
    Катя Иванова (a day), José Núñez (3 days)."""
    contacts.create_contact(
        ContactDraft(name="Ann Lee", company="Initech", email="ann@initech.example"), now=now
    )
    opp = opportunities.add_opportunity("Initech", "Staff Engineer", now=now - 20 * D)
    invitation = proposed_detail(
        UID,
        "Technical interview [b]round 2[/b]",
        now + 2 * D,
        now + 2 * D + H,
        ("Ann Lee", "ann@initech.example"),
        [("山田 太郎", "taro@initech.example")],
    )
    ids: dict[str, int] = {"opp": opp}
    with writing():
        company = Company.get(Company.name == "Initech").id
        for key, kind, address, name, seen, count, detail in (
            ("taro", "contact", "taro@initech.example", "山田 太郎", now - 2 * H, 1, ""),
            (
                "interview",
                "interview",
                "abc-123@initech.example",
                "Ann Lee",
                now - 5 * H,
                1,
                invitation,
            ),
            ("katya", "contact", "katya@initech.example", "Катя Иванова", now - D, 3, ""),
            ("jose", "contact", "jose@initech.example", "José Núñez", now - 3 * D, 2, ""),
        ):
            ids[key] = MailProposal.insert(
                kind=kind,
                address=address,
                name=name,
                company=company,
                first_seen=seen - 10 * D,
                last_seen=seen,
                messages=count,
                detail=detail,
            ).execute()
    return ids


def states() -> dict[str, str]:
    with reading():
        return {p.address: p.state for p in MailProposal.select()}


async def open_review(pilot: Pilot[None], app: CrmApp) -> None:
    from crm.screens.review_screen import ReviewScreen

    await settle(pilot)
    await pilot.press("ctrl+p", *"review proposed")
    await settle(pilot)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)


def listed(app: CrmApp) -> list[tuple[str, ...]]:
    from crm.screens.review_screen import ProposalList

    return [row.cells[:2] for row in app.screen.query_one(ProposalList).rows]


async def test_accept_skip_and_ignore_from_the_keyboard(db_path: Path, now: datetime) -> None:
    from crm.screens.review_screen import AcceptDialog, ReviewScreen

    seed(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_review(pilot, app)
        assert listed(app) == [
            ("Person", "山田 太郎"),
            ("Interview", "Technical interview [b]round 2[/b]"),
            ("Person", "Катя Иванова"),
            ("Person", "José Núñez"),
        ]
        detail = plain_text(app.screen.query_one("#review-detail", Static))
        assert "山田 太郎 <taro@initech.example> · Initech" in detail

        await pilot.press("a")  # the name from their mail, ready to keep or change
        await settle(pilot)
        assert isinstance(app.screen, AcceptDialog)
        assert app.screen.query_one("#review-name", Input).value == "山田 太郎"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        [taro] = contacts.search_contacts("山田", now=now)
        assert (taro.name, taro.company, taro.email) == (
            "山田 太郎",
            "Initech",
            "taro@initech.example",
        )

        await pilot.press("s")  # the interview, highlighted next: not now
        await settle(pilot)
        await pilot.press("i")  # Катя: never
        await settle(pilot)
        assert listed(app) == [("Person", "José Núñez")]

        await pilot.press("a", "ctrl+u", *"Pepe Núñez", "enter")
        await settle(pilot)
        assert listed(app) == []
        assert "Nothing to review" in app.screen.query_one("#review-list").empty_text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReviewScreen)
    assert states() == {
        "taro@initech.example": "accepted",
        "abc-123@initech.example": "skipped",
        "katya@initech.example": "ignored",
        "jose@initech.example": "accepted",
    }
    assert [c.name for c in contacts.search_contacts("núñez", now=now)] == ["Pepe Núñez"]


async def test_an_interview_asks_for_its_opportunity_and_esc_keeps_it(
    db_path: Path, now: datetime
) -> None:
    from crm.screens.review_screen import AcceptDialog
    from crm.widgets.opportunity_select import OpportunitySelect

    ids = seed(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot, app)
        await pilot.press("down")
        detail = plain_text(app.screen.query_one("#review-detail", Static))
        assert "Technical interview [b]round 2[/b] · Initech" in detail  # never markup
        assert "Zoom" in detail and "With 山田 太郎" in detail
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AcceptDialog)
        assert app.screen.query_one(OpportunitySelect).value == ids["opp"]  # Initech's
        await pilot.press("escape")
        await settle(pilot)
    assert review.pending_count() == 4


async def test_an_empty_name_is_refused_in_the_dialog(db_path: Path, now: datetime) -> None:
    from crm.screens.review_screen import AcceptDialog

    seed(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_review(pilot, app)
        await pilot.press("a", "ctrl+u", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AcceptDialog)
        assert (
            plain_text(app.screen.query_one("#review-error", Static)).strip() == "Type their name."
        )
    assert review.pending_count() == 4


async def test_a_mail_import_offers_the_review(
    db_path: Path, tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm.screens.review_screen import ReviewScreen
    from tests.services.test_mail_import import mbox, message
    from tests.tui.test_imports import open_import

    config = tmp_path / "config.toml"
    config.write_text('[mail]\nme = ["anna@home.example"]\n')
    monkeypatch.setenv("CRM_CONFIG", str(config))
    contacts.create_contact(
        ContactDraft(name="Ann Lee", company="Initech", email="ann@initech.example"), now=now
    )
    opportunities.add_opportunity("Initech", "Staff Engineer", now=now - 20 * D)
    path = mbox(
        tmp_path / "all.mbox",
        [message("Катя <katya@initech.example>", "anna@home.example", "Hi", at=now - D)],
    )
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_import(pilot, app, "import mail")
        app.screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        summary = plain_text(app.screen.query_one("#import-summary", Static))
        assert "1 person to review, not created (Катя at Initech)." in summary
        assert summary.endswith(" 1 waiting for your review: press p."), summary
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert listed(app) == [("Person", "Катя")]


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["wide", "small"])
def test_review_screen_snapshot(  # type: ignore[no-untyped-def]
    snap_compare, db_path: Path, now: datetime, size: tuple[int, int]
) -> None:
    """Cyrillic, CJK and accented names line up; an interview shows its local time."""
    seed(now)

    async def ready(pilot: Pilot[None]) -> None:
        await open_review(pilot, pilot.app)  # type: ignore[arg-type]

    assert snap_compare(build_app(db_path, now), run_before=ready, terminal_size=size)


async def test_an_interview_accepted_with_ctrl_s_becomes_a_round_of_that_opportunity(
    db_path: Path, now: datetime
) -> None:
    from crm.db.models import Contact, Interview, InterviewInterviewer

    ids = seed(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_review(pilot, app)
        await pilot.press("down", "a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ("Interview", "Technical interview [b]round 2[/b]") not in listed(app)
    with reading():
        interview = Interview.get(Interview.invite_uid == UID)
        assert (interview.opportunity_id, interview.starts_at) == (ids["opp"], now + 2 * D)
        names = [
            Contact.get_by_id(link.contact_id).name
            for link in InterviewInterviewer.select().where(
                InterviewInterviewer.interview == interview.id
            )
        ]
        assert MailProposal.get(MailProposal.address == UID).state == "accepted"
    assert names == ["Ann Lee"]  # the organiser, a contact; 山田 太郎 is not one
