"""Writing the message in the app: `w` on a follow-up drafts it, with the ring check; `e` hands
it to $EDITOR, `c` copies it, `m` opens the mail app, `s` logs it as sent."""

from __future__ import annotations

import sys
import webbrowser
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from textual.widgets import Input, Static, TextArea

from crm.domain.types import ContactDraft, FollowUpKind
from crm.services import contacts, followups, interviews, opportunities
from crm.services.conversations import timeline
from crm.widgets.row_keys import FollowUpKey
from crm.widgets.today_pane import TodayPane
from tests.tui.helpers import build_app, plain_text, settle


def interviewed(now: datetime) -> dict[str, int]:
    """A finished interview with Анна Петрова at Acme: her thank-you e-mail is due."""
    anna = contacts.create_contact(
        ContactDraft(name="Анна Петрова", company="Acme", email="anna@acme.example")
    )
    opportunity = opportunities.add_opportunity(
        "Acme", "Staff Engineer", now=now - timedelta(days=9)
    )
    interview = interviews.add_interview(
        opportunity, now - timedelta(hours=5), interviewer_ids=[anna], now=now - timedelta(days=8)
    )
    interviews.mark_interview_done(interview, now=now - timedelta(hours=4))
    return {"anna": anna, "opportunity": opportunity}


async def open_draft(pilot, kind: FollowUpKind = FollowUpKind.THANK_YOU_EMAIL):  # type: ignore[no-untyped-def]
    """Highlight the follow-up of ``kind`` on Today and press `w`; the draft screen."""
    from crm.screens.draft_screen import DraftScreen

    await settle(pilot)
    today = pilot.app.screen.query_one(TodayPane)
    for index, row in enumerate(today.rows):
        if isinstance(row.key, FollowUpKey) and row.key.kind is kind:
            today.cursor = index
            break
    else:
        raise AssertionError(f"no {kind} row on Today")
    await pilot.press("w")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DraftScreen)
    return screen


def shown(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return plain_text(screen.query_one(selector, Static))


async def test_w_drafts_the_thank_you_with_the_ring_kept(db_path: Path, now: datetime) -> None:
    interviewed(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_draft(pilot)
        text = screen.query_one("#draft-text", TextArea).text
        assert "Анна" in text and "Acme" in text and text.startswith("Subject: ")
        assert "anna@acme.example" in shown(screen, "#draft-to")
        assert shown(screen, "#draft-verdict").startswith("✓ Keeps the ring")
        await pilot.press("c")
        assert app.clipboard == screen.text == text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, type(screen))
    assert followups.agenda(now=now).due  # closing the preview logs nothing


async def test_s_logs_it_as_sent_and_plans_the_handwritten_note(
    db_path: Path, now: datetime
) -> None:
    ids = interviewed(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_draft(pilot)
        sent = screen.text
        await pilot.press("s")
        await settle(pilot)
    agenda = followups.agenda(now=now + timedelta(days=3))
    pending = {
        (item.contact, item.kind) for item in (*agenda.overdue, *agenda.due, *agenda.upcoming)
    }
    assert ("Анна Петрова", FollowUpKind.THANK_YOU_EMAIL) not in pending
    assert ("Анна Петрова", FollowUpKind.HANDWRITTEN_NOTE) in pending
    entries = timeline(contact_id=ids["anna"], now=now)
    subject = sent.splitlines()[0].removeprefix("Subject: ")
    assert any(subject in entry.detail for entry in entries)


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real program as $EDITOR: it swaps the draft's last line for a closing that gives up
    the ring, as a user typing in their editor might."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "lines = path.read_text(encoding='utf-8').rstrip('\\n').split('\\n')\n"
        "lines.append('Hope to hear from you soon.')\n"
        "path.write_text('\\n'.join(lines) + '\\n', encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    return script


async def test_e_hands_the_draft_to_the_editor_and_checks_what_comes_back(
    db_path: Path, now: datetime, editor: Path
) -> None:
    ids = interviewed(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_draft(pilot)
        before = screen.text
        await pilot.press("e")
        await settle(pilot)
        assert screen.text.startswith(before.rstrip("\n"))
        assert screen.text.rstrip().endswith("Hope to hear from you soon.")
        assert screen.query_one("#draft-text", TextArea).text == screen.text
        # The draft's own closing still owns the next step, so the ring is kept.
        assert shown(screen, "#draft-verdict").startswith("✓ Keeps the ring")
        await pilot.press("s")
        await settle(pilot)
    assert any(
        "Hope to hear from you soon." in e.detail for e in timeline(contact_id=ids["anna"], now=now)
    )


async def test_an_editor_that_fails_leaves_the_draft_as_it_was(
    db_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    interviewed(now)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_draft(pilot)
        before = screen.text
        await pilot.press("e")
        await settle(pilot)
        assert screen.text == before
        assert app.screen is screen


async def test_m_opens_a_mailto_link_in_the_mail_app(
    db_path: Path, now: datetime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interviewed(now)
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(
        f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n",
        encoding="utf-8",
    )
    # webbrowser reads $BROWSER once; start it afresh so it finds this one.
    monkeypatch.setenv("BROWSER", f"{sys.executable} {script} %s")
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_draft(pilot)
        await pilot.press("m")
        await settle(pilot)
        subject, body = screen.parts
    url = urlsplit(opened.read_text())
    assert url.scheme == "mailto" and url.path == "anna@acme.example"
    fields = parse_qs(url.query)
    assert fields["subject"] == [subject]
    assert fields["body"][0].replace("\r\n", "\n").strip() == body.strip()


async def test_the_log_form_says_quietly_whether_the_summary_keeps_the_ring(
    db_path: Path, now: datetime
) -> None:
    interviewed(now)
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        hint = form.query_one("#ring-hint", Static)
        await pilot.press(*"Sent thanks. Let me know")
        await settle(pilot)
        assert plain_text(hint).startswith("Gives up the ring: “Let me know”")
        assert "I'll call you" in plain_text(hint)
        await pilot.press(*". I'll call you on Friday")
        await settle(pilot)
        assert plain_text(hint).startswith("Keeps the ring")
        placeholder = form.query_one("#field-next", Input).placeholder
        assert "your word" in placeholder and "Fri" in placeholder


async def test_a_russian_speaking_contact_gets_a_russian_draft(
    demo_db: Path, now: datetime
) -> None:
    app = build_app(demo_db, now)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        today = app.screen.query_one(TodayPane)
        today.cursor = next(
            index
            for index, row in enumerate(today.rows)
            if isinstance(row.key, FollowUpKey) and row.cells[0].startswith("Кэти")
        )
        await pilot.press("w")
        await settle(pilot)
        text = app.screen.query_one("#draft-text", TextArea).text
        assert "Здравствуйте, Кэти!" in text
        assert shown(app.screen, "#draft-verdict").startswith("✓ Keeps the ring")
