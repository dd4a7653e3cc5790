"""Handlers for residents in private chats: parse the update, ask the desk, send what it answers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.desk import callbacks, residents, supervisors
from bot.telegram.common import deliver, desk_of, person

#: Telegram command names that are another name of a desk command.
ALIASES = {"help": "bantuan"}


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Run a resident command (/start, /topik, /petugas, ...)."""
    assert update.effective_user and update.effective_message and update.effective_message.text
    name = update.effective_message.text.split()[0][1:].split("@")[0].lower()
    await deliver(update, context, await residents.command(desk_of(context), person(update.effective_user),
                                                   ALIASES.get(name, name)))


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text message (or relay it to the officer of an open ticket)."""
    assert update.effective_user and update.effective_message
    text = update.effective_message.text or ""
    await deliver(update, context, await residents.message(desk_of(context), person(update.effective_user), text))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Act on a resident's button."""
    query = update.callback_query
    assert query and update.effective_user
    await query.answer()
    pressed = callbacks.parse(query.data or "", callbacks.RESIDENT_KINDS)
    under = query.message.message_id if query.message else None
    if pressed is not None:
        await deliver(update, context, await residents.press(desk_of(context), person(update.effective_user), pressed,
                                                             under))


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the spinner of a button that is none of ours (old or forged data)."""
    assert update.callback_query
    await update.callback_query.answer()


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply to photos, stickers, voice, documents, locations and contacts: text only, please."""
    assert update.effective_user
    await deliver(update, context, await residents.non_text(desk_of(context), person(update.effective_user)))


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a supervisor the summary of the last 7 days (/laporan)."""
    assert update.effective_user and update.effective_chat
    await deliver(update, context, await supervisors.weekly_report(desk_of(context), person(update.effective_user),
                                                           update.effective_chat.id))
