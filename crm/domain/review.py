"""Proposals from mail under review: their states, and what new mail does to an answered one."""

from __future__ import annotations

from datetime import datetime

PENDING = "pending"
SKIPPED = "skipped"
IGNORED = "ignored"
ACCEPTED = "accepted"
CONTACT = "contact"
INTERVIEW = "interview"


def state_after_mail(state: str, last_seen: datetime, seen: datetime) -> str:
    """A proposal's state once mail seen up to ``seen`` has been read again.

    Ignored stays ignored whatever comes: the user said never. A skipped (or accepted, then
    unknown again) one comes back for review only with mail newer than any seen before, so
    reading the same mailbox twice brings nothing back.
    """
    if state in (PENDING, IGNORED):
        return state
    return PENDING if seen > last_seen else state
