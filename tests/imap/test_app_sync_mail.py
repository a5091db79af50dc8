"""The app's "Sync now" fetches the new mail of the [imap] folders too (as `crm sync`
does), even with no [sync] server, and says how it went."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.app import make_app
from crm.clock import fixed_clock
from crm.config import ImapSettings, MailSettings, Settings
from crm.db.models import Interaction
from crm.domain.types import ContactDraft
from crm.services.contacts import create_contact
from crm.services.tx import reading
from tests.imap_server import DovecotServer
from tests.services.test_mail_import import ME, NOW, D, message
from tests.tui.helpers import settle


def settings(server: DovecotServer, password_env: str = "CRM_TEST_IMAP") -> Settings:
    imap = ImapSettings(
        host=server.host,
        port=server.port,
        username=server.username,
        password_env=password_env,
        folders=("INBOX",),
        tls=False,
    )
    return Settings(mail=MailSettings(me=(ME,)), imap=imap)


async def sync_now(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    for key in "sync now":
        await pilot.press("space" if key == " " else key)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


async def test_sync_now_logs_the_new_mail_and_says_so(
    db_path: Path, imap_server: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_TEST_IMAP", imap_server.password)
    create_contact(ContactDraft(name="Анна Ли", email="ann@initech.example"), now=NOW - 30 * D)
    imap_server.append("INBOX", message("ann@initech.example", ME, "Привет", at=NOW - D).as_bytes())
    app = make_app(db_path, clock=fixed_clock(NOW), settings=settings(imap_server))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sync_now(pilot)
        assert app.sub_title.endswith("· synced just now")
        assert any("Mail: logged 1 conversation from 1 new message." in n for n in notices(app))
        await sync_now(pilot)  # nothing new: nothing logged twice
        assert any("logged 0 conversations from 0 new" in n for n in notices(app))
    with reading():
        assert Interaction.select().count() == 1


async def test_a_mailbox_that_refuses_the_login_is_said_in_the_title_bar(
    db_path: Path, imap_server: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_TEST_IMAP", "wrong")
    app = make_app(db_path, clock=fixed_clock(NOW), settings=settings(imap_server))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sync_now(pilot)
        assert "sync failed:" in app.sub_title and "refused the login" in app.sub_title
