"""Peak resident memory of this process, in KiB."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_kib() -> int:
    """This process's high-water resident set size.

    On Linux this is VmHWM, which starts afresh at exec; getrusage's ru_maxrss carries the
    parent's peak across fork and exec, so a child of a big process would report the parent.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
