"""The Telegram front end: build_application(settings, ...) wires every handler; serve() runs it."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.assistant import Assistant
from bot.retrain import ModelWatcher
from bot.settings import Settings
from bot.storage import Store, open_database
from bot.telegram import complaints, residents, staff, supervisors
from bot.telegram.common import Services

logger = logging.getLogger(__name__)

RESIDENT_COMMANDS = [
    BotCommand("start", "Mulai dan lihat topik"),
    BotCommand("topik", "Daftar topik per kategori"),
    BotCommand("bantuan", "Cara memakai asisten"),
    BotCommand("petugas", "Bicara dengan petugas"),
    BotCommand("bahasa", "Bahasa Indonesia / English"),
    BotCommand("pengaduan", "Pengaduan, aspirasi, permintaan informasi"),
]
NON_TEXT = (
    filters.PHOTO | filters.Document.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
    | filters.Sticker.ALL | filters.LOCATION | filters.CONTACT | filters.ANIMATION | filters.POLL
)


async def register_commands(application: Application) -> None:
    """Show the resident commands in Telegram's menu."""
    await application.bot.set_my_commands(RESIDENT_COMMANDS, scope=BotCommandScopeAllPrivateChats())


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any exception a handler raised, with the update that caused it."""
    logger.error("error while handling update %s", getattr(update, "update_id", update), exc_info=context.error)


def build_application(settings: Settings, assistant: Assistant, store: Store) -> Application:
    """Create the python-telegram-bot application with every handler wired."""
    application = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_url.replace("/bot", "/file/bot"))
        .concurrent_updates(32)
        .post_init(register_commands)
        .build()
    )
    application.bot_data["services"] = Services(assistant, store, settings)
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
