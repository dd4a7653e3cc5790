"""Ticket life cycle on Telegram: open a ticket with a staff card, relay both ways, close with a rating."""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, User

from bot import storage, texts
from bot.office_hours import jakarta
from bot.telegram.common import Services, send_html
from bot.telegram.render import escape, rating_keyboard

TRANSCRIPT_LINE_CHARS = 300


def card_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    """Take and close buttons on a staff card."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.text("id", "take_button"), callback_data=f"take:{ticket_id}"),
        InlineKeyboardButton(texts.text("id", "close_button"), callback_data=f"close:{ticket_id}"),
    ]])


def card_text(ticket: dict[str, Any], name: str, transcript: list[dict[str, Any]]) -> str:
    """The staff card: ticket number, resident, topic, recent conversation."""
    lines = [
        f"<b>{texts.SPEAKERS.get(m['direction'], m['direction'])}:</b> {escape(m['text'][:TRANSCRIPT_LINE_CHARS])}"
        for m in transcript
    ]
    return texts.text(
        "id", "card", ticket=str(ticket["id"]), reason=texts.text("id", f"reason_{ticket['reason']}"),
        name=escape(name), topic=escape(ticket["topic"] or "-"), created=jakarta(ticket["created_at"]),
        transcript="\n".join(lines) or "-",
    )


async def escalate(bot: Bot, services: Services, user: User, language: str, reason: str) -> None:
    """Open (or reuse) the user's ticket, post its card to the staff group and tell the user what happens."""
    settings, store = services.settings, services.store
    if settings.staff_chat_id is None:
        await send_html(bot, user.id, texts.text(language, "no_staff"))
        return
    existing = await store(storage.active_ticket, user.id)
    topic = await store(storage.last_answered_topic, user.id)
    if existing is None:
        question = await store(storage.last_question, user.id)
        if question:
            await store(storage.record_unanswered, user.id, question, "eskalasi", [])
    ticket = existing if existing is not None else await store(storage.create_ticket, user.id, reason, topic)
    if not ticket.get("card_message_id"):
        transcript = await store(storage.recent_messages, user.id)
        card = await send_html(
            bot, settings.staff_chat_id, card_text(ticket, user.full_name, transcript), card_keyboard(ticket["id"])
        )
        await store(storage.set_card, ticket["id"], settings.staff_chat_id, card.message_id)
    if existing and existing.get("card_message_id"):
        await send_html(bot, user.id, texts.text(language, "already_queued", ticket=str(ticket["id"])))
        return
    now = dt.datetime.now(dt.timezone.utc)
    if settings.office_hours.is_open(now):
        position = await store(storage.queue_position, ticket["id"])
        message = texts.text(language, "queued_open", ticket=str(ticket["id"]), position=str(position))
    else:
        opening = settings.office_hours.next_opening(now)
        when = opening.strftime("%d-%m-%Y %H:%M") if opening else "-"
        message = texts.text(language, "queued_closed", ticket=str(ticket["id"]), opening=when)
    await store(storage.log_message, user.id, "system", message, ticket_id=ticket["id"])
    await send_html(bot, user.id, message)


async def relay_to_staff(bot: Bot, services: Services, ticket: dict[str, Any], user: User, text: str) -> None:
    """Pass a resident's message into the ticket's thread in the staff group."""
    chat_id = ticket.get("card_chat_id") or services.settings.staff_chat_id
    if chat_id is None:
        return
    await services.store(storage.log_message, user.id, "in", text, ticket_id=ticket["id"])
    relay = await send_html(
        bot, chat_id,
        texts.text("id", "relay_from_user", name=escape(user.full_name), ticket=str(ticket["id"]), text=escape(text)),
        reply_parameters=ReplyParameters(message_id=ticket["card_message_id"], allow_sending_without_reply=True),
    )
    await services.store(storage.add_relay, chat_id, relay.message_id, ticket["id"])


async def finish(bot: Bot, services: Services, ticket: dict[str, Any]) -> None:
    """Tell the resident the ticket is closed and ask for a 1-5 rating."""
    language = await services.store(storage.user_language, ticket["user_id"])
    await send_html(
        bot, ticket["user_id"], texts.text(language, "ticket_closed_user", ticket=str(ticket["id"])),
        rating_keyboard(ticket["id"]),
    )
