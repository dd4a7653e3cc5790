"""The service figures of a period, counted by SQL once for both /laporan and `python -m bot report`.

A period is half-open, [since, until), given as UTC ISO text. Escalated chats and complaints are
separate figures: first-reply and handling times are of escalated chats (a ticket still waiting counts
with its wait so far), complaints are held against their response deadline in working days; ratings
cover every ticket. What is open now is counted at the moment of the query, whatever the period.
Names for people (labels, topic titles) belong to whoever shows the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from statistics import median
from typing import Any

from bot import skm
from bot.office_hours import JAKARTA
from bot.storage import tickets
from bot.storage.database import Database

PERIOD = "julianday({column}) >= julianday(?) AND julianday({column}) < julianday(?)"
# Asia/Jakarta has no daylight saving: its days and weeks are UTC shifted by 7 hours.
LOCAL_DAY = "date({column}, '+7 hours')"
#: The Jakarta date of the Monday a week starts on ('weekday 0' moves to the next Sunday, or stays on one).
LOCAL_WEEK = "date({column}, '+7 hours', 'weekday 0', '-6 days')"
#: The end of a period without one: everything recorded so far (now() would drop the current second).
NO_END = "9999-12-31"
#: A ticket open or taken (bot.storage.tickets.ACTIVE), as an SQL condition.
ACTIVE = "status IN (" + ", ".join(f"'{status}'" for status in tickets.ACTIVE) + ")"
CHATS = f"kind = '{tickets.CHAT}'"
#: Seconds from a ticket's opening to its first staff reply, or to now while it is still waiting.
FIRST_REPLY = ("(julianday(COALESCE(first_reply_at, CASE WHEN " + ACTIVE + " THEN 'now' END)) "
               "- julianday(created_at)) * 86400")


@dataclass(frozen=True)
class Figures:
    """Every figure of one period."""

    #: (Jakarta day, messages from residents)
    questions_per_day: list[tuple[str, int]]
    #: Assistant replies by outcome ("answer", "handoff", "clarify", "smalltalk", ...; "" when none was recorded).
    outcomes: dict[str, int]
    #: Chats handed to staff (tickets of kind 'chat').
    escalations: int
    #: (category, complaints filed)
    complaints: list[tuple[str, int]]
    #: (FAQ topic, answers given), the ten most frequent.
    top_topics: list[tuple[str, int]]
    #: (Jakarta date of the week's Monday, answers rated helpful, answers rated)
    helpful_by_week: list[tuple[str, int, int]]
    #: (Jakarta date of the week's Monday, sum of the 1-5 ticket ratings, tickets rated)
    ticket_rating_by_week: list[tuple[str, int, int]]
    #: Escalated chats: (opened at, seconds to the first staff reply or waited so far, seconds to closing, still waiting)
    ticket_times: list[tuple[str, float | None, float | None, int]]
    #: (SKM element, mean score 1-4, answers)
    skm: list[tuple[str, float, int]]
    #: Residents (tickets) who answered the SKM survey.
    skm_respondents: int
    #: (likeliest topic or intent of messages left unanswered, messages), most frequent first.
    unanswered: list[tuple[str, int]]
    #: Now, whatever the period: (kind, opened at, seconds waiting, replied to) of every open or taken ticket.
    open_tickets: list[tuple[str, str, float, int]]

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
    def first_reply_waits(self) -> list[float]:
        """Seconds each escalated chat waited for its first staff reply, still-waiting chats with their wait so far."""
        return [first for _, first, _, _ in self.ticket_times if first is not None]

    @property
    def median_first_reply_seconds(self) -> float | None:
        """Median wait for the first staff reply, still-waiting chats included."""
        waits = self.first_reply_waits
        return median(waits) if waits else None

    @property
    def skm_index(self) -> float | None:
        """The SKM index (25-100) of the period's answers."""
        return skm.index({element: float(mean) for element, mean, _ in self.skm})


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
        escalations=_rows(db, f"SELECT COUNT(*) FROM tickets WHERE {CHATS} AND {within}", period)[0][0],
        complaints=_rows(db, f"SELECT category, COUNT(*) FROM complaints WHERE {within} GROUP BY category ORDER BY category",
                         period),
        top_topics=_rows(db, f"SELECT faq_id, COUNT(*) AS n FROM messages WHERE outcome = 'answer' AND {within} "
                             "GROUP BY faq_id ORDER BY n DESC, faq_id LIMIT 10", period),
        helpful_by_week=_rows(db, f"SELECT {week} AS week, SUM(helpful), COUNT(*) FROM ratings WHERE {within} "
                                  "GROUP BY week ORDER BY week", period),
        ticket_rating_by_week=_rows(db, f"SELECT {week} AS week, SUM(rating), COUNT(*) FROM tickets "
                                        f"WHERE rating IS NOT NULL AND {within} GROUP BY week ORDER BY week", period),
        ticket_times=_rows(db, f"SELECT created_at, {FIRST_REPLY}, {tickets.RESOLUTION_MINUTES.format(t='')} * 60, "
                               f"first_reply_at IS NULL AND {ACTIVE} FROM tickets WHERE {CHATS} AND {within} "
                               "ORDER BY id", period),
        skm=_rows(db, f"SELECT element, AVG(score), COUNT(*) FROM skm WHERE {within} GROUP BY element", period),
        skm_respondents=_rows(db, f"SELECT COUNT(DISTINCT ticket_id) FROM skm WHERE {within}", period)[0][0],
        unanswered=_rows(db, "SELECT guess, COUNT(*) AS n FROM (SELECT json_extract(guesses, '$[0][0]') AS guess "
                             f"FROM unanswered WHERE {within}) AS u WHERE guess IS NOT NULL GROUP BY guess "
                             "ORDER BY n DESC, guess", period),
        open_tickets=_rows(db, f"SELECT kind, created_at, {FIRST_REPLY}, first_reply_at IS NOT NULL FROM tickets "
                               f"WHERE {ACTIVE} ORDER BY created_at", []),
    )


def deadline(opened: dt.datetime, working_days: int, workdays: Collection[int]) -> dt.date:
    """The last Jakarta day of a response due within some working days (weekday numbers, 0 = Monday) of opening."""
    day = opened.astimezone(JAKARTA).date()
    left = working_days
    while left > 0:
        day += dt.timedelta(days=1)
        left -= day.weekday() in workdays
    return day


def utc(moment: str) -> dt.datetime:
    """A stored or given moment as an aware datetime (one without a zone is UTC, as stored)."""
    parsed = dt.datetime.fromisoformat(moment)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def previous_period(since: str, until: str | None) -> tuple[str, str]:
    """The period of the same length just before [since, until) (no until: up to now)."""
    start = utc(since)
    end = utc(until) if until else dt.datetime.now(dt.timezone.utc)
    return (start - (end - start)).isoformat(timespec="seconds"), since


def summary(
    db: Database, since: str, until: str | None = None, response_days: int = 5,
    workdays: Collection[int] = frozenset(range(5)),
) -> dict[str, Any]:
    """The headline figures of [since, until) (no until: up to now) that /laporan and the report both show.

    Complaints not yet answered are overdue after `response_days` working days (`workdays`: 0 = Monday).
    """
    figures = report_figures(db, since, until or NO_END)
    before = report_figures(db, *previous_period(since, until))
    today = dt.datetime.now(JAKARTA).date()
    complaints = [(utc(opened), replied)
                  for kind, opened, _, replied in figures.open_tickets if kind == "complaint"]
    chats = [wait for kind, _, wait, replied in figures.open_tickets if kind == "chat" and not replied]
    return {
        "questions": figures.questions,
        "answered": figures.answered,
        "escalated": figures.escalations,
        "unanswered": figures.outcomes.get("clarify", 0) + figures.outcomes.get("fallback", 0),
        "unanswered_top": figures.unanswered,
        "open_now": sum(1 for kind, *_ in figures.open_tickets if kind == "chat"),
        "oldest_wait_seconds": max(chats, default=None),
        "median_first_reply_seconds": figures.median_first_reply_seconds,
        "first_reply_n": len(figures.first_reply_waits),
        "still_waiting": sum(waiting for *_, waiting in figures.ticket_times),
        "complaints": figures.complaint_count,
        "complaints_open": len(complaints),
        "response_days": response_days,
        "complaints_overdue": sum(1 for opened, replied in complaints
                                  if not replied and deadline(opened, response_days, workdays) < today),
        "skm_index": figures.skm_index,
        "skm_respondents": figures.skm_respondents,
        "helpful_rate": figures.helpful_rate,
        "helpful_n": sum(n for *_, n in figures.helpful_by_week),
        "mean_rating": figures.mean_rating,
        "rating_n": sum(n for *_, n in figures.ticket_rating_by_week),
        "previous": {"questions": before.questions, "answered": before.answered, "escalated": before.escalations,
                     "median_first_reply_seconds": before.median_first_reply_seconds,
                     "first_reply_n": len(before.first_reply_waits)},
    }
