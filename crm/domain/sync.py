"""The rules of syncing with a CalDAV/CardDAV server, free of the network and the database.

Both sides may change the same contact between two syncs. Each field is merged on its own
against the value both sides agreed on at the last sync (the base):

- changed on one side only: that side's value is taken;
- changed on both sides to different values: **the later change wins**. crm's change is dated
  by the contact's last edit, the server's by the card's REV (a card without REV counts as
  changed when the sync sees it, so the phone wins). The value that lost is kept in the report
  and in the contact's sync history, so nothing typed is lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

FieldValue = str | tuple[str, ...]


class SyncAction(StrEnum):
    """What a sync did, as its history and report name it."""

    DONE_ON_PHONE = "done on the phone"
    SNOOZED_ON_PHONE = "due date moved on the phone"
    DISMISSED_ON_PHONE = "deleted on the phone"
    FOREIGN = "not crm's: left alone"
    CHANGED_ON_PHONE = "changed on the phone"
    CONFLICT = "changed on both sides"
    CREATED_ON_PHONE = "new on the phone"
    DELETED_ON_SERVER = "deleted on the server"
    KEPT_OFF_SERVER = "deleted on the server: not sent again"
    PUSHED_AGAIN = "sent again"


@dataclass(frozen=True)
class FieldConflict:
    """One field both sides changed: which value was kept and which one lost."""

    field: str
    kept: FieldValue
    lost: FieldValue
    winner: str  # "crm" or "server"


@dataclass(frozen=True)
class Merged:
    values: dict[str, FieldValue]
    conflicts: tuple[FieldConflict, ...] = ()
    local_changed: bool = False  # crm must take values from the server
    remote_changed: bool = False  # the server must be sent crm's values


def merge_fields(
    base: Mapping[str, FieldValue] | None,
    local: Mapping[str, FieldValue],
    remote: Mapping[str, FieldValue],
    *,
    local_at: datetime | None,
    remote_at: datetime | None,
) -> Merged:
    """Three-way merge of synced fields by the rule in this module's docstring.

    Without a base (the item was never synced, or its state was lost in a crash) every field
    that differs counts as changed on both sides.
    """
    values: dict[str, FieldValue] = {}
    conflicts: list[FieldConflict] = []
    server_wins = remote_at is None or local_at is None or remote_at >= local_at
    for name in local.keys() | remote.keys():
        mine = local.get(name, "")
        theirs = remote.get(name, "")
        before = base.get(name) if base is not None else None
        if mine == theirs:
            values[name] = mine
        elif before is not None and mine == before:
            values[name] = theirs
        elif before is not None and theirs == before:
            values[name] = mine
        else:
            kept, lost = (theirs, mine) if server_wins else (mine, theirs)
            values[name] = kept
            if lost not in ("", ()):
                conflicts.append(
                    FieldConflict(name, kept, lost, "server" if server_wins else "crm")
                )
    return Merged(
        values,
        tuple(sorted(conflicts, key=lambda c: c.field)),
        local_changed=any(values[name] != local.get(name, "") for name in values),
        remote_changed=any(values[name] != remote.get(name, "") for name in values),
    )


def digest(text: str) -> str:
    """A short fingerprint of what crm sent, to tell later whether it has something new."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class SyncNote:
    """One thing the user should hear about from a sync."""

    collection: str
    action: SyncAction
    what: str  # "Send a thank-you e-mail: Ann Lee", "Ann Lee"
    detail: str = ""


@dataclass
class CollectionReport:
    sent: int = 0
    received: int = 0
    deleted: int = 0
    requests: int = 0


@dataclass
class SyncReport:
    """What one sync did (or, dry, would do)."""

    dry_run: bool = False
    collections: dict[str, CollectionReport] = field(default_factory=dict)
    notes: list[SyncNote] = field(default_factory=list)
    requests: int = 0

    def of(self, name: str) -> CollectionReport:
        return self.collections.setdefault(name, CollectionReport())

    def note(self, collection: str, action: SyncAction, what: str, detail: str = "") -> None:
        self.notes.append(SyncNote(collection, action, what, detail))

    @property
    def changed_anything(self) -> bool:
        return any(c.sent or c.received or c.deleted for c in self.collections.values())


def status_label(
    *, last_synced: datetime | None, failure: str, running: bool, now: datetime
) -> str:
    """What the title bar says of sync: "syncing…", "synced 2 min ago", "sync failed: why"."""
    if running:
        return "syncing…"
    if failure:
        return f"sync failed: {failure}"
    if last_synced is None:
        return ""
    minutes = max(0, int((now - last_synced).total_seconds() // 60))
    if minutes < 1:
        return "synced just now"
    if minutes < 60:
        return f"synced {minutes} min ago"
    hours = minutes // 60
    return f"synced {hours} h ago" if hours < 48 else f"synced {hours // 24} days ago"
