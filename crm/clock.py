"""The clock seam: everything that needs "now" is handed a Clock, never reads the wall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

Clock = Callable[[], datetime]


class HasClock(Protocol):
    """What the UI reads "now" from: the app, which is handed its clock (CrmApp.clock)."""

    clock: Clock


def utc_now() -> datetime:
    """Return the current time as a naive UTC datetime (how the database stores times)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def fixed_clock(moment: datetime) -> Clock:
    """Return a clock that always says ``moment`` (for tests and ``--now``)."""
    return lambda: moment
