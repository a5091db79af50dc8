"""The user's time zone: the one place that decides in which zone people type and read times.

The zone is, in order: ``[time] zone`` in config.toml, then the ``TZ`` environment variable,
then the system's zone. It is a real zone with its rules (zoneinfo), never today's fixed
offset, so a date across a daylight-saving change keeps its wall-clock time.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from crm import paths

_cache: dict[tuple[str | None, str], tzinfo] = {}


class ZoneError(ValueError):
    """The ``TZ`` variable names a zone no date can be shown in; the message says what to do."""


# What ZoneInfo raises for a key it can't use: not found (a KeyError), malformed, a directory.
_BAD_KEY = (KeyError, ValueError, OSError)


def user_zone() -> tzinfo:
    """The user's time zone, resolved once per process (per ``TZ`` and config path)."""
    # Keyed on what it is read from, so a test (or a long process) that changes TZ is heard.
    key = (os.environ.get("TZ"), str(paths.config_path()))
    zone = _cache.get(key)
    if zone is None:
        zone = _cache[key] = _resolve()
    return zone


def reset_user_zone() -> None:
    """Forget the resolved zone (for tests that rewrite the config file in place)."""
    _cache.clear()


def local_text(moment: datetime, zone: tzinfo | None = None) -> str:
    """A stored naive-UTC moment as the user reads it: "2026-10-30 15:00", local time."""
    local = moment.replace(tzinfo=UTC).astimezone(zone or user_zone())
    return f"{local:%Y-%m-%d %H:%M}"


def zone_from_tz(value: str) -> tzinfo:
    """The zone a ``TZ`` value names.

    A zoneinfo key ("Europe/Berlin", ":Europe/Berlin") or a path to a zone file is read with
    zoneinfo. Anything else (a POSIX rule such as "CET-1CEST,M3.5.0,M10.5.0/3", or junk) is
    left to the C library, which reads rules and takes junk as UTC, as every other program on
    the machine does. Raises ZoneError for a rule whose offset is a day or more ("XXX+99"):
    the C library takes it, but no Python date can carry it.
    """
    name = value[1:] if value.startswith(":") else value
    if not name:
        return ZoneInfo("UTC")  # an empty TZ is UTC to the C library too
    try:
        if name.startswith("/"):
            with open(name, "rb") as file:
                return ZoneInfo.from_file(file, key=name)
        return ZoneInfo(name)
    except _BAD_KEY:
        pass
    try:
        datetime.now().astimezone()
    except (ValueError, OverflowError):
        raise ZoneError(
            f"TZ={value} is not a time zone crm can use (an offset of a day or more); "
            "set TZ to a zone such as Europe/Berlin, or [time] zone in the config file."
        ) from None
    return SystemZone()


def _resolve() -> tzinfo:
    configured = _configured_zone()
    if configured is not None:
        return configured
    tz = os.environ.get("TZ")
    if tz is not None:
        return zone_from_tz(tz)
    linked = _linked_system_zone()
    if linked is not None:
        return linked
    try:
        # Imported here: only a machine whose zone isn't a plain link pays for the import.
        import tzlocal

        return tzlocal.get_localzone()
    except Exception:  # a machine whose zone can't be named still has a C library clock
        return SystemZone()


def _linked_system_zone() -> tzinfo | None:
    """The zone /etc/localtime links to (most Linux and macOS machines), or None."""
    try:
        target = os.readlink("/etc/localtime")
        _, found, key = target.partition("zoneinfo/")
        return ZoneInfo(key) if found else None
    except _BAD_KEY:
        return None


def _configured_zone() -> tzinfo | None:
    """``[time] zone`` from config.toml; a broken config is ignored here (the CLI warns)."""
    from crm.config import current_settings

    zone = current_settings().time_zone
    return ZoneInfo(zone) if zone else None


class SystemZone(tzinfo):
    """The C library's local time, per date: the fallback when a zone has no zoneinfo name."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            dt = datetime.now()
        offset = dt.replace(tzinfo=None).astimezone().utcoffset()
        return offset if offset is not None else timedelta(0)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return (dt or datetime.now()).replace(tzinfo=None).astimezone().tzname()

    def fromutc(self, dt: datetime) -> datetime:
        local = dt.replace(tzinfo=UTC).astimezone()
        wall = local.replace(tzinfo=None)
        # The second of two equal wall times (after a fall-back) is marked fold=1.
        fold = int(wall.astimezone().utcoffset() != local.utcoffset())
        return wall.replace(tzinfo=self, fold=fold)

    def __repr__(self) -> str:
        return "SystemZone()"
