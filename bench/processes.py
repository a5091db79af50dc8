"""Whole commands as a cron job or a shell alias would run them: `crm agenda --json`,
`crm search`."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.context import NOW, Context
from bench.startup import as_installed, quiet_config
from bench.stats import Measurement

COMMANDS = (
    ("crm agenda --json", ["agenda", "--json"]),
    ("crm search mar", ["search", "mar"]),
    ("crm search --json Смир", ["search", "--json", "Смир"]),
)


def _run_seconds(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def measure(ctx: Context) -> list[Measurement]:
    env = as_installed({**os.environ, **quiet_config(ctx.work)})
    base = [
        sys.executable,
        "-m",
        "crm",
        "--db",
        str(ctx.database),
        "--now",
        f"{NOW:%Y-%m-%d %H:%M}",
    ]
    results = []
    for label, args in COMMANDS:
        _run_seconds(base + args, env)  # warm the file cache, write crm's bytecode
        samples = [_run_seconds(base + args, env) * 1000 for _ in range(ctx.runs)]
        results.append(Measurement(f"Process: {label}", samples))
    return results
