"""Bad input gets a clear reply and never a crash."""

from __future__ import annotations

import uuid

import pytest

from bot.assistant import Assistant

BAD_INPUTS = [
    "",
    "   \n\t ",
    "paspor " * 715,
    "😀🙏🔥",
    "<b>bold</b> <script>alert(1)</script> & *markdown* _x_ [a](b) `code`",
    "جواز السفر ضائع",
    "护照丢了怎么办",
    "\u200b\u200f\u202e",
    "'; DROP TABLE messages; --",
    "1234567890123456",
    "a" * 5000,
]


@pytest.mark.parametrize("message", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
async def test_bad_input_gets_a_clear_reply(assistant: Assistant, message: str) -> None:
    reply = await assistant.handle(message, f"bad-{uuid.uuid4().hex}")
    assert reply.outcome in ("answer", "clarify", "fallback", "handoff", "smalltalk")
    assert reply.plain_text.strip()
    assert "<script>" not in reply.text


async def test_empty_message_says_it_is_empty(assistant: Assistant) -> None:
    reply = await assistant.handle("", "bad-empty")
    assert (reply.outcome, reply.intent) == ("fallback", None)
    assert "kosong" in reply.text


async def test_emoji_only_asks_for_words(assistant: Assistant) -> None:
    reply = await assistant.handle("😀🙏", "bad-emoji")
    assert reply.outcome == "fallback"
    assert "tulisan" in reply.text
