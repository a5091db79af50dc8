"""Converting between stored (naive UTC) moments and the user's wall-clock time.

Kept apart from the date parser (when.py) so the follow-up rules, which the first frame
needs, don't load the parser and dateutil with them.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def to_local(moment: datetime, tz: tzinfo) -> datetime:
    """A naive UTC moment as naive wall-clock time in ``tz``."""
    return moment.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)


def to_utc(local: datetime, tz: tzinfo) -> datetime:
    """Naive wall-clock time in ``tz`` as a naive UTC moment."""
    return local.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)
