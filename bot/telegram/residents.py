"""Handlers for residents in private chats: parse the update, ask the desk, send what it answers."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.desk import callbacks, residents, supervisors
from bot.desk.outgoing import Button, Keyboard, Under
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


def under(message: object) -> Under | None:
    """The message a button was pressed under, as the desk sees it: id, text as HTML, our buttons on it."""
    if not isinstance(message, Message):
        return None
    rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
    keyboard: Keyboard = tuple(
        found for row in rows
        if (found := tuple(Button(b.text, kind) for b in row
                           if (kind := callbacks.parse(str(b.callback_data or ""), callbacks.RESIDENT_KINDS))))
    )
    return Under(message.message_id, message.text_html if message.text else "", keyboard)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Act on a resident's button; a notice from the desk shows on the button, the rest is sent."""
    query = update.callback_query
    assert query and update.effective_user
    pressed = callbacks.parse(query.data or "", callbacks.RESIDENT_KINDS)
    if pressed is None:
        await query.answer()
        return
    outgoing = await residents.press(desk_of(context), person(update.effective_user), pressed, under(query.message))
    notices = [o.text for o in outgoing if o.notice]
    await query.answer(notices[0] if notices else None)
    await deliver(update, context, [o for o in outgoing if not o.notice])


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
