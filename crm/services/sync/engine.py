"""One collection's sync, the same for tasks, events and cards.

The order makes a sync cut off anywhere safe to run again: first what the server changed is
brought into crm (each item with its new ETag in one transaction), then crm's changes are sent,
each PUT recorded as soon as the server took it. A PUT the server took but crm never recorded
shows up next time as an item crm knows by its UID, and is adopted instead of duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from urllib.parse import quote, urljoin

from crm.domain.sync import SyncReport, digest
from crm.services.sync import state
from crm.services.sync.dav import Conflict, Listing, Server
from crm.services.sync.state import CollectionState, ItemState
from crm.services.tx import reading, writing

RETRIES = 3


@dataclass(frozen=True)
class LocalItem:
    """One thing crm wants on the server, rendered."""

    uid: str
    body: str  # the iCalendar or vCard text crm would PUT
    base: str = ""  # JSON of the fields a later merge compares with (cards)
    what: str = ""  # how the report names it


@dataclass(frozen=True)
class Pulled:
    """What applying the server's version of an item left behind."""

    base: str = ""
    server_current: bool = True  # False: the server must be sent crm's merged values
    state: str = ""


class Side(Protocol):
    """The part of a sync that knows one kind of item (see tasks.py, events.py, cards.py)."""

    name: str  # "tasks", "events", "cards"
    kind: str  # "calendar" or "addressbook"
    content_type: str
    suffix: str

    def local(self, server_uids: dict[str, str]) -> dict[str, LocalItem]:
        """Every item crm wants on the server now, by crm uid (``server_uids`` maps a crm uid
        to the UID its server item carries, when they differ)."""
        ...

    def uid_of(self, body: str) -> str: ...

    def owns(self, uids: list[str]) -> set[str]:
        """Which of these UIDs are crm's items (in any state: a done follow-up too)."""
        ...

    def pulled(
        self, known: ItemState, body: str, now: datetime, report: SyncReport
    ) -> Pulled | None:
        """Bring the server's version of one of crm's items into crm (inside a transaction).
        None: the item is gone from crm; forget it."""
        ...

    def foreign(
        self, href: str, uid: str, body: str, now: datetime, report: SyncReport
    ) -> ItemState | None:
        """An item crm didn't make (a card added on the phone, a hand-made task)."""
        ...

    def gone(self, known: ItemState, now: datetime, report: SyncReport) -> ItemState | None:
        """One of crm's items was deleted on the server. None: forget it."""
        ...


@dataclass
class Run:
    server: Server
    url: str
    side: Side
    now: datetime
    report: SyncReport
    source: str = ""
    dry_run: bool = False
    created: bool = False  # crm created items on the server this run


def sync_collection(run: Run) -> None:
    name = run.side.name
    with reading():
        saved = state.collection(name)
        known = state.items(name) if saved.url == run.url else {}
        clock_now = state.clock()
    token = saved.token if saved.url == run.url else ""
    listing = run.server.listing(run.url, token)
    by_href = {item.href: item for item in known.values()}
    changed = {
        href: etag
        for href, etag in listing.changed.items()
        if href not in by_href or not etag or by_href[href].etag != etag
    }
    deleted = _deleted(listing, by_href)
    if not changed and not deleted and saved.url == run.url and saved.clock == clock_now:
        if listing.token != saved.token and not run.dry_run:
            with writing():
                state.save_collection(
                    CollectionState(name, run.url, listing.token, clock_now, run.source)
                )
        return
    if saved.url != run.url and not run.dry_run:
        with writing():
            state.forget(name)
    _pull(run, changed, deleted, known, by_href)
    before = run.report.of(name).sent + run.report.of(name).deleted
    seen = _push(run, known)
    if run.dry_run:
        return
    token = listing.token
    if run.report.of(name).sent + run.report.of(name).deleted != before:
        token = _token_after_own_writes(run, token, known)
    with writing():
        state.save_collection(CollectionState(name, run.url, token, seen, run.source))


def _token_after_own_writes(run: Run, token: str, known: dict[str, ItemState]) -> str:
    """A token that covers crm's own writes, when nobody else wrote meanwhile.

    Keeping the token from before them would be wrong, not just slow: an item crm creates and
    the phone deletes before the next sync is, to that old token, an item that never existed
    (Xandikos says nothing of it). When someone else wrote too, the next sync lists everything
    once instead.
    """
    fallback = "" if run.created else token
    if not token:
        return token
    after = run.server.listing(run.url, token)
    if after.complete:
        return fallback
    mine = {item.href: item for item in known.values()}
    for href, etag in after.changed.items():
        item = mine.get(href)
        if item is None or (item.etag and item.etag != etag):
            return fallback  # someone else changed something: the next sync reads it
        if not item.etag:
            item.etag = etag
            _save(run, item)
    if any(href in mine for href in after.deleted):
        return fallback
    return after.token


def _deleted(listing: Listing, by_href: dict[str, ItemState]) -> list[str]:
    if listing.complete:
        return [
            href for href, item in by_href.items() if href not in listing.changed and not item.state
        ]
    return [href for href in listing.deleted if href in by_href and not by_href[href].state]


def _pull(
    run: Run,
    changed: dict[str, str],
    deleted: list[str],
    known: dict[str, ItemState],
    by_href: dict[str, ItemState],
) -> None:
    side, name = run.side, run.side.name
    report = run.report.of(name)
    bodies = run.server.fetch(run.url, side.kind, changed) if changed else {}
    uids = {href: side.uid_of(body) for href, (_, body) in bodies.items()}
    with reading():
        ours = side.owns(list(uids.values())) if uids else set()
    superseded: list[ItemState] = []
    for href, (etag, body) in bodies.items():
        uid = uids[href]
        item = by_href.get(href) or _by_body_uid(known, uid)
        if item is None and uid in ours:
            # crm sent it but was stopped before recording it: adopt it, don't duplicate it.
            item = ItemState(uid, href, "", "", "", "")
        if item is not None and item.state == "foreign":
            _save(run, ItemState(item.uid, href, etag, "", "", "foreign", item.server_uid))
            continue
        report.received += 1
        if run.dry_run:
            continue
        with writing():
            if item is not None:
                result = side.pulled(item, body, run.now, run.report)
                if result is None:
                    state.drop_item(name, item.uid)
                    continue
                fresh = ItemState(
                    item.uid, href, etag, "", result.base, result.state, item.server_uid
                )
                current = result.server_current
            else:
                made = side.foreign(href, uid, body, run.now, run.report)
                if made is None:
                    continue
                made.etag = etag
                fresh, current = made, False
                earlier = known.get(fresh.uid)
                if earlier is not None and earlier.href != href:
                    superseded.append(earlier)  # crm's own copy of what the phone now holds
            state.save_item(name, fresh, run.now)
            # "Current" lives in memory only: a sync stopped before its push must not leave
            # an item marked as needing nothing, or a later change in crm would never go.
            known[fresh.uid] = replace(fresh, pushed="current") if current else fresh
    for earlier in superseded:
        try:
            run.server.delete(earlier.href, earlier.etag)
        except Conflict:
            pass  # changed on the server meanwhile: the next sync brings it in and merges it
    for href in deleted:
        item = by_href[href]
        report.deleted += 1
        if run.dry_run:
            continue
        with writing():
            after = side.gone(item, run.now, run.report)
            if after is None:
                state.drop_item(name, item.uid)
                known.pop(item.uid, None)
            else:
                state.save_item(name, after, run.now)
                known[item.uid] = after


def _by_body_uid(known: dict[str, ItemState], uid: str) -> ItemState | None:
    item = known.get(uid)
    if item is not None:
        return item
    return next((k for k in known.values() if k.server_uid == uid), None)


def _push(run: Run, known: dict[str, ItemState]) -> int:
    """Send crm's changes; returns the clock crm's items were read at."""
    side, name = run.side, run.side.name
    report = run.report.of(name)
    with reading():
        seen = state.clock()
        wanted = side.local(
            {uid: item.server_uid for uid, item in known.items() if item.server_uid}
        )
    for uid, local in wanted.items():
        item = known.get(uid)
        if item is not None and item.state:
            continue  # deleted on the server (kept off until the user says) or not crm's
        fingerprint = digest(local.body)
        if item is not None and item.pushed == "current":
            # The server's version was just brought in and needs nothing from crm.
            if not run.dry_run:
                item.pushed, item.base = fingerprint, local.base or item.base
                _save(run, item)
            continue
        if item is not None and item.pushed == fingerprint:
            continue
        report.sent += 1
        if run.dry_run:
            continue
        _put(run, uid, local, item, known)
    for uid, item in list(known.items()):
        if uid in wanted or item.state:
            continue
        report.deleted += 1
        if run.dry_run:
            continue
        try:
            run.server.delete(item.href, item.etag)
        except Conflict:
            continue  # changed on the server meanwhile: the next sync brings it back in
        with writing():
            state.drop_item(name, uid)
        known.pop(uid)
    return seen


def _put(
    run: Run, uid: str, local: LocalItem, item: ItemState | None, known: dict[str, ItemState]
) -> None:
    side, name = run.side, run.side.name
    href = item.href if item is not None else urljoin(run.url, quote(uid) + side.suffix)
    run.created = run.created or item is None
    for _ in range(RETRIES):
        try:
            etag = run.server.put(
                href, local.body, side.content_type, item.etag if item is not None else None
            )
        except Conflict:
            # Someone changed it between crm's read and write: read it again, merge, retry.
            fetched = run.server.fetch(run.url, side.kind, [href]).get(href)
            if fetched is None:
                item = None
                continue
            current = item or ItemState(uid, href, "", "", "", "")
            etag_now, body = fetched
            with writing():
                result = side.pulled(current, body, run.now, run.report)
                if result is None:
                    state.drop_item(name, uid)
                    return
                item = ItemState(uid, href, etag_now, "", result.base, "", current.server_uid)
                state.save_item(name, item, run.now)
            with reading():
                again = side.local({uid: item.server_uid} if item.server_uid else {}).get(uid)
            if again is None:
                return
            local = again
            continue
        fresh = ItemState(
            uid, href, etag, digest(local.body), local.base, "", item.server_uid if item else ""
        )
        _save(run, fresh)
        known[uid] = fresh
        return


def _save(run: Run, item: ItemState) -> None:
    if run.dry_run:
        return
    with writing():
        state.save_item(run.side.name, item, run.now)
