"""The app's import dialog takes LinkedIn's messages.csv where it takes Connections.csv."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import Input, RadioButton, Static

from crm.db.models import Interaction
from crm.domain.types import ContactDraft
from crm.services import contacts
from crm.services.tx import reading
from tests.services.test_linkedin_messages import ANN, D, export, me, row
from tests.tui.helpers import build_app, plain_text, settle
from tests.tui.test_imports import open_import


async def test_the_linkedin_kind_imports_a_messages_csv(
    db_path: Path, tmp_path: Path, now: datetime
) -> None:
    ann = contacts.create_contact(ContactDraft(name="Ann Lee", linkedin_url=ANN), now=now - 30 * D)
    path = export(
        tmp_path / "messages.csv",
        [row(("Ann Lee", ANN), [me()], "[b]Привет[/b], Anna", at=now - D)],
    )
    app = build_app(db_path, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_import(pilot, app, "import linkedin")
        assert app.screen.query_one("#source-linkedin", RadioButton).value
        app.screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        summary = plain_text(app.screen.query_one("#import-summary", Static))
        assert summary == "Logged 1 conversation from 1 message.", summary
    with reading():
        rows = [(i.contact_id, i.channel, i.summary) for i in Interaction.select()]
    assert rows == [(ann, "linkedin", "[b]Привет[/b], Anna")]
