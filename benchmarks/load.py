"""Load test: many simulated residents (and staff) drive the real bot through the fake Bot API on 127.0.0.1.

Run as `./tanya bench load [--users 200] [--messages 20] [--duration 300]`. Every request goes to
127.0.0.1 only; the run is bounded by --duration and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import random
import re
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
from bot.paths import BUILD_DIR, ROOT
from bot.report import percentile
from bot.training import ensure_model
from tests import services
from tests.fake_telegram import Call, FakeTelegram, bot_process_env
from tests.processes import descendants

STAFF_CHAT, STAFF = -1009999, 424242
REPLY_TIMEOUT = 15.0
#: Earlier versions measured side by side: git revision and what it stands for.
PEERS = {"39d92f4": "before the service desk (issue 10), in one process"}
CARD_TIMEOUT = 90.0
SCALE_OUT_ENDPOINTS = ROOT / "docs" / "endpoints-postgresql-redis.yml"
#: How long a user waits after a reply for the bot's follow-up messages before writing again.
FOLLOW_UP_WAIT = 0.3
#: How often the bot's memory is sampled (seconds).
MEMORY_INTERVAL = 0.5
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
    #: When the first message was sent and the last reply came (perf_counter), the span throughput is measured on.
    started: float = 0.0
    finished: float = 0.0

    #: When each reply came (perf_counter).
    replied: list[float] = field(default_factory=list)
    #: Peak memory of the bot's processes together (MB, resident set sizes summed).
    memory_mb: float = 0.0

    def throughput(self) -> float:
        """Replies a second until 95 % of the replies had come: the last escalations, which wait for the staff
        group's pace of 20 messages a minute, would otherwise stretch the span with a few users still writing."""
        if not self.replied:
            return 0.0
        times = sorted(self.replied)
        count = max(1, int(len(times) * 0.95))
        span = times[count - 1] - self.started
        return count / span if span > 0 else 0.0


@functools.cache
def questions() -> tuple[str, ...]:
    """Realistic questions: the held-out file (never trained on), read once: parsing it for every simulated
    resident kept the load generator, and so the fake Bot API in the same process, busy for seconds."""
    heldout = yaml.safe_load((ROOT / "tests" / "data" / "heldout.yml").read_text(encoding="utf-8"))
    return tuple(m for intent, ms in heldout.items() if intent not in ("human_handoff", "goodbye") for m in ms)


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
    stats.finished = time.perf_counter()
    stats.replied.append(stats.finished)
    stats.latencies.append(stats.finished - started)
    await asyncio.sleep(FOLLOW_UP_WAIT)  # let follow-up messages (queue notice, safe route) arrive
    texts = [str(c.params["text"]) for c in fake.by_chat[user][seen:]]
    stats.duplicated += len(texts) - len(set(texts))
    return [c.params for c in fake.by_chat[user][seen:]]


async def resident(fake: FakeTelegram, user: int, count: int, stats: Stats, deadline: float, rng: random.Random,
                   escalates: bool, think: float) -> None:
    """One resident: mostly questions, some smalltalk, and for some one escalation answered by staff; `think`
    seconds between a reply and the next message (0: at once, after a short random pause)."""
    pool = questions()
    escalate_at = rng.randrange(count - 2) if escalates and count > 2 else -1
    for number in range(count):
        if time.monotonic() > deadline:
            return
        if number == escalate_at:
            await escalation(fake, user, stats, deadline)
            continue
        text = rng.choice(SMALLTALK) if rng.random() < 0.15 else rng.choice(pool)
        await send_and_wait(fake, user, text, stats, deadline)
        await asyncio.sleep(max(0.0, think - FOLLOW_UP_WAIT) if think else rng.uniform(0.0, 0.2))


async def card_of(fake: FakeTelegram, user: int, start: int) -> Call | None:
    """The staff card of a resident's ticket; the staff group gets 20 messages a minute, so it may come late."""
    deadline = time.monotonic() + CARD_TIMEOUT
    while time.monotonic() < deadline:
        for call in fake.calls[start:]:
            if (call.method == "sendMessage" and call.params.get("chat_id") == STAFF_CHAT
                    and re.search(rf"Warga {user}\b.*Tiket #|Tiket #.*Warga {user}\b", str(call.params.get("text")), re.S)):
                return call
        start = len(fake.calls)
        await asyncio.sleep(0.2)
    return None


async def escalation(fake: FakeTelegram, user: int, stats: Stats, deadline: float) -> None:
    """Ask for an officer, get a staff reply relayed, and have the ticket closed."""
    mark = len(fake.calls)
    await send_and_wait(fake, user, "/petugas", stats, deadline)
    card = await card_of(fake, user, mark)
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
    # "Ya, tutup tiket": the staff group's updates are handled in order, so the question comes first (a version
    # without the question ignores the answer as an unknown button).
    fake.press(STAFF, STAFF_CHAT, card.result, f"close-confirm:{ticket_id}:1", name="Petugas")
    # Wait for the closing message: until then the resident's messages rightly go to staff, not the assistant.
    await fake.messages_after(user, seen, REPLY_TIMEOUT)


def checkout(revision: str) -> Path:
    """An earlier version of the project in a git worktree under build/, with its model trained."""
    target = BUILD_DIR / f"peer-{revision}"
    if not target.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(target), revision], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-m", "bot", "train"], cwd=target, check=True, stdout=subprocess.DEVNULL)
    return target


def tree_memory_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (MB), from /proc."""
    total = 0
    for member in (pid, *descendants(pid)):
        with contextlib.suppress(OSError, ValueError, IndexError):  # the process ended while we looked
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total / 2**20


async def watch_memory(pid: int, stats: Stats) -> None:
    """Record the peak memory of the bot's processes until cancelled."""
    while True:
        stats.memory_mb = max(stats.memory_mb, await asyncio.to_thread(tree_memory_mb, pid))
        await asyncio.sleep(MEMORY_INTERVAL)


async def run(root: Path, users: int, count: int, duration: float, escalations: int, think: float = 0.0,
              env_extra: dict[str, str] | None = None, seed: int = 7) -> tuple[Stats, float]:
    """Start the fake API and the bot of a checkout (`python -m bot run`, its own process), run the users, stop both."""
    fake = FakeTelegram(members={STAFF: "member"})
    await fake.start()
    with tempfile.TemporaryDirectory() as scratch:
        env = bot_process_env(fake, str(Path(scratch) / "load.db"), STAFF_CHAT_ID=str(STAFF_CHAT),
                              RATE_LIMIT_PER_MINUTE=str(max(count, 20)), **(env_extra or {}))
        bot = subprocess.Popen(  # noqa: ASYNC220 - started once, before the measured part
            [sys.executable, "-m", "bot", "run"], cwd=root, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            await asyncio.wait_for(fake.polling.wait(), timeout=120)
            stats = Stats()
            memory = asyncio.create_task(watch_memory(bot.pid, stats))
            deadline = time.monotonic() + duration
            rng = random.Random(seed)
            stats.started = time.perf_counter()
            escalating = set(rng.sample(range(users), min(escalations, users)))
            await asyncio.gather(*(resident(fake, 10_000 + u, count, stats, deadline, random.Random(rng.random()),
                                            u in escalating, think) for u in range(users)))
            elapsed = time.perf_counter() - stats.started
            memory.cancel()
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(bot.wait, 30)
            except subprocess.TimeoutExpired:
                os.killpg(bot.pid, signal.SIGKILL)  # its action server too
                await asyncio.to_thread(bot.wait, 30)
    await fake.stop()
    return stats, elapsed


def row(name: str, stats: Stats, elapsed: float) -> str:
    """One system's figures as a table row."""
    p50 = (percentile(stats.latencies, 0.5) or 0.0) * 1000
    p99 = (percentile(stats.latencies, 0.99) or 0.0) * 1000
    return (f"| {name} | {stats.sent} in {elapsed:.0f} s | {stats.throughput():.1f} | {p50:.0f} | {p99:.0f} | {stats.lost} | "
            f"{stats.duplicated} | {stats.escalations} / {stats.staff_replies_delivered} | {stats.memory_mb:.0f} |")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test on this version (with 0 and N answer workers) and on earlier ones, busy and moderate."""
    parser = argparse.ArgumentParser(prog="./tanya bench load")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=20, help="messages per user")
    parser.add_argument("--duration", type=float, default=300.0, help="upper bound of each run in seconds")
    parser.add_argument("--escalations", type=int, default=10, help="residents who each ask for an officer once")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 0],
                        help="ANSWER_WORKERS settings of this version to measure (0: answering in the bot's process)")
    parser.add_argument("--moderate", type=int, nargs=3, default=[40, 10, 2], metavar=("USERS", "MESSAGES", "THINK"),
                        help="the moderate load: users, messages each, seconds between a reply and the next message")
    parser.add_argument("--compare", nargs="*", default=list(PEERS), metavar="REVISION",
                        help="earlier versions (git revisions) measured in the same run")
    parser.add_argument("--no-scale-out", action="store_true",
                        help="leave out the run on PostgreSQL and Redis (else started here, installed if missing)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/RESULTS.md alone")
    parser.add_argument("--section", default="load", help="name of the RESULTS.md section to write")
    args = parser.parse_args(argv)
    ensure_model()
    systems = [(worker_name(n), ROOT, {"ANSWER_WORKERS": str(n)}) for n in args.workers]
    systems += [(PEERS.get(rev, rev), checkout(rev), {}) for rev in args.compare]
    busy, moderate = [], []
    users, count, think = args.moderate

    def measure(name: str, root: Path, env: dict[str, str]) -> None:
        """Both loads, each on a new database (a new SQLite file in run(), or a new PostgreSQL database here)."""
        def fresh() -> dict[str, str]:
            return {**env, **services.new_database(env)} if "DATABASE_URL" in env else env

        busy.append((name, *asyncio.run(run(root, args.users, args.messages, args.duration, args.escalations,
                                            env_extra=fresh()))))
        moderate.append((name, *asyncio.run(run(root, users, count, args.duration, 0, think=think, env_extra=fresh()))))

    for name, root, env in systems:
        measure(name, root, env)
    scale_out = None if args.no_scale_out else services.unavailable()
    if not args.no_scale_out and scale_out is None:
        with services.postgres_and_redis() as servers:
            measure(f"{worker_name(max(args.workers))}, PostgreSQL + Redis (docs/endpoints-postgresql-redis.yml; "
                    "the desk's data in PostgreSQL too, DATABASE_URL)", ROOT,
                    {"ANSWER_WORKERS": str(max(args.workers)), "RASA_ENDPOINTS": str(SCALE_OUT_ENDPOINTS), **servers})
    header = ("| system | messages (whole run) | messages/s | p50 ms | p99 ms | lost | duplicated "
              "| escalations / staff replies | peak memory MB |")
    body = "\n".join([
        f"## Load: {args.users} simulated residents x {args.messages} messages through the fake Bot API",
        "",
        f"**Busy:** {args.users} users x {args.messages} messages (questions, smalltalk; {args.escalations} of the "
        "users ask for an officer once, and staff answer and close the ticket), all at once, each user waiting for "
        f"the reply (and {FOLLOW_UP_WAIT} s for follow-ups) before writing again. **Moderate:** {users} users x "
        f"{count} messages, {think} s between a reply and the next message. Each bot runs as `python -m bot run` "
        "(its own process, with its answer workers and action servers) polling a fake Bot API server on 127.0.0.1 "
        "in the load-generator process, which shares the machine's 2 cores; the systems run one after the other in "
        "the same run. *messages/s*: replies a second until 95 % of them had come (the last escalations wait for "
        f"the staff group's pace of 20 messages a minute). Lost: no reply within {REPLY_TIMEOUT:.0f} s. Peak memory: "
        "the resident set sizes of the bot's processes summed (shared pages counted in each process).",
        "",
        "Busy:",
        "",
        header,
        "|---|---|---|---|---|---|---|---|---|",
        *(row(name, stats, elapsed) for name, stats, elapsed in busy),
        "",
        "Moderate:",
        "",
        header,
        "|---|---|---|---|---|---|---|---|---|",
        *(row(name, stats, elapsed) for name, stats, elapsed in moderate),
        *([f"\nNot measured on PostgreSQL + Redis: {scale_out}."] if scale_out else []),
    ])
    print(body)
    if not args.no_write:
        write_section(args.section, body)
    return 0 if all(stats.lost == 0 for _, stats, _ in busy[:1] + moderate[:1]) else 1


def worker_name(workers: int) -> str:
    """What the table calls this version with an ANSWER_WORKERS setting."""
    return f"this version, {workers} answer worker processes" if workers else "this version, answering in the bot's process"


if __name__ == "__main__":
    sys.exit(main())
