"""Checking a database against the writes a journal_writer child reported as committed."""

from __future__ import annotations

import queue
import sqlite3
import subprocess
import threading
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

WRITER = Path(__file__).with_name("journal_writer.py")
LINE_WAIT_SECONDS = 60.0  # generous: a loaded CI machine may stall a child for a while


@dataclass(frozen=True)
class ReportedWrite:
    """One line of a journal_writer's report: what it committed."""

    kind: str  # contact, conversation, followup
    id: int
    fields: tuple[str, ...]

    @classmethod
    def parse(cls, line: str) -> ReportedWrite:
        kind, rest = line.rstrip("\n").split(" ", 1)
        if kind == "contact":
            record_id, name = rest.split(" ", 1)
            return cls(kind, int(record_id), (name,))
        if kind == "conversation":
            record_id, contact_id, follow_up_id, summary = rest.split(" ", 3)
            return cls(kind, int(record_id), (contact_id, follow_up_id, summary))
        if kind == "followup":
            return cls(kind, int(rest), ())
        raise ValueError(f"not a report line: {line!r}")


def complete_lines(text: str) -> list[str]:
    """The whole lines in ``text``: a line cut off by a kill has no newline and is dropped."""
    return [line for line in text.splitlines(keepends=True) if line.endswith("\n")]


class LineReader:
    """Reads a child's standard output on a thread, so the test can wait with a timeout."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _pump(self, stream: Iterable[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)

    def next_line(self) -> str | None:
        """The next line, or None at the end of the output."""
        return self._lines.get(timeout=LINE_WAIT_SECONDS)

    def rest(self) -> list[str]:
        """Every remaining whole line, once the child has ended."""
        self._thread.join(timeout=LINE_WAIT_SECONDS)
        lines = []
        while (line := self._lines.get_nowait()) is not None:
            lines.append(line)
        return complete_lines("".join(lines))


def integrity_problems(db_path: Path) -> list[str]:
    """What SQLite's integrity and foreign-key checks find wrong; [] for a sound database."""
    with closing(sqlite3.connect(db_path)) as connection:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        problems += [repr(row) for row in connection.execute("PRAGMA foreign_key_check")]
    return problems


def missing_writes(db_path: Path, reported: Iterable[ReportedWrite]) -> list[str]:
    """The reported writes the database doesn't hold, described; [] when every one is there."""
    missing = []
    with closing(sqlite3.connect(db_path)) as connection:

        def one(sql: str, *params: object) -> tuple[object, ...] | None:
            row: tuple[object, ...] | None = connection.execute(sql, params).fetchone()
            return row

        for write in reported:
            if write.kind == "contact":
                found = one("SELECT name FROM contact WHERE id = ?", write.id)
                indexed = one("SELECT rowid FROM contact_index WHERE rowid = ?", write.id)
                if found != (write.fields[0],) or indexed is None:
                    missing.append(f"contact #{write.id} {write.fields[0]!r}: found {found}")
            elif write.kind == "conversation":
                contact_id, follow_up_id, summary = write.fields
                found = one("SELECT contact_id, summary FROM interaction WHERE id = ?", write.id)
                follow_up = one("SELECT contact_id FROM follow_up WHERE id = ?", int(follow_up_id))
                if found != (int(contact_id), summary) or follow_up != (int(contact_id),):
                    missing.append(f"conversation #{write.id}: found {found}, {follow_up}")
            else:
                done = one("SELECT done_at FROM follow_up WHERE id = ?", write.id)
                if done is None or done[0] is None:
                    missing.append(f"follow-up #{write.id} done: found {done}")
    return missing
