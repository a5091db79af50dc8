"""`crm demo` without --db leaves nothing behind in the temporary folder once the app quits."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="drives the app through a pty")

STARTUP_TIMEOUT = 60.0


def drain(fd: int, seconds: float) -> bytes:
    """Read what the app drew for ``seconds`` (a full pty would block it)."""
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def test_quitting_the_demo_removes_its_throwaway_database(tmp_path: Path) -> None:
    env = os.environ | {
        "TMPDIR": str(tmp_path),
        "TERM": "xterm-256color",
        # Keep the user's own config and data out of it.
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    env.pop("CRM_DB", None)
    env["PYTHONPATH"] = str(Path(__file__).parents[2])
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "crm", "demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    try:
        drawn = b""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while b"Overdue" not in drawn and time.monotonic() < deadline:
            drawn += drain(master, 0.5)
        assert b"Overdue" in drawn, "the demo app never drew Today"
        folders = list(tmp_path.glob("crm-demo-*"))
        assert folders and (folders[0] / "demo.sqlite3").exists()
        os.write(master, b"\x11")  # Ctrl+Q
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            drain(master, 0.2)
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    assert list(tmp_path.glob("crm-demo-*")) == []
