"""Turn the desk's messages into Telegram's: HTML split to Telegram's limit, typed buttons as inline keyboards."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.desk.outgoing import Keyboard, Link

#: Telegram's limit on one message's text, in UTF-16 code units (an emoji beyond U+FFFF counts two).
MAX_MESSAGE_UNITS = 4096


def markup(keyboard: Keyboard, links: tuple[Link, ...] = ()) -> InlineKeyboardMarkup | None:
    """The inline keyboard of the desk's buttons, web-address buttons first (None when there are none)."""
    rows = [[InlineKeyboardButton(link.label, url=link.url)] for link in links]
    rows += [[InlineKeyboardButton(b.label, callback_data=b.callback.data) for b in row] for row in keyboard]
    return InlineKeyboardMarkup(rows) if rows else None


def telegram_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (lone surrogates, which JSON can carry, count one)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_message(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Split HTML text into messages within the limit (in UTF-16 units), at line ends where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if telegram_length(candidate) > limit:
                if current.strip():  # Telegram refuses a blank message
                    chunks.append(current)
                candidate = piece
            current = candidate
    if current.strip():
        chunks.append(current)
    return chunks or [""]


def _cut(line: str, limit: int) -> list[str]:
    """Cut an over-long line into pieces, never inside a character, a tag or an HTML entity."""
    if telegram_length(line) <= limit:
        return [line]
    line = re.sub(r"</?[bi]>", "", line)
    pieces = []
    while telegram_length(line) > limit:
        cut = limit  # `limit` code points are `limit` units or more: shorten until they fit
        while (excess := telegram_length(line[:cut]) - limit) > 0:
            cut -= (excess + 1) // 2  # each code point is one or two units
        amp = line.rfind("&", max(0, cut - 8), cut)
        if amp > 0 and ";" not in line[amp:cut]:
            cut = amp
        pieces.append(line[:cut])
        line = line[cut:]
    return [*pieces, line]
