"""Reliability and security: faults, bad input fuzzing, rate limits, secrets, localhost-only servers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from telegram.error import BadRequest, NetworkError, TimedOut

from bot import storage
from bot.assistant import Assistant, Reply
from bot.desk.keyboards import reply_buttons
from bot.desk.markup import to_html
from bot.logs import Redact
from bot.ratelimit import RateLimiter, Verdict
from bot.settings import Settings
from bot.storage.database import insert
from bot.telegram.common import with_retries
from bot.telegram.render import MAX_MESSAGE_UNITS, split_message, telegram_length
from tests.conftest import count
from tests.fake_telegram import html_problem

OUTCOMES = {"answer", "clarify", "fallback", "handoff", "smalltalk"}
NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("<>&\"'*_`[]()~|#/\\ \u200b\u200f\u202e\u202d\ufeff"), max_size=200),
    st.text(alphabet=st.characters(categories=["So", "Sk"]), max_size=50),
    st.text(alphabet="0123456789 .-", max_size=40),
    st.sampled_from(["'; DROP TABLE messages; --", "<b>tebal</b>", "<a href='x'>y</a>", "&amp;&lt;", "x" * 4096,
                     "paspor" + "a" * 3000, "١٢٣ جواز", "护照", "🙂" * 500]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=3000, max_size=4096),
)


@pytest.mark.slow
@given(message=NASTY)
@hypothesis_settings(max_examples=1200, deadline=None, suppress_health_check=list(HealthCheck))
async def test_any_message_gets_one_well_formed_reply(assistant: Assistant, message: str) -> None:
    reply = await assistant.handle(message, f"fuzz-{uuid.uuid4().hex}")
    assert reply.outcome in OUTCOMES
    parts = split_message(to_html(reply.text))
    assert parts
    for part in parts:
        assert part.strip()
        assert telegram_length(part) <= MAX_MESSAGE_UNITS
        assert html_problem(part) is None
    for row in reply_buttons(reply):
        for button in row:
            assert len(button.callback.data.encode()) <= 64


def test_rate_limiter_warns_once_then_drops_until_the_window_passes() -> None:
    limiter = RateLimiter(limit=3, window=60)
    verdicts = [limiter.check(1, now=float(t)) for t in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert limiter.check(2, now=5.0) is Verdict.ALLOW
    assert limiter.check(1, now=61.0) is Verdict.ALLOW


def test_secrets_are_redacted_from_logs() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "POST https://api.telegram.org/bot%s/getMe %s",
                               ("123456:SECRET-TOKEN", "sandi-rahasia"), None)
    assert Redact(["123456:SECRET-TOKEN", "sandi-rahasia"]).filter(record)
    assert record.getMessage() == "POST https://api.telegram.org/bot***/getMe ***"


def test_settings_repr_hides_secrets(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "none.env", environ={"TELEGRAM_BOT_TOKEN": "123:ABC", "REVIEW_PASSWORD": "pw-x"})
    assert "123:ABC" not in repr(settings)
    assert "pw-x" not in repr(settings)


def listening_addresses(port: int) -> set[str]:
    """Local addresses listening on a TCP port, from /proc/net/tcp (no traffic sent)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":
            found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_action_server_listens_on_localhost_only(assistant: Assistant) -> None:
    assert listening_addresses(assistant.actions.port) == {"127.0.0.1"}


@pytest.mark.slow
async def test_slow_answer_gets_an_apology_within_seconds(model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.assistant as module

    async with Assistant(model_path) as assistant:
        monkeypatch.setattr(module, "ANSWER_TIMEOUT", 0.5)

        async def stuck(*args: object, **kwargs: object) -> None:
            await asyncio.sleep(30)

        monkeypatch.setattr(assistant._agent, "handle_message", stuck)
        started = asyncio.get_running_loop().time()
        reply = await assistant.handle("brp biaya paspor", "slow-1")
        assert asyncio.get_running_loop().time() - started < 2
        assert reply.degraded
        assert "gangguan" in reply.text


@pytest.mark.slow
async def test_action_server_crash_apologises_then_recovers(model_path: Path) -> None:
    async with Assistant(model_path) as assistant:
        assert (await assistant.handle("brp biaya paspor", "crash-1")).faq_id == "paspor_biaya"
        assert assistant.actions.process
        assistant.actions.process.kill()
        assistant.actions.process.wait()
        first = await assistant.handle("brp biaya paspor", "crash-2")
        assert first.degraded
        assert (await first_real_answer(assistant, "crash-3")).faq_id == "paspor_biaya"


@pytest.mark.slow
async def test_a_frozen_action_server_is_restarted(model_path: Path) -> None:
    async with Assistant(model_path) as assistant:
        assert (await assistant.handle("brp biaya paspor", "frozen-1")).faq_id == "paspor_biaya"
        assert assistant.actions.process
        frozen = assistant.actions.process
        os.killpg(frozen.pid, signal.SIGSTOP)
        assert (await assistant.handle("brp biaya paspor", "frozen-2")).degraded
        assert frozen.poll() is not None
        assert (await first_real_answer(assistant, "frozen-3")).faq_id == "paspor_biaya"
        assert assistant.actions.process is not frozen


async def first_real_answer(assistant: Assistant, sender: str) -> Reply:
    """Ask every 0.3 s until the answer is not an apology (the action server restarting), for at most 30 s."""
    for _ in range(100):
        await asyncio.sleep(0.3)
        reply = await assistant.handle("brp biaya paspor", sender)
        if not reply.degraded:
            break
    return reply


def test_retention_deletes_old_conversations_and_keeps_statistics(desk_db: storage.Database) -> None:
    db = desk_db
    storage.touch_user(db, 1, "Budi")
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=200)).isoformat(timespec="seconds")
    insert(db, "messages", {"user_id": 1, "direction": "in", "text": "lama", "created_at": old})
    storage.log_message(db, 1, "in", "baru")
    insert(db, "tickets", {"user_id": 1, "status": "closed", "reason": "user", "kind": "chat", "created_at": old, "rating": 4})
    counts = storage.apply_retention(db, 180)
    assert counts["messages"] == 1
    assert [m["text"] for m in storage.recent_messages(db, 1)] == ["baru"]
    assert count(db, "tickets") == 1


def test_erasing_a_user_keeps_only_anonymous_ticket_counts(desk_db: storage.Database) -> None:
    db = desk_db
    storage.touch_user(db, 1, "Budi")
    storage.log_message(db, 1, "in", "halo")
    ticket = storage.create_ticket(db, 1, "user", None)
    storage.rate_answer(db, 1, "paspor_biaya", helpful=True)
    storage.erase_user(db, 1)
    assert storage.user_data_summary(db, 1)["user"] is None
    assert count(db, "messages") == 0
    assert count(db, "ratings") == 0
    stored = storage.get_ticket(db, ticket["id"])
    assert (stored["user_id"], stored["status"]) == (None, "closed")


def test_backup_command_copies_the_database(tmp_path: Path) -> None:
    import subprocess
    import sys

    from bot.paths import ROOT

    db = storage.open_database(tmp_path / "t.db")
    storage.touch_user(db, 7, "Budi")
    env = {"DATABASE_PATH": str(tmp_path / "t.db"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "bot", "backup", str(tmp_path / "b" / "copy.db")], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(tmp_path / "b" / "copy.db").execute("SELECT display_name FROM users").fetchone() == ("Budi",)


@pytest.mark.parametrize(
    ("error", "calls"), [(BadRequest("Chat not found"), 1), (TimedOut(), 1), (NetworkError("Connection refused"), 3)]
)
async def test_only_passing_failures_are_sent_again(error: Exception, calls: int) -> None:
    tried = []

    async def send() -> None:
        tried.append(1)
        raise error

    with pytest.raises(type(error)):
        await with_retries(send)
    assert len(tried) == calls
