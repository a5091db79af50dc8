"""The hypothesis profile of the fuzz tests: deterministic in CI, deeper on demand."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
