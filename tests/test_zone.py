"""Which zone is the user's: [time] zone in config.toml, then TZ, then the system's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crm import paths
from crm.config import ConfigError, load_settings
from crm.domain.zones import to_local, to_utc
from crm.zone import SystemZone, reset_user_zone, user_zone, zone_from_tz


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    reset_user_zone()
    yield
    monkeypatch.undo()
    time.tzset()
    reset_user_zone()


def write_config(text: str) -> Path:
    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    return config


def test_tz_names_a_real_zone_with_its_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    assert user_zone() == ZoneInfo("Europe/Berlin")
    monkeypatch.setenv("TZ", ":Australia/Sydney")  # the POSIX leading colon
    assert user_zone() == ZoneInfo("Australia/Sydney")


def test_the_config_zone_wins_over_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    write_config('[backups]\nkeep = 3\n\n[time]\nzone = "America/St_Johns"\n')
    assert user_zone() == ZoneInfo("America/St_Johns")


@pytest.mark.parametrize(
    "value", ['"Mars/Olympus_Mons"', '"America"', '"../etc/passwd"', '"/etc/localtime"', "3"]
)
def test_an_unknown_config_zone_is_a_one_line_config_error(value: str) -> None:
    config = write_config(f"[time]\nzone = {value}\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    message = str(raised.value)
    assert str(config) in message and "[time] zone" in message and "\n" not in message


def test_a_broken_config_leaves_the_zone_to_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    write_config('[time]\nzone = "Nowhere"\n')
    assert user_zone() == ZoneInfo("Asia/Tokyo")


def test_no_config_zone_is_the_default(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml").time_zone == ""
    assert load_settings(write_config('[time]\nzone = "Asia/Kolkata"\n')).time_zone == (
        "Asia/Kolkata"
    )


def test_the_zone_follows_a_changed_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert user_zone() == ZoneInfo("Asia/Tokyo")
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    assert user_zone() == ZoneInfo("Asia/Kolkata")


def test_a_zone_file_path_in_tz_is_read() -> None:
    path = "/usr/share/zoneinfo/Europe/Berlin"
    if not Path(path).exists():
        pytest.skip("no system zone files")
    zone = zone_from_tz(":" + path)
    assert to_utc(datetime(2026, 7, 1, 12, 0), zone) == datetime(2026, 7, 1, 10, 0)


def test_an_empty_tz_is_utc() -> None:
    assert zone_from_tz("") == ZoneInfo("UTC") == zone_from_tz(":")


@pytest.mark.parametrize("value", ["Nowhere/Special", "CET-1CEST,M3.5.0,M10.5.0/3", "America"])
def test_a_tz_zoneinfo_does_not_know_is_left_to_the_c_library(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", value)
    time.tzset()
    zone = user_zone()
    assert isinstance(zone, SystemZone)
    summer, winter = datetime(2026, 7, 1, 12, 0), datetime(2026, 1, 15, 12, 0)
    expected = {"CET-1CEST,M3.5.0,M10.5.0/3": (2, 1)}.get(value, (0, 0))
    assert to_local(summer, zone) - summer == timedelta(hours=expected[0])
    assert to_local(winter, zone) - winter == timedelta(hours=expected[1])
    assert to_utc(to_local(summer, zone), zone) == summer


def test_the_c_library_zone_marks_the_repeated_hour() -> None:
    import os

    old = os.environ.get("TZ")
    os.environ["TZ"] = "EST5EDT,M3.2.0,M11.1.0"
    time.tzset()
    try:
        zone = SystemZone()
        first, second = datetime(2026, 11, 1, 5, 30), datetime(2026, 11, 1, 6, 30)
        assert to_local(first, zone) == to_local(second, zone) == datetime(2026, 11, 1, 1, 30)
        assert to_utc(datetime(2026, 11, 1, 1, 30), zone) == first  # the first of the two
    finally:
        if old is None:
            os.environ.pop("TZ")
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_without_tz_the_system_zone_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TZ")
    time.tzset()
    zone = user_zone()
    moment = datetime(2026, 7, 1, 12, 0)
    # Whatever the machine's zone is, it agrees with the C library's local time on any date.
    for when in (moment, datetime(2026, 1, 15, 12, 0)):
        expected = when.replace(tzinfo=ZoneInfo("UTC")).astimezone().replace(tzinfo=None)
        assert to_local(when, zone) == expected
