"""Samples, their median and p99, and whether a goal was met."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p99 of 200 samples is the 198th smallest)."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Goal:
    """A target for one statistic of a measurement: ``stat`` ≤ ``limit``."""

    stat: str  # "p50", "p99" or "ratio"
    limit: float

    def describe(self, unit: str) -> str:
        suffix = "×" if self.stat == "ratio" else f" {unit}"
        return f"{self.stat} ≤ {self.limit:g}{suffix}"


@dataclass
class Measurement:
    """One line of the report: what was timed, the samples, and optional goals."""

    name: str
    samples: list[float]
    unit: str = "ms"
    goals: tuple[Goal, ...] = ()
    ratio: float | None = None
    """For comparisons (start-up, memory): median of this ÷ median of the baseline."""
    baseline: str = ""
    notes: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 0.99)

    def value(self, stat: str) -> float | None:
        if stat == "ratio":
            return self.ratio
        return self.p50 if stat == "p50" else self.p99

    def goal_met(self) -> bool | None:
        """True/False when there are goals; None when there's nothing to meet."""
        if not self.goals:
            return None
        for goal in self.goals:
            value = self.value(goal.stat)
            if value is None or value > goal.limit:
                return False
        return True

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "unit": self.unit,
            "runs": len(self.samples),
            "p50": round(self.p50, 3),
            "p99": round(self.p99, 3),
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "baseline": self.baseline,
            "goals": [{"stat": g.stat, "limit": g.limit} for g in self.goals],
            "goal_met": self.goal_met(),
            "notes": self.notes,
            **{key: round(value, 3) for key, value in self.extra.items()},
        }
