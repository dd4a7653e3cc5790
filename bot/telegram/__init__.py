"""The Telegram front end: build_application(settings, ...) wires every handler; serve() runs it."""

from __future__ import annotations

import asyncio
import logging
import signal
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
from telegram.request import HTTPXRequest

from bot import storage, texts
from bot.assistant import Assistant
from bot.retrain import ModelWatcher
from bot.settings import Settings
from bot.storage import Store, open_database
from bot.telegram import complaints, residents, staff, supervisors
from bot.telegram.common import Services, send_html, services

logger = logging.getLogger(__name__)

RESIDENT_COMMANDS = [
    BotCommand("start", "Mulai dan lihat topik"),
    BotCommand("topik", "Daftar topik per kategori"),
    BotCommand("bantuan", "Cara memakai asisten"),
    BotCommand("petugas", "Bicara dengan petugas"),
    BotCommand("bahasa", "Bahasa Indonesia / English"),
    BotCommand("pengaduan", "Pengaduan, aspirasi, permintaan informasi"),
    BotCommand("datasaya", "Lihat data Anda yang tersimpan"),
    BotCommand("hapusdata", "Hapus data Anda"),
]
NON_TEXT = (
    filters.PHOTO | filters.Document.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
    | filters.Sticker.ALL | filters.LOCATION | filters.CONTACT | filters.ANIMATION | filters.POLL
)


class TolerantBot(ExtBot[None]):
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


async def register_commands(application: Application) -> None:
    """Show the resident commands in Telegram's menu."""
    await application.bot.set_my_commands(RESIDENT_COMMANDS, scope=BotCommandScopeAllPrivateChats())


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any exception a handler raised, and tell a resident that something went wrong."""
    logger.error("error while handling update %s", getattr(update, "update_id", None), exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        try:
            await send_html(context.bot, update.effective_chat.id, texts.text("id", "error"))
        except Exception:  # the apology itself failed (e.g. Telegram unreachable): already logged above
            logger.warning("could not send the error apology", exc_info=True)


async def skip_handled_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Skip an update already handled before a crash or restart (Telegram may deliver it again)."""
    if isinstance(update, Update) and await services(context).store(storage.update_done, update.update_id):
        raise ApplicationHandlerStop


async def mark_update_handled(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record that an update has been handled completely."""
    if isinstance(update, Update):
        await services(context).store(storage.mark_update_done, update.update_id)


def build_application(settings: Settings, assistant: Assistant, store: Store) -> Application:
    """Create the python-telegram-bot application with every handler wired."""
    bot = TolerantBot(
        settings.telegram_bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_base_url.replace("/bot", "/file/bot"),
        request=HTTPXRequest(connection_pool_size=64),
        get_updates_request=HTTPXRequest(),
    )
    application = (
        Application.builder()
        .bot(bot)
        .concurrent_updates(32)
        .post_init(register_commands)
        .build()
    )
    application.bot_data["services"] = Services(assistant, store, settings)
    application.add_handler(TypeHandler(Update, skip_handled_update), group=-1)
    application.add_handler(TypeHandler(Update, mark_update_handled), group=99)
    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE
    supervisors_chat = filters.User(list(settings.supervisor_user_ids)) & filters.REPLY
    application.add_handler(complaints.complaint_handler())
    staff_chat = filters.Chat(settings.staff_chat_id) if settings.staff_chat_id is not None else filters.Chat([])
    for names, callback in (
        (["start"], residents.start),
        (["topik"], residents.topics),
        (["bantuan", "help"], residents.help_command),
        (["petugas"], residents.officer),
        (["bahasa"], residents.language),
        (["laporan"], supervisors.report),
        (["datasaya"], residents.my_data),
        (["hapusdata"], residents.erase),
    ):
        application.add_handler(CommandHandler(names, callback, filters=private & new_message))
    application.add_handler(
        MessageHandler(private & supervisors_chat & new_message & filters.TEXT & ~filters.COMMAND, staff.staff_message)
    )
    application.add_handler(MessageHandler(private & new_message & filters.TEXT & ~filters.COMMAND, residents.question))
    application.add_handler(MessageHandler(private & new_message & NON_TEXT, residents.non_text))
    application.add_handler(MessageHandler(staff_chat & new_message & filters.TEXT & ~filters.COMMAND, staff.staff_message))
    application.add_handler(CallbackQueryHandler(staff.staff_button, pattern=r"^(take|close):"))
    application.add_handler(CallbackQueryHandler(complaints.survey, pattern=r"^skm:"))
    application.add_handler(CallbackQueryHandler(residents.button))
    application.add_handler(CommandHandler("start", residents.group_start, filters=filters.ChatType.GROUPS & ~staff_chat))
    application.add_error_handler(error_handler)
    return application


async def serve(settings: Settings, model: Path) -> None:
    """Run the bot until Ctrl-C or SIGTERM: the assistant, the database, and polling or a webhook."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    store = Store(open_database(settings.database_path))
    try:
        async with Assistant(model) as assistant:
            application = build_application(settings, assistant, store)
            watcher = asyncio.create_task(ModelWatcher(assistant).run())
            async with application:
                await application.start()
                updater = application.updater
                assert updater is not None
                if settings.webhook_url:
                    await updater.start_webhook(
                        listen="127.0.0.1", port=settings.webhook_port, url_path=settings.telegram_bot_token[-12:],
                        webhook_url=f"{settings.webhook_url.rstrip('/')}/{settings.telegram_bot_token[-12:]}",
                        allowed_updates=Update.ALL_TYPES,
                    )
                else:
                    await updater.start_polling(allowed_updates=Update.ALL_TYPES)
                logger.info("bot running; press Ctrl-C to stop")
                await stop.wait()
                await updater.stop()
                await application.stop()
            watcher.cancel()
    finally:
        store.close()
