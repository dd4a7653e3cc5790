"""The scale-out configuration: the real bot with two answer workers on Rasa's SQL tracker store in PostgreSQL and
Rasa's Redis lock store (docs/endpoints-postgresql-redis.yml), and the desk's own data in the same PostgreSQL
(DATABASE_URL), each started here from Debian's packages."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.paths import ROOT
from tests import services
from tests.conftest import started
from tests.fake_telegram import FakeTelegram, bot_process_env
from tests.test_crash import BotProcess

pytestmark = pytest.mark.slow
ENDPOINTS = ROOT / "docs" / "endpoints-postgresql-redis.yml"
USERS, MESSAGES = 20, 5


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    yield from started(services.postgres_and_redis)


def psql(servers: dict[str, str], query: str) -> str:
    binaries = services.postgres_bin()
    assert binaries
    return subprocess.run(
        [str(binaries / "psql"), "-h", "127.0.0.1", "-p", servers["TANYA_POSTGRES_PORT"], "-U", "tanya", "-d", "tanya",
         "-At", "-c", query], check=True, capture_output=True, text=True,
    ).stdout.strip()


async def resident(fake: FakeTelegram, user: int) -> list[str]:
    """Write MESSAGES questions, each after the reply to the one before; the replies' first texts, in order."""
    replies = []
    for number in range(MESSAGES):
        seen = len(fake.by_chat.get(user, []))
        fake.user_message(user, f"berapa biaya paspor ({number})")
        calls = await fake.messages_after(user, seen, timeout=60)
        replies.append(str(calls[seen].params["text"]) if len(calls) > seen else "")
        await asyncio.sleep(0.3)
    return replies


async def test_the_bot_on_postgresql_and_redis_answers_everyone_once_in_order_and_keeps_state(
    servers: dict[str, str], tmp_path: Path, model_path: Path
) -> None:
    fake = FakeTelegram()
    await fake.start()
    env = bot_process_env(fake, str(tmp_path / "tanya.db"), ANSWER_WORKERS="2", RASA_ENDPOINTS=str(ENDPOINTS), **servers)
    bot = BotProcess(fake, env, tmp_path / "bot.log")
    await bot.start()
    try:
        answers = await asyncio.gather(*(resident(fake, 20_000 + u) for u in range(USERS)))
        fake.user_message(30_000, "qwzx vbnm")
        await fake.wait_for_text(30_000, "saya belum memahami", timeout=30)
        assert bot.process
        bot.process.send_signal(signal.SIGKILL)
        await bot.restart_after_crash()
        fake.user_message(30_000, "plmk ojnh")
        await fake.wait_for_text(30_000, "saya masih belum memahami", timeout=30)
    finally:
        assert bot.process
        bot.process.send_signal(signal.SIGTERM)
        bot.process.wait(timeout=60)
        await fake.stop()
    log = bot.log.read_text()[-3000:]
    assert all(len(replies) == MESSAGES and all("paspor" in r.lower() for r in replies) for replies in answers), log
    assert [len(fake.sent(20_000 + user)) for user in range(USERS)] == [MESSAGES] * USERS, log  # one answer each
    stored = int(psql(servers, "SELECT count(DISTINCT sender_id) FROM events"))
    assert stored >= USERS + 1, log
    # The desk's own data (DATABASE_URL) is in the same PostgreSQL: every question logged there, no SQLite file made.
    logged = psql(servers, f"SELECT count(*) FROM messages WHERE direction = 'in' AND user_id BETWEEN 20000 AND {20_000 + USERS}")
    assert int(logged) == USERS * MESSAGES, log
    assert not (tmp_path / "tanya.db").exists()
    assert psql(servers, "SELECT count(*) FROM events WHERE data LIKE '%berapa biaya paspor%'") != "0"
    commands = subprocess.run(["redis-cli", "-p", servers["TANYA_REDIS_PORT"], "info", "stats"], capture_output=True,
                              text=True, check=True).stdout
    assert int(commands.split("total_commands_processed:")[1].split()[0]) >= USERS * MESSAGES  # a lock per message
