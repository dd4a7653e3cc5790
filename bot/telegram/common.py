"""What every handler needs: the desk, the staff-group check, and delivering the desk's messages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.desk import outbox, tickets
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing, Person
from bot.telegram.render import markup, split_message

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRIES = 3
STAFF_STATUSES = ("creator", "administrator", "member")


def desk_of(context: ContextTypes.DEFAULT_TYPE) -> Desk:
    """The service desk of the running application."""
    found: Desk = context.application.bot_data["desk"]
    return found


def person(user: User) -> Person:
    """The desk's view of a Telegram user."""
    return Person(user.id, user.full_name)


def staff_group_check(bot: Bot, staff_chat_id: int | None) -> Callable[[int], Awaitable[bool]]:
    """Asks Telegram whether a user is currently a member of the staff group."""

    async def in_staff_group(user_id: int) -> bool:
        if staff_chat_id is None:
            return False
        try:
            member = await bot.get_chat_member(staff_chat_id, user_id)
        except Exception:  # a user unknown to the group, or the API failing: deny, never guess
            logger.warning("could not check staff membership of %s", user_id, exc_info=True)
            return False
        # A restricted user counts only while still a member: muted and then gone is not staff.
        return member.status in STAFF_STATUSES or (member.status == "restricted" and bool(getattr(member, "is_member", False)))

    return in_staff_group


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """Call the Bot API, retrying network errors with back-off (flood limits are the rate limiter's)."""
    for attempt in range(1, RETRIES + 1):
        try:
            return await call()
        except BadRequest:  # a NetworkError in python-telegram-bot, but permanent: sending again cannot help
            raise
        except (TimedOut, NetworkError):
            if attempt == RETRIES:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def send(bot: Bot, outgoing: Outgoing) -> list[Message]:
    """Send one desk message, split to Telegram's limit (buttons under the last part), then its pictures."""
    parts = split_message(outgoing.text)
    reply = ReplyParameters(outgoing.reply_to, allow_sending_without_reply=True) if outgoing.reply_to else None
    sent: list[Message] = []
    for number, part in enumerate(parts, start=1):
        keyboard = markup(outgoing.buttons) if number == len(parts) else None

        async def one(part: str = part, keyboard: InlineKeyboardMarkup | None = keyboard) -> Message:
            return await bot.send_message(outgoing.chat_id, part, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                          reply_parameters=reply)

        sent.append(await with_retries(one))
    for picture in outgoing.photos:

        async def photo(picture: bytes = picture) -> Message:
            return await bot.send_photo(outgoing.chat_id, photo=picture)

        sent.append(await with_retries(photo))
    return sent


async def deliver(update: object, context: ContextTypes.DEFAULT_TYPE, messages: Sequence[Outgoing]) -> None:
    """Store the desk's messages for this update, then send them in order, recording each one sent."""
    if isinstance(update, Update):
        await send_rows(context, await outbox.queue(desk_of(context), update.update_id, messages))
    else:
        await send_rows(context, [(None, m) for m in messages])


async def send_rows(context: ContextTypes.DEFAULT_TYPE, rows: Sequence[tuple[int | None, Outgoing]]) -> None:
    """Send messages (with their outbox row, if stored) in order; a staff reply that fails is reported to staff."""
    desk = desk_of(context)
    for row_id, outgoing in rows:
        if row_id is not None:
            await outbox.sending(desk, row_id)
        try:
            sent = await send(context.bot, outgoing)
        except TelegramError as exc:
            if row_id is not None:
                await outbox.failed(desk, row_id)
            notice = tickets.undelivered(outgoing.record, str(exc)) if outgoing.record else []
            if not notice:
                raise
            logger.warning("reply for ticket %s not delivered", outgoing.record and outgoing.record.ticket_id)
            await send_rows(context, [(None, n) for n in notice])
            continue
        ids = [m.message_id for m in sent]
        if row_id is not None:
            await outbox.sent(desk, row_id, outgoing, ids)
        elif outgoing.record is not None:
            await tickets.delivered(desk, outgoing.record, outgoing.chat_id, ids)
