"""Cold start: process start to the first painted frame, crm next to a bare Textual app.

Each run spawns a fresh Python process; the child reports the wall-clock moment its first
frame with data was produced (see bench.frames), so interpreter start-up counts and shutdown
doesn't. The two cases alternate so that drift on the machine hits both alike.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.context import NOW, Context
from bench.stats import Goal, Measurement

SIZE = "(120, 36)"

# Shared by both children: report the first frame produced while `shown()` holds, then quit.
_FIRST_FRAME = """
import os, time
from textual._compositor import CompositorUpdate
from textual.app import App

def peak_rss_kib():
    # VmHWM starts afresh at exec; ru_maxrss would carry a big parent's peak into the child.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

def report_first_frame(app, shown):
    display = app._display
    def on_display(screen, renderable):
        display(screen, renderable)
        if renderable is not None and not getattr(app, "_bench_done", False) and shown(app):
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            peak = peak_rss_kib()
            os.write(int(os.environ["BENCH_FD"]), f"{time.time()} {peak}\\n".encode())
            app._bench_done = True
            app.exit()
    app._display = on_display
"""

BARE = (
    _FIRST_FRAME
    + f"""
from textual.widgets import DataTable

class Bare(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Name", "Company", "Role")
        table.add_rows([(f"Person {{i}}", "Acme", "Engineer") for i in range(50)])

app = Bare()
report_first_frame(app, lambda app: app.query_one(DataTable).row_count == 50)
app.run(headless=True, size={SIZE})
"""
)

# What `crm --db DB` does, with the app run headless: the real entry point, click and all.
# The entry point tunes the process before it imports anything; the frame hook below has to
# import Textual before calling it, so it tunes it first, as the entry will.
CRM = (
    """
from crm.process import tune_before_imports
tune_before_imports()
"""
    + _FIRST_FRAME
    + f"""
import sys
from functools import partialmethod

def today_shown(app):
    pane = app.screen.query("TodayPane")
    return bool(pane) and pane.first().agenda is not None

original_run = App.run
def run_headless(self, *args, **kwargs):
    report_first_frame(self, today_shown)
    return original_run(self, headless=True, size={SIZE})
App.run = run_headless

from crm.__main__ import main
sys.argv = ["crm", "--db", sys.argv[1], "--now", "{NOW:%Y-%m-%d %H:%M}"]
try:
    main()
except SystemExit:
    pass
"""
)

# Not the app: the cheapest first frame a two-stage start could draw (title bar, Today's list
# with its data, key bar), importing only what those need: no command line, no tabs, no side
# panes, no other screens. Counted in instructions, it bounds how close a redesign of
# MainScreen's start could come to the bare app.
TODAY_ALONE = (
    """
from crm.process import tune_before_imports
tune_before_imports()
"""
    + _FIRST_FRAME
    + f"""
import sys
from datetime import datetime
from pathlib import Path
from textual.screen import Screen
import crm.widgets
from crm.clock import fixed_clock
from crm.db import open_database
from crm.widgets.key_bar import KeyBar
from crm.widgets.title_bar import TitleBar
from crm.widgets.today_pane import TodayPane

open_database(Path(sys.argv[1]))

class TodayAlone(Screen):
    def compose(self):
        yield TitleBar()
        yield TodayPane(id="today-list")
        yield KeyBar()

class FirstFrameOnly(App):
    CSS_PATH = str(Path(crm.widgets.__file__).parent.parent / "app.tcss")

    def __init__(self):
        super().__init__()
        self.clock = fixed_clock(datetime.fromisoformat("{NOW:%Y-%m-%d %H:%M}"))

    def on_mount(self):
        self.push_screen(TodayAlone())

def today_shown(app):
    pane = app.screen.query("TodayPane")
    return bool(pane) and pane.first().agenda is not None

app = FirstFrameOnly()
report_first_frame(app, today_shown)
app.run(headless=True, size={SIZE})
"""
)


def first_frame(code: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds from spawning ``python -c code`` to the first frame it reports, and its peak
    resident memory (MiB) by then."""
    read_end, write_end = os.pipe()
    child_env = as_installed({**os.environ, **(env or {}), "BENCH_FD": str(write_end)})
    started = time.time()
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=child_env,
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    with os.fdopen(read_end) as reports:
        line = reports.readline()
    _, errors = process.communicate(timeout=120)
    if not line:
        raise RuntimeError(f"no frame reported:\n{errors.decode(errors='replace')}")
    moment, peak_kib = line.split()
    return float(moment) - started, int(peak_kib) / 1024


def quiet_config(work: Path) -> dict[str, str]:
    """Daily backups off: the first start of a day copies the whole database once."""
    config = work / "config.toml"
    config.write_text("[backups]\nkeep = 0\n")
    return {"CRM_CONFIG": str(config)}


def as_installed(env: dict[str, str]) -> dict[str, str]:
    """The environment of a user's start: Python may cache bytecode.

    pip compiles the packages it installs (textual, peewee, ...), and a user's first start of
    an editable checkout writes crm's bytecode. These machines set PYTHONDONTWRITEBYTECODE,
    which would time compiling crm's ~50 modules (~100 ms) on every run, and only crm's.
    The warm-up run writes the bytecode (into the git-ignored __pycache__ folders).
    """
    return {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}


def measure(ctx: Context) -> list[Measurement]:
    env = quiet_config(ctx.work)
    database = str(ctx.database)
    first_frame(BARE)  # warm the file cache for both
    first_frame(CRM, database, env=env)
    bare: list[tuple[float, float]] = []
    crm: list[tuple[float, float]] = []
    for _ in range(ctx.runs):
        bare.append(first_frame(BARE))
        crm.append(first_frame(CRM, database, env=env))
    baseline = Measurement(
        "Cold start: bare Textual app, 50-row DataTable", [t * 1000 for t, _ in bare]
    )
    ours = Measurement(
        "Cold start: crm, Today view painted",
        [t * 1000 for t, _ in crm],
        goals=(Goal("ratio", 1.25),),
        baseline=baseline.name,
    )
    ours.ratio = ours.p50 / baseline.p50
    bare_memory = Measurement(
        "Peak memory: bare Textual app at first frame", [m for _, m in bare], unit="MiB"
    )
    crm_memory = Measurement(
        "Peak memory: crm at first frame",
        [m for _, m in crm],
        unit="MiB",
        goals=(Goal("ratio", 1.5),),
        baseline=bare_memory.name,
    )
    crm_memory.ratio = crm_memory.p50 / bare_memory.p50
    return [baseline, ours, bare_memory, crm_memory]
