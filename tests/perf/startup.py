"""Measure start-up: process start to the first frame showing contacts, against Textual's floor.

    python -m tests.perf.startup DB [--runs 9]

Runs each case in a fresh process, headless, and prints the median wall time:
a bare ``import textual.app``, a bare app with one 50-row DataTable, and crm on DB.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

BARE_IMPORT = "import textual.app"

BARE_TABLE = """
from textual.app import App
from textual.widgets import DataTable

class Bare(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Name", "Company", "Role")
        table.add_rows([(f"Person {i}", "Acme", "Engineer") for i in range(50)])
        self.call_after_refresh(self.exit)

Bare().run(headless=True)
"""

CRM = """
import sys
from pathlib import Path
from crm.cli import _open_database
from crm.app import make_app
from crm.widgets.contact_list import ContactList

path = Path(sys.argv[1])
_open_database(path)
app = make_app(path)

async def until_contacts_shown(pilot):
    while not app.screen.query(ContactList) or app.screen.query_one(ContactList).total is None:
        await pilot.pause(0.001)
    app.call_after_refresh(app.exit)

app.run(headless=True, auto_pilot=until_contacts_shown)
"""


def time_process(code: str, *args: str) -> float:
    """Seconds from spawning ``python -c code`` to its exit."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    cases = {
        "python -c 'import textual.app'": (BARE_IMPORT,),
        "bare app, 50-row DataTable": (BARE_TABLE,),
        f"crm on {options.db}": (CRM, options.db),
    }
    medians = {}
    for name, (code, *args) in cases.items():
        time_process(code, *args)  # warm the file cache
        runs = [time_process(code, *args) for _ in range(options.runs)]
        medians[name] = statistics.median(runs)
        print(f"{name:45} median {medians[name] * 1000:6.0f} ms over {options.runs} runs")
    bare = medians["bare app, 50-row DataTable"]
    print(f"crm / bare app: {medians[f'crm on {options.db}'] / bare:.2f}x")


if __name__ == "__main__":
    main()
