"""Handlers for residents in private chats: commands, questions, buttons, and everything else they send."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import ContextTypes

from actions.faq import load_catalogue, today_in_bengkulu
from bot import storage, texts
from bot.assistant import Reply
from bot.ratelimit import Verdict
from bot.telegram.common import send_html, services
from bot.telegram.complaints import skm_offer_keyboard
from bot.telegram.escalation import escalate, relay_to_staff
from bot.telegram.render import escape, officer_button, reply_keyboard, to_html

CATALOGUE = load_catalogue()
#: Topics whose answer always comes with the safe route and the offer of an officer.
URGENT_TOPICS = frozenset({"paspor_hilang_luar_negeri", "overstay_denda", "paspor_pmi"})
#: Words that signal detention, trafficking or non-procedural migrant work, whatever the topic.
URGENT_WORDS = re.compile(
    r"\b(ditahan|ditangkap|disekap|dipenjara|detained|arrested|trafficking|perdagangan orang|tppo|"
    r"dijual|disiksa|non[- ]?prosedural|ilegal ke luar negeri|paspor (saya )?ditahan)\b",
    re.IGNORECASE,
)


def sender_id(user: User) -> str:
    """The Rasa conversation id of a Telegram user."""
    return f"tg-{user.id}"


def is_urgent(reply: Reply, message: str) -> bool:
    """Whether the message needs the safe route and an officer at once."""
    return reply.faq_id in URGENT_TOPICS or bool(URGENT_WORDS.search(message))


async def language_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The user's chosen language (Indonesian by default)."""
    assert update.effective_user
    return await services(context).store(storage.user_language, update.effective_user.id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, say what the assistant can and cannot do, show the privacy notice and the categories."""
    assert update.effective_user and update.effective_chat
    svc = services(context)
    await svc.store(storage.touch_user, update.effective_user.id, update.effective_user.full_name)
    notices = [f"📢 {to_html(n.text)}" for n in svc.faq.current().notices_for(None, today_in_bengkulu())]
    await send_html(context.bot, update.effective_chat.id, "\n\n".join([*notices, texts.text("id", "start")]),
                    category_keyboard())


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the FAQ categories as buttons."""
    assert update.effective_chat
    await send_html(context.bot, update.effective_chat.id, texts.text("id", "choose_category"), category_keyboard())


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to use the assistant."""
    assert update.effective_chat
    await send_html(context.bot, update.effective_chat.id, texts.text("id", "help"))


async def officer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for a human (/petugas)."""
    assert update.effective_user
    user = update.effective_user
    await services(context).store(storage.touch_user, user.id, user.full_name)
    await escalate(context.bot, services(context), user, await language_of(update, context), "user")


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer Indonesian or English (/bahasa)."""
    assert update.effective_chat
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton("Bahasa Indonesia", callback_data="lang:id"),
        InlineKeyboardButton("English", callback_data="lang:en"),
    ]])
    await send_html(context.bot, update.effective_chat.id, texts.text("id", "choose_language"), keyboard)


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text message, or relay it to staff while the user has an open ticket."""
    assert update.effective_user and update.effective_message
    await handle_text(update, context, update.effective_message.text or "")


async def handle_text(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str) -> None:
    """Send one user message down the path: staff relay, or the assistant (with escalation when needed)."""
    assert update.effective_user
    user, svc = update.effective_user, services(context)
    row = await svc.store(storage.touch_user, user.id, user.full_name)
    verdict = svc.limiter.check(user.id)
    if verdict is not Verdict.ALLOW:
        await svc.store(storage.log_message, user.id, "in", message, outcome="rate_limited")
        if verdict is Verdict.WARN:
            await send_html(context.bot, user.id, texts.text(row["language"] or "id", "rate_limited"))
        return
    ticket = await svc.store(storage.active_ticket, user.id)
    if ticket and ticket.get("card_message_id"):
        await relay_to_staff(context.bot, svc, ticket, user, message)
        return
    await svc.store(storage.log_message, user.id, "in", message)
    reply = await svc.assistant.handle(message, sender_id(user), language=row["language"] or None)
    await svc.store(
        storage.log_message, user.id, "out", reply.plain_text, outcome=reply.outcome, intent=reply.intent,
        confidence=reply.confidence, faq_id=reply.faq_id,
    )
    entry = svc.faq.current().get(reply.faq_id or "")
    await send_html(context.bot, user.id, to_html(reply.text), reply_keyboard(reply, details=bool(entry and entry.details)))
    if reply.outcome in ("clarify", "fallback") and reply.intent != "out_of_scope":
        await svc.store(storage.record_unanswered, user.id, message, reply.outcome, reply.guesses)
    if reply.outcome == "handoff":
        reason = "user" if reply.intent == "human_handoff" else "assistant"
        await escalate(context.bot, svc, user, reply.language, reason)
    elif is_urgent(reply, message):
        keyboard = InlineKeyboardMarkup([[officer_button(reply.language)]])
        await send_html(context.bot, user.id, texts.text(reply.language, "urgent"), keyboard)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Act on a resident's button: a topic, a category, a rating, the officer, a language."""
    query = update.callback_query
    assert query and update.effective_user
    await query.answer()
    kind, _, value = (query.data or "").partition(":")
    user, svc = update.effective_user, services(context)
    if kind == "ask":
        await handle_text(update, context, f"/{value}")
    elif kind == "more":
        await send_details(update, context, value)
    elif kind == "cat" and value in CATALOGUE.categories:
        await send_html(context.bot, user.id, texts.text("id", "choose_topic"), topic_keyboard(context, value))
    elif kind == "officer":
        await svc.store(storage.touch_user, user.id, user.full_name)
        await escalate(context.bot, svc, user, await language_of(update, context), "button")
    elif kind == "lang" and value in ("id", "en"):
        await svc.store(storage.touch_user, user.id, user.full_name)
        await svc.store(storage.set_language, user.id, value)
        await send_html(context.bot, user.id, texts.text(value, "language_set"))
    elif kind == "rate":
        await rate_answer(update, context, value)
    elif kind == "rt":
        await rate_ticket(update, context, value)
    elif kind == "erase":
        if value == "yes":
            await svc.store(storage.erase_user, user.id)
        await send_html(context.bot, user.id, texts.text("id", "erased" if value == "yes" else "erase_cancelled"))


async def send_details(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """Send the details of an answer (the part behind its "Rincian" button), in the answer's language."""
    assert update.effective_user
    faq_id, _, language = value.partition(":")
    entry = services(context).faq.current().get(faq_id)
    if entry and entry.details and language in ("id", "en"):
        await send_html(context.bot, update.effective_user.id, to_html(entry.more(language)))


async def rate_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """Record a helpful / not helpful rating; offer an officer after 'not helpful'."""
    assert update.effective_user
    faq_id, _, helpful = value.rpartition(":")
    if faq_id not in CATALOGUE.topics or helpful not in ("0", "1"):
        return
    user, svc = update.effective_user, services(context)
    await svc.store(storage.touch_user, user.id, user.full_name)
    await svc.store(storage.rate_answer, user.id, faq_id, helpful == "1")
    language = await language_of(update, context)
    question = await svc.store(storage.last_question, user.id)
    if helpful == "0" and question:
        await svc.store(storage.record_unanswered, user.id, question, "tidak membantu", [(faq_id, 1.0)])
    if helpful == "1":
        await send_html(context.bot, user.id, texts.text(language, "thanks_rating"))
    else:
        keyboard = InlineKeyboardMarkup([[officer_button(language)]])
        await send_html(context.bot, user.id, texts.text(language, "not_helpful_reply"), keyboard)


async def rate_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    """Record the 1-5 rating of a closed ticket."""
    assert update.effective_user
    ticket_id, _, rating = value.partition(":")
    if not (ticket_id.isdigit() and rating in ("1", "2", "3", "4", "5")):
        return
    user, svc = update.effective_user, services(context)
    if await svc.store(storage.rate_ticket, int(ticket_id), user.id, int(rating)):
        language = await language_of(update, context)
        await send_html(context.bot, user.id, texts.text(language, "thanks_ticket_rating", rating=rating))
        await send_html(context.bot, user.id, texts.text("id", "skm_offer"), skm_offer_keyboard(int(ticket_id)))


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply to photos, stickers, voice, documents, locations and contacts: text only, please."""
    assert update.effective_chat
    await send_html(context.bot, update.effective_chat.id, texts.text(await language_of(update, context), "non_text"))


async def group_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Commands in other groups: point to the private chat."""
    assert update.effective_chat
    await send_html(context.bot, update.effective_chat.id, texts.text("id", "group_only_private"))


def category_keyboard() -> InlineKeyboardMarkup:
    """One button per FAQ category."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(title, callback_data=f"cat:{key}")] for key, title in CATALOGUE.categories.items()]
    )


def topic_keyboard(context: ContextTypes.DEFAULT_TYPE, category: str) -> InlineKeyboardMarkup:
    """One button per topic of a category, titled as in the FAQ."""
    faq = services(context).faq.current()
    rows = [
        [InlineKeyboardButton(faq.entries[t.id].title, callback_data=f"ask:{t.id}")]
        for t in CATALOGUE.topics.values()
        if t.category == category and t.id in faq.entries
    ]
    return InlineKeyboardMarkup(rows)


async def my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show what is stored about the user (/datasaya)."""
    assert update.effective_user
    user, svc = update.effective_user, services(context)
    summary = await svc.store(storage.user_data_summary, user.id)
    if summary["user"] is None:
        await send_html(context.bot, user.id, texts.text("id", "my_data_none"))
        return
    recent = "\n".join(f"• {escape(m['text'][:200])}" for m in summary["recent"]) or "-"
    await send_html(context.bot, user.id, texts.text(
        "id", "my_data", name=escape(summary["user"]["display_name"] or "-"), messages=str(summary["messages"]),
        tickets=str(summary["tickets"]), ratings=str(summary["ratings"]), unanswered=str(summary["unanswered"]),
        recent=recent, days=str(svc.settings.retention_days),
    ))


async def erase(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask the user to confirm deleting their data (/hapusdata)."""
    assert update.effective_user
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.text("id", "erase_yes"), callback_data="erase:yes"),
        InlineKeyboardButton(texts.text("id", "erase_no"), callback_data="erase:no"),
    ]])
    await send_html(context.bot, update.effective_user.id, texts.text("id", "erase_confirm"), keyboard)
