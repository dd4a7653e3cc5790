"""Answer workers: real worker processes with the real model, each conversation in one worker, a dead one replaced."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from actions.dialogue import Outcome
from bot.workers import AssistantPool

pytestmark = pytest.mark.slow


@pytest_asyncio.fixture(scope="module")
async def pool(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AssistantPool]:
    conversations = tmp_path_factory.mktemp("workers") / "tanya-rasa.db"
    async with AssistantPool(model_path, 2, conversations, log_level="WARNING") as running:
        yield running


def senders_of_each_worker(pool: AssistantPool) -> tuple[str, str]:
    """Two sender ids answered by different workers."""
    first = "tg-1"
    other = next(f"tg-{n}" for n in range(2, 100) if pool.worker_of(f"tg-{n}") != pool.worker_of(first))
    return first, other


async def test_workers_answer_with_the_model(pool: AssistantPool) -> None:
    for sender in senders_of_each_worker(pool):
        reply = await pool.handle("berapa biaya bikin paspor", sender)
        assert reply.outcome is Outcome.ANSWER
        assert reply.faq_id == "paspor_biaya"


def test_a_conversation_always_goes_to_the_same_worker(pool: AssistantPool) -> None:
    assert {pool.worker_of("tg-42") for _ in range(10)} == {pool.worker_of("tg-42")}
    assert {pool.worker_of(f"tg-{n}") for n in range(50)} == {0, 1}


async def test_conversation_state_lives_in_the_worker_of_the_conversation(pool: AssistantPool) -> None:
    sender = "tg-state"
    first = await pool.handle("qwzx vbnm", sender)
    second = await pool.handle("plmk ojnh", sender)
    assert "saya belum memahami" in first.text
    assert "saya masih belum memahami" in second.text


async def test_forgetting_a_conversation_resets_its_state(pool: AssistantPool) -> None:
    sender = "tg-forget"
    await pool.handle("qwzx vbnm", sender)
    await pool.forget(sender)
    assert "saya belum memahami" in (await pool.handle("plmk ojnh", sender)).text


async def test_a_dead_worker_costs_one_apology_and_is_started_again(pool: AssistantPool) -> None:
    sender, other = senders_of_each_worker(pool)
    executor = pool._executors[pool.worker_of(sender)]
    os.kill(next(iter(executor._processes)), signal.SIGKILL)  # type: ignore[attr-defined]
    assert (await pool.handle("berapa biaya bikin paspor", sender)).degraded
    assert (await pool.handle("berapa biaya bikin paspor", other)).faq_id == "paspor_biaya"
    again = await pool.handle("berapa biaya bikin paspor", sender)
    assert again.faq_id == "paspor_biaya" and not again.degraded
