"""What every handler needs: the shared services, staff checks, and sending with retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from actions.faq import LiveFaq
from bot.assistant import Assistant
from bot.ratelimit import RateLimiter
from bot.settings import Settings
from bot.storage import Store
from bot.telegram.render import split_message

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRIES = 3
STAFF_STATUSES = ("creator", "administrator", "member", "restricted")


@dataclass
class Services:
    """The assistant, the database, the settings and the live FAQ, shared by all handlers (in bot_data)."""

    assistant: Assistant
    store: Store
    settings: Settings
    faq: LiveFaq = field(default_factory=LiveFaq)
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.rate_limit_per_minute)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared services of the running application."""
    found: Services = context.application.bot_data["services"]
    return found


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """Call the Bot API, waiting out flood limits and retrying network errors with back-off."""
    for attempt in range(1, RETRIES + 1):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == RETRIES:
                raise
            delay = exc.retry_after if isinstance(exc.retry_after, (int, float)) else exc.retry_after.total_seconds()
            await asyncio.sleep(float(delay))
        except (TimedOut, NetworkError):
            if attempt == RETRIES:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def send_html(
    bot: Bot, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None, **kwargs: Any
) -> Message:
    """Send HTML text split to Telegram's limit; the keyboard goes under the last part."""
    parts = split_message(text)
    message: Message | None = None
    for number, part in enumerate(parts, start=1):
        markup = keyboard if number == len(parts) else None

        async def send(part: str = part, markup: InlineKeyboardMarkup | None = markup) -> Message:
            return await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup, **kwargs)

        message = await with_retries(send)
    assert message is not None
    return message


async def is_staff(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    """Whether a user may act on tickets: a configured staff id, or a current member of the staff group."""
    settings = services(context).settings
    if user_id in settings.staff_user_ids:
        return True
    if settings.staff_chat_id is None:
        return False
    try:
        member = await context.bot.get_chat_member(settings.staff_chat_id, user_id)
    except Exception:  # a user unknown to the group, or the API failing: deny, never guess
        logger.warning("could not check staff membership of %s", user_id, exc_info=True)
        return False
    return member.status in STAFF_STATUSES


async def may_handle(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    """Whether a user may take, answer or close tickets: staff, or a supervisor (complaints about staff)."""
    return user_id in services(context).settings.supervisor_user_ids or await is_staff(context, user_id)
