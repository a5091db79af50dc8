"""The fast path of a sync with nothing new, by hand, with the standard library.

A sync that finds nothing new on either side is what cron and the app run most, and its
benchmark goal is 1.5x `crm agenda --json` as a whole process; importing caldav's HTTP stack
alone costs more than that. So this module asks each collection "anything since my token?"
(an RFC 6578 sync-collection REPORT) over http.client, and only when crm's change clock hasn't
moved and every collection answers "nothing" does the sync stop here. Anything else (a
change, a status it doesn't expect, a server that wants another kind of login, any error)
falls through to the full sync in run.py, which uses caldav. tests/sync/test_sync_quick.py
checks its answers against caldav's on the same servers.
"""

from __future__ import annotations

import base64
import http.client
import os
import ssl
from urllib.parse import urlsplit
from xml.etree import ElementTree

from crm.config import SyncSettings
from crm.services.sync import state
from crm.services.sync.dav import sync_report
from crm.services.tx import reading

TIMEOUT_SECONDS = 10
_RESPONSE = "{DAV:}response"
_TOKEN = "{DAV:}sync-token"


def collections(settings: SyncSettings) -> list[tuple[str, str, str]]:
    """(crm's name, the server's collection name, component) of each collection crm keeps."""
    return [
        ("tasks", settings.tasks, "VEVENT" if settings.tasks_as_events else "VTODO"),
        ("events", settings.events, "VEVENT"),
        ("cards", settings.addressbook, ""),
    ]


def source(settings: SyncSettings, name: str, component: str) -> str:
    """What found a collection's URL: when the settings change, crm finds it again."""
    return "|".join((settings.url, settings.carddav_url, settings.username, name, component))


def nothing_new(settings: SyncSettings, secret: str) -> int | None:
    """The number of requests it took to learn that nothing is new on either side, or None
    when something may be (the full sync then finds out what)."""
    with reading():
        clock = state.clock()
        saved = [state.collection(name) for name, _, _ in collections(settings)]
    for collection, (_, name, component) in zip(saved, collections(settings), strict=True):
        if (
            not collection.url
            or not collection.token
            or collection.clock != clock
            or collection.source != source(settings, name, component)
        ):
            return None
    connections: dict[tuple[str, str], http.client.HTTPConnection] = {}
    try:
        for collection in saved:
            if not _unchanged(collection.url, collection.token, settings, secret, connections):
                return None
    except (OSError, http.client.HTTPException, ElementTree.ParseError, ValueError):
        return None
    finally:
        for connection in connections.values():
            connection.close()
    return len(saved)


def _unchanged(
    url: str,
    token: str,
    settings: SyncSettings,
    secret: str,
    connections: dict[tuple[str, str], http.client.HTTPConnection],
) -> bool:
    parts = urlsplit(url)
    key = (parts.scheme, parts.netloc)
    connection = connections.get(key)
    if connection is None:
        connection = _connect(parts.scheme, parts.netloc, settings)
        connections[key] = connection
    body = sync_report(token).encode()
    headers = {"Content-Type": 'application/xml; charset="utf-8"'}
    if settings.username or secret:
        login = base64.b64encode(f"{settings.username}:{secret}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {login}"
    connection.request("REPORT", parts.path or "/", body=body, headers=headers)
    response = connection.getresponse()
    answer = response.read()
    if response.status != 207:
        return False
    tree = ElementTree.fromstring(answer)
    if any(True for _ in tree.iter(_RESPONSE)):
        return False
    found = next(tree.iter(_TOKEN), None)
    return found is not None and (found.text or "").strip() == token


def _connect(scheme: str, netloc: str, settings: SyncSettings) -> http.client.HTTPConnection:
    if scheme == "http":
        return http.client.HTTPConnection(netloc, timeout=TIMEOUT_SECONDS)
    cafile = os.path.expanduser(settings.ca_file) if settings.ca_file else None
    context = ssl.create_default_context(cafile=cafile)
    return http.client.HTTPSConnection(netloc, timeout=TIMEOUT_SECONDS, context=context)
