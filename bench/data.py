"""The generated database the benchmarks read: built once per size and seed, then reused."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from bench.context import NOW, Sizes

_FORMAT = 1  # bump when the generator changes what it writes


def _schema_version() -> str:
    from crm.db.database import MIGRATIONS_DIR

    return sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))[-1]


def database_for(
    sizes: Sizes, seed: int, folder: Path, *, log: Callable[[str], None] = print
) -> tuple[Path, int]:
    """The path of a database holding ``sizes`` of generated data, and its busiest contact.

    Built with the project's own generator (what ``crm demo --contacts … --interactions …``
    writes) into ``folder`` and kept there; a later run with the same sizes, seed and schema
    reuses it. Building the full size takes about 40 s.
    """
    folder.mkdir(parents=True, exist_ok=True)
    name = (
        f"crm-{sizes.contacts}c-{sizes.interactions}i-{sizes.follow_ups}f-"
        f"{sizes.connections}n-s{seed}-{_schema_version()}-v{_FORMAT}"
    )
    path = folder / f"{name}.sqlite3"
    facts = folder / f"{name}.json"
    if path.exists() and facts.exists():
        return path, json.loads(facts.read_text())["busiest_contact_id"]
    log(f"Generating {sizes.label} into {path} …")
    started = time.perf_counter()
    busiest = _generate(path, sizes, seed)
    facts.write_text(json.dumps({"busiest_contact_id": busiest}))
    log(f"… done in {time.perf_counter() - started:.0f} s")
    return path, busiest


def _generate(path: Path, sizes: Sizes, seed: int) -> int:
    from crm.db import close_database, migrate, open_database
    from crm.services import demo
    from crm.services.contacts import count_contacts
    from crm.services.generated_history import add_generated_history

    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    open_database(partial)
    try:
        migrate()
        demo.write_sample(NOW)
        first_generated = count_contacts() + 1
        demo.add_generated_contacts(sizes.contacts - count_contacts(), seed=seed, now=NOW)
        history = add_generated_history(
            interactions=sizes.interactions,
            follow_ups=sizes.follow_ups,
            connections=sizes.connections,
            now=NOW,
            seed=seed,
            first_contact_id=first_generated,
        )
        from crm.db import db

        with db.connection_context():  # fold the WAL into the file, so copies are whole
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        close_database()
    os.replace(partial, path)
    Path(f"{partial}-wal").unlink(missing_ok=True)
    Path(f"{partial}-shm").unlink(missing_ok=True)
    assert history.busiest_contact_id is not None
    return history.busiest_contact_id
