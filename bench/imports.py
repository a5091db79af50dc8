"""Imports: LinkedIn's Connections.csv and a vCard address book into a fresh database, then again.

Each run migrates a new database in the work folder, times the first import through the
same service call the CLI makes, then times importing the same file again (which must
change nothing), and closes the database.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path

from bench.context import NOW, Context
from bench.files import address_book_vcf, connections_csv
from bench.stats import Goal, Measurement
from crm.db import close_database, migrate, open_database
from crm.services.importing.batches import ImportResult
from crm.services.importing.linkedin import import_linkedin
from crm.services.importing.vcard import import_vcards

LINKEDIN_GOAL = Goal("p50", 0.5)
VCARD_GOAL = Goal("p50", 3.0)


def measure(ctx: Context) -> list[Measurement]:
    """Time first imports and re-imports of seeded LinkedIn and vCard files."""
    folder = ctx.work / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    runs = max(3, ctx.runs)
    rows, cards = ctx.sizes.linkedin_rows, ctx.sizes.vcards

    export = folder / "Connections.csv"
    export.write_bytes(connections_csv(rows, seed=ctx.seed))
    address_book = folder / "contacts.vcf"
    address_book.write_bytes(address_book_vcf(cards, seed=ctx.seed))

    linkedin_first, linkedin_again, linkedin_created = _first_and_again(
        folder / "linkedin", runs, lambda: import_linkedin(export, now=NOW)
    )
    vcard_first, vcard_again, vcard_created = _first_and_again(
        folder / "vcard", runs, lambda: import_vcards(address_book, now=NOW)
    )
    linkedin_mb = export.stat().st_size / 1e6
    vcard_mb = address_book.stat().st_size / 1e6
    return [
        Measurement(
            f"LinkedIn import, {rows:,} rows",
            linkedin_first,
            unit="s",
            goals=(LINKEDIN_GOAL,),
            notes=f"Connections.csv of {linkedin_mb:.1f} MB into a fresh database",
            extra={"created": linkedin_created, "mb": linkedin_mb},
        ),
        Measurement(
            "LinkedIn re-import (no changes)",
            linkedin_again,
            unit="s",
            notes=f"the same {rows:,} rows again: every row matches, nothing is written",
        ),
        Measurement(
            f"vCard import, {cards:,} cards",
            vcard_first,
            unit="s",
            goals=(VCARD_GOAL,),
            notes=(
                f".vcf of {vcard_mb:.1f} MB (3.0 and 4.0, Apple labels, a fifth with photos)"
                " into a fresh database"
            ),
            extra={"created": vcard_created, "mb": vcard_mb},
        ),
        Measurement(
            "vCard re-import (no changes)",
            vcard_again,
            unit="s",
            notes=f"the same {cards:,} cards again: every card matches, nothing is written",
        ),
    ]


def _first_and_again(
    prefix: Path, runs: int, run_import: Callable[[], ImportResult]
) -> tuple[list[float], list[float], int]:
    """Seconds of the first import and of the re-import for each run, and how many it created."""
    first: list[float] = []
    again: list[float] = []
    created = 0
    for run in range(runs):
        database = prefix.with_name(f"{prefix.name}-{run}.sqlite3")
        _remove(database)
        open_database(database)
        try:
            migrate()
            seconds, result = _timed(run_import)
            first.append(seconds)
            if result.created == 0:
                raise AssertionError(f"the import created nothing: {result}")
            created = result.created
            seconds, repeat = _timed(run_import)
            again.append(seconds)
            if (repeat.created, repeat.updated) != (0, 0):
                raise AssertionError(f"re-importing the same file changed something: {repeat}")
        finally:
            close_database()
            _remove(database)
    return first, again, created


def _timed(call: Callable[[], ImportResult]) -> tuple[float, ImportResult]:
    gc.collect()
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _remove(database: Path) -> None:
    for path in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
        path.unlink(missing_ok=True)
