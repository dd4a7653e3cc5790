"""Command line: python -m bot run | chat | ask --jsonl | train | review."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot import texts
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError


def parser() -> argparse.ArgumentParser:
    """The command-line parser with one sub-command per task."""
    root = argparse.ArgumentParser(prog="python -m bot", description="Tanya Imigrasi Bengkulu")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the assistant: Telegram with a token, else the console chat")
    commands.add_parser("chat", help="chat with the assistant on the console")
    ask = commands.add_parser("ask", help="answer messages from standard input, one per line")
    ask.add_argument("--jsonl", action="store_true", required=True, help="print one JSON object per line")
    train = commands.add_parser("train", help="train the model when the data changed")
    train.add_argument("--force", action="store_true", help="train even when the model is current")
    from bot import faq_tools, report, review

    review.add_arguments(commands.add_parser("review", help="review escalations: list, --show, --csv, --serve"))
    faq_tools.add_arguments(commands.add_parser("faq", help="staff tools: check, preview ID, reload, unanswered"))
    report.add_arguments(commands.add_parser("report", help="performance report with charts (HTML, PNG, CSV)"))
    commands.add_parser("retention", help="delete conversations older than RETENTION_DAYS (run daily)")
    backup = commands.add_parser("backup", help="copy the database safely while the bot runs")
    backup.add_argument("target", help="file to write, e.g. backup/tanya-2026-11-28.db")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"Setting error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, secrets=(settings.telegram_bot_token, settings.review_password))
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    handler: Callable[[argparse.Namespace, Settings], int] = COMMANDS[args.command]
    return handler(args, settings)


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    """Train when the content changed, otherwise say the model is current."""
    from bot.training import ContentError, ensure_model

    try:
        path, trained = ensure_model(force=args.force)
    except ContentError as exc:
        print(texts.text("id", "content_invalid", problems=str(exc)), file=sys.stderr)
        return 2
    print(texts.text("id", "model_trained" if trained else "model_current", path=str(path)))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Open the console chat."""
    from bot.console import chat

    print(texts.text("id", "console_loading"), file=sys.stderr, flush=True)
    return with_assistant(lambda assistant: chat(assistant, settings, sys.stdin, sys.stdout))


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer standard input line by line as JSON."""
    from bot.console import ask_jsonl

    return with_assistant(lambda assistant: ask_jsonl(assistant, sys.stdin, sys.stdout))


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the assistant: Telegram when a token is configured, the console chat otherwise."""
    if not settings.telegram_bot_token:
        return cmd_chat(args, settings)
    from bot.telegram import serve

    return with_model(lambda model: serve(settings, model))


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    """List, show, export or serve the escalations for supervisors."""
    from bot.review import run

    return run(args, settings)


def cmd_faq(args: argparse.Namespace, settings: Settings) -> int:
    """Check, preview or reload the FAQ, or work through unanswered questions."""
    from bot.faq_tools import run

    return run(args, settings)


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Write the supervisors' performance report for a period."""
    from bot.report import run

    return run(args, settings)


def cmd_retention(args: argparse.Namespace, settings: Settings) -> int:
    """Delete or anonymise conversations older than RETENTION_DAYS; statistics stay."""
    from bot import storage

    counts = storage.apply_retention(storage.open_database(settings.database), settings.retention_days)
    if settings.conversations_path.is_file():
        from sqlite_utils import Database

        state = Database(settings.conversations_path)
        counts["conversation_state"] = storage.forget_old_conversation_state(state, settings.retention_days)
    print(", ".join(f"{table}: {count}" for table, count in counts.items()))
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Write a consistent copy of the database (SQLite online backup), safe while the bot runs."""
    import sqlite3

    if settings.database_url:
        print("Data ada di PostgreSQL (DATABASE_URL): cadangkan dengan pg_dump.", file=sys.stderr)
        return 2
    target = Path(args.target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(settings.database_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    print(f"Cadangan ditulis ke {target}")
    return 0


def with_assistant(work: Callable[[Any], Coroutine[Any, Any, Any]]) -> int:
    """Train if needed, start the assistant, run the work, and stop everything afterwards."""
    from bot.assistant import Assistant

    async def session(model: Path) -> None:
        async with Assistant(model) as assistant:
            await work(assistant)

    return with_model(session)


def with_model(work: Callable[[Path], Coroutine[Any, Any, Any]]) -> int:
    """Train the model if the data changed (refusing invalid content), then run the work with it."""
    from bot.training import ContentError, ensure_model

    try:
        model, _ = ensure_model()
    except ContentError as exc:
        print(texts.text("id", "content_invalid", problems=str(exc)), file=sys.stderr)
        return 2
    try:
        import uvloop  # installed with Rasa's server stack; a faster event loop (measured: benchmarks)

        uvloop.install()
        asyncio.run(work(model))
    except KeyboardInterrupt:
        return 130
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "run": cmd_run,
    "chat": cmd_chat,
    "ask": cmd_ask,
    "train": cmd_train,
    "review": cmd_review,
    "faq": cmd_faq,
    "report": cmd_report,
    "retention": cmd_retention,
    "backup": cmd_backup,
}

if __name__ == "__main__":
    sys.exit(main())
