"""Benchmarks inside the running app: search-as-you-type, opening a contact, the Today view.

Run by ``python -m bench`` in a child process of its own (the app freezes the collector and
owns the event loop), at the frame rate the crm command sets:

    TEXTUAL_FPS=120 python -m bench.in_app DB BUSIEST_CONTACT_ID --queries 200 --repeat 30 \
        --out results.json

Every sample is the time from the user's action (a key event posted to the app, as the terminal
driver posts it) to the first frame that shows the result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from bench.context import NOW, Context
from bench.frames import FrameWatch
from bench.queries import search_queries
from bench.startup import quiet_config
from bench.stats import Goal, Measurement, percentile

SIZE = (120, 36)


async def _wait_for_workers(app: App[object]) -> None:
    for worker in list(app.workers):
        try:
            await worker.wait()
        except (WorkerCancelled, WorkerFailed):
            pass  # superseded by a newer load, or an error the app reports itself


async def _settle(app: App[object], pause: float) -> None:
    """Let the last action's follow-on loads and frames finish, as a person would see them
    finish before acting again (keys typed back to back don't wait: ``pause`` 0)."""
    await _wait_for_workers(app)
    if pause:
        await asyncio.sleep(pause)  # messages and frames the workers posted
        await _wait_for_workers(app)  # and anything those started
    await asyncio.sleep(0)


async def _measure(action, predicate, watch: FrameWatch, pause: float = 0.05) -> float:  # type: ignore[no-untyped-def]
    await _settle(watch.app, pause)
    future = watch.start_waiting(predicate)
    started = time.perf_counter()
    action()
    finished = await asyncio.wait_for(future, 30)
    return (finished - started) * 1000


def _key(character: str) -> events.Key:
    return events.Key(_character_to_key(character), character)


# A fast typist presses a key every ~100 ms; pressing the next one 50 ms after the last
# results are drawn (~15 keys a second here) is faster than that and still leaves the app
# idle between keys, as it is when a person types. Keys pressed the instant the last results
# are drawn (BACK_TO_BACK) land right after a frame, so each waits out Textual's 60 fps
# spacing whatever the app does: that row shows the frame cap, not the app.
TYPING_GAP = 0.05
BACK_TO_BACK = 0.0


async def search_as_you_type(
    pilot: Pilot, watch: FrameWatch, queries: list[str], gap: float = TYPING_GAP
) -> list[float]:
    """Type each query from an empty box, ``gap`` seconds after each key's results are drawn;
    one sample per keystroke."""
    from crm.widgets.contact_list import ContactList
    from crm.widgets.search_box import SearchBox

    app = pilot.app
    screen = app.screen
    screen.action_focus_search()
    contact_list = screen.query_one(ContactList)
    search = screen.query_one(SearchBox)
    samples = []
    for query in queries:
        search.value = ""
        await watch.frame_where(lambda: contact_list.filter_text == "" and contact_list.total)
        for end in range(1, len(query) + 1):
            typed = query[:end]

            def shown(typed: str = typed) -> bool:
                return contact_list.filter_text == typed and search.value == typed

            key = _key(query[end - 1])
            post = lambda key=key: app.post_message(key)  # noqa: E731
            samples.append(await _measure(post, shown, watch, pause=gap))
    return samples


async def open_contact(pilot: Pilot, watch: FrameWatch, busiest: int, repeat: int) -> list[float]:
    """Show the contact with the longest timeline, from another contact; time to its rows."""
    from crm.widgets.timeline_pane import TimelinePane

    screen = pilot.app.screen
    timeline = screen.query_one(TimelinePane)
    other = 1  # a sample contact with a short history
    screen.action_show_tab("contacts")  # where people browse contacts; Today stops steering
    await pilot.pause(0.3)
    samples = []
    for _ in range(repeat):
        screen.show_contact(other)
        await watch.frame_where(lambda: timeline.shown.contact_id == other)
        samples.append(
            await _measure(
                lambda: screen.show_contact(busiest),
                lambda: timeline.shown.contact_id == busiest,
                watch,
            )
        )
    return samples


async def today_view(pilot: Pilot, watch: FrameWatch, repeat: int) -> list[float]:
    """Reload the Today view (as after a change or at midnight); time to the fresh rows."""
    from crm.widgets.today_pane import TodayPane

    screen = pilot.app.screen
    screen.action_show_tab("today")
    today = screen.query_one(TodayPane)
    await watch.frame_where(lambda: today.agenda is not None)
    samples = []
    for _ in range(repeat):
        previous = today.agenda
        samples.append(
            await _measure(
                today.load, lambda previous=previous: today.agenda is not previous, watch
            )
        )
    return samples


# Run in a separate process, as cron's `crm followup done` would be: it prints the moment it
# committed on the clock perf_counter reads (CLOCK_MONOTONIC, the same in every process).
_OTHER_WRITER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], timeout=10)
with connection:
    connection.execute(
        "UPDATE follow_up SET done_at = ? WHERE id = ?", (sys.argv[3] or None, int(sys.argv[2]))
    )
print(time.perf_counter())
"""


async def _write_elsewhere(db: Path, follow_up_id: int, done_at: str) -> float:
    """Mark a follow-up done (or not, with "") from another process; returns its commit moment."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _OTHER_WRITER,
        str(db),
        str(follow_up_id),
        done_at,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError("the other writer failed")
    return float(out)


async def other_writer(pilot: Pilot, watch: FrameWatch, db: Path, repeat: int) -> list[float]:
    """Another process marks a follow-up done, then not done: time from its commit to the frame
    that shows it (the app looks for other writers once a second)."""
    from crm.widgets.today_pane import TodayPane

    screen = pilot.app.screen
    screen.action_show_tab("today")
    today = screen.query_one(TodayPane)
    await watch.frame_where(lambda: today.agenda is not None)

    def pending() -> set[int]:
        agenda = today.agenda
        if agenda is None:
            return set()
        return {item.id for item in (*agenda.overdue, *agenda.due, *agenda.upcoming)}

    target = min(pending())
    samples = []
    try:
        for turn in range(repeat):
            done = turn % 2 == 0
            await _settle(watch.app, 0.05)
            future = watch.start_waiting(lambda done=done: (target in pending()) != done)
            committed = await _write_elsewhere(db, target, NOW.isoformat(sep=" ") if done else "")
            samples.append((await asyncio.wait_for(future, 30) - committed) * 1000)
    finally:
        if repeat % 2:
            await _write_elsewhere(db, target, "")  # leave the kept database as it was
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("busiest", type=int)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--only",
        choices=("today", "open_contact", "search", "search_back_to_back", "other_writer"),
        action="append",
    )
    parser.add_argument(
        "--no-watch",
        action="store_true",
        help="Don't look for other writers (to measure what looking costs while typing).",
    )
    parser.add_argument("--profile", type=Path, help="Write a pyinstrument profile (text) here.")
    options = parser.parse_args()
    wanted = set(
        options.only or ("today", "open_contact", "search", "search_back_to_back", "other_writer")
    )
    if options.no_watch:
        from crm.screens import main as main_screen

        main_screen.WATCH_SECONDS = 365 * 24 * 3600.0

    from crm.process import pause_garbage_collection

    pause_garbage_collection()  # as the crm command does; the app resumes it once painted
    from crm.cli import tui_app
    from crm.cli.context import open_and_migrate
    from crm.clock import fixed_clock

    open_and_migrate(options.db)
    app = tui_app(options.db, fixed_clock(NOW))
    watch = FrameWatch(app)
    queries = search_queries(options.db, options.queries)
    results: dict[str, list[float]] = {}

    async def run(pilot: Pilot) -> None:
        from crm.widgets.today_pane import TodayPane

        await watch.frame_where(
            lambda: (
                bool(app.screen.query(TodayPane))
                and app.screen.query_one(TodayPane).agenda is not None
            )
        )
        await pilot.pause(0.5)  # let start-up's follow-on loads (card, timeline) finish
        profiler = None
        if options.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
        if "today" in wanted:
            results["today"] = await today_view(pilot, watch, options.repeat)
        if "open_contact" in wanted:
            results["open_contact"] = await open_contact(
                pilot, watch, options.busiest, options.repeat
            )
        if "search" in wanted:
            results["search"] = await search_as_you_type(pilot, watch, queries)
        if "search_back_to_back" in wanted:
            results["search_back_to_back"] = await search_as_you_type(
                pilot, watch, queries, gap=BACK_TO_BACK
            )
        if "other_writer" in wanted:
            results["other_writer"] = await other_writer(pilot, watch, options.db, 10)
        if profiler is not None:
            profiler.stop()
            options.profile.write_text(profiler.output_text(unicode=False, show_all=True))
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=run)
    from bench.memory import peak_rss_kib

    peak = peak_rss_kib() / 1024
    options.out.write_text(json.dumps({"queries": queries, "peak_rss_mib": peak, **results}))


def as_the_crm_command_runs(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with the frame rate the crm command sets before it imports Textual."""
    from crm.process import FRAME_RATE, FRAME_RATE_ENV

    return {FRAME_RATE_ENV: FRAME_RATE, **env}


def _run_child(ctx: Context, out: Path, *options: str) -> dict[str, Any]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.in_app",
            str(ctx.database),
            str(ctx.busiest_contact_id),
            "--queries",
            str(ctx.queries),
            "--repeat",
            str(ctx.repeat),
            "--out",
            str(out),
            *options,
        ],
        check=True,
        env={**as_the_crm_command_runs(os.environ), **quiet_config(ctx.work)},
        stdout=subprocess.DEVNULL,
    )
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def measure(ctx: Context) -> list[Measurement]:
    """Run the in-app benchmarks in a child process and turn its samples into measurements."""
    unwatched = _run_child(
        ctx, ctx.work / "in_app_unwatched.json", "--only", "search", "--no-watch"
    )
    out = ctx.work / "in_app.json"
    _run_child(ctx, out)
    data = json.loads(out.read_text())
    sizes = ctx.sizes
    keystrokes = len(data["search"])
    watch_cost = percentile(data["search"], 0.99) / percentile(unwatched["search"], 0.99)
    return [
        Measurement(
            f"Search as you type: key → results frame ({len(data['queries'])} queries, "
            f"{keystrokes} keys, {TYPING_GAP * 1000:.0f} ms after the last results)",
            data["search"],
            goals=(Goal("p50", 16.7), Goal("p99", 33.0)),
        ),
        Measurement(
            "Search as you type, the app not looking for other writers (the same keys)",
            unwatched["search"],
            notes=f"p99 with the look ÷ without: {watch_cost:.2f}",
        ),
        Measurement(
            "A follow-up done by another process → the frame without it (and back)",
            data["other_writer"],
            goals=(Goal("p99", 1500.0),),
        ),
        Measurement(
            "Search, keys back to back (each the instant the last results are drawn)",
            data["search_back_to_back"],
        ),
        Measurement(
            f"Open a contact with {min(sizes.interactions, 1000):,} events → timeline frame",
            data["open_contact"],
            goals=(Goal("p99", 33.0),),
        ),
        Measurement(
            f"Today view, {sizes.follow_ups:,} pending follow-ups: reload → frame",
            data["today"],
            goals=(Goal("p99", 33.0),),
        ),
        Measurement("Peak memory: crm after these in-app runs", [data["peak_rss_mib"]], unit="MiB"),
    ]


if __name__ == "__main__":
    main()
