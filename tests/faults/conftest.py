"""The fault suite's settings and tallies: a hypothesis profile, and counts printed at the end.

Each fault test records what it did (``tally("inputs: linkedin csv", 600)``); the counts are
summed over every test (and every xdist worker) and printed in the terminal summary, so a run
says how many faults were injected, writes verified and inputs tried.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

_TALLY_PREFIX = "faults: "

# Deterministic by default, so CI never fails on an input a previous run didn't try;
# HYPOTHESIS_PROFILE=faults-deep explores ten times as many, fresh ones each run.
settings.register_profile(
    "faults",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile("faults-deep", parent=settings.get_profile("faults"), derandomize=False)


def fuzz_settings(examples: int) -> settings:
    """The fault profile with ``examples`` inputs (ten times more under faults-deep)."""
    deep = os.environ.get("HYPOTHESIS_PROFILE") == "faults-deep"
    return settings(
        settings.get_profile("faults-deep" if deep else "faults"),
        max_examples=examples * (10 if deep else 1),
    )


@pytest.fixture
def tally(record_property: Callable[[str, object], None]) -> Callable[[str, int], None]:
    """Record a count for the summary: ``tally("faults injected", 20)``."""

    def record(what: str, count: int) -> None:
        record_property(_TALLY_PREFIX + what, count)

    return record


_totals: Counter[str] = Counter()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # user_properties travel with the report from xdist workers to the controller; the
    # teardown report holds every count, including those recorded by fixtures' teardown.
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if name.startswith(_TALLY_PREFIX):
            _totals[name.removeprefix(_TALLY_PREFIX)] += int(value)  # type: ignore[call-overload]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _totals or hasattr(terminalreporter.config, "workerinput"):
        return
    terminalreporter.section("fault suite")
    for what, count in sorted(_totals.items()):
        terminalreporter.write_line(f"{what}: {count:,}")
