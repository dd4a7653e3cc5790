"""Handlers for staff in the staff group (and supervisors in private): answer by replying, take and close."""

from __future__ import annotations

import logging
from functools import partial

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.desk import callbacks, residents, tickets
from bot.desk.outgoing import Person
from bot.telegram.common import deliver, desk_of, groups, person, with_retries
from bot.telegram.render import markup

logger = logging.getLogger(__name__)

#: What a message can carry besides text, as Telegram names it; an animation also carries a document, so it comes first.
ATTACHMENTS = ("animation", "photo", "video", "audio", "voice", "video_note", "document", "sticker", "location",
               "contact", "poll")


def staff_reply(message: Message, writer: Person, bot_id: int) -> tickets.StaffReply:
    """The desk's view of a staff message that may answer a card or a relayed message."""
    replied = message.reply_to_message
    from_desk = bool(replied and replied.from_user and replied.from_user.id == bot_id)
    return tickets.StaffReply(writer, message.chat_id, message.message_id, replied.message_id if replied else None,
                              from_desk and message.chat.type != "private", message.text or message.caption or "",
                              (replied.text or "") if replied and from_desk else "")


async def staff_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Relay a reply to a ticket's card or thread to its resident; a supervisor's other messages get answers."""
    message, user = update.effective_message, update.effective_user
    assert message and user
    desk, writer = desk_of(context), person(user)
    outgoing = await tickets.staff_text(desk, staff_reply(message, writer, context.bot.id))
    if outgoing is None and message.chat.type == "private":
        outgoing = await residents.message(desk, writer, message.text or "")
    await deliver(update, context, outgoing or [])


async def staff_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Copy a photo or document that answers a card or thread to its resident, or tell staff why it was not."""
    message, user = update.effective_message, update.effective_user
    assert message and user
    kind = next((name for name in ATTACHMENTS if getattr(message, name, None)), "")
    outcome = await tickets.staff_media(desk_of(context), staff_reply(message, person(user), context.bot.id), kind)
    if not isinstance(outcome, tickets.Copy):
        await deliver(update, context, outcome or [])
        return
    try:
        sent = await with_retries(lambda: context.bot.copy_message(
            outcome.chat_id, message.chat_id, message.message_id, caption=outcome.caption, parse_mode=ParseMode.HTML))
    except TelegramError as exc:
        logger.warning("attachment for ticket %s not delivered", outcome.record.ticket_id)
        await deliver(update, context, tickets.undelivered(outcome.record, str(exc)))
        return
    await tickets.delivered(desk_of(context), outcome.record, outcome.chat_id, [sent.message_id])


async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take or close a ticket from its card (closing is confirmed on the card first)."""
    query, user = update.callback_query, update.effective_user
    assert query and user
    button = callbacks.parse(query.data or "", callbacks.STAFF_KINDS)
    if not isinstance(button, (callbacks.Take, callbacks.Close, callbacks.CloseConfirm)):
        await query.answer()
        return
    change = await tickets.card_button(desk_of(context), person(user), button)
    await query.answer(change.notice or None, show_alert=change.alert)
    if isinstance(query.message, Message):  # at the staff group's pace, before what the change sends there
        groups(context).put(query.message.chat_id, partial(edit_card, query, change))
    await deliver(update, context, change.outgoing)


async def edit_card(query: CallbackQuery, change: tickets.CardChange) -> None:
    """Show on the card what the desk decided: its note added to the text, its new buttons."""
    card = query.message
    if not isinstance(card, Message) or (not change.note and change.buttons is None):
        return
    buttons = card.reply_markup if change.buttons is None else markup(change.buttons)
    try:
        if change.note and card.text:
            await query.edit_message_text(card.text_html + change.note, parse_mode=ParseMode.HTML, reply_markup=buttons)
        else:
            await query.edit_message_reply_markup(buttons)
    except TelegramError:  # the card may be too old to edit; the ticket itself is already updated
        logger.info("card %s not edited", card.message_id, exc_info=True)
