"""Only the `crm` command tunes its process: importing crm or running its app in a host
process (a test, a script) leaves the collector and Textual's frame rate as they were."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from crm.app import make_app
from crm.clock import fixed_clock
from tests.tui.helpers import build_app, settle

NOW = datetime(2026, 12, 1, 9, 0)


async def test_running_the_app_freezes_nothing_and_leaves_the_collector_as_it_was(
    db_path: Path,
) -> None:
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    frame_rate = os.environ.get("TEXTUAL_FPS")
    app = build_app(db_path, NOW)
    async with app.run_test() as pilot:
        await settle(pilot)
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled() == enabled
    assert os.environ.get("TEXTUAL_FPS") == frame_rate


async def test_the_start_up_hook_runs_once_after_the_first_frame(db_path: Path) -> None:
    calls: list[bool] = []
    app = make_app(db_path, clock=fixed_clock(NOW), on_first_frame=lambda: calls.append(True))
    async with app.run_test() as pilot:
        await settle(pilot)
        app.first_frame_shown()  # a second signal does not run it again
    assert calls == [True]


def test_importing_crm_and_its_app_sets_no_frame_rate() -> None:
    env = {key: value for key, value in os.environ.items() if key != "TEXTUAL_FPS"}
    code = "import os, crm, crm.app, crm.cli\nprint(os.environ.get('TEXTUAL_FPS'))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["None"]


def test_the_crm_command_sets_the_frame_rate_before_textual_is_imported() -> None:
    env = {key: value for key, value in os.environ.items() if key != "TEXTUAL_FPS"}
    code = (
        "import os, sys\nfrom crm.process import tune_before_imports\n"
        "tune_before_imports()\nfrom textual import constants\nimport gc\n"
        "print(os.environ.get('TEXTUAL_FPS'), constants.MAX_FPS, gc.isenabled())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["120", "120", "False"]
