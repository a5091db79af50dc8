"""The hand-written no-change check (crm/services/sync/quick.py) against the caldav library
on the same servers: it says "nothing new" exactly when caldav's sync-token REPORT does."""

from __future__ import annotations

import caldav
import pytest

from crm.config import load_settings
from crm.db.database import close_database, open_database
from crm.services.sync import quick
from crm.services.sync.state import collection
from crm.services.tx import reading
from tests.dav_servers import DavServer, RadicaleServer
from tests.sync.conftest import Synced


def _quick(synced: Synced, secret: str | None = None) -> int | None:
    settings = load_settings(synced.config).sync
    open_database(synced.db)
    try:
        return quick.nothing_new(settings, synced.server.password if secret is None else secret)
    finally:
        close_database()


def _caldav_changes(synced: Synced) -> int:
    """What caldav's own sync-token REPORT finds since crm's saved tokens."""
    open_database(synced.db)
    try:
        with reading():
            saved = [collection(name) for name in ("tasks", "events", "cards")]
    finally:
        close_database()
    server: DavServer = synced.server
    client = caldav.DAVClient(url=server.url, username=server.username, password=server.password)
    changes = 0
    for state in saved:
        body = (
            '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
            f"<D:sync-token>{state.token}</D:sync-token><D:sync-level>1</D:sync-level>"
            "<D:prop><D:getetag/></D:prop></D:sync-collection>"
        )
        response = client.report(state.url, body, depth=None)
        result = response.parse_sync_collection()
        changes += len(result.changed) + len(result.deleted)
    return changes


def test_nothing_new_agrees_with_caldav(synced: Synced) -> None:
    synced.ok("demo", "--no-open")
    synced.sync()
    synced.sync()
    assert _caldav_changes(synced) == 0
    assert _quick(synced) == 3


def test_a_phone_change_is_not_nothing_new(synced: Synced) -> None:
    synced.ok("demo", "--no-open")
    synced.sync()
    synced.sync()
    synced.phone.complete(synced.phone.tasks("crm follow-ups")[0].uid)
    assert _caldav_changes(synced) == 1
    assert _quick(synced) is None
    assert synced.sync()["notes"], "the full sync then brings it in"
    assert _quick(synced) == 3


def test_a_local_change_is_not_nothing_new(synced: Synced) -> None:
    synced.ok("demo", "--no-open")
    synced.sync()
    synced.sync()
    synced.ok("contact", "add", "Ngozi Okafor", "--company", "Umbrella")
    assert _caldav_changes(synced) == 0
    assert _quick(synced) is None
    assert synced.sync()["collections"]["cards"]["sent"] == 1


def test_a_refused_login_falls_through_to_the_full_sync(synced: Synced) -> None:
    if not isinstance(synced.server, RadicaleServer):
        pytest.skip("Xandikos has no authentication of its own")
    synced.ok("demo", "--no-open")
    synced.sync()
    synced.sync()
    assert _quick(synced, secret="wrong") is None


def test_the_fast_path_checks_certificates(
    radicale_tls: RadicaleServer, tmp_path, capsys, monkeypatch
) -> None:
    from crm import paths

    synced = Synced(
        radicale_tls, tmp_path / "crm.sqlite3", paths.config_path(), capsys, monkeypatch
    )
    synced.configure(ca_file=str(radicale_tls.ca_file))
    synced.ok("demo", "--no-open")
    synced.sync()
    synced.sync()
    assert _quick(synced) == 3
    synced.configure()  # no ca_file: the certificate can't be checked
    text = synced.config.read_text()
    assert "ca_file" not in text
    assert _quick(synced) is None
