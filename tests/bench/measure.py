"""Measuring one build: run it as a child process and read what the kernel accounted to it.

`run_measured(argv)` gives wall seconds, CPU seconds (user + system) and peak resident memory of
that one child (via `os.wait4`, so an earlier, bigger build never leaks into a later figure);
`tree_size(folder)` gives the bytes and file count of a build's output.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

# Runs longer than this are measured once: the issue asks medians only of sub-minute runs.
REPEAT_BELOW_SECONDS = 60.0


class BuildFailed(RuntimeError):
    """A measured build exited non-zero; the message carries the tail of its log."""


@dataclass(frozen=True)
class Usage:
    """What one build cost: wall and CPU seconds, peak RSS in MB."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float


@dataclass(frozen=True)
class TreeSize:
    """Bytes and number of files under a folder."""

    bytes: int
    files: int


def run_measured(argv: Sequence[str], cwd: Path, env: dict[str, str], log: Path) -> Usage:
    """Run `argv` in `cwd`, logging its output to `log`; raises BuildFailed on a non-zero exit."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as log_file:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    # wait4 reaped the child; tell Popen so it does not wait again.
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        raise BuildFailed(f"{' '.join(argv)} exited {child.returncode} (log {log}):\n" + "\n".join(tail))
    # ru_maxrss is in kilobytes on Linux.
    return Usage(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def tree_size(folder: Path) -> TreeSize:
    """Total size and count of the regular files under `folder`."""
    total = files = 0
    for root, _, names in os.walk(folder):
        for name in names:
            total += os.stat(os.path.join(root, name)).st_size
            files += 1
    return TreeSize(total, files)


def median_usage(runs: Sequence[Usage]) -> Usage:
    """Each figure's median over the runs (wall, CPU and memory separately)."""
    return Usage(*(statistics.median(getattr(run, f.name) for run in runs) for f in fields(Usage)))
