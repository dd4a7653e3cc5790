"""The console channel: the same desk as Telegram residents get, on a terminal; and the `ask --jsonl` loop."""

from __future__ import annotations

import asyncio
import html
import json
import uuid
from typing import TextIO

from actions.faq import visible_text
from bot import texts
from bot.assistant import Answering
from bot.desk import residents
from bot.desk.core import Desk
from bot.desk.outgoing import Button, Outgoing, Person
from bot.settings import Settings
from bot.storage import Store, open_database

#: The one resident of a console session (its conversation lives in a database that ends with the session).
CONSOLE = Person(0, "Konsol")


def render_plain(outgoing: Outgoing, first_number: int = 1) -> str:
    """A desk message as console text, with its buttons numbered from first_number and its links written out."""
    buttons = [button for row in outgoing.buttons for button in row]
    lines = [html.unescape(visible_text(outgoing.text))]
    lines += [f"  {link.label}: {link.url}" for link in outgoing.links]
    lines += [f"  [{number}] {button.label}" for number, button in enumerate(buttons, start=first_number)]
    return "\n".join(lines)


async def reply_to(desk: Desk, line: str, buttons: list[Button]) -> list[Outgoing]:
    """The desk's answer to one console line: a button by its number, a command, or a message."""
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        return await residents.press(desk, CONSOLE, buttons[int(line) - 1].callback)
    name = line[1:].split(" ", maxsplit=1)[0].lower() if line.startswith("/") else ""
    if name in residents.COMMANDS:
        return await residents.command(desk, CONSOLE, name)
    return await residents.message(desk, CONSOLE, line)


async def chat(assistant: Answering, settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    """Talk with one resident on the terminal until end of input; a number presses a button."""
    store = Store(open_database(":memory:"))
    desk = Desk(assistant, store, settings)
    buttons: list[Button] = []
    print(texts.text("id", "console_intro"), file=stdout, flush=True)
    try:
        while True:
            print("> ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            shown = [o for o in await reply_to(desk, line.strip(), buttons) if o.chat_id == CONSOLE.id]
            buttons = []
            for outgoing in shown:
                print(render_plain(outgoing, len(buttons) + 1), file=stdout, flush=True)
                buttons += [button for row in outgoing.buttons for button in row]
    finally:
        store.close()
    print(texts.text("id", "console_bye"), file=stdout, flush=True)


async def ask_jsonl(assistant: Answering, stdin: TextIO, stdout: TextIO) -> int:
    """Answer each input line as a new conversation, printing one JSON object per line."""
    count = 0
    for line in stdin:
        message = line.rstrip("\r\n")
        reply = await assistant.handle(message, f"ask-{uuid.uuid4().hex}")
        print(json.dumps(reply.contract(message), ensure_ascii=False), file=stdout, flush=True)
        count += 1
    return count
