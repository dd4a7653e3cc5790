"""The console chat and the `ask --jsonl` loop: the same Assistant.handle as Telegram uses."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import TextIO

from bot import texts
from bot.assistant import Assistant, Reply


def render_plain(reply: Reply) -> str:
    """A reply as console text, with its buttons numbered."""
    lines = [reply.plain_text]
    lines += [f"  [{number}] {title}" for number, (title, _) in enumerate(reply.buttons, start=1)]
    return "\n".join(lines)


async def chat(assistant: Assistant, stdin: TextIO, stdout: TextIO) -> None:
    """Talk with one user on the terminal until end of input; a number picks a button."""
    sender = f"console-{uuid.uuid4().hex[:8]}"
    buttons: tuple[tuple[str, str], ...] = ()
    print(texts.text("id", "console_intro"), file=stdout, flush=True)
    while True:
        print("> ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        message = line.strip()
        if message.isdigit() and 1 <= int(message) <= len(buttons):
            message = buttons[int(message) - 1][1]
        reply = await assistant.handle(message, sender)
        buttons = reply.buttons
        print(render_plain(reply), file=stdout, flush=True)
    print(texts.text("id", "console_bye"), file=stdout, flush=True)


async def ask_jsonl(assistant: Assistant, stdin: TextIO, stdout: TextIO) -> int:
    """Answer each input line as a new conversation, printing one JSON object per line."""
    count = 0
    for line in stdin:
        message = line.rstrip("\r\n")
        reply = await assistant.handle(message, f"ask-{uuid.uuid4().hex}")
        print(json.dumps(reply.contract(message), ensure_ascii=False), file=stdout, flush=True)
        count += 1
    return count
