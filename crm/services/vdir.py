"""vdirs (khard, vdirsyncer): one file per item, written atomically, ours removed when gone."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    items: int  # contacts (or calendar entries) exported
    written: int = 0  # files written or rewritten (a vdir), 1 for a single file
    unchanged: int = 0  # vdir files already up to date, left alone
    removed: int = 0  # vdir files of ours whose contact (or entry) is gone


def vdir_file_name(uid: str, suffix: str) -> str:
    """The file of one item in a vdir: ``UID.vcf``, its UID made safe for a file name."""
    name = quote(uid, safe="-_.@+")
    if not name or name.startswith(".") or len(name) > 200:
        name = hashlib.sha1(uid.encode("utf-8")).hexdigest()
    return name + suffix


def write_atomically(path: Path, content: bytes) -> None:
    """Replace a file in one step, so a sync tool never reads half of it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        with contextlib.suppress(OSError):  # a new file stays private to its owner (0600)
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sync_vdir(
    directory: Path,
    items: Sequence[tuple[str, bytes]],
    *,
    suffix: str,
    ours: bytes,
    same: Callable[[bytes, bytes], bool] = bytes.__eq__,
) -> ExportResult:
    """Write one file per item into a vdir, and remove the files of ours nobody exports now.

    Args:
        directory: the vdir (created if missing).
        items: (file name, content) of every item.
        suffix: ".vcf" or ".ics"; only such files are considered for removal.
        ours: a line only our exports hold (the PRODID), so files others put there are kept.
        same: whether an existing file already says what the new content does; such files
            are left alone, so a sync tool doesn't upload them again.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = unchanged = removed = 0
    wanted = set()
    for name, content in items:
        wanted.add(name)
        target = directory / name
        try:
            before = target.read_bytes()
        except OSError:
            before = None
        if before is not None and same(before, content):
            unchanged += 1
            continue
        write_atomically(target, content)
        written += 1
    for entry in directory.iterdir():
        if entry.suffix != suffix or entry.name in wanted or not entry.is_file():
            continue
        try:
            if ours in entry.read_bytes():
                entry.unlink()
                removed += 1
        except OSError:
            continue
    return ExportResult(items=len(items), written=written, unchanged=unchanged, removed=removed)
