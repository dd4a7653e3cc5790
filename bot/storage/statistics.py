"""The service figures of a period, counted by SQL once for both /laporan and `python -m bot report`.

A period is half-open, [since, until), given as UTC ISO text. Escalated chats and complaints are
separate figures; staff handling times and ratings cover every ticket (both kinds are staff work).
Names for people (labels) belong to whoever shows the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median
from typing import Any

from sqlite_utils import Database

PERIOD = "julianday({column}) >= julianday(?) AND julianday({column}) < julianday(?)"
# Asia/Jakarta has no daylight saving: its days and weeks are UTC shifted by 7 hours.
LOCAL_DAY = "date({column}, '+7 hours')"
LOCAL_WEEK = "strftime('%Y-%W', {column}, '+7 hours')"
#: The end of a period without one: everything recorded so far (now() would drop the current second).
NO_END = "9999-12-31"


@dataclass(frozen=True)
class Figures:
    """Every figure of one period."""

    #: (Jakarta day, messages from residents)
    questions_per_day: list[tuple[str, int]]
    #: Assistant replies by outcome ("answer", "handoff", "clarify", ...; "" when none was recorded).
    outcomes: dict[str, int]
    #: Chats handed to staff (tickets of kind 'chat').
    escalations: int
    #: (category, complaints filed)
    complaints: list[tuple[str, int]]
    #: (FAQ topic, answers given), the ten most frequent.
    top_topics: list[tuple[str, int]]
    #: (Jakarta week, answers rated helpful, answers rated)
    helpful_by_week: list[tuple[str, int, int]]
    #: (Jakarta week, sum of the 1-5 ticket ratings, tickets rated)
    ticket_rating_by_week: list[tuple[str, int, int]]
    #: (ticket opened at, seconds to the first staff reply, seconds to closing)
    ticket_times: list[tuple[str, float | None, float | None]]
    #: (SKM element, mean score 1-4, answers)
    skm: list[tuple[str, float, int]]

    @property
    def questions(self) -> int:
        """Messages from residents."""
        return sum(n for _, n in self.questions_per_day)

    @property
    def answered(self) -> int:
        """Questions the assistant answered from the FAQ."""
        return self.outcomes.get("answer", 0)

    @property
    def complaint_count(self) -> int:
        """Complaints filed, all categories."""
        return sum(n for _, n in self.complaints)

    @property
    def helpful_rate(self) -> float | None:
        """Share of rated answers rated helpful."""
        return ratio(self.helpful_by_week)

    @property
    def mean_rating(self) -> float | None:
        """Mean 1-5 rating of tickets."""
        return ratio(self.ticket_rating_by_week)

    @property
    def median_first_reply_seconds(self) -> float | None:
        """Median wait for the first staff reply."""
        waits = [first for _, first, _ in self.ticket_times if first is not None]
        return median(waits) if waits else None


def ratio(weeks: Iterable[tuple[str, int, int]]) -> float | None:
    """Sum of the numerators over sum of the denominators of weekly rows, or None without any."""
    rows = list(weeks)
    total = sum(count for _, _, count in rows)
    return sum(part for _, part, _ in rows) / total if total else None


def _rows(db: Database, sql: str, period: list[str]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.execute(sql, period).fetchall()]


def report_figures(db: Database, since: str, until: str) -> Figures:
    """Every figure of [since, until), computed by SQL."""
    period = [since, until]
    within = PERIOD.format(column="created_at")
    day, week = LOCAL_DAY.format(column="created_at"), LOCAL_WEEK.format(column="created_at")
    return Figures(
        questions_per_day=_rows(db, f"SELECT {day} AS day, COUNT(*) FROM messages "
                                    f"WHERE direction = 'in' AND {within} GROUP BY day ORDER BY day", period),
        outcomes=dict(_rows(db, "SELECT COALESCE(outcome, ''), COUNT(*) FROM messages "
                                f"WHERE direction = 'out' AND {within} GROUP BY 1", period)),
        escalations=_rows(db, f"SELECT COUNT(*) FROM tickets WHERE kind = 'chat' AND {within}", period)[0][0],
        complaints=_rows(db, f"SELECT category, COUNT(*) FROM complaints WHERE {within} GROUP BY category ORDER BY category",
                         period),
        top_topics=_rows(db, f"SELECT faq_id, COUNT(*) AS n FROM messages WHERE outcome = 'answer' AND {within} "
                             "GROUP BY faq_id ORDER BY n DESC, faq_id LIMIT 10", period),
        helpful_by_week=_rows(db, f"SELECT {week} AS week, SUM(helpful), COUNT(*) FROM ratings WHERE {within} "
                                  "GROUP BY week ORDER BY week", period),
        ticket_rating_by_week=_rows(db, f"SELECT {week} AS week, SUM(rating), COUNT(*) FROM tickets "
                                        f"WHERE rating IS NOT NULL AND {within} GROUP BY week ORDER BY week", period),
        ticket_times=_rows(db, "SELECT created_at, (julianday(first_reply_at) - julianday(created_at)) * 86400, "
                               f"(julianday(closed_at) - julianday(created_at)) * 86400 FROM tickets WHERE {within} "
                               "ORDER BY id", period),
        skm=_rows(db, f"SELECT element, AVG(score), COUNT(*) FROM skm WHERE {within} GROUP BY element", period),
    )


def summary(db: Database, since: str, until: str | None = None) -> dict[str, Any]:
    """The headline figures /laporan shows for [since, until) (no until: up to now), taken from report_figures."""
    figures = report_figures(db, since, until or NO_END)
    return {
        "questions": figures.questions,
        "answered": figures.answered,
        "escalated": figures.escalations,
        "complaints": figures.complaint_count,
        "median_first_reply_seconds": figures.median_first_reply_seconds,
        "helpful_rate": figures.helpful_rate,
        "mean_rating": figures.mean_rating,
    }
