"""The app's process settings."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import pytest

from crm import process


class FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def mallopt(self, parameter: int, value: int) -> int:
        self.calls.append((parameter, value))
        return 1


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> FakeLibc:
    fake = FakeLibc()
    monkeypatch.setattr(ctypes, "CDLL", lambda name: fake)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    return fake


def test_malloc_keeps_one_arena_on_linux(libc: FakeLibc) -> None:
    process.limit_malloc_arenas()
    assert libc.calls == [(process.M_ARENA_MAX, 1)]


def test_a_users_own_arena_setting_wins(libc: FakeLibc, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    process.limit_malloc_arenas()
    assert libc.calls == []


def test_without_glibc_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_glibc(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", no_glibc)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    process.limit_malloc_arenas()  # no error


def _in_a_fresh_process(code: str, *args: str) -> list[str]:
    """Run ``code`` in its own interpreter: the collector's state is per process."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout.split()


def test_collection_paused_then_resumed_with_start_up_frozen() -> None:
    code = (
        "import gc\nfrom crm import process\n"
        "process.pause_garbage_collection()\nprint(gc.isenabled())\n"
        "process.resume_garbage_collection()\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 0, gc.get_threshold()[0])"
    )
    assert _in_a_fresh_process(code) == ["False", "True", "True", "700"]


def test_resuming_leaves_a_collector_nobody_paused_alone() -> None:
    code = (
        "import gc\nfrom crm import process\n"
        "process.resume_garbage_collection()\n"
        "print(gc.isenabled(), gc.get_freeze_count(), gc.get_threshold()[0])"
    )
    assert _in_a_fresh_process(code) == ["True", "0", "700"]


def test_a_command_runs_with_the_collector_on(tmp_path: Path) -> None:
    """`crm` pauses collection while it starts; a command (not the app) turns it back on."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print(gc.isenabled()))\n"
        "from crm.__main__ import main\n"
        "sys.argv = ['crm', '--db', sys.argv[1], 'agenda']\n"
        "main()"
    )
    assert _in_a_fresh_process(code, str(tmp_path / "crm.sqlite3"))[-1] == "True"


def test_the_console_script_is_the_entry_that_pauses_collection() -> None:
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="crm")
    assert script.value == "crm.__main__:main"
