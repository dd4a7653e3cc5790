"""What supervisors get: /laporan, the headline figures and charts of the last 7 days, from the performance report."""

from __future__ import annotations

import datetime as dt
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from actions.faq import today_in_bengkulu
from bot import report as performance
from bot import texts
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing, Person, Photo
from bot.settings import Settings

#: Charts sent with /laporan, from the performance report of the last 7 days.
CHARTS = ("questions_per_day", "outcomes", "helpful")


def last_week(db: Any, settings: Settings) -> tuple[list[tuple[str, str]], tuple[Photo, ...]]:
    """The last 7 days' report: its headline figures, and the charts to send with their captions."""
    today = today_in_bengkulu()
    built = performance.build(db, today - dt.timedelta(days=6), today, settings)
    with tempfile.TemporaryDirectory() as folder:
        performance.draw_charts(built, Path(folder), CHARTS)
        photos = tuple(Photo((Path(folder) / f"{name}.png").read_bytes(), performance.CHARTS[name]) for name in CHARTS)
    return performance.headline(built.summary, built.titles), photos


async def weekly_report(desk: Desk, person: Person, chat_id: int) -> list[Outgoing]:
    """The last 7 days in figures and charts, for supervisors only."""
    if person.id not in desk.settings.supervisor_user_ids:
        return [Outgoing(chat_id, texts.text("id", "not_supervisor"))]
    figures, photos = await desk.store(last_week, desk.settings)
    lines = "\n".join(f"{escape(label)}: <b>{escape(value)}</b>" for label, value in figures)
    return [Outgoing(chat_id, texts.text("id", "report", figures=lines), photos=photos)]
