"""Cold start counted in instructions: the same two start-ups as bench.startup, under valgrind.

Wall-clock start-up on a shared VM drifts by ±30 % from run to run, more than most changes
move it. The number of instructions executed up to the first frame drifts ~1-3 % (the
database worker's timing changes how often the event loop turns; a busy machine gave one
run in ten ~20 % more), so a few runs tell whether a change made start-up cheaper. It is
not time: waiting for the disk, caches and other processes isn't counted. Runs only where
valgrind is installed, once each (valgrind runs Python ~30x slower: ~60 s for the three).

The third start-up is not the app: Today's list alone with its data, a title and a key bar,
importing nothing else of crm. It bounds what drawing a minimal first screen and building
the rest after it (a two-stage start) could gain.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from bench.context import Context
from bench.startup import BARE, CRM, TODAY_ALONE, as_installed, quiet_config
from bench.stats import Measurement

# cachegrind without its cache simulation only counts: the fastest valgrind tool that does.
VALGRIND = ("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null")
_COUNTED = re.compile(r"I\s+refs:\s+([\d,]+)")


def available() -> bool:
    return shutil.which("valgrind") is not None


def instructions_to_first_frame(code: str, *args: str, env: dict[str, str] | None = None) -> int:
    """Instructions ``python -c code`` executes until it reports its first frame and exits."""
    read_end, write_end = os.pipe()
    child_env = as_installed({**os.environ, **(env or {}), "BENCH_FD": str(write_end)})
    try:
        result = subprocess.run(
            [*VALGRIND, sys.executable, "-c", code, *args],
            env=child_env,
            pass_fds=(write_end,),
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        os.close(write_end)
    with os.fdopen(read_end) as reports:
        reported = reports.readline()
    counted = _COUNTED.search(result.stderr)
    if not reported or counted is None:
        raise RuntimeError(f"no frame reported under valgrind:\n{result.stderr[-2000:]}")
    return int(counted[1].replace(",", ""))


def measure(ctx: Context) -> list[Measurement]:
    if not available():
        print("  valgrind isn't installed: instruction counts skipped")
        return []
    bare = Measurement(
        "Cold start in instructions: bare Textual app",
        [instructions_to_first_frame(BARE) / 1e6],
        unit="M",
        notes="valgrind; drifts ~1-3 %, where wall-clock time drifts ±30 %",
    )
    crm = Measurement(
        "Cold start in instructions: crm",
        [instructions_to_first_frame(CRM, str(ctx.database), env=quiet_config(ctx.work)) / 1e6],
        unit="M",
        baseline=bare.name,
    )
    crm.ratio = crm.p50 / bare.p50
    alone = Measurement(
        "Cold start in instructions: Today alone (no CLI, tabs or side panes; not the app)",
        [
            instructions_to_first_frame(TODAY_ALONE, str(ctx.database), env=quiet_config(ctx.work))
            / 1e6
        ],
        unit="M",
        baseline=bare.name,
        notes="the cheapest first frame a two-stage start could draw",
    )
    alone.ratio = alone.p50 / bare.p50
    return [bare, crm, alone]
