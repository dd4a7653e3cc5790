"""Turn replies into Telegram HTML messages: escaped, split to Telegram's limit, with keyboards."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.assistant import Reply

#: Telegram's limit on one message's text.
MAX_MESSAGE_CHARS = 4096
#: Answers under which residents are offered the complaint flow.
COMPLAINT_TOPICS = frozenset({"layanan_pengaduan", "calo_pungli"})
_ALLOWED_TAG_RE = re.compile(r"&lt;(/?)(b|i)&gt;")


def to_html(markup: str) -> str:
    """Escape everything, then restore the FAQ's own <b>/<i> tags: nothing else can format the text."""
    return _ALLOWED_TAG_RE.sub(r"<\1\2>", html.escape(markup, quote=False))


def escape(text: str) -> str:
    """Escape text typed by a person so it shows literally."""
    return html.escape(text, quote=False)


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split HTML text into messages within the limit, at line ends where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) > limit:
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


def reply_keyboard(reply: Reply, details: bool = False) -> InlineKeyboardMarkup | None:
    """Buttons under a reply: choices to pick, or details, related topic, rating and officer buttons under an answer."""
    rows = [[InlineKeyboardButton(title, callback_data=f"ask:{payload.lstrip('/')}")] for title, payload in reply.buttons]
    if details and reply.outcome == "answer" and reply.faq_id:
        more = InlineKeyboardButton(
            texts.text(reply.language, "more_button"), callback_data=f"more:{reply.faq_id}:{reply.language}"
        )
        rows.insert(0, [more])
    if reply.outcome == "answer" and reply.faq_id:
        rows.append([
            InlineKeyboardButton(texts.text(reply.language, "helpful"), callback_data=f"rate:{reply.faq_id}:1"),
            InlineKeyboardButton(texts.text(reply.language, "not_helpful"), callback_data=f"rate:{reply.faq_id}:0"),
        ])
    if reply.faq_id in COMPLAINT_TOPICS:
        rows.append([InlineKeyboardButton(texts.text(reply.language, "complaint_button"), callback_data="complaint")])
    if reply.outcome in ("answer", "clarify", "fallback"):
        rows.append([officer_button(reply.language)])
    return InlineKeyboardMarkup(rows) if rows else None


def officer_button(language: str) -> InlineKeyboardButton:
    """The button that asks for a human."""
    return InlineKeyboardButton(texts.text(language, "officer_button"), callback_data="officer")


def rating_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    """1-5 buttons to rate the help of staff on a closed ticket."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(str(n), callback_data=f"rt:{ticket_id}:{n}") for n in range(1, 6)]])
