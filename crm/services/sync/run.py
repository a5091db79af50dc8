"""`crm sync`: find (or make) crm's three collections on the server and sync each of them.

Safe beside an open app or another sync: every local write is a short transaction, and the
server's ETags stop two writers from overwriting each other there.
"""

from __future__ import annotations

from datetime import datetime

from crm.config import SyncSettings
from crm.domain.sync import SyncReport
from crm.services.sync import quick, state
from crm.services.sync.dav import CALDAV, CARDDAV, Server, SyncError, password
from crm.services.sync.engine import Run, Side, sync_collection
from crm.services.tx import reading

__all__ = ["SyncError", "sync"]


def _sides(settings: SyncSettings) -> list[tuple[Side, str, str]]:
    """(side, collection name on the server, component) for each collection crm keeps."""
    # Imported here: a sync with nothing new (quick.py) never needs the renderers.
    from crm.services.sync.cards import ContactCards
    from crm.services.sync.events import InterviewEvents
    from crm.services.sync.tasks import FollowUpTasks

    made: dict[str, Side] = {
        "tasks": FollowUpTasks(as_events=settings.tasks_as_events),
        "events": InterviewEvents(),
        "cards": ContactCards(settings.addressbook),
    }
    return [
        (made[name], server_name, component)
        for name, server_name, component in quick.collections(settings)
    ]


def sync(
    settings: SyncSettings, *, now: datetime, dry_run: bool = False, secret: str | None = None
) -> SyncReport:
    """Sync follow-ups, interviews and contacts with the server in ``settings``.

    ``secret`` is the password when the caller already has it (else [sync] says how to get it).

    Raises:
        SyncError: the server can't be reached or used; nothing was changed locally by the
            collection that failed (earlier collections keep what they finished).
    """
    if not settings.configured:
        raise SyncError("Sync is not set up: add a [sync] url to the config (see: crm locate).")
    secret = password(settings) if secret is None else secret
    if not dry_run:
        asked = quick.nothing_new(settings, secret)
        if asked is not None:
            return SyncReport(requests=asked)
    report = SyncReport(dry_run=dry_run)
    server = Server(settings, secret)
    try:
        sides = _sides(settings)
        urls = _known_urls(settings, sides) or _discover(server, settings, sides, dry_run)
        for (side, name, component), url in zip(sides, urls, strict=True):
            if not url:  # a dry run, and the collection isn't there yet: all of it would go
                with reading():
                    report.of(side.name).sent += len(side.local({}))
                continue
            run = Run(
                server, url, side, now, report, quick.source(settings, name, component), dry_run
            )
            sync_collection(run)
    finally:
        report.requests = server.requests
        server.close()
    return report


def _known_urls(settings: SyncSettings, sides: list[tuple[Side, str, str]]) -> list[str] | None:
    """The collections' URLs found by an earlier sync with the same settings, if all are known."""
    with reading():
        saved = [state.collection(side.name) for side, _, _ in sides]
    if all(
        s.url and s.source == quick.source(settings, name, component)
        for s, (_, name, component) in zip(saved, sides, strict=True)
    ):
        return [s.url for s in saved]
    return None


def _discover(
    server: Server, settings: SyncSettings, sides: list[tuple[Side, str, str]], dry_run: bool
) -> list[str]:
    principal = server.principal_url()
    book_principal = (
        server.principal_url(settings.carddav_url) if settings.carddav_url else principal
    )
    homes: dict[str, str] = {}
    urls = []
    for side, name, component in sides:
        if side.kind == "calendar":
            home = homes.get("calendar") or server.home(principal, CALDAV, "calendar-home-set")
            homes["calendar"] = home
            urls.append(server.calendar(home, name, component, create=not dry_run))
        else:
            home = homes.get("book") or server.home(book_principal, CARDDAV, "addressbook-home-set")
            homes["book"] = home
            urls.append(server.addressbook(home, name, create=not dry_run))
    return urls
