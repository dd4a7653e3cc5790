"""Write one benchmark's section into benchmarks/RESULTS.md, leaving the other sections as they are."""

from __future__ import annotations

import datetime as dt
import platform
import statistics
from collections.abc import Sequence
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Benchmark results\n\nWritten by the benchmark commands (see README, section Benchmarks). Do not edit by hand.\n"


def median(values: Sequence[float]) -> float:
    """The median of the values."""
    return statistics.median(values)


def machine() -> str:
    """A one-line description of where the figures were measured."""
    import os

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(name: str, body: str, path: Path = RESULTS_PATH) -> None:
    """Replace (or add) the section between this benchmark's markers."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = f"_Measured {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}._\n\n"
    block = f"{start}\n{stamp}{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
