"""The app's import dialog: every kind of file the CLI imports, its summary, review and undo."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import Input, RadioButton, Static

from crm.domain.types import ContactDraft
from crm.services import contacts
from tests.tui.helpers import build_app, plain_text, settle

CARDS = """BEGIN:VCARD
VERSION:3.0
FN:Кэти Смирнова
ORG:Initech
EMAIL:katie@home.example
TEL:+49 151 23456789
CATEGORIES:chess
NOTE:[bold]Met at the meetup[/bold]
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:José Núñez
ORG:Telefónica
EMAIL:jose@telefonica.example
END:VCARD
"""


async def open_import(pilot, app, command: str) -> None:  # type: ignore[no-untyped-def]
    from crm.screens.import_screen import ImportScreen

    await settle(pilot)
    await pilot.press("ctrl+p", *command)
    await settle(pilot)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ImportScreen)


async def test_a_vcard_import_says_who_was_updated_reviews_look_alikes_and_asks_before_undo(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    from crm.screens.confirm import ConfirmDialog
    from crm.screens.duplicates_screen import DuplicatesScreen

    katie = contacts.create_contact(ContactDraft(name="Кэти Смирнова", company="Initech"), now=now)
    contacts.create_contact(ContactDraft(name="José Núñez", company="Globex"), now=now)
    book = tmp_path / "contacts.vcf"
    book.write_text(CARDS, encoding="utf-8")
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_import(pilot, app, "import vcards")
        assert app.screen.query_one("#source-vcard", RadioButton).value
        app.screen.query_one("#import-path", Input).value = str(book)
        await pilot.press("enter")
        await settle(pilot)
        summary = " ".join(plain_text(app.screen.query_one("#import-summary", Static)).split())
        assert "Import #1: 1 new, 1 updated (Кэти Смирнова: e-mail, phone, note, " in summary
        assert "1 possible duplicates (José Núñez (#3) looks like José Núñez (#2))" in summary
        assert contacts.get_contact(katie).relationship_note == "[bold]Met at the meetup[/bold]"

        await pilot.press("r")  # review the look-alikes: the merge is shown before it is done
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        shown = " ".join(" ".join(plain_text(w) for w in app.screen.query(Static)).split())
        assert "Keeps José Núñez (#2); removes José Núñez (#3)." in shown
        assert "E-mail: jose@telefonica.example (from #3)" in shown
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # undo asks first; n keeps the import
        await pilot.press("n")
        await settle(pilot)
        assert contacts.count_contacts() == 3
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Undid import #1" in plain_text(app.screen.query_one("#import-summary", Static))
    assert contacts.count_contacts() == 2
    assert contacts.get_contact(katie).phone == ""


async def test_google_contacts_are_offered_in_the_same_dialog(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    export = tmp_path / "contacts.csv"
    export.write_text(
        "First Name,Last Name,E-mail 1 - Value,Organization Name\nAnn,Lee,ann@acme.example,Acme\n",
        encoding="utf-8",
    )
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_import(pilot, app, "import linkedin")
        await pilot.press("shift+tab")  # to the kind of file
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        path = app.screen.query_one("#import-path", Input)
        assert path.value.endswith("contacts.csv")  # the default follows the kind picked
        path.value = str(export)
        path.focus()
        await pilot.press("enter")
        await settle(pilot)
        summary = plain_text(app.screen.query_one("#import-summary", Static))
        assert "Import #1: 1 new" in summary, summary
    assert [row.name for row in contacts.search_contacts("lee", now=now)] == ["Ann Lee"]


async def test_mail_is_offered_in_the_same_dialog(
    db_path: Path, tmp_path: Path, now: datetime, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from tests.services.test_mail_import import D, mbox, message

    config = tmp_path / "config.toml"
    config.write_text('[mail]\nme = ["anna@home.example"]\n')
    monkeypatch.setenv("CRM_CONFIG", str(config))
    contacts.create_contact(ContactDraft(name="Ann Lee", email="ann@acme.example"), now=now)
    path = mbox(
        tmp_path / "all.mbox",
        [message("ann@acme.example", "anna@home.example", "[b]Hi[/b]", at=now - D)],
    )
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_import(pilot, app, "import mail")
        assert app.screen.query_one("#source-mail", RadioButton).value
        app.screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        summary = plain_text(app.screen.query_one("#import-summary", Static))
        assert summary == "Logged 1 conversation from 1 message.", summary
        app.screen.query_one("#import-path", Input).focus()  # again: nothing twice
        await pilot.press("enter")
        await settle(pilot)
        summary = plain_text(app.screen.query_one("#import-summary", Static))
        assert summary.startswith("Logged 0 conversations from 0 messages. Read on from where")


async def test_an_invitation_is_offered_in_the_same_dialog(
    db_path: Path, tmp_path: Path, now: datetime, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from crm.services import opportunities
    from tests.invite_fixtures import google_ics

    config = tmp_path / "config.toml"
    config.write_text('[mail]\nme = ["anna@home.example"]\n')
    monkeypatch.setenv("CRM_CONFIG", str(config))
    contacts.create_contact(
        ContactDraft(name="Ann Lee", company="Initech", email="ann.lee@initech.example"), now=now
    )
    opportunities.add_opportunity("Initech", "Staff Engineer", now=now)
    path = tmp_path / "invite.ics"
    start = datetime(2026, 12, 10, 18)
    path.write_text(google_ics("g-1", start, start.replace(hour=19), summary="[b]Round 2[/b]"))
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_import(pilot, app, "import mail")
        await pilot.click("#source-invite")
        await settle(pilot)
        assert app.screen.query_one("#source-invite", RadioButton).value
        hint = plain_text(app.screen.query_one("#import-hint", Static))
        assert hint.startswith("A calendar invitation saved from your mail")
        path_input = app.screen.query_one("#import-path", Input)
        assert path_input.value == "~/Downloads/invite.ics"
        path_input.value = str(path)
        path_input.focus()
        await pilot.press("enter")
        await settle(pilot)
        summary = plain_text(app.screen.query_one("#import-summary", Static))
        assert summary.startswith("Scheduled: “[b]Round 2[/b]” — Staff Engineer at Initech, ")
        path_input.value = str(tmp_path / "missing.ics")
        path_input.focus()
        await pilot.press("enter")
        await settle(pilot)
        summary = plain_text(app.screen.query_one("#import-summary", Static))
        assert summary.endswith("missing.ics doesn't exist."), summary


async def test_the_dialog_keeps_its_closing_hint_in_view_at_80_by_24(
    db_path: Path, now: datetime
) -> None:
    app = build_app(db_path, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, app, "import mail")
        hint = next(
            widget
            for widget in app.screen.query(".dialog-hint").results(Static)
            if "Esc closes" in plain_text(widget)
        )
        region = hint.region
        assert region.height >= 1 and region.bottom <= 24, region
        dialog = app.screen.query_one("#import-dialog")
        assert hint.region in dialog.region  # drawn inside the dialog, not cut off by it
