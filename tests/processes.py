"""The process tree from /proc, for tests and benchmarks that watch the bot's processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def status(stat: Path) -> list[str] | None:
    """The fields after the command name in a /proc/PID/stat file (state, parent, process group, ...) of a live
    process; None for one that ended (or is a zombie)."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:  # the process ended while we looked
        return None
    return None if fields[0] in ("Z", "X") else fields


def live() -> Iterator[tuple[int, list[str]]]:
    """Every live process: its pid and its stat fields."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        if (fields := status(stat)) is not None:
            yield int(stat.parent.name), fields


def alive(pid: int) -> bool:
    """Whether a process is running (not ended, not a zombie)."""
    return status(Path(f"/proc/{pid}/stat")) is not None


def process_group(pgid: int) -> list[int]:
    """Live processes of a process group."""
    return [pid for pid, fields in live() if int(fields[2]) == pgid]


def descendants(pid: int) -> dict[int, bytes]:
    """The live descendants of a process (answer workers, action servers) with their command lines."""
    children: dict[int, list[tuple[int, bytes]]] = {}
    for child, fields in live():
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:  # the process ended while we looked
            continue
        children.setdefault(int(fields[1]), []).append((child, command))
    found: dict[int, bytes] = {}
    todo = [pid]
    while todo:
        for child, command in children.get(todo.pop(), []):
            found[child] = command
            todo.append(child)
    return found
