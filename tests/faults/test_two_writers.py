"""Two at once: the app's services and cron's `crm log` write one database at the same time.

Four kinds of writer overlap: worker threads in this process calling the services as the
app's workers do, a second process writing through the services as fast as it can, `crm log`
commands run one after another as a cron job would, and a long `crm import linkedin` that
holds the write lock for seconds. None may see "database is locked", every write any of them
reports must be in the database afterwards, and a writer that had to wait says so.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from bench.files import connections_csv
from crm.cli import WAITING_MESSAGE
from crm.clock import utc_now
from crm.db import close_database, database, migrate, open_database
from crm.domain.types import Channel, ContactDraft
from crm.services import contacts, opportunities
from crm.services.tx import announce_write_waits
from tests.faults.journal_writer import write_cycle
from tests.faults.reported_writes import (
    WRITER,
    LineReader,
    ReportedWrite,
    integrity_problems,
    missing_writes,
)

pytestmark = pytest.mark.faults

CHILD_WRITES = 240
CRON_RUNS = 16  # `crm log` commands, two cron jobs of eight
APP_THREADS = 2
MIN_APP_CYCLES = 20  # per thread, even if the other writers finish first
CRON_CONTACT = "Ярослав Cron"
IMPORT_ROWS = 80_000  # a Connections.csv whose import takes seconds (1.6 s, unloaded)
APP_WAIT_SLICE = 0.25  # the app's threads announce a wait sooner, so the import's is seen
WAITED = f"crm: {WAITING_MESSAGE}\n"  # all a waiting `crm` may print on stderr


def _app_worker(opportunity_id: int, worker: int, others_done: threading.Event) -> list[str]:
    """Write as the app's thread workers do until the other writers are done."""
    lines = []
    cycle = 0
    while cycle < MIN_APP_CYCLES or not others_done.is_set():
        draft = ContactDraft(name=f"José App {worker}-{cycle}", company="Acme")
        cycle_writes = write_cycle(
            draft,
            f"app {worker}-{cycle}",
            opportunity_id,
            channel=Channel.CALL,
            now=utc_now(),
            follow_up_days=2,
        )
        lines += [line + "\n" for line in cycle_writes]
        cycle += 1
    return lines


def _cron_job(
    db_path: Path, job: int, runs: int, import_done: threading.Event
) -> list[tuple[int, str, str, str]]:
    """Run `crm log` ``runs`` times in a row, and on while the import runs.

    Returns (exit code, summary, stdout, stderr) of each run.
    """
    results = []
    run = 0
    while run < runs or not import_done.is_set():
        summary = f"cron {job}-{run}"
        done = subprocess.run(
            [sys.executable, "-m", "crm", "--db", str(db_path), "log", CRON_CONTACT,
             "--channel", "email", "--kind", "other", "--summary", summary, "--json"],
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip
        results.append((done.returncode, summary, done.stdout, done.stderr))
        run += 1
    return results


def _long_import(db_path: Path, export: Path, done: threading.Event) -> tuple[int, str, str]:
    """Run `crm import linkedin` on a big file; returns (exit code, stdout, stderr)."""
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "crm", "--db", str(db_path), "import", "linkedin",
             str(export), "--json"],
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip
    finally:
        done.set()
    return finished.returncode, finished.stdout, finished.stderr


@pytest.mark.slow
def test_app_and_cron_write_at_once_without_locked_errors_or_lost_writes(
    tmp_path: Path,
    now: datetime,
    tally: Callable[[str, int], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(database, "WAIT_SLICE_SECONDS", APP_WAIT_SLICE)
    db_path = tmp_path / "crm.sqlite3"
    open_database(db_path)
    migrate()
    opportunity_id = opportunities.add_opportunity("Acme", "Engineer", now=now)
    cron_contact = contacts.create_contact(ContactDraft(name=CRON_CONTACT))
    export = tmp_path / "Connections.csv"
    export.write_bytes(connections_csv(IMPORT_ROWS))
    app_waits: list[str] = []
    announce_write_waits(lambda: app_waits.append(threading.current_thread().name))

    others_done = threading.Event()
    import_done = threading.Event()
    with (tmp_path / "child.err").open("w+") as child_errors:
        child = subprocess.Popen(
            [sys.executable, str(WRITER), str(db_path), str(opportunity_id), "child",
             str(CHILD_WRITES)],
            stdout=subprocess.PIPE,
            stderr=child_errors,
            text=True,
            encoding="utf-8",
        )  # fmt: skip
        reader = LineReader(child)
        with ThreadPoolExecutor(APP_THREADS + 3) as pool:
            importing = pool.submit(_long_import, db_path, export, import_done)
            app_work = [
                pool.submit(_app_worker, opportunity_id, worker, others_done)
                for worker in range(APP_THREADS)
            ]
            cron_work = [
                pool.submit(_cron_job, db_path, job, CRON_RUNS // 2, import_done) for job in (1, 2)
            ]
            try:
                cron_results = [result for job in cron_work for result in job.result()]
                child.wait(timeout=300)
                import_code, import_out, import_err = importing.result()
            finally:
                others_done.set()
                import_done.set()
                app_lines = [line for work in app_work for line in work.result()]
                announce_write_waits(None)
        child_errors.seek(0)
        assert (child.returncode, child_errors.read()) == (0, "")
    close_database()

    for code, summary, _out, err in cron_results:
        assert code == 0 and err in ("", WAITED), f"crm log --summary {summary!r}: {err}"
    assert import_code == 0 and import_err in ("", WAITED), import_err
    assert json.loads(import_out)["created"] == IMPORT_ROWS
    # The import held the lock for seconds while the app's threads kept writing.
    assert app_waits, "no app write had to wait for the import"
    child_lines = reader.rest()
    assert len(child_lines) == CHILD_WRITES
    reported = [ReportedWrite.parse(line) for line in child_lines + app_lines]
    cron_logged = sorted(
        (json.loads(out)["interaction_id"], summary) for _code, summary, out, _err in cron_results
    )
    assert integrity_problems(db_path) == []
    assert missing_writes(db_path, reported) == []
    assert _cron_conversations(db_path, cron_contact) == cron_logged
    assert _imported(db_path) == IMPORT_ROWS
    tally("two at once: concurrent writes verified", len(reported) + len(cron_logged))
    tally("two at once: rows imported beside them", IMPORT_ROWS)
    waited = sum(err == WAITED for _code, _summary, _out, err in cron_results)
    tally("two at once: writers that waited (and said so)", waited + len(app_waits))


def _imported(db_path: Path) -> int:
    """How many contacts the import created."""
    with closing(sqlite3.connect(db_path)) as connection:
        return int(
            connection.execute(
                "SELECT COUNT(*) FROM contact WHERE import_batch_id IS NOT NULL"
            ).fetchone()[0]
        )


def _cron_conversations(db_path: Path, contact_id: int) -> list[tuple[int, str]]:
    """(id, summary) of every conversation logged with the cron contact."""
    with closing(sqlite3.connect(db_path)) as connection:
        return list(
            connection.execute(
                "SELECT id, summary FROM interaction WHERE contact_id = ? ORDER BY id",
                (contact_id,),
            )
        )
