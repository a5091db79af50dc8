"""What a sync remembers between runs: reads and writes of the sync_* tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from crm.db.models import Contact, SyncClock, SyncCollection, SyncEvent, SyncItem
from crm.db.typed import as_datetime, tuples
from crm.domain.sync import SyncAction, SyncReport
from crm.services.tx import reading


@dataclass
class ItemState:
    uid: str
    href: str
    etag: str
    pushed: str
    base: str
    state: str  # "" synced, "deleted" gone from the server, "foreign" not crm's
    server_uid: str = ""

    @property
    def body_uid(self) -> str:
        return self.server_uid or self.uid


@dataclass
class CollectionState:
    name: str
    url: str
    token: str
    clock: int
    source: str = ""


def clock() -> int:
    """How many changes crm's synced tables have seen (triggers count them)."""
    row = SyncClock.select(SyncClock.ticks).where(SyncClock.id == 1).tuples().first()
    return int(row[0]) if row else 0


def collection(name: str) -> CollectionState:
    row = (
        SyncCollection.select(
            SyncCollection.url,
            SyncCollection.sync_token,
            SyncCollection.clock,
            SyncCollection.source,
        )
        .where(SyncCollection.name == name)
        .tuples()
        .first()
    )
    if row is None:
        return CollectionState(name, "", "", -1)
    return CollectionState(name, str(row[0]), str(row[1]), int(row[2]), str(row[3]))


def save_collection(state: CollectionState) -> None:
    SyncCollection.insert(
        name=state.name,
        url=state.url,
        sync_token=state.token,
        clock=state.clock,
        source=state.source,
    ).on_conflict(
        conflict_target=[SyncCollection.name],
        preserve=[
            SyncCollection.url,
            SyncCollection.sync_token,
            SyncCollection.clock,
            SyncCollection.source,
        ],
    ).execute()


def forget(name: str) -> None:
    """Drop what crm knew of a collection (its URL changed: another server or account)."""
    SyncItem.delete().where(SyncItem.collection == name).execute()


def items(name: str) -> dict[str, ItemState]:
    return {
        uid: ItemState(uid, href, etag, pushed, base, state, server_uid)
        for uid, href, etag, pushed, base, state, server_uid in tuples(
            SyncItem.select(
                SyncItem.uid,
                SyncItem.href,
                SyncItem.etag,
                SyncItem.pushed,
                SyncItem.base,
                SyncItem.state,
                SyncItem.server_uid,
            ).where(SyncItem.collection == name)
        )
    }


def save_item(name: str, item: ItemState, now: datetime) -> None:
    SyncItem.insert(
        collection=name,
        uid=item.uid,
        href=item.href,
        etag=item.etag,
        pushed=item.pushed,
        base=item.base,
        state=item.state,
        server_uid=item.server_uid,
        synced_at=now,
    ).on_conflict(
        conflict_target=[SyncItem.collection, SyncItem.uid],
        preserve=[
            SyncItem.href,
            SyncItem.etag,
            SyncItem.pushed,
            SyncItem.base,
            SyncItem.state,
            SyncItem.server_uid,
            SyncItem.synced_at,
        ],
    ).execute()


def drop_item(name: str, uid: str) -> None:
    SyncItem.delete().where((SyncItem.collection == name) & (SyncItem.uid == uid)).execute()


def record(
    name: str,
    action: SyncAction,
    now: datetime,
    *,
    uid: str = "",
    contact_id: int | None = None,
    **detail: object,
) -> None:
    """Add a line to the sync history (the contact's, when it is about one)."""
    SyncEvent.insert(
        at=now,
        collection=name,
        uid=uid,
        contact=contact_id,
        action=action.value,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else "",
    ).execute()


def tell(
    report: SyncReport,
    name: str,
    action: SyncAction,
    now: datetime,
    what: str,
    *,
    said: str = "",
    uid: str = "",
    contact_id: int | None = None,
    **detail: object,
) -> None:
    """Say something in this sync's report and keep it in the sync history."""
    report.note(name, action, what, said)
    record(name, action, now, uid=uid, contact_id=contact_id, what=what, **detail)


def left_alone(
    report: SyncReport,
    name: str,
    href: str,
    uid: str,
    what: str,
    now: datetime,
    *,
    said: str = "",
) -> ItemState:
    """An item crm didn't make (a hand-made task, a card it can't read): reported once, and
    remembered so that it is never touched or reported again."""
    tell(report, name, SyncAction.FOREIGN, now, what or uid or href, said=said, uid=uid)
    return ItemState(uid or href, href, "", "", "", "foreign", uid)


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    collection: str
    action: str
    detail: dict[str, object]
    contact: str = ""


def read_history(contact_id: int | None = None, limit: int = 200) -> list[HistoryLine]:
    """The newest sync history lines, of one contact or of all (opens its own connection)."""
    with reading():
        return history(contact_id, limit)


def history(contact_id: int | None = None, limit: int = 200) -> list[HistoryLine]:
    """The newest sync history lines, of one contact or of all."""
    query = (
        SyncEvent.select(
            SyncEvent.at, SyncEvent.collection, SyncEvent.action, SyncEvent.detail, Contact.name
        )
        .join(Contact, JOIN.LEFT_OUTER, on=(SyncEvent.contact == Contact.id))
        .order_by(SyncEvent.at.desc(), SyncEvent.id.desc())
    )
    if contact_id is not None:
        query = query.where(SyncEvent.contact == contact_id)
    return [
        HistoryLine(
            as_datetime(at), collection, action, json.loads(detail) if detail else {}, name or ""
        )
        for at, collection, action, detail, name in tuples(query.limit(limit))
    ]
