"""Speed of the whole answer path: training, model load, cold start, answer latency, peak memory.

Latency is measured through Assistant.handle (normalizer, Rasa NLU and policies, HTTP call to the
real action server, FAQ rendering), the same path Telegram and `ask --jsonl` use.
Usage: ./tanya bench latency [--messages 600] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

from actions.faq import load_faq
from benchmarks.results import median, write_section
from bot.assistant import Assistant
from bot.logs import configure_logging
from bot.paths import ROOT
from bot.rasa_runtime.action_server import free_port
from bot.rasa_runtime.agent import load_agent
from bot.report import percentile
from bot.training import ensure_model, training_examples

HELDOUT = ROOT / "tests" / "data" / "heldout.yml"
TARGETS = {"p50_ms": 30.0, "p99_ms": 80.0, "train_s": 120.0, "cold_s": 20.0}


def messages(count: int) -> list[str]:
    """A realistic mix: held-out questions first, then training examples, repeated up to count."""
    held = [m for ms in yaml.safe_load(HELDOUT.read_text(encoding="utf-8")).values() for m in ms]
    pool = held + [t for ts in training_examples(load_faq()).values() for t in ts]
    return [pool[i % len(pool)] for i in range(count)]


def time_training() -> float:
    """Seconds to train the full model (NLU and rules) from scratch, with an empty Rasa cache."""
    with tempfile.TemporaryDirectory() as scratch:
        previous = os.environ.get("RASA_CACHE_DIRECTORY")
        os.environ["RASA_CACHE_DIRECTORY"] = str(Path(scratch) / "cache")
        try:
            started = time.perf_counter()
            ensure_model(force=True, models_dir=Path(scratch))
            return time.perf_counter() - started
        finally:
            if previous is None:
                del os.environ["RASA_CACHE_DIRECTORY"]
            else:
                os.environ["RASA_CACHE_DIRECTORY"] = previous


def time_loading(model: Path, runs: int) -> list[float]:
    """Seconds to load the model in this process (Rasa imported; later runs reuse TensorFlow's warm state)."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        asyncio.run(load_agent(model, f"http://127.0.0.1:{free_port()}/webhook"))
        seconds.append(time.perf_counter() - started)
    return seconds


def time_cold_start(runs: int) -> list[float]:
    """Seconds from starting `python -m bot ask --jsonl` to its first answer (fresh process each run)."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", "--jsonl"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        if process.stdin is None or process.stdout is None:
            raise RuntimeError("pipes were not opened")
        process.stdin.write("berapa biaya paspor\n")
        process.stdin.flush()
        process.stdout.readline()
        seconds.append(time.perf_counter() - started)
        process.stdin.close()
        process.wait(timeout=60)
    return seconds


async def time_answers(model: Path, texts: Sequence[str]) -> tuple[list[float], int]:
    """Per-message seconds through the whole path (conversations in the SQL tracker store on SQLite, as the bot
    keeps them), and the action server's peak memory (kB)."""
    with tempfile.TemporaryDirectory() as scratch:
        async with Assistant(model, conversations=Path(scratch) / "tanya-rasa.db") as assistant:
            for text in texts[:20]:  # warm up caches and connections
                await assistant.handle(text, "warmup")
            seconds = []
            for number, text in enumerate(texts):
                started = time.perf_counter()
                await assistant.handle(text, f"bench-{number // 10}")
                seconds.append(time.perf_counter() - started)
            server = assistant.actions.process
            return seconds, peak_kb(server.pid) if server else 0


def peak_kb(pid: int) -> int:
    """Peak resident memory of a process (VmHWM), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def verdict(value: float, target: float) -> str:
    return "met" if value < target else "**not met**"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print and write the latency section of benchmarks/RESULTS.md."""
    parser = argparse.ArgumentParser(prog="./tanya bench latency")
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    configure_logging(os.environ.get("LOG_LEVEL", "WARNING"))
    model, _ = ensure_model()
    started = time.perf_counter()
    import rasa.core.agent  # noqa: F401 - timed: what every process that answers pays once

    import_s = time.perf_counter() - started
    load = time_loading(model, args.runs)
    cold = time_cold_start(args.runs)
    latencies, server_kb = asyncio.run(time_answers(model, messages(args.messages)))
    train_s = time_training()
    p50, p99 = (percentile(latencies, 0.5) or 0.0) * 1000, (percentile(latencies, 0.99) or 0.0) * 1000
    own_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    body = "\n".join([
        "## Answer path: speed and memory",
        "",
        "| measure | value | target | verdict |",
        "|---|---|---|---|",
        f"| full training (NLU + rules, one run) | {train_s:.1f} s | < 120 s | {verdict(train_s, TARGETS['train_s'])} |",
        f"| importing Rasa (once per process) | {import_s:.1f} s | | |",
        f"| model load, first in a process with Rasa imported | {load[0]:.2f} s | | |",
        f"| cold start: process start to first answer (median of {args.runs}) | {median(cold):.1f} s | < 20 s "
        f"| {verdict(median(cold), TARGETS['cold_s'])} |",
        f"| answer latency p50 ({len(latencies)} messages, whole path) | {p50:.1f} ms | < 30 ms "
        f"| {verdict(p50, TARGETS['p50_ms'])} |",
        f"| answer latency p99 | {p99:.1f} ms | < 80 ms | {verdict(p99, TARGETS['p99_ms'])} |",
        f"| peak memory: assistant process (Rasa model, incl. benchmark) | {own_kb / 1024:.0f} MB | | |",
        f"| peak memory: action server process | {server_kb / 1024:.0f} MB | | |",
        "",
        f"Cold-start runs: {', '.join(f'{s:.1f} s' for s in cold)}. Model-load runs: {', '.join(f'{s:.2f} s' for s in load)}.",
    ])
    print(body)
    write_section("latency", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
