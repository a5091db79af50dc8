"""Hold the screen's next frame until the data it should show has arrived.

Textual paints at most 60 frames a second, and a frame started by one change pushes the next
one at least a frame interval later (up to two, the way its update timer catches up). When a
typed letter is painted on its own, the filtered rows arriving just after it wait for the
next slot; holding the echo until the rows arrive puts both in one frame, and the deadline
keeps a slow query from delaying the echo by more than two frames.
"""

from __future__ import annotations

from contextlib import ExitStack

from textual.dom import DOMNode
from textual.timer import Timer

DEADLINE = 1 / 30
"""The longest a change waits for its data before it is painted anyway: two frames."""


class FrameHold:
    """Suspends painting from ``start`` until ``release`` or the deadline, whichever is first."""

    def __init__(self, owner: DOMNode, deadline: float | None = None) -> None:
        self._owner = owner
        self._deadline = deadline
        self._batch: ExitStack | None = None
        self._timer: Timer | None = None

    def start(self) -> None:
        """Hold painting from now (a hold already running keeps its deadline, so fast typing
        can't starve the screen of frames)."""
        if self._batch is not None or not self._owner.is_attached:
            return
        # Entered here, not in a task: the screen may go idle and paint before a task runs.
        self._batch = ExitStack()
        self._batch.enter_context(self._owner.app.batch_update())
        deadline = DEADLINE if self._deadline is None else self._deadline
        self._timer = self._owner.set_timer(deadline, self.release, name="frame-hold")

    def release(self) -> None:
        """The data has arrived (or the deadline passed): paint it with everything else."""
        if self._batch is None:
            return
        batch, self._batch = self._batch, None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        batch.close()
        if self._owner.is_attached:
            # The screen went idle during the hold and skipped its update: prompt it again.
            self._owner.app.screen.check_idle()
