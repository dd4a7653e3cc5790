"""Handlers for staff in the staff group: take, answer (by replying) and close tickets."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import storage, texts
from bot.telegram.common import may_handle, send_html, services
from bot.telegram.escalation import card_keyboard, finish
from bot.telegram.render import escape

logger = logging.getLogger(__name__)


async def staff_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Relay a staff (or supervisor) reply to a card, or in its thread, to the resident."""
    message, user = update.effective_message, update.effective_user
    assert message and user
    svc = services(context)
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    ticket = await svc.store(storage.ticket_for_message, message.chat_id, [reply_to, message.message_thread_id])
    if ticket is None:
        if message.chat.type == "private":  # a supervisor's ordinary message: let the assistant answer it
            from bot.telegram.residents import question

            await question(update, context)
        return
    if not await may_handle(context, user.id):
        await message.reply_text(texts.text("id", "not_staff"))
        return
    if ticket["status"] == storage.TICKET_CLOSED:
        await message.reply_text(texts.text("id", "already_closed", ticket=str(ticket["id"])))
        return
    text = message.text or ""
    language = await svc.store(storage.user_language, ticket["user_id"])
    try:
        await send_html(context.bot, ticket["user_id"], texts.text(language, "staff_says", text=escape(text)))
    except TelegramError as exc:
        logger.warning("staff reply for ticket %s not delivered", ticket["id"], exc_info=True)
        await message.reply_text(texts.text("id", "delivery_failed", ticket=str(ticket["id"]), error=str(exc)))
        return
    await svc.store(storage.record_staff_reply, ticket, user.id, user.full_name, text)
    await svc.store(storage.add_relay, message.chat_id, message.message_id, ticket["id"])


async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take or close a ticket from its card; only staff may, and only one can take it."""
    query, user = update.callback_query, update.effective_user
    assert query and user
    kind, _, value = (query.data or "").partition(":")
    svc = services(context)
    ticket = await svc.store(storage.get_ticket, int(value)) if value.isdigit() else None
    if ticket is None or kind not in ("take", "close"):
        await query.answer()
        return
    if not await may_handle(context, user.id):
        await query.answer(texts.text("id", "not_staff"), show_alert=True)
        return
    number = str(ticket["id"])
    if kind == "take":
        if await svc.store(storage.take_ticket, ticket["id"], user.id, user.full_name):
            await query.answer(texts.text("id", "taken_ok", ticket=number))
            await mark_card(query, texts.text("id", "card_taken", staff=escape(user.full_name)), keep_buttons=True)
        else:
            current = await svc.store(storage.get_ticket, ticket["id"])
            key = "already_closed" if current and current["status"] == storage.TICKET_CLOSED else "taken_by_other"
            await query.answer(texts.text("id", key, ticket=number, staff=(current or {}).get("taken_by_name") or "-"))
        return
    if await svc.store(storage.close_ticket, ticket["id"], user.id):
        await query.answer(texts.text("id", "closed_ok", ticket=number))
        await mark_card(query, texts.text("id", "card_closed", staff=escape(user.full_name)), keep_buttons=False)
        await finish(context.bot, svc, ticket)
    else:
        await query.answer(texts.text("id", "already_closed", ticket=number))


async def mark_card(query: CallbackQuery, note: str, keep_buttons: bool) -> None:
    """Append who took or closed the ticket to its card (best effort: the card may be too old to edit)."""
    message = query.message
    if not isinstance(message, Message) or not message.text:
        return
    ticket_id = int((query.data or "0").partition(":")[2])
    try:
        await query.edit_message_text(
            message.text_html + note, parse_mode=ParseMode.HTML,
            reply_markup=card_keyboard(ticket_id) if keep_buttons else None,
        )
    except TelegramError:
        logger.info("card of ticket %s not edited", ticket_id, exc_info=True)
