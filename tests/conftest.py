"""Shared fixtures: a private database file per test, a frozen clock, no real user paths."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from crm import paths
from crm.db import close_database, migrate, open_database

# A Wednesday afternoon; every test sees the same "now".
NOW = datetime(2026, 11, 18, 15, 0, 0)


@pytest.fixture(autouse=True, scope="session")
def utc_local_time() -> Iterator[None]:
    """Show local time as UTC so screenshots don't depend on the machine's zone."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture(autouse=True)
def private_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's real database and config."""
    monkeypatch.delenv(paths.DB_ENV, raising=False)
    monkeypatch.setenv(paths.CONFIG_ENV, str(tmp_path / "config" / "config.toml"))
    paths.use_config(None)  # a --config from an earlier test's in-process run
    monkeypatch.setattr(paths, "default_db_path", lambda: tmp_path / "default" / "crm.sqlite3")


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    """A migrated, empty database file, opened for the test."""
    path = tmp_path / "crm.sqlite3"
    open_database(path)
    migrate()
    yield path
    close_database()


@pytest.fixture
def demo_db(db_path: Path, now: datetime) -> Path:
    """The demo sample written into the test's database."""
    from crm.services import demo

    demo.write_sample(now)
    return db_path
