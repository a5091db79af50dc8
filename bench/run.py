"""Run the benchmarks and print a table (or JSON).

    python -m bench            # full size: 100k contacts, 1M conversations (~10 min)
    python -m bench --quick    # a tenth of the data, fewer runs (~2 min)
    python -m bench --json results.json --only startup --only in_app

The generated database is built once per size and kept in --data (default .bench-data/).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    import_memory,
    imports,
    in_app,
    instructions,
    mail,
    processes,
    ring,
    startup,
    sync,
)
from bench.context import FULL, QUICK, TINY, Context, Sizes
from bench.data import database_for
from bench.stats import Measurement

GROUPS: dict[str, Callable[[Context], list[Measurement]]] = {
    "startup": startup.measure,
    "instructions": instructions.measure,
    "processes": processes.measure,
    "in_app": in_app.measure,
    "imports": imports.measure,
    "import_memory": import_memory.measure,
    "sync": sync.measure,
    "ring": ring.measure,
    "mail": mail.measure,
}
DEFAULT_DATA = Path(__file__).resolve().parent.parent / ".bench-data"


def run(
    sizes: Sizes,
    *,
    data: Path,
    runs: int,
    queries: int,
    repeat: int,
    only: list[str] | None = None,
    log: Callable[[str], None] = print,
) -> list[Measurement]:
    """Build (or reuse) the data, then run each group; returns every measurement."""
    database, busiest = database_for(sizes, 2026, data, log=log)
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as work:
        ctx = Context(sizes, database, Path(work), runs, busiest, queries=queries, repeat=repeat)
        for name, measure in GROUPS.items():
            if only and name not in only:
                continue
            log(f"· {name} …")
            started = time.perf_counter()
            results += measure(ctx)
            log(f"  ({time.perf_counter() - started:.0f} s)")
    _relate_memory(results)
    return results


def _relate_memory(results: list[Measurement]) -> None:
    """The in-app peak memory is compared with the bare app's, when both were measured."""
    bare = next((m for m in results if m.name.startswith("Peak memory: bare")), None)
    used = next((m for m in results if m.name.startswith("Peak memory: crm after")), None)
    if bare and used:
        from bench.stats import Goal

        used.baseline = bare.name
        used.goals = (Goal("ratio", 1.5),)
        used.ratio = used.p50 / bare.p50


def machine() -> str:
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def table(results: list[Measurement]) -> str:
    """Markdown table: what, runs, median, p99, ratio, goal, met."""
    lines = [
        "| Measurement | Runs | Median | p99 | Ratio | Goal | Met |",
        "|---|---:|---:|---:|---:|---|:-:|",
    ]
    for m in results:
        unit = m.unit
        ratio = f"{m.ratio:.2f}×" if m.ratio is not None else ""
        goal = ", ".join(g.describe(unit) for g in m.goals)
        met = {True: "yes", False: "**no**", None: ""}[m.goal_met()]
        lines.append(
            f"| {m.name} | {len(m.samples)} | {m.p50:,.1f} {unit} | {m.p99:,.1f} {unit} "
            f"| {ratio} | {goal} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="a tenth of the data, fewer runs")
    size.add_argument("--tiny", action="store_true", help="a few hundred rows (used by the tests)")
    parser.add_argument("--only", action="append", choices=sorted(GROUPS), help="run these groups")
    parser.add_argument("--runs", type=int, help="runs of each process-level measurement")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write results as JSON")
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="where generated data is kept"
    )
    options = parser.parse_args(argv)
    if options.tiny:
        sizes, runs, queries, repeat = TINY, 1, 5, 2
    elif options.quick:
        sizes, runs, queries, repeat = QUICK, 5, 60, 15
    else:
        sizes, runs, queries, repeat = FULL, 15, 200, 200  # p99 of 200: not just the slowest
    runs = options.runs or runs

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    log(f"crm benchmarks on {sizes.label}")
    log(f"machine: {machine()}")
    results = run(
        sizes,
        data=options.data,
        runs=runs,
        queries=queries,
        repeat=repeat,
        only=options.only,
        log=log,
    )
    print(table(results))
    if options.json:
        options.json.write_text(
            json.dumps(
                {
                    "sizes": sizes.__dict__,
                    "machine": machine(),
                    "results": [m.as_json() for m in results],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    return 0
