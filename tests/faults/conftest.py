"""The fault suite's tallies: counts of what the tests did, printed at the end of the run.

Each fault test records what it did (``tally("crash: faults injected (SIGKILL)", 20)``); the
counts are summed over every test (and every xdist worker) and printed in the terminal
summary, so a run says how many faults were injected, writes verified and inputs tried.
Under xdist the summary needs this conftest in the controller: name the folder
(``pytest -n 2 tests/faults``); a plain serial ``pytest`` prints it too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

_TALLY_PREFIX = "faults: "


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
