"""A migration only the tests know, to put any database one schema version behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import crm.db.database as database_module
import crm.services.backups as backups_module

PROBE = "9999_fault_probe"

_SOURCE = """
def up(migrator, db):
    migrator.migrate(migrator.add_index("contact", ("role",), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("contact", "contact_role"))
"""


def add_probe_migration(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point crm at a copy of its migrations plus a harmless new one; returns that one's name."""
    migrations = folder / "migrations"
    shutil.copytree(database_module.MIGRATIONS_DIR, migrations)
    (migrations / f"{PROBE}.py").write_text(_SOURCE)
    monkeypatch.setattr(database_module, "MIGRATIONS_DIR", migrations)
    monkeypatch.setattr(backups_module, "MIGRATIONS_DIR", migrations)
    return PROBE
