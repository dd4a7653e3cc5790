"""Per-chat order: through the real application and the fake Bot API, and through the processor itself."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from telegram import Update

from bot.telegram.order import ChatOrderedProcessor, chat_key
from bot.telegram.pacing import MessagePacer
from tests import test_telegram
from tests.fake_telegram import FakeTelegram
from tests.test_telegram import RESIDENT, STAFF, STAFF_CHAT, RunningBot, escalate

fake, running = test_telegram.fake, test_telegram.running  # the fixtures, shared
BURST = 10


async def numbers_sent(fake: FakeTelegram, chat_id: int, word: str, start: int) -> list[int]:
    """Wait until the bot has sent BURST messages with `word <n>` to a chat; return the n in the order sent."""

    def numbers() -> list[int]:
        sent = (c.params["text"] for c in fake.calls[start:] if c.method == "sendMessage" and c.params["chat_id"] == chat_id)
        return [int(match.group(1)) for text in sent if (match := re.search(rf"{word} (\d+)", text))]

    await fake.wait_for(lambda _: len(numbers()) >= BURST, start=start)
    return numbers()


def make_update(update_id: int, chat_id: int) -> Update:
    """A text message in a private chat."""
    person = {"id": chat_id, "is_bot": False, "first_name": "Budi"}
    message = {"message_id": update_id, "date": 0, "text": "x", "chat": {"id": chat_id, "type": "private"},
               "from": person}
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def test_a_residents_burst_reaches_staff_in_order(running: RunningBot, fake: FakeTelegram) -> None:
    await escalate(fake)
    mark = len(fake.calls)
    for number in range(BURST):  # queued together: the bot fetches all ten in one poll
        fake.user_message(RESIDENT, f"pesan {number}")
    assert await numbers_sent(fake, STAFF_CHAT, "pesan", mark) == list(range(BURST))


async def test_a_staff_burst_reaches_the_resident_in_order(running: RunningBot, fake: FakeTelegram) -> None:
    card = await escalate(fake)
    mark = len(fake.calls)
    for number in range(BURST):
        fake.group_reply(STAFF_CHAT, STAFF, card.result["message_id"], f"balasan {number}")
    assert await numbers_sent(fake, RESIDENT, "balasan", mark) == list(range(BURST))


async def handle(log: list[str], name: str, gate: asyncio.Event | None = None) -> None:
    """A handler that waits for its gate (if any), then records that it ran."""
    if gate:
        await gate.wait()
    log.append(name)


async def settle() -> None:
    """Let every task that can run, run."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_slow_update_holds_up_its_own_chat_only() -> None:
    processor, gate = ChatOrderedProcessor(32), asyncio.Event()
    log: list[str] = []
    tasks = [
        asyncio.create_task(processor.process_update(make_update(1, 1), handle(log, "a1", gate))),
        asyncio.create_task(processor.process_update(make_update(2, 1), handle(log, "a2"))),
        asyncio.create_task(processor.process_update(make_update(3, 2), handle(log, "b1"))),
    ]
    await settle()
    assert log == ["b1"]
    gate.set()
    await asyncio.gather(*tasks)
    assert log == ["b1", "a1", "a2"]


async def test_a_burst_in_one_chat_takes_no_slot_from_another() -> None:
    processor, gate = ChatOrderedProcessor(2), asyncio.Event()
    log: list[str] = []
    tasks = [asyncio.create_task(processor.process_update(make_update(n, 1), handle(log, f"a{n}", gate)))
             for n in range(5)]
    tasks.append(asyncio.create_task(processor.process_update(make_update(9, 2), handle(log, "b"))))
    await settle()
    assert log == ["b"]
    gate.set()
    await asyncio.gather(*tasks)
    assert log == ["b", "a0", "a1", "a2", "a3", "a4"]


async def test_no_more_than_the_limit_run_at_once() -> None:
    processor, gate = ChatOrderedProcessor(2), asyncio.Event()
    started: list[int] = []

    async def busy(chat: int) -> None:
        started.append(chat)
        await gate.wait()

    tasks = [asyncio.create_task(processor.process_update(make_update(n, n), busy(n))) for n in range(3)]
    await settle()
    assert started == [0, 1]
    gate.set()
    await asyncio.gather(*tasks)
    assert started == [0, 1, 2]


async def test_the_staff_group_takes_no_slot_residents_hold() -> None:
    processor, gate = ChatOrderedProcessor(2, priority=[-100]), asyncio.Event()
    log: list[str] = []
    tasks = [asyncio.create_task(processor.process_update(make_update(n, n), handle(log, f"r{n}", gate)))
             for n in range(3)]
    tasks += [asyncio.create_task(processor.process_update(make_update(10 + n, -100), handle(log, f"s{n}")))
              for n in range(2)]
    await settle()
    assert log == ["s0", "s1"]
    gate.set()
    await asyncio.gather(*tasks)
    assert log == ["s0", "s1", "r0", "r1", "r2"]


async def test_idle_chats_are_forgotten() -> None:
    processor = ChatOrderedProcessor(4)
    await asyncio.gather(*(processor.process_update(make_update(n, n % 3), handle([], "x")) for n in range(9)))
    assert processor._chats == {}


def callback(message: dict[str, Any] | None) -> Update:
    """A button press by user 5, under a message of chat -100 (or an inline message when None)."""
    query: dict[str, Any] = {"id": "q", "chat_instance": "ci", "data": "d",
                             "from": {"id": 5, "is_bot": False, "first_name": "S"}}
    if message:
        query["message"] = message
    return Update.de_json({"update_id": 1, "callback_query": query}, None)


@pytest.mark.parametrize(
    ("update", "key"),
    [
        (make_update(1, 42), 42),
        (callback({"message_id": 1, "date": 0, "chat": {"id": -100, "type": "supergroup"}}), -100),
        (callback(None), 5),
    ],
)
def test_the_key_is_the_chat_else_the_user(update: Update, key: int) -> None:
    assert chat_key(update) == key


def test_updates_without_chat_or_user_have_keys_of_their_own() -> None:
    bare = Update.de_json({"update_id": 1}, None)
    assert chat_key(bare) != chat_key(bare)


async def test_reading_a_member_skips_the_group_pace_messages_keep() -> None:
    pacer = MessagePacer(overall_max_rate=0, group_max_rate=1, group_time_period=60)
    await pacer.initialize()
    calls: list[str] = []

    async def request(name: str) -> bool:
        calls.append(name)
        return True

    group = {"chat_id": -100}
    assert await pacer.process_request(request, ("sendMessage",), {}, "sendMessage", group, None)
    second = asyncio.create_task(pacer.process_request(request, ("sendMessage 2",), {}, "sendMessage", group, None))
    assert await asyncio.wait_for(
        pacer.process_request(request, ("getChatMember",), {}, "getChatMember", {**group, "user_id": 5}, None), 1)
    await settle()
    assert calls == ["sendMessage", "getChatMember"]  # the second message waits out the group's minute
    second.cancel()
    await pacer.shutdown()
