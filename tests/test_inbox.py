"""Updates are kept from arrival until handled: a crash in between replays them, a busy database delays them."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot import storage
from bot.assistant import Assistant
from bot.storage import open_database
from tests import test_telegram
from tests.fake_telegram import FakeTelegram
from tests.test_telegram import RESIDENT, RunningBot, make_settings

fake, running = test_telegram.fake, test_telegram.running  # the fixtures, shared


def update(update_id: int, text: str) -> dict[str, object]:
    """A resident's message as Telegram sends it."""
    chat = {"id": RESIDENT, "type": "private", "first_name": "Budi"}
    return {"update_id": update_id, "message": {"message_id": 9, "date": int(time.time()), "text": text, "chat": chat,
                                                "from": {"id": RESIDENT, "is_bot": False, "first_name": "Budi"}}}


def test_a_kept_update_is_masked_and_leaves_the_inbox_once_handled(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    storage.receive_update(db, 5, json.dumps(update(5, "NIK 3171234567890001")))
    [raw] = storage.unfinished_updates(db)
    storage.mark_update_done(db, 5)
    assert json.loads(raw)["update_id"] == 5 and storage.unfinished_updates(db) == []


async def test_an_update_received_before_a_crash_is_answered_at_the_next_start(
    fake: FakeTelegram, tmp_path: Path, assistant: Assistant
) -> None:
    settings = make_settings(fake, tmp_path)
    db = open_database(settings.database_path)
    storage.receive_update(db, 77, json.dumps(update(77, "brp biaya bikin paspor")))
    db.conn.close()
    bot = RunningBot(settings, assistant)
    await bot.start()
    try:
        await fake.wait_for_text(RESIDENT, "Rp650.000")
    finally:
        await bot.stop()


async def test_the_inbox_keeps_no_raw_identity_number(
    running: RunningBot, fake: FakeTelegram
) -> None:
    fake.user_message(RESIDENT, "NIK saya 3171234567890001, brp biaya paspor")
    await fake.wait_for_text(RESIDENT, "Rp650.000")
    raw = running.store.db.execute("SELECT group_concat(raw) FROM inbox").fetchone()[0] or ""
    assert "3171234567890001" not in raw


@pytest.mark.slow
async def test_a_database_held_by_another_process_delays_answers_and_loses_none(
    running: RunningBot, fake: FakeTelegram
) -> None:
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = sqlite3.connect(running.settings.database_path)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait()
        other.rollback()
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait()
    fake.user_message(RESIDENT, "brp biaya bikin paspor")
    fake.user_message(RESIDENT + 1, "syarat bikin paspor apa saja")
    await asyncio.sleep(8)
    release.set()
    holder.join()
    await fake.wait_for_text(RESIDENT, "Rp650.000", timeout=40)
    await fake.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == RESIDENT + 1, timeout=40)
