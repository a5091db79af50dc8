"""User settings from config.toml (`crm locate config`); defaults when the file is missing."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BACKUPS_KEPT = 7
DEFAULT_AFTER_PROCESS_DAYS = 90
"""The keep-in-touch interval a closed process hands its people, when they have none."""
MAX_INTERVAL_DAYS = 36_500


class ConfigError(ValueError):
    """The config file can't be used; the message says where and why."""


@dataclass(frozen=True)
class Settings:
    """What the user can configure."""

    backups_keep: int = DEFAULT_BACKUPS_KEPT
    """How many daily backups to keep (0 turns daily backups off)."""
    after_process_days: int = DEFAULT_AFTER_PROCESS_DAYS
    """Keep-in-touch interval given to a closed process's interviewers and helpers."""

    time_zone: str = ""
    """The zone times are typed and shown in ("Europe/Berlin"); empty: TZ, else the system's."""


def load_settings(path: Path) -> Settings:
    """Read settings from ``path``; a missing file gives the defaults, a bad one ConfigError.

    Example::

        [backups]
        keep = 14

        [time]
        zone = "Europe/Berlin"

        [keep_in_touch]
        after_process_days = 90
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from error
    keep = data.get("backups", {}).get("keep", DEFAULT_BACKUPS_KEPT)
    if not isinstance(keep, int) or isinstance(keep, bool) or keep < 0:
        raise ConfigError(f"{path}: [backups] keep must be a whole number, 0 or more.")
    section = data.get("keep_in_touch", {})
    after = (
        section.get("after_process_days", DEFAULT_AFTER_PROCESS_DAYS)
        if isinstance(section, dict)
        else None
    )
    if not isinstance(after, int) or isinstance(after, bool) or not 1 <= after <= MAX_INTERVAL_DAYS:
        raise ConfigError(
            f"{path}: [keep_in_touch] after_process_days must be a whole number of days, "
            f"1 to {MAX_INTERVAL_DAYS:,}."
        )
    return Settings(backups_keep=keep, after_process_days=after, time_zone=_time_zone(data, path))


def _time_zone(data: dict[str, object], path: Path) -> str:
    """``[time] zone``, checked against the zone database; "" when it isn't set."""
    from zoneinfo import ZoneInfo

    section = data.get("time", {})
    zone = section.get("zone", "") if isinstance(section, dict) else None
    if zone == "":
        return ""
    problem = f'{path}: [time] zone must be a time zone name such as "Europe/Berlin"'
    if not isinstance(zone, str) or zone.startswith("/") or "\0" in zone:
        raise ConfigError(problem + ".")
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError, OSError) as error:
        raise ConfigError(f"{problem}, not {zone[:40]!r}.") from error
    return zone


def current_settings() -> Settings:
    """The settings in the user's config file; the defaults when it is missing or unusable
    (the CLI warns about a bad file where it is read at start-up)."""
    from crm import paths

    try:
        return load_settings(paths.config_path())
    except ConfigError:
        return Settings()
