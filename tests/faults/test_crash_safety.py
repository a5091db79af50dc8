"""Crash safety: a writer killed with SIGKILL at random points loses no write it reported."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from crm.db import close_database, migrate, open_database
from crm.services import opportunities
from tests.faults.reported_writes import (
    WRITER,
    LineReader,
    ReportedWrite,
    integrity_problems,
    missing_writes,
)

pytestmark = pytest.mark.faults

SEED = 20261118
KILLS = 20
# How many committed writes a child reports before it is killed: 20 runs of 40-70 writes
# read, plus the ones already in the pipe, come to well over a thousand writes.
REPORTS_BEFORE_KILL = (40, 70)


def _fresh_database(path: Path, now: datetime) -> int:
    """A migrated database with one open opportunity; returns the opportunity's id."""
    open_database(path)
    migrate()
    opportunity_id = opportunities.add_opportunity("Ørsted Ltd", "Staff Engineer", now=now)
    close_database()
    return opportunity_id


def _run_and_kill(db_path: Path, opportunity_id: int, tag: str, kill_after: int) -> list[str]:
    """Start a writer, SIGKILL it after ``kill_after`` reports; returns every line it reported."""
    with (db_path.parent / f"writer-{tag}.err").open("w+") as errors:
        child = subprocess.Popen(
            [sys.executable, str(WRITER), str(db_path), str(opportunity_id), tag],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
        )
        reader = LineReader(child)
        lines = []
        try:
            while len(lines) < kill_after and (line := reader.next_line()) is not None:
                lines.append(line)
        finally:
            still_writing = child.poll() is None
            child.send_signal(signal.SIGKILL)
            child.wait()
        errors.seek(0)
        assert still_writing, f"the writer stopped by itself:\n{errors.read()}"
    assert child.returncode == -signal.SIGKILL
    # Lines already in the pipe were printed after their commit, too.
    return lines + reader.rest()


@pytest.mark.slow
def test_sigkill_at_random_points_loses_no_reported_write(
    tmp_path: Path, now: datetime, tally: Callable[[str, int], None]
) -> None:
    db_path = tmp_path / "crm.sqlite3"
    opportunity_id = _fresh_database(db_path, now)
    chooser = random.Random(SEED)
    reported: list[ReportedWrite] = []
    for run in range(KILLS):
        lines = _run_and_kill(
            db_path, opportunity_id, str(run), chooser.randint(*REPORTS_BEFORE_KILL)
        )
        reported += [ReportedWrite.parse(line) for line in lines]
        assert integrity_problems(db_path) == [], f"after kill {run + 1}"
        # Every write reported so far, by this run and the ones before it, is still there.
        assert missing_writes(db_path, reported) == [], f"after kill {run + 1}"
    assert len(reported) >= 1000
    tally("crash: faults injected (SIGKILL)", KILLS)
    tally("crash: writes verified after the kills", len(reported))
    tally("crash: reported writes lost", len(missing_writes(db_path, reported)))
