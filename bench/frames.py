"""Know when a frame showing some state has been produced by a running Textual app.

Headless apps compose every frame but skip turning it into terminal output; the watcher does
that step too (``render_segments``), so a measured frame costs what it would on a terminal.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual._compositor import CompositorUpdate
from textual.app import App


class FrameWatch:
    """Wraps ``app._display``: resolves a waiter at the first frame where its predicate holds."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self._display = app._display
        self._waiting: tuple[Callable[[], bool], asyncio.Future[float]] | None = None
        app._display = self._on_display  # type: ignore[method-assign]

    def _on_display(self, screen: object, renderable: object) -> None:
        self._display(screen, renderable)  # type: ignore[arg-type]
        if renderable is None or self._waiting is None:
            return
        predicate, future = self._waiting
        if not future.done() and predicate():
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(self.app.console)  # what a terminal would be sent
            future.set_result(time.perf_counter())
            self._waiting = None

    async def frame_where(self, predicate: Callable[[], bool], timeout: float = 30.0) -> float:
        """Wait for a frame produced while ``predicate()`` is true; returns its perf_counter."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting = (predicate, future)
        self.app.screen.refresh()  # a state that already holds needs a frame to be seen
        return await asyncio.wait_for(future, timeout)

    def start_waiting(self, predicate: Callable[[], bool]) -> asyncio.Future[float]:
        """Like frame_where, but set up before the action so no frame is missed."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting = (predicate, future)
        return future
