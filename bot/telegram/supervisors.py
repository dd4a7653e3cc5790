"""Handlers for supervisors: the /laporan summary of the last 7 days."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from actions.faq import today_in_bengkulu
from bot import report as performance
from bot import storage, texts
from bot.settings import Settings
from bot.telegram.common import send_html, services, with_retries

#: Charts sent with /laporan, from the performance report of the last 7 days.
CHARTS = ("questions_per_day", "outcomes", "satisfaction")


def week_charts(db: Any, settings: Settings, folder: Path) -> list[Path]:
    """Draw the last 7 days' report into a folder and return the charts to send."""
    today = today_in_bengkulu()
    performance.write(performance.build(db, today - dt.timedelta(days=6), today, settings), folder)
    return [folder / f"{name}.png" for name in CHARTS]


def minutes(seconds: float | None) -> str:
    """A waiting time in minutes for people, or '-' when there is none."""
    return "-" if seconds is None else f"{seconds / 60:.0f} menit"


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send supervisors a short summary of the last 7 days."""
    user, chat = update.effective_user, update.effective_chat
    assert user and chat
    svc = services(context)
    if user.id not in svc.settings.supervisor_user_ids:
        await send_html(context.bot, chat.id, texts.text("id", "not_supervisor"))
        return
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=7)).isoformat(timespec="seconds")
    figures = await svc.store(storage.summary, since)
    helpful = figures["helpful_rate"]
    rating = figures["mean_rating"]
    await send_html(context.bot, chat.id, texts.text(
        "id", "report",
        questions=str(figures["questions"]), answered=str(figures["answered"]), escalated=str(figures["escalated"]),
        median_wait=minutes(figures["median_first_reply_seconds"]),
        helpful="-" if helpful is None else f"{helpful:.0%}",
        rating="-" if rating is None else f"{rating:.1f}/5",
    ))
    with tempfile.TemporaryDirectory() as folder:
        for chart in await svc.store(week_charts, svc.settings, Path(folder)):
            picture = chart.read_bytes()

            async def send(picture: bytes = picture) -> Any:
                return await context.bot.send_photo(chat.id, photo=picture)

            await with_retries(send)
