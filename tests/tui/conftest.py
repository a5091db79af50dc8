"""Publish the reviewed SVG snapshots as the README's screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "__snapshots__"
SCREENSHOTS = Path(__file__).parents[2] / "screenshots"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Copy every snapshot SVG to screenshots/, named after its test."""
    if not SNAPSHOTS.is_dir():
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    for snapshot in SNAPSHOTS.glob("*/*.svg"):
        target = SCREENSHOTS / snapshot.name.removeprefix("test_")
        if not target.exists() or target.read_bytes() != snapshot.read_bytes():
            shutil.copyfile(snapshot, target)
