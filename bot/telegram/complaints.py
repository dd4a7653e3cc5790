"""Complaints (SP4N-LAPOR! categories) as a short guided flow, and the SKM survey after a closed ticket."""

from __future__ import annotations

import warnings
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import skm, storage, texts
from bot.office_hours import jakarta
from bot.privacy import mask
from bot.telegram.common import send_html, services
from bot.telegram.escalation import card_keyboard
from bot.telegram.render import escape

CATEGORY, WHAT, WHEN, WHERE, CONTACT, MISCONDUCT = range(6)
CATEGORIES = ("pengaduan", "informasi", "aspirasi")
MAX_FIELD_CHARS = 1500
ELEMENT_KEYS = tuple(skm.ELEMENTS)


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Start the complaint flow: ask for the SP4N-LAPOR! category."""
    assert update.effective_chat and context.user_data is not None
    if update.callback_query:
        await update.callback_query.answer()
    context.user_data["complaint"] = {}
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.text("id", f"complaint_{c}"), callback_data=f"cp:{c}")] for c in CATEGORIES]
    )
    await send_html(context.bot, update.effective_chat.id, texts.text("id", "complaint_start"), keyboard)
    return CATEGORY


async def category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Remember the category and ask what happened."""
    query = update.callback_query
    assert query and update.effective_chat and context.user_data is not None
    await query.answer()
    chosen = (query.data or "").partition(":")[2]
    if chosen not in CATEGORIES:
        return CATEGORY
    context.user_data.setdefault("complaint", {})["category"] = chosen
    await send_html(context.bot, update.effective_chat.id, texts.text("id", "complaint_what"))
    return WHAT


def _answer(key: str, question: str, next_state: int) -> Any:
    """A handler that stores the typed answer under key and asks the next question."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.effective_message and update.effective_chat and context.user_data is not None
        context.user_data.setdefault("complaint", {})[key] = (update.effective_message.text or "").strip()[:MAX_FIELD_CHARS]
        keyboard = None
        if next_state == MISCONDUCT:
            keyboard = InlineKeyboardMarkup([[
                InlineKeyboardButton(texts.text("id", "yes"), callback_data="cm:1"),
                InlineKeyboardButton(texts.text("id", "no"), callback_data="cm:0"),
            ]])
        await send_html(context.bot, update.effective_chat.id, texts.text("id", question), keyboard)
        return next_state

    handler.__doc__ = f"Store the resident's answer as {key} and ask the next question."
    return handler


async def misconduct(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """File the complaint: staff group, or only supervisors for misconduct, brokers or illegal fees."""
    query, user = update.callback_query, update.effective_user
    assert query and user and context.user_data is not None
    await query.answer()
    data = dict(context.user_data.pop("complaint", {}))
    data["misconduct"] = (query.data or "") == "cm:1"
    contact = data.get("contact", "")
    data["contact"] = "" if contact in ("-", "") else contact
    svc = services(context)
    await svc.store(storage.touch_user, user.id, user.full_name)
    ticket = await svc.store(storage.create_complaint, user.id, data)
    card = texts.text(
        "id", "complaint_card", ticket=str(ticket["id"]), category=texts.text("id", f"complaint_{data['category']}"),
        restricted=texts.text("id", "complaint_restricted") if data["misconduct"] else "", name=escape(user.full_name),
        created=jakarta(ticket["created_at"]), what=escape(mask(data.get("what", ""))),
        when=escape(mask(data.get("when", ""))), where=escape(mask(data.get("where", ""))),
        contact=escape(mask(data["contact"]) or "-"),
    )
    recipients = sorted(svc.settings.supervisor_user_ids) if data["misconduct"] else [svc.settings.staff_chat_id]
    for chat_id in filter(None, recipients):
        sent = await send_html(context.bot, chat_id, card, card_keyboard(ticket["id"]))
        await svc.store(storage.set_card, ticket["id"], chat_id, sent.message_id)
    days = str(svc.settings.complaint_response_days)
    await send_html(context.bot, user.id, texts.text("id", "complaint_done", ticket=str(ticket["id"]), days=days))
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Abandon the complaint flow."""
    assert update.effective_chat and context.user_data is not None
    context.user_data.pop("complaint", None)
    await send_html(context.bot, update.effective_chat.id, texts.text("id", "complaint_cancelled"))
    return ConversationHandler.END


def complaint_handler() -> ConversationHandler[Any]:
    """The /pengaduan conversation (also started from the complaint button under some answers)."""
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    # Button answers are tracked per chat and user on purpose (one complaint at a time per resident).
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return ConversationHandler(
        entry_points=[
            CommandHandler("pengaduan", begin, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(begin, pattern=r"^complaint$"),
        ],
        states={
            CATEGORY: [CallbackQueryHandler(category, pattern=r"^cp:")],
            WHAT: [MessageHandler(private_text, _answer("what", "complaint_when", WHEN))],
            WHEN: [MessageHandler(private_text, _answer("when", "complaint_where", WHERE))],
            WHERE: [MessageHandler(private_text, _answer("where", "complaint_contact", CONTACT))],
            CONTACT: [MessageHandler(private_text, _answer("contact", "complaint_misconduct", MISCONDUCT))],
            MISCONDUCT: [CallbackQueryHandler(misconduct, pattern=r"^cm:[01]$")],
        },
        fallbacks=[CommandHandler("batal", cancel)],
        name="complaint",
        per_message=False,
    )


def skm_offer_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    """Buttons offering the SKM survey after a closed ticket."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.text("id", "skm_yes"), callback_data=f"skm:{ticket_id}:go"),
        InlineKeyboardButton(texts.text("id", "skm_no"), callback_data=f"skm:{ticket_id}:no"),
    ]])


async def survey(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Walk through the nine SKM elements, one button press each; state lives in the buttons."""
    query, user = update.callback_query, update.effective_user
    assert query and user
    await query.answer()
    parts = (query.data or "").split(":")
    if len(parts) < 3 or not parts[1].isdigit():
        return
    ticket_id, svc = int(parts[1]), services(context)
    ticket = await svc.store(storage.get_ticket, ticket_id)
    if ticket is None or ticket["user_id"] != user.id or ticket["status"] != storage.TICKET_CLOSED or parts[2] == "no":
        return
    number = 0
    if parts[2] != "go":
        if not (parts[2].isdigit() and len(parts) == 4 and parts[3] in "01234" and int(parts[2]) < len(ELEMENT_KEYS)):
            return
        number = int(parts[2])
        if parts[3] != "0":
            await svc.store(storage.record_skm, ticket_id, ELEMENT_KEYS[number], int(parts[3]))
        number += 1
    if number >= len(ELEMENT_KEYS):
        await send_html(context.bot, user.id, texts.text("id", "skm_thanks"))
        return
    element = ELEMENT_KEYS[number]
    keyboard = InlineKeyboardMarkup([
        [InlineKeyboardButton(f"{score} {label}", callback_data=f"skm:{ticket_id}:{number}:{score}")]
        for score, label in skm.SCORES.items()
    ] + [[InlineKeyboardButton(texts.text("id", "skm_skip"), callback_data=f"skm:{ticket_id}:{number}:0")]])
    question = texts.text("id", "skm_question", number=str(number + 1), element=skm.ELEMENTS[element])
    await send_html(context.bot, user.id, question, keyboard)
