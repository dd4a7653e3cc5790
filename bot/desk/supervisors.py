"""What supervisors get: the /laporan summary of the last 7 days with its charts."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from actions.faq import today_in_bengkulu
from bot import report as performance
from bot import storage, texts
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing, Person
from bot.settings import Settings

#: Charts sent with /laporan, from the performance report of the last 7 days.
CHARTS = ("questions_per_day", "outcomes", "satisfaction")


def week_charts(db: Any, settings: Settings) -> tuple[bytes, ...]:
    """Draw the last 7 days' report and return the charts to send, as PNG bytes."""
    today = today_in_bengkulu()
    with tempfile.TemporaryDirectory() as folder:
        performance.write(performance.build(db, today - dt.timedelta(days=6), today, settings), Path(folder))
        return tuple((Path(folder) / f"{name}.png").read_bytes() for name in CHARTS)


def minutes(seconds: float | None) -> str:
    """A waiting time in minutes for people, or '-' when there is none."""
    return "-" if seconds is None else f"{seconds / 60:.0f} menit"


async def weekly_report(desk: Desk, person: Person, chat_id: int) -> list[Outgoing]:
    """The last 7 days in figures and charts, for supervisors only."""
    if person.id not in desk.settings.supervisor_user_ids:
        return [Outgoing(chat_id, texts.text("id", "not_supervisor"))]
    since = performance.utc_bound(today_in_bengkulu() - dt.timedelta(days=6))  # the days week_charts draws
    figures = await desk.store(storage.summary, since)
    helpful, rating = figures["helpful_rate"], figures["mean_rating"]
    summary = texts.text(
        "id", "report",
        questions=str(figures["questions"]), answered=str(figures["answered"]), escalated=str(figures["escalated"]),
        complaints=str(figures["complaints"]),
        median_wait=minutes(figures["median_first_reply_seconds"]),
        helpful="-" if helpful is None else f"{helpful:.0%}",
        rating="-" if rating is None else f"{rating:.1f}/5",
    )
    return [Outgoing(chat_id, summary, photos=await desk.store(week_charts, desk.settings))]
