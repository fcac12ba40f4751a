"""CPU time used by processes, read from /proc (Linux); None where there is no /proc."""

import os
from pathlib import Path

PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _seconds(pid: int) -> float:
    stat = (PROC / str(pid) / "stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def children(pid: int) -> list[int]:
    try:
        return [
            int(child)
            for task in (PROC / str(pid) / "task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except FileNotFoundError:  # a kernel without CONFIG_PROC_CHILDREN: look at every parent id
        children = []
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except (FileNotFoundError, ProcessLookupError):
                    continue
                if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                    children.append(int(entry.name))
        return children


def tree_seconds(pid: int) -> float | None:
    """CPU seconds of a process and its descendants (as they are now)."""
    if not PROC.is_dir():
        return None
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += _seconds(current)
            pending += children(current)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def postgres_seconds() -> float | None:
    """CPU seconds of every local process named postgres: the server the benchmark uses."""
    if not PROC.is_dir():
        return None
    total = 0.0
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                total += _seconds(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores spent busy since boot, whoever used them (/proc/stat)."""
    try:
        fields = (PROC / "stat").read_text().splitlines()[0].split()
    except FileNotFoundError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / _TICKS
