"""A database and an input folder that hypothesis examples reuse, reset only when written to."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from crm.db import close_database, open_database
from tests.faults.snapshots import Snapshot, snapshot


class Workspace:
    """Per-example database state without the cost of building a database per example.

    Every example starts from a copy of ``template``; the copy is renewed only after an
    example wrote to it, so a run of refused inputs costs no copying at all.
    """

    def __init__(self, folder: Path, template: Path) -> None:
        self.folder = folder
        self.template = template
        self.db_path = folder / "crm.sqlite3"
        self.inputs = folder / "inputs"
        self.inputs.mkdir(parents=True, exist_ok=True)
        self.before: Snapshot = snapshot(template)
        """Every row of the template: what a refused import must leave behind."""
        self._dirty = True
        self.tried = 0
        """How many inputs the examples have tried."""
        self.outcomes: Counter[str] = Counter()
        """How the inputs ended: "imported", "refused", "dry run"…"""

    def start(self) -> Path:
        """The example's database, opened and as the template left it."""
        close_database()
        if self._dirty:
            for leftover in self.folder.glob("crm.sqlite3*"):
                leftover.unlink()
            shutil.copyfile(self.template, self.db_path)
            self._dirty = False
        open_database(self.db_path)
        self.tried += 1
        return self.db_path

    def written(self) -> None:
        """The example changed the database: the next one needs a fresh copy."""
        self._dirty = True

    def unchanged(self) -> bool:
        """Whether the database still holds exactly the template's rows."""
        close_database()
        return snapshot(self.db_path) == self.before

    def file(self, name: str, data: bytes) -> Path:
        """An input file holding ``data``."""
        path = self.inputs / name
        path.write_bytes(data)
        return path
