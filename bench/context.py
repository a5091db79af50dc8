"""What every benchmark gets: the data sizes, how many runs, and where the databases are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

NOW = datetime(2026, 11, 18, 15, 0, 0)
"""Every benchmark pretends it is this moment, so the same data gives the same agenda."""


@dataclass(frozen=True)
class Sizes:
    """How much data the generated database holds, and how big the import files are."""

    contacts: int
    interactions: int
    follow_ups: int
    connections: int
    linkedin_rows: int
    vcards: int

    @property
    def label(self) -> str:
        return (
            f"{self.contacts:,} contacts, {self.interactions:,} conversations, "
            f"{self.follow_ups:,} follow-ups, {self.connections:,} connections"
        )


FULL = Sizes(100_000, 1_000_000, 50_000, 200_000, 30_000, 10_000)
QUICK = Sizes(10_000, 100_000, 5_000, 20_000, 3_000, 1_000)
TINY = Sizes(300, 2_000, 200, 400, 50, 20)
"""Tiny: what the test suite runs once so that the benchmark code cannot rot."""


@dataclass(frozen=True)
class Context:
    """Shared by the benchmarks of one run."""

    sizes: Sizes
    database: Path
    """The generated database (read-only for benchmarks; copy it before writing)."""
    work: Path
    """A scratch folder for this run."""
    runs: int
    """How many times to repeat a process-level measurement (in-app ones repeat more)."""
    busiest_contact_id: int
    """The contact with the longest timeline (1,000 events at full size)."""
    queries: int = 200
    """Search-as-you-type queries to type (each keystroke is a sample)."""
    repeat: int = 50
    """Repeats of each in-app action (opening a contact, reloading Today)."""
    seed: int = 2026
