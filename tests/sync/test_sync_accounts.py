"""Providers whose contacts live on another host than their calendars (iCloud, Fastmail):
``carddav_url`` points the address book there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dav_servers import RadicaleServer, XandikosServer
from tests.sync.conftest import Synced
from tests.sync.phone import Phone


def test_carddav_url_puts_the_address_book_on_its_own_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm import paths

    calendars = XandikosServer(tmp_path / "calendars").start()
    contacts = RadicaleServer(tmp_path / "contacts").start()
    try:
        # Xandikos takes any password, so Radicale's user and password serve both.
        synced = Synced(
            contacts, tmp_path / "crm.sqlite3", paths.config_path(), capsys, monkeypatch
        )
        synced.configure()
        text = synced.config.read_text().replace(
            f'url = "{contacts.url}"', f'url = "{calendars.url}"'
        )
        synced.config.write_text(text + f'carddav_url = "{contacts.url}"\n')
        synced.ok("demo", "--no-open")
        report = synced.sync()
        assert report["collections"]["cards"]["sent"] > 0
        assert {c.name for c in Phone(calendars).collections()} == {
            "crm follow-ups",
            "crm interviews",
        }
        assert {c.name for c in Phone(contacts).collections()} == {"crm"}
        assert len(Phone(contacts).cards("crm")) == report["collections"]["cards"]["sent"]
        assert synced.sync()["collections"] == {}
    finally:
        calendars.kill()
        contacts.kill()
