"""The process tree from /proc, for tests and benchmarks that watch the bot's processes."""

from __future__ import annotations

from pathlib import Path


def descendants(pid: int) -> dict[int, bytes]:
    """The live descendants of a process (answer workers, action servers) with their command lines."""
    children: dict[int, list[tuple[int, bytes]]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # the process ended while we looked
            continue
        if state not in ("Z", "X"):
            children.setdefault(int(parent), []).append((int(stat.parent.name), command))
    found: dict[int, bytes] = {}
    todo = [pid]
    while todo:
        for child, command in children.get(todo.pop(), []):
            found[child] = command
            todo.append(child)
    return found
