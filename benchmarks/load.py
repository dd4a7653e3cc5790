"""Load test: many simulated residents (and staff) drive the real bot through the fake Bot API on 127.0.0.1.

Run as `./tanya bench load [--users 200] [--messages 20] [--duration 300]`. Every request goes to
127.0.0.1 only; the run is bounded by --duration and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from benchmarks.results import write_section
from bot.paths import ROOT
from bot.report import percentile
from bot.training import ensure_model
from tests.fake_telegram import FakeTelegram, bot_process_env

STAFF_CHAT, STAFF = -1009999, 424242
REPLY_TIMEOUT = 15.0
SMALLTALK = ("halo min", "terima kasih", "makasih infonya", "kamu bot ya", "selamat pagi")


@dataclass
class Stats:
    """What the simulated users observed."""

    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0
    escalations: int = 0
    staff_replies_delivered: int = 0
    sent: int = 0


def questions() -> list[str]:
    """Realistic questions: the held-out file (never trained on)."""
    heldout = yaml.safe_load((ROOT / "tests" / "data" / "heldout.yml").read_text(encoding="utf-8"))
    return [m for intent, ms in heldout.items() if intent not in ("human_handoff", "goodbye") for m in ms]


async def send_and_wait(fake: FakeTelegram, user: int, text: str, stats: Stats, deadline: float) -> list[dict[str, object]]:
    """Send one message as a resident and wait for the bot's replies to it; record latency, loss, duplicates."""
    seen = len(fake.by_chat.get(user, []))
    started = time.perf_counter()
    fake.user_message(user, text, name=f"Warga {user}")
    stats.sent += 1
    timeout = min(REPLY_TIMEOUT, max(0.0, deadline - time.monotonic()) + REPLY_TIMEOUT)
    if len(await fake.messages_after(user, seen, timeout)) <= seen:
        stats.lost += 1
        return []
    stats.latencies.append(time.perf_counter() - started)
    await asyncio.sleep(0.3)  # let follow-up messages (queue notice, safe route) arrive
    texts = [str(c.params["text"]) for c in fake.by_chat[user][seen:]]
    stats.duplicated += len(texts) - len(set(texts))
    return [c.params for c in fake.by_chat[user][seen:]]


async def resident(fake: FakeTelegram, user: int, count: int, stats: Stats, deadline: float, rng: random.Random) -> None:
    """One resident: mostly questions, some smalltalk, now and then an escalation answered by staff."""
    pool = questions()
    for number in range(count):
        if time.monotonic() > deadline:
            return
        roll = rng.random()
        if roll < 0.05 and number < count - 2:
            await escalation(fake, user, stats, deadline)
            continue
        text = rng.choice(SMALLTALK) if roll < 0.2 else rng.choice(pool)
        await send_and_wait(fake, user, text, stats, deadline)
        await asyncio.sleep(rng.uniform(0.0, 0.2))


async def escalation(fake: FakeTelegram, user: int, stats: Stats, deadline: float) -> None:
    """Ask for an officer, get a staff reply relayed, and have the ticket closed."""
    mark = len(fake.calls)
    await send_and_wait(fake, user, "/petugas", stats, deadline)
    card = next((c for c in fake.calls[mark:] if c.method == "sendMessage" and c.params.get("chat_id") == STAFF_CHAT
                 and f"Warga: Warga {user}\n" in str(c.params.get("text"))), None)
    if card is None or not isinstance(card.result, dict):
        return
    stats.escalations += 1
    seen = len(fake.by_chat.get(user, []))
    fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], f"Halo Warga {user}, ini jawaban petugas.")
    relayed = await fake.messages_after(user, seen, REPLY_TIMEOUT)
    if any("ini jawaban petugas" in str(c.params["text"]) for c in relayed[seen:]):
        stats.staff_replies_delivered += 1
    ticket_id = str(card.params["text"]).split("Tiket #", 1)[1].split("<", 1)[0]
    seen = len(fake.by_chat.get(user, []))
    fake.press(STAFF, STAFF_CHAT, card.result, f"close:{ticket_id}", name="Petugas")
    # Wait for the closing message: until then the resident's messages rightly go to staff, not the assistant.
    await fake.messages_after(user, seen, REPLY_TIMEOUT)


async def run(users: int, count: int, duration: float, seed: int = 7) -> tuple[Stats, float]:
    """Start the fake API and the real bot (`python -m bot run`, its own process), run the users, stop both."""
    fake = FakeTelegram(members={STAFF: "member"})
    await fake.start()
    ensure_model()
    with tempfile.TemporaryDirectory() as scratch:
        env = bot_process_env(fake, str(Path(scratch) / "load.db"), STAFF_CHAT_ID=str(STAFF_CHAT),
                              RATE_LIMIT_PER_MINUTE=str(max(count, 20)))
        bot = subprocess.Popen(  # noqa: ASYNC220 - started once, before the measured part
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            await asyncio.wait_for(fake.polling.wait(), timeout=120)
            stats = Stats()
            deadline = time.monotonic() + duration
            rng = random.Random(seed)
            started = time.perf_counter()
            await asyncio.gather(*(resident(fake, 10_000 + u, count, stats, deadline, random.Random(rng.random()))
                                   for u in range(users)))
            elapsed = time.perf_counter() - started
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(bot.wait, 30)
            except subprocess.TimeoutExpired:  # still pacing staff-group messages (20 a minute): not measured here
                bot.kill()
                await asyncio.to_thread(bot.wait, 30)
    await fake.stop()
    return stats, elapsed


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test, print the figures and write them to benchmarks/RESULTS.md."""
    parser = argparse.ArgumentParser(prog="./tanya bench load")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=20, help="messages per user")
    parser.add_argument("--duration", type=float, default=300.0, help="upper bound of the run in seconds")
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/RESULTS.md alone")
    parser.add_argument("--section", default="load", help="name of the RESULTS.md section to write")
    args = parser.parse_args(argv)
    stats, elapsed = asyncio.run(run(args.users, args.messages, args.duration))
    throughput = stats.sent / elapsed if elapsed else 0.0
    p50 = (percentile(stats.latencies, 0.5) or 0.0) * 1000
    p99 = (percentile(stats.latencies, 0.99) or 0.0) * 1000
    body = "\n".join([
        f"## Load: {args.users} simulated residents x {args.messages} messages through the fake Bot API",
        "",
        f"{args.users} users x {args.messages} messages (questions, smalltalk, about 5% escalations answered and "
        f"closed by staff), all at once. The bot runs as `python -m bot run` (its own process, with its action "
        "server) polling a fake Bot API server on 127.0.0.1 in the load-generator process.",
        "",
        "| measure | value | target | verdict |",
        "|---|---|---|---|",
        f"| messages sent | {stats.sent} in {elapsed:.1f} s | | |",
        f"| throughput | {throughput:.1f} messages/s | >= 100 | {'met' if throughput >= 100 else '**not met**'} |",
        f"| reply latency p50 (measured at the fake server) | {p50:.0f} ms | | |",
        f"| reply latency p99 | {p99:.0f} ms | < 500 ms | {'met' if p99 < 500 else '**not met**'} |",
        f"| lost (no reply within {REPLY_TIMEOUT:.0f} s) | {stats.lost} | 0 | {'met' if stats.lost == 0 else '**not met**'} |",
        f"| duplicated replies | {stats.duplicated} | 0 | {'met' if stats.duplicated == 0 else '**not met**'} |",
        f"| escalations / staff replies delivered | {stats.escalations} / {stats.staff_replies_delivered} | equal | "
        f"{'met' if stats.escalations == stats.staff_replies_delivered else '**not met**'} |",
    ])
    print(body)
    if not args.no_write:
        write_section(args.section, body)
    return 0 if stats.lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
