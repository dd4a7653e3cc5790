"""Handlers for staff in the staff group (and supervisors in private): answer by replying, take and close."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.desk import callbacks, keyboards, residents, tickets
from bot.telegram.common import deliver, desk_of, person
from bot.telegram.render import markup

logger = logging.getLogger(__name__)


async def staff_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Relay a reply to a ticket's card or thread to its resident; a supervisor's other messages get answers."""
    message, user = update.effective_message, update.effective_user
    assert message and user
    desk, writer = desk_of(context), person(user)
    replied_to = message.reply_to_message.message_id if message.reply_to_message else None
    outgoing = await tickets.staff_text(desk, writer, message.chat_id, message.message_id, replied_to, message.text or "")
    if outgoing is None and message.chat.type == "private":
        outgoing = await residents.message(desk, writer, message.text or "")
    await deliver(update, context, outgoing or [])


async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take or close a ticket from its card."""
    query, user = update.callback_query, update.effective_user
    assert query and user
    button = callbacks.parse(query.data or "", callbacks.STAFF_KINDS)
    if not isinstance(button, (callbacks.Take, callbacks.Close)):
        await query.answer()
        return
    ticket_id = button.ticket
    pressed = await tickets.card_button(desk_of(context), person(user), ticket_id, button)
    await query.answer(pressed.notice or None, show_alert=pressed.alert)
    if pressed.card_note and isinstance(query.message, Message) and query.message.text:
        buttons = markup(keyboards.card(ticket_id)) if pressed.keep_buttons else None
        try:
            await query.edit_message_text(query.message.text_html + pressed.card_note, parse_mode=ParseMode.HTML,
                                          reply_markup=buttons)
        except TelegramError:  # the card may be too old to edit; the ticket itself is already updated
            logger.info("card of ticket %s not edited", ticket_id, exc_info=True)
    await deliver(update, context, pressed.outgoing)
