"""Processes as the benchmarks see them: a process tree, its proportional memory, its start time."""

import os
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    return raw[raw.rindex(")") + 2 :].split()


def descendants(root: int) -> list[int]:
    """`root` and every process below it (WebKit's and Chromium's helpers, sandbox wrappers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pss_mib(pids: list[int]) -> float:
    """Proportional set size of `pids` together: shared pages are split between their users, so
    a sum over processes counts each page once."""
    total_kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
                    break
        except OSError:
            continue  # gone between listing and reading
    return total_kib / 1024


def started_at(pid: int) -> float:
    """When `pid` started, in Unix seconds (to the kernel's 10 ms tick): its start in ticks since
    boot, moved onto the wall clock by the current offset between the two clocks."""
    fields = _stat(pid)
    if fields is None:
        raise RuntimeError(f"process {pid} is gone")
    since_boot = int(fields[19]) / CLOCK_TICKS
    offset = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
    return offset + since_boot


def newest_with_exe(path: str) -> int | None:
    """The most recently started process running the executable `path`."""
    target = os.path.realpath(path)
    best: tuple[float, int] | None = None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.path.realpath(f"/proc/{entry.name}/exe") != target:
                continue
        except OSError:
            continue
        fields = _stat(int(entry.name))
        if fields and (best is None or int(fields[19]) > best[0]):
            best = (int(fields[19]), int(entry.name))
    return best[1] if best else None
