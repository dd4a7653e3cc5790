"""SIGKILL of the real `python -m bot run` process: during an escalation, and what it leaves running."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.paths import ROOT
from tests.fake_telegram import FakeTelegram, bot_process_env

pytestmark = pytest.mark.slow
STAFF_CHAT, STAFF, RESIDENT = -1005555, 5101, 7301


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:
        return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=handle, stderr=handle)


async def test_sigkill_loses_nothing_and_handles_each_update_once(tmp_path: Path, model_path: Path) -> None:
    fake = FakeTelegram(members={STAFF: "member"})
    await fake.start()
    env = bot_process_env(fake, str(tmp_path / "tanya.db"), STAFF_CHAT_ID=str(STAFF_CHAT))
    log = tmp_path / "bot.log"
    bot = start_bot(env, log)
    try:
        await asyncio.wait_for(fake.polling.wait(), timeout=120)
        fake.user_message(RESIDENT, "/petugas")
        card = await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == STAFF_CHAT, timeout=30)
        fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "Halo, dengan petugas Sari")
        await fake.wait_for_text(RESIDENT, "dengan petugas Sari")

        fake.user_message(RESIDENT, "pesan sebelum crash")
        before_crash = fake.updates[-1]
        await fake.wait_for(lambda c: c.params.get("chat_id") == STAFF_CHAT and "sebelum crash" in str(c.params.get("text")))
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait(timeout=30)

        # Telegram redelivers updates it has not seen confirmed; simulate the worst case: the last one again.
        fake.updates.append(before_crash)
        fake.polling.clear()
        bot = start_bot(env, log)
        await asyncio.wait_for(fake.polling.wait(), timeout=120)
        fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], "Masih di sini setelah restart")
        await fake.wait_for_text(RESIDENT, "setelah restart", timeout=30)
        fake.user_message(RESIDENT, "pesan setelah restart")
        await fake.wait_for(lambda c: c.params.get("chat_id") == STAFF_CHAT and "setelah restart" in str(c.params.get("text"))
                            and "pesan" in str(c.params.get("text")), timeout=30)
        await asyncio.sleep(1.0)
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=30)
        await fake.stop()

    relays = [c for c in fake.sent(STAFF_CHAT) if "sebelum crash" in c.params["text"]]
    assert len(relays) == 1, log.read_text()[-3000:]
    db = Database(tmp_path / "tanya.db")
    assert db.table("tickets").count == 1
    assert db.table("messages").count_where("direction = 'in' AND text = 'pesan sebelum crash'") == 1
    assert [r["text"] for r in db.table("messages").rows_where("direction = 'staff'", order_by="id")] == [
        "Halo, dengan petugas Sari", "Masih di sini setelah restart",
    ]


def process_group(pgid: int) -> list[int]:
    """Live processes (not zombies) of a process group, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except OSError:  # the process ended while we looked
            continue
        if int(group) == pgid and state not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


def action_server_of(pid: int) -> int:
    """The pid of the rasa_sdk action server started by process pid."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # the process ended while we looked
            continue
        if parent == pid and b"rasa_sdk" in command:
            return int(stat.parent.name)
    raise LookupError(f"process {pid} has no action server")


async def test_sigkill_of_the_bot_leaves_no_action_server(tmp_path: Path, model_path: Path) -> None:
    fake = FakeTelegram()
    await fake.start()
    bot = start_bot(bot_process_env(fake, str(tmp_path / "tanya.db")), tmp_path / "bot.log")
    server = 0
    try:
        await asyncio.wait_for(fake.polling.wait(), timeout=120)
        server = action_server_of(bot.pid)
        assert process_group(server) == [server]
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait(timeout=30)
        for _ in range(50):
            if not process_group(server):
                break
            await asyncio.sleep(0.1)
        assert process_group(server) == [], "the action server outlived the bot"
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait(timeout=30)
        for leftover in process_group(server) if server else []:
            os.kill(leftover, signal.SIGKILL)
        await fake.stop()
