"""Measure the daily loop's reads: the Today agenda and a contact's timeline.

    python -m tests.perf.daily DB [--runs 25]

Prints the median and worst time of each service call on DB (as the app's workers run them),
and the time from start to the Today view's first rows in the running app, headless.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from peewee import fn

from crm.clock import utc_now
from crm.db import open_database
from crm.db.models import Contact, Interaction
from crm.services import followups
from crm.services.conversations import timeline
from crm.services.tx import reading


def _time(call, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


async def _today_first_rows(db_path: Path) -> float:
    from crm.app import make_app
    from crm.widgets.today_pane import TodayPane

    app = make_app(db_path)
    started = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.screen.query(TodayPane) or app.screen.query_one(TodayPane).agenda is None:
            await pilot.pause(0.001)
        return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=25)
    options = parser.parse_args()
    open_database(options.db)
    with reading():
        busiest = (
            Interaction.select(Interaction.contact, fn.COUNT(Interaction.id).alias("n"))
            .group_by(Interaction.contact)
            .order_by(fn.COUNT(Interaction.id).desc())
            .tuples()
            .first()
        )
        contact_id = busiest[0] if busiest else Contact.select(Contact.id).scalar()
    now = utc_now()
    median, worst = _time(lambda: followups.agenda(now=now), options.runs)
    print(f"agenda (Today view data)       median {median:6.1f} ms  worst {worst:6.1f} ms")
    median, worst = _time(lambda: timeline(contact_id=contact_id, now=now), options.runs)
    print(f"timeline of contact #{contact_id:<8} median {median:6.1f} ms  worst {worst:6.1f} ms")
    samples = [asyncio.run(_today_first_rows(options.db)) for _ in range(5)]
    print(f"app start to Today rows (headless, in-process) median {statistics.median(samples):6.0f} ms")


if __name__ == "__main__":
    main()
