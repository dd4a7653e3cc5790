"""Turn the desk's messages into Telegram's: HTML split to Telegram's limit, typed buttons as inline keyboards."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.desk.outgoing import Keyboard

#: Telegram's limit on one message's text.
MAX_MESSAGE_CHARS = 4096


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """The inline keyboard of the desk's buttons (None when there are none)."""
    rows = [[InlineKeyboardButton(b.label, callback_data=b.callback.data) for b in row] for row in keyboard]
    return InlineKeyboardMarkup(rows) if rows else None


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split HTML text into messages within the limit, at line ends where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) > limit:
                if current.strip():  # Telegram refuses a blank message
                    chunks.append(current)
                candidate = piece
            current = candidate
    if current.strip():
        chunks.append(current)
    return chunks or [""]


def _cut(line: str, limit: int) -> list[str]:
    """Cut an over-long line into pieces, never inside a tag or an HTML entity."""
    if len(line) <= limit:
        return [line]
    line = re.sub(r"</?[bi]>", "", line)
    pieces = []
    while len(line) > limit:
        cut = limit
        amp = line.rfind("&", max(0, limit - 8), limit)
        if amp != -1 and ";" not in line[amp:limit]:
            cut = amp
        pieces.append(line[:cut])
        line = line[cut:]
    return [*pieces, line]
