"""The Telegram front end: build_application(settings, ...) wires every handler; serve() runs it."""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from pathlib import Path
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import texts
from bot.assistant import Answering, Assistant
from bot.desk import callbacks, inbox, outbox
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing
from bot.desk.residents import COMMANDS
from bot.retrain import ModelWatcher
from bot.settings import Settings
from bot.storage import Store, open_database
from bot.telegram import residents, staff
from bot.telegram.common import desk_of, send, send_rows, staff_group_check
from bot.telegram.groups import GroupQueues
from bot.telegram.intake import InboxQueue
from bot.telegram.order import ChatOrderedProcessor
from bot.telegram.pacing import MessagePacer
from bot.telegram.request import AiohttpRequest
from bot.workers import AssistantPool

logger = logging.getLogger(__name__)

#: How often a message refused by Telegram's flood control is sent again after the wait Telegram asks for.
FLOOD_RETRIES = 2
#: How long a message send waits for Telegram's answer: a send without an answer may have arrived and is never
#: repeated, so a slow answer is better waited for.
SEND_TIMEOUT = 20.0
#: How long a stopping bot keeps sending queued group messages before leaving them to the next start.
GROUP_GRACE_SECONDS = 5.0
#: How long an update that met a busy database (past its 30 s busy timeout) waits before it is handled again,
#: and how often that is tried before the resident gets the apology.
BUSY_RETRY_SECONDS = 5.0
BUSY_RETRIES = 3
#: The webhook's path; updates are accepted only with WEBHOOK_SECRET in Telegram's secret-token header.
WEBHOOK_PATH = "telegram"
RESIDENT_COMMANDS = [
    BotCommand("start", "Mulai dan lihat topik"),
    BotCommand("topik", "Daftar topik per kategori"),
    BotCommand("bantuan", "Cara memakai asisten"),
    BotCommand("petugas", "Bicara dengan petugas"),
    BotCommand("bahasa", "Bahasa Indonesia / English"),
    BotCommand("pengaduan", "Pengaduan, aspirasi, permintaan informasi"),
    BotCommand("batal", "Batalkan pengaduan atau keluar dari antrean petugas"),
    BotCommand("menu", "Menu utama"),
    BotCommand("lokasi", "Alamat kantor"),
    BotCommand("datasaya", "Lihat data Anda yang tersimpan"),
    BotCommand("hapusdata", "Hapus data Anda"),
]
NON_TEXT = (
    filters.PHOTO | filters.Document.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
    | filters.Sticker.ALL | filters.LOCATION | filters.CONTACT | filters.ANIMATION | filters.POLL
)


class TolerantBot(ExtBot[int]):
    """A bot that skips a malformed update (logging it) instead of refetching the same batch forever."""

    async def _post(self, endpoint: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        cleaned = []
        for raw in result:
            try:
                Update.de_json(raw, self)
                cleaned.append(raw)
            except Exception:  # keep the update id so the offset moves past it; drop the rest
                logger.exception("malformed update %s from Telegram skipped", raw.get("update_id"))
                cleaned.append({"update_id": raw.get("update_id", 0)})
        return cleaned


async def prepare(application: Application) -> None:
    """Show the resident commands in Telegram's menu, send what a crash or stop left unsent, post missing cards."""
    await application.bot.set_my_commands(RESIDENT_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    context = ContextTypes.DEFAULT_TYPE(application)
    desk = desk_of(context)
    await send_rows(context, await outbox.restart(desk), wait_for_groups=True)
    await send_rows(context, [(None, card) for card in await outbox.missing_cards(desk)])
    for update in await inbox.unfinished(desk):  # handled once the application starts
        await application.update_queue.put(Update.de_json(update, application.bot))


async def start(application: Application, settings: Settings) -> None:
    """Start as `python -m bot run` does: settle what the last run left, then receive updates."""
    await application.initialize()
    await prepare(application)
    await application.start()
    await receive_updates(application, settings)


async def stop(application: Application) -> None:
    """Stop receiving, finish the updates under way, give the group queues a moment (the rest waits in the
    outbox for the next start), and close."""
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    await application.bot_data["groups"].stop(GROUP_GRACE_SECONDS)
    await application.shutdown()


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any exception a handler raised; handle the update again a little later if the database was busy (it
    stays in the inbox meanwhile), else tell a resident that something went wrong."""
    logger.error("error while handling update %s", getattr(update, "update_id", None), exc_info=context.error)
    if isinstance(update, Update) and busy(context.error):
        retries: dict[int, int] = context.application.bot_data.setdefault("busy_retries", {})
        retries[update.update_id] = retries.get(update.update_id, 0) + 1
        if retries[update.update_id] <= BUSY_RETRIES:
            context.application.create_task(retry_later(context.application, update))
            raise ApplicationHandlerStop  # not marked handled
        del retries[update.update_id]
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        try:
            language = await desk_of(context).language(update.effective_chat.id)
            await send(context.bot, Outgoing(update.effective_chat.id, texts.text(language, "error")))
        except Exception:  # the apology itself failed (e.g. Telegram unreachable): already logged above
            logger.warning("could not send the error apology", exc_info=True)


def busy(error: object) -> bool:
    """Whether an error is the database being held by another connection (it passes)."""
    return isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))


async def retry_later(application: Application, update: Update) -> None:
    """Queue an update again after a pause."""
    await asyncio.sleep(BUSY_RETRY_SECONDS)
    await application.update_queue.put(update)


async def group_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Commands in other groups: point to the private chat."""
    assert update.effective_chat
    await send(context.bot, Outgoing(update.effective_chat.id, texts.text("id", "group_only_private")))


async def skip_handled_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Skip an update handled before a crash or restart; one whose answer was stored gets only what is unsent."""
    if not isinstance(update, Update):
        return
    desk = desk_of(context)
    if await desk.already_handled(update.update_id):
        raise ApplicationHandlerStop
    if (left := await outbox.unsent(desk, update.update_id)) is not None:
        await send_rows(context, left)
        await desk.handled(update.update_id)
        raise ApplicationHandlerStop


async def mark_update_handled(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record that an update has been handled completely."""
    if isinstance(update, Update):
        await desk_of(context).handled(update.update_id)


def build_application(settings: Settings, assistant: Answering, store: Store) -> Application:
    """Create the python-telegram-bot application with every handler wired."""
    bot = TolerantBot(
        settings.telegram_bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_base_url.replace("/bot", "/file/bot"),
        request=AiohttpRequest(connection_pool_size=64, read_timeout=SEND_TIMEOUT),
        get_updates_request=AiohttpRequest(),
        # Paces the staff group below Telegram's 20 messages a minute per group (a busy desk reaches that) and
        # waits out any flood-control refusal, then sends again. No overall pace: Telegram's "about 30 a second"
        # is for broadcasts; answers to residents who wrote first are sent at once and a refusal is waited out.
        rate_limiter=MessagePacer(overall_max_rate=0, max_retries=FLOOD_RETRIES),
    )
    desk = Desk(assistant, store, settings, staff_group_check(bot, settings.staff_chat_id))
    application = (
        Application.builder()
        .bot(bot)
        .update_queue(InboxQueue(desk))
        .concurrent_updates(ChatOrderedProcessor(32, priority=[] if settings.staff_chat_id is None else [settings.staff_chat_id]))
        .build()
    )
    application.bot_data["groups"] = GroupQueues()
    application.bot_data["desk"] = desk
    application.add_handler(TypeHandler(Update, skip_handled_update), group=-1)
    application.add_handler(TypeHandler(Update, mark_update_handled), group=99)
    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE
    supervisors_chat = filters.User(list(settings.supervisor_user_ids)) & filters.REPLY
    staff_chat = filters.Chat(settings.staff_chat_id) if settings.staff_chat_id is not None else filters.Chat([])
    application.add_handler(CommandHandler([*COMMANDS, *residents.ALIASES], residents.command, filters=private & new_message))
    application.add_handler(CommandHandler("laporan", residents.report, filters=private & new_message))
    application.add_handler(
        MessageHandler(private & supervisors_chat & new_message & filters.TEXT & ~filters.COMMAND, staff.staff_message)
    )
    application.add_handler(MessageHandler(private & new_message & filters.TEXT & ~filters.COMMAND, residents.question))
    application.add_handler(MessageHandler(private & new_message & NON_TEXT, residents.non_text))
    application.add_handler(MessageHandler(staff_chat & new_message & filters.TEXT & ~filters.COMMAND, staff.staff_message))
    for kind in callbacks.STAFF_KINDS:
        application.add_handler(CallbackQueryHandler(staff.staff_button, pattern=kind.PATTERN))
    application.add_handler(MessageHandler(staff_chat & new_message & filters.REPLY & NON_TEXT, staff.staff_media))
    for kind in callbacks.RESIDENT_KINDS:
        application.add_handler(CallbackQueryHandler(residents.button, pattern=kind.PATTERN))
    application.add_handler(CallbackQueryHandler(residents.unknown_button))
    application.add_handler(CommandHandler("start", group_start, filters=filters.ChatType.GROUPS & ~staff_chat))
    application.add_error_handler(error_handler)
    return application


async def receive_updates(application: Application, settings: Settings) -> None:
    """Start long polling, or the webhook listener on 127.0.0.1 that refuses updates without the secret."""
    updater = application.updater
    assert updater is not None
    if settings.webhook_url:
        await updater.start_webhook(
            listen="127.0.0.1", port=settings.webhook_port, url_path=WEBHOOK_PATH, secret_token=settings.webhook_secret,
            webhook_url=f"{settings.webhook_url.rstrip('/')}/{WEBHOOK_PATH}", allowed_updates=Update.ALL_TYPES,
        )
    else:
        await updater.start_polling(allowed_updates=Update.ALL_TYPES)


def answering(settings: Settings, model: Path) -> Assistant | AssistantPool:
    """The assistant the settings ask for: ANSWER_WORKERS worker processes, or this process (0)."""
    if settings.answer_workers:
        return AssistantPool(model, settings.answer_workers, settings.conversations_path, settings.rasa_endpoints,
                             settings.log_level)
    return Assistant(model, conversations=settings.conversations_path, endpoints=settings.rasa_endpoints)


async def serve(settings: Settings, model: Path) -> None:
    """Run the bot until Ctrl-C or SIGTERM: the assistant, the database, and polling or a webhook."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    store = Store(open_database(settings.database))
    try:
        async with answering(settings, model) as assistant:
            application = build_application(settings, assistant, store)
            watcher = asyncio.create_task(ModelWatcher(assistant).run())
            await start(application, settings)
            try:
                logger.info("bot running; press Ctrl-C to stop")
                await stopping.wait()
            finally:
                await stop(application)
            watcher.cancel()
    finally:
        store.close()
