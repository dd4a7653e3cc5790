"""The pace of Bot API requests: messages into a group wait for the group's limit, reading goes at once."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter


class MessagePacer(AIORateLimiter):
    """python-telegram-bot's rate limiter for what changes a chat; requests that only read (getChatMember, the staff
    check of every staff action) skip it. The limiter counts any request naming a group against the group's 20
    messages a minute, so under load a staff reply or a ticket's closing waited behind the group's queued cards."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send a reading request at once, anything else at the limiter's pace."""
        if endpoint.startswith("get"):
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
