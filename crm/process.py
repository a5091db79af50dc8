"""How the `crm` command tunes its own process.

Only the entry point (crm.__main__) and the command line (crm.cli) call these: importing crm,
or building the app in a test or a script, leaves the host process as it was.
"""

from __future__ import annotations

import gc
import os
import sys

# The frame rate the app runs at; Textual reads it from the environment.
FRAME_RATE_ENV = "TEXTUAL_FPS"
FRAME_RATE = "120"

# mallopt's parameter number for the most heaps ("arenas") glibc's malloc may create.
M_ARENA_MAX = -8
ARENAS = 1


def tune_before_imports() -> None:
    """What the `crm` command sets before anything imports Textual."""
    set_frame_rate()
    pause_garbage_collection()


def set_frame_rate() -> None:
    """Let Textual paint up to 120 frames a second instead of 60, unless the user chose.

    A change is painted at the next frame tick, so a faster tick shows a keystroke sooner;
    frames are still painted only when something changed. Textual reads the variable when it
    is first imported.
    """
    os.environ.setdefault(FRAME_RATE_ENV, FRAME_RATE)


def limit_malloc_arenas() -> None:
    """Let glibc's malloc keep one heap, instead of one for each busy thread.

    Database reads run in worker threads, and glibc gives each thread that allocates while
    another does a heap of its own, which keeps what it freed. The setting is the one the
    MALLOC_ARENA_MAX environment variable makes; a user's own value is left alone, and
    elsewhere (macOS, musl) there is nothing to do.
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, ARENAS)
    except (OSError, AttributeError):
        pass  # not glibc


def pause_garbage_collection() -> None:
    """Turn the cyclic garbage collector off while crm starts.

    Start-up makes objects (modules, classes, styles, widgets) that live as long as the
    process, so collecting them as they are made finds almost nothing.
    `resume_garbage_collection` turns it back on.
    """
    gc.disable()


def resume_garbage_collection() -> None:
    """Start-up is over: keep the collector off what it made (``gc.freeze``), then turn it on.

    Python's default thresholds stay: higher ones saved collector time but no keystroke
    latency, and cost memory.

    Does nothing unless `pause_garbage_collection` turned it off, so that a host process
    (the tests, a script importing crm) keeps its own collector as it was.
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
