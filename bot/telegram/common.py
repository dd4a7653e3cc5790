"""What every handler needs: the desk, the staff-group check, and delivering the desk's messages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.desk import outbox, tickets
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing, Person
from bot.telegram.groups import GroupQueues
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
    """Call the Bot API, retrying network errors with back-off (flood limits are the rate limiter's); never after
    a timeout, as Telegram may have carried the message out already."""
    for attempt in range(1, RETRIES + 1):
        try:
            return await call()
        except (BadRequest, TimedOut):  # NetworkErrors, but BadRequest is permanent and TimedOut may have arrived
            raise
        except NetworkError:
            if attempt == RETRIES:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def send(bot: Bot, outgoing: Outgoing) -> list[Message]:
    """Send one desk message, split to Telegram's limit (buttons under the last part), then its pictures; one that
    replaces an earlier message edits it when it fits in one (sent anew if Telegram refuses the edit). No link
    preview cards: answers carry several official links, and the cards bury the text."""
    parts = split_message(outgoing.text)
    reply = ReplyParameters(outgoing.reply_to, allow_sending_without_reply=True) if outgoing.reply_to else None
    no_preview = LinkPreviewOptions(is_disabled=True)
    if outgoing.edit is not None and len(parts) == 1:
        try:
            edited = await with_retries(lambda: bot.edit_message_text(
                parts[0], outgoing.chat_id, outgoing.edit, parse_mode=ParseMode.HTML,
                reply_markup=markup(outgoing.buttons, outgoing.links), link_preview_options=no_preview))
            return [edited] if isinstance(edited, Message) else []
        except BadRequest as exc:
            if "not modified" in exc.message:  # pressed twice at once: the message already shows this
                return []
            logger.info("message %s not edited (%s); sent anew", outgoing.edit, exc.message)
    sent: list[Message] = []
    for number, part in enumerate(parts, start=1):
        keyboard = markup(outgoing.buttons, outgoing.links) if number == len(parts) else None

        async def one(part: str = part, keyboard: InlineKeyboardMarkup | None = keyboard) -> Message:
            return await bot.send_message(outgoing.chat_id, part, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                          reply_parameters=reply, link_preview_options=no_preview)

        sent.append(await with_retries(one))
    for picture in outgoing.photos:

        async def photo(png: bytes = picture.png, caption: str = picture.caption) -> Message:
            return await bot.send_photo(outgoing.chat_id, photo=png, caption=caption or None)

        sent.append(await with_retries(photo))
    return sent


def groups(context: ContextTypes.DEFAULT_TYPE) -> GroupQueues:
    """The background senders of the running application's group chats."""
    found: GroupQueues = context.application.bot_data["groups"]
    return found


async def deliver(update: object, context: ContextTypes.DEFAULT_TYPE, messages: Sequence[Outgoing]) -> None:
    """Store the desk's messages for this update, then send them in order, recording each one sent."""
    if isinstance(update, Update):
        await send_rows(context, await outbox.queue(desk_of(context), update.update_id, messages))
    else:
        await send_rows(context, [(None, m) for m in messages])


async def send_rows(context: ContextTypes.DEFAULT_TYPE, rows: Sequence[tuple[int | None, Outgoing]], *,
                    wait_for_groups: bool = False) -> None:
    """Send messages (with their outbox row, if stored) in order; a stored message to a group goes to the
    group's background queue unless `wait_for_groups`."""
    for row_id, outgoing in rows:
        if row_id is not None and outgoing.chat_id < 0 and not wait_for_groups:
            groups(context).put(outgoing.chat_id, partial(send_row, context, row_id, outgoing))
        else:
            await send_row(context, row_id, outgoing)


async def send_row(context: ContextTypes.DEFAULT_TYPE, row_id: int | None, outgoing: Outgoing) -> None:
    """Send one message and record it; one already claimed is skipped, a staff reply that fails is reported."""
    desk = desk_of(context)
    if row_id is not None and not await outbox.sending(desk, row_id):
        return
    try:
        sent = await send(context.bot, outgoing)
    except TimedOut:  # Telegram may have sent it: never repeated (replies to it are routed by its ticket number)
        logger.warning("no answer from Telegram in time; delivery to chat %s uncertain", outgoing.chat_id)
        if row_id is not None:
            await outbox.uncertain(desk, row_id)
        return
    except TelegramError as exc:
        if row_id is not None:
            await outbox.failed(desk, row_id)
        notice = tickets.undelivered(outgoing.record, str(exc)) if outgoing.record else []
        if not notice:
            raise
        logger.warning("reply for ticket %s not delivered", outgoing.record and outgoing.record.ticket_id)
        await send_rows(context, [(None, n) for n in notice])
        return
    ids = [m.message_id for m in sent]
    if row_id is not None:
        await outbox.sent(desk, row_id, outgoing, ids)
    elif outgoing.record is not None:
        await tickets.delivered(desk, outgoing.record, outgoing.chat_id, ids)
