"""Noticing writes made elsewhere (cron's `crm log`, a restore, a second crm) while the app runs."""

from __future__ import annotations

import sqlite3

from crm.db.database import is_read_only, opened_path


class ChangeWatch:
    """Tells whether another connection committed to the open database since the last look.

    SQLite's ``PRAGMA data_version`` changes on one connection exactly when another connection
    commits, so the watch keeps a connection of its own and compares the number.
    """

    def __init__(self) -> None:
        self._connection: sqlite3.Connection | None = None
        self._version: int | None = None

    def _current(self) -> int | None:
        """The database's data version as this watch's connection sees it (None: can't tell)."""
        path = opened_path()
        if path is None or is_read_only():
            return None  # an immutable read-only database changes under nobody's hand
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    path.absolute().as_uri() + "?mode=ro",
                    uri=True,
                    timeout=0.1,
                    check_same_thread=False,
                )
            return int(self._connection.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            self.close()  # a restore or a lost file: start afresh next time
            return None

    def settle(self) -> None:
        """Take what has been written so far as seen (after the app reloaded for its own write)."""
        self._version = self._current()

    def changed(self) -> bool:
        """Whether someone committed since the last look (the first look only settles)."""
        seen, self._version = self._version, self._current()
        return seen is not None and self._version is not None and seen != self._version

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
