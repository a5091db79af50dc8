"""Settings for the process that runs the full-screen app."""

from __future__ import annotations

import sys

# mallopt's parameter number for the most heaps ("arenas") glibc's malloc may create.
M_ARENA_MAX = -8
ARENAS = 2


def limit_malloc_arenas() -> None:
    """Let glibc's malloc keep at most two heaps, instead of one for each busy thread.

    Database reads run in worker threads, and glibc gives each thread that allocates while
    another does a heap of its own, which keeps what it freed. Measured after the benchmark's
    in-app runs at 100k contacts: peak memory ~55 -> ~53.5 MiB. The setting is the one the
    MALLOC_ARENA_MAX environment variable makes; a user's own value is left alone, and
    elsewhere (macOS, musl) there is nothing to do.
    """
    import os

    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, ARENAS)
    except (OSError, AttributeError):
        pass  # not glibc
