"""The ring checker on long, hostile text: a pasted mail thread, or stdin fed to `crm ring-check`.

Each text is about 1 MB of words the checker's patterns care about, with no full stop (one
endless sentence), so a check that re-read the sentence for each phrase would be quadratic.
The floor is one pass of a word regex over the same text.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable
from datetime import UTC

from bench.context import NOW, QUICK, Context
from bench.stats import Goal, Measurement
from crm.domain.ring_check import check_ring

SIZE = 1_000_000
"""Characters per text (a twentieth of it on the tiny data the tests run)."""

RATIO_GOAL = Goal("ratio", 100.0)
"""Linear: the checker may cost a hundred word scans, not one per phrase found."""

_VOCABULARY = (
    "let me know i'll call you friday hope to hear from you жду вашего ответа я позвоню вам в "
    "пятницу hihintayin ko po ang sagot ninyo tatawagan ko po kayo sa huwebes also вам ang"
).split()


def _texts(seed: int, size: int) -> dict[str, str]:
    rng = random.Random(seed)
    words = " ".join(rng.choice(_VOCABULARY) for _ in range(size // 5))
    return {
        "mixed words": words[:size],
        "one commitment, repeated": ("i'll call you " * (size // 14))[:size],
        "fillers without a verb": ("я " + "вам " * (size // 4))[:size],
    }


def _median_seconds(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def measure(ctx: Context) -> list[Measurement]:
    """Time check_ring on each hostile text against a word scan of it."""
    runs = max(3, min(ctx.runs, 5))
    results = []
    word = re.compile(r"\w+")
    size = SIZE if ctx.sizes.contacts >= QUICK.contacts else SIZE // 20
    for name, text in _texts(ctx.seed, size).items():
        floor = _median_seconds(lambda text=text: sum(1 for _ in word.finditer(text)), runs)
        checked = _median_seconds(lambda text=text: check_ring(text, now=NOW, tz=UTC), runs)
        results.append(
            Measurement(
                f"Ring check, {size / 1e6:g} MB: {name}",
                [sample * 1000 for sample in checked],
                goals=(RATIO_GOAL,),
                ratio=statistics.median(checked) / statistics.median(floor),
                baseline="a word regex over the same text",
                notes=f"{len(text):,} characters, no full stop",
            )
        )
    return results
