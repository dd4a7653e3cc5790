"""Everything supervisors review, in one SQLite file through sqlite-utils.

Every function takes a Database, so tests pass Database(memory=True). The schema is created and
upgraded by `migrate`. Async callers run these functions in a thread (asyncio.to_thread).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import sqlite3
import statistics
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.privacy import mask

SCHEMA_VERSION = 3
TICKET_OPEN, TICKET_TAKEN, TICKET_CLOSED = "open", "taken", "closed"
ACTIVE = (TICKET_OPEN, TICKET_TAKEN)


def now() -> str:
    """The current UTC time as ISO text (what every timestamp column holds)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) the database file in WAL mode with the current schema."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(sqlite3.connect(str(path), check_same_thread=False))
    db.enable_wal()
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable against process crashes, fsync per checkpoint
    migrate(db)
    return db


def migrate(db: Database) -> None:
    """Create or upgrade the schema to SCHEMA_VERSION."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version < 1:
        db.table("users").create(
            {"id": int, "display_name": str, "language": str, "created_at": str, "last_seen": str},
            pk="id", if_not_exists=True,
        )
        db.table("tickets").create(
            {
                "id": int, "user_id": int, "status": str, "reason": str, "topic": str,
                "created_at": str, "taken_at": str, "taken_by": int, "taken_by_name": str,
                "first_reply_at": str, "closed_at": str, "closed_by": int, "card_message_id": int, "rating": int,
            },
            pk="id", foreign_keys=[("user_id", "users", "id")], if_not_exists=True,
        )
        db.table("messages").create(
            {
                "id": int, "user_id": int, "ticket_id": int, "direction": str, "text": str, "outcome": str,
                "intent": str, "confidence": float, "faq_id": str, "staff_id": int, "created_at": str,
            },
            pk="id", foreign_keys=[("user_id", "users", "id"), ("ticket_id", "tickets", "id")], if_not_exists=True,
        )
        db.table("relays").create(
            {"chat_id": int, "message_id": int, "ticket_id": int}, pk=("chat_id", "message_id"),
            foreign_keys=[("ticket_id", "tickets", "id")], if_not_exists=True,
        )
        db.table("ratings").create(
            {"id": int, "user_id": int, "faq_id": str, "helpful": int, "created_at": str},
            pk="id", foreign_keys=[("user_id", "users", "id")], if_not_exists=True,
        )
        db.table("messages").create_index(["user_id", "created_at"], if_not_exists=True)
        db.table("tickets").create_index(["status", "created_at"], if_not_exists=True)
    if version < 2:
        db.table("tickets").add_column("kind", str, not_null_default="chat")
        db.table("tickets").add_column("card_chat_id", int)
        db.table("unanswered").create(
            {"id": int, "user_id": int, "text": str, "reason": str, "guesses": str, "created_at": str, "added_to": str},
            pk="id", if_not_exists=True,
        )
        db.table("complaints").create(
            {"ticket_id": int, "category": str, "what": str, "when_text": str, "where_text": str, "contact": str,
             "misconduct": int, "created_at": str},
            pk="ticket_id", foreign_keys=[("ticket_id", "tickets", "id")], if_not_exists=True,
        )
        db.table("skm").create(
            {"id": int, "ticket_id": int, "element": str, "score": int, "created_at": str},
            pk="id", foreign_keys=[("ticket_id", "tickets", "id")], if_not_exists=True,
        )
    if version < 3:
        db.table("processed_updates").create({"update_id": int, "done_at": str}, pk="update_id", if_not_exists=True)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def touch_user(db: Database, user_id: int, display_name: str) -> dict[str, Any]:
    """Record that a user wrote (creating them on first contact) and return their row."""
    row = {"id": user_id, "display_name": display_name, "last_seen": now()}
    if not db.table("users").count_where("id = ?", [user_id]):
        row.update(created_at=row["last_seen"], language="")
    db.table("users").upsert(row, pk="id")
    return dict(db.table("users").get(user_id))


def set_language(db: Database, user_id: int, language: str) -> None:
    """Remember the language a user chose with /bahasa."""
    db.table("users").update(user_id, {"language": language})


def log_message(db: Database, user_id: int, direction: str, text: str, **fields: Any) -> int:
    """Store one message of a conversation, masked; direction is 'in', 'out', 'staff' or 'system'."""
    row = {"user_id": user_id, "direction": direction, "text": mask(text), "created_at": now(), **fields}
    return int(db.table("messages").insert(row).last_pk or 0)


def recent_messages(db: Database, user_id: int, limit: int = 8) -> list[dict[str, Any]]:
    """The last messages with a user, oldest first (for a staff card's transcript)."""
    rows = db.execute(
        "SELECT direction, text, created_at FROM messages WHERE user_id = ? ORDER BY id DESC LIMIT ?", [user_id, limit]
    ).fetchall()
    return [{"direction": d, "text": t, "created_at": c} for d, t, c in reversed(rows)]


def last_answered_topic(db: Database, user_id: int) -> str | None:
    """The FAQ topic of the last answer the user got, if any."""
    row = db.execute(
        "SELECT faq_id FROM messages WHERE user_id = ? AND faq_id IS NOT NULL ORDER BY id DESC LIMIT 1", [user_id]
    ).fetchone()
    return row[0] if row else None


def active_ticket(db: Database, user_id: int) -> dict[str, Any] | None:
    """The user's open or taken ticket, if any."""
    where = "user_id = ? AND status IN (?, ?)"
    rows = list(db.table("tickets").rows_where(where, [user_id, *ACTIVE], order_by="id desc", limit=1))
    return rows[0] if rows else None


def create_ticket(db: Database, user_id: int, reason: str, topic: str | None) -> dict[str, Any]:
    """Open a ticket for a user (or return the one already active) with its place in the queue."""
    ticket = active_ticket(db, user_id)
    if ticket is None:
        pk = db.table("tickets").insert(
            {"user_id": user_id, "status": TICKET_OPEN, "reason": reason, "topic": topic, "created_at": now()}
        ).last_pk
        ticket = dict(db.table("tickets").get(int(pk or 0)))
    return ticket


def queue_position(db: Database, ticket_id: int) -> int:
    """How many open tickets are waiting up to and including this one."""
    return int(db.execute(
        "SELECT COUNT(*) FROM tickets WHERE status = ? AND id <= ?", [TICKET_OPEN, ticket_id]
    ).fetchone()[0])


def get_ticket(db: Database, ticket_id: int) -> dict[str, Any] | None:
    """One ticket by id."""
    rows = list(db.table("tickets").rows_where("id = ?", [ticket_id]))
    return rows[0] if rows else None


def set_card(db: Database, ticket_id: int, chat_id: int, message_id: int) -> None:
    """Remember the staff-group card of a ticket (replies to it reach the ticket)."""
    db.table("tickets").update(ticket_id, {"card_message_id": message_id, "card_chat_id": chat_id})
    add_relay(db, chat_id, message_id, ticket_id)


def add_relay(db: Database, chat_id: int, message_id: int, ticket_id: int) -> None:
    """Map a staff-group message to its ticket."""
    db.table("relays").insert({"chat_id": chat_id, "message_id": message_id, "ticket_id": ticket_id}, replace=True)


def ticket_for_message(db: Database, chat_id: int, message_ids: Iterable[int | None]) -> dict[str, Any] | None:
    """The ticket that one of these staff-group messages (a reply target or thread root) belongs to."""
    for message_id in filter(None, message_ids):
        row = db.execute(
            "SELECT ticket_id FROM relays WHERE chat_id = ? AND message_id = ?", [chat_id, message_id]
        ).fetchone()
        if row:
            return get_ticket(db, row[0])
    return None


def take_ticket(db: Database, ticket_id: int, staff_id: int, staff_name: str) -> bool:
    """Assign an open ticket to a staff member; False when someone else was first or it is closed."""
    cursor = db.execute(
        "UPDATE tickets SET status = ?, taken_at = ?, taken_by = ?, taken_by_name = ? WHERE id = ? AND status = ?",
        [TICKET_TAKEN, now(), staff_id, staff_name, ticket_id, TICKET_OPEN],
    )
    db.conn.commit()
    return cursor.rowcount == 1


def record_staff_reply(db: Database, ticket: dict[str, Any], staff_id: int, staff_name: str, text: str) -> None:
    """Store a staff reply; the first one also takes an open ticket and sets first_reply_at."""
    if ticket["status"] == TICKET_OPEN:
        take_ticket(db, ticket["id"], staff_id, staff_name)
    db.execute("UPDATE tickets SET first_reply_at = ? WHERE id = ? AND first_reply_at IS NULL", [now(), ticket["id"]])
    db.conn.commit()
    log_message(db, ticket["user_id"], "staff", text, ticket_id=ticket["id"], staff_id=staff_id)


def close_ticket(db: Database, ticket_id: int, staff_id: int) -> bool:
    """Close an active ticket; False when it was already closed."""
    cursor = db.execute(
        "UPDATE tickets SET status = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status IN (?, ?)",
        [TICKET_CLOSED, now(), staff_id, ticket_id, *ACTIVE],
    )
    db.conn.commit()
    return cursor.rowcount == 1


def rate_ticket(db: Database, ticket_id: int, user_id: int, rating: int) -> bool:
    """Store the 1-5 rating a user gave to a closed ticket of theirs."""
    cursor = db.execute(
        "UPDATE tickets SET rating = ? WHERE id = ? AND user_id = ? AND status = ?",
        [rating, ticket_id, user_id, TICKET_CLOSED],
    )
    db.conn.commit()
    return cursor.rowcount == 1


def rate_answer(db: Database, user_id: int, faq_id: str, helpful: bool) -> None:
    """Store a helpful / not helpful rating of an answer."""
    db.table("ratings").insert({"user_id": user_id, "faq_id": faq_id, "helpful": int(helpful), "created_at": now()})



T = TypeVar("T")


class Store:
    """Runs storage functions on one dedicated thread, so SQLite never blocks the event loop."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")

    async def __call__(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run function(db, *args, **kwargs) on the database thread and return its result."""
        call = functools.partial(function, self.db, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def close(self) -> None:
        """Finish pending work and close the database."""
        self._executor.shutdown(wait=True)
        self.db.close()


def user_language(db: Database, user_id: int) -> str:
    """The language a user chose with /bahasa, Indonesian by default."""
    row = db.execute("SELECT language FROM users WHERE id = ?", [user_id]).fetchone()
    return row[0] if row and row[0] else "id"


def summary(db: Database, since: str, until: str | None = None) -> dict[str, Any]:
    """Service figures for a period: questions, answered, escalated, median first-reply wait, ratings."""
    until = until or now()
    period = [since, until]

    def one(sql: str) -> Any:
        return db.execute(sql, period).fetchone()[0]

    waits = [row[0] for row in db.execute(
        "SELECT (julianday(first_reply_at) - julianday(created_at)) * 86400 FROM tickets "
        "WHERE first_reply_at IS NOT NULL AND created_at >= ? AND created_at <= ? ORDER BY 1", period
    )]
    return {
        "questions": one("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND created_at >= ? AND created_at <= ?"),
        "answered": one("SELECT COUNT(*) FROM messages WHERE outcome = 'answer' AND created_at >= ? AND created_at <= ?"),
        "escalated": one("SELECT COUNT(*) FROM tickets WHERE created_at >= ? AND created_at <= ?"),
        "median_first_reply_seconds": statistics.median(waits) if waits else None,
        "helpful_rate": one("SELECT AVG(helpful) FROM ratings WHERE created_at >= ? AND created_at <= ?"),
        "mean_rating": one("SELECT AVG(rating) FROM tickets WHERE rating IS NOT NULL AND created_at >= ? AND created_at <= ?"),
    }



TICKET_COLUMNS = (
    "t.id, t.status, t.user_id, u.display_name, t.reason, t.topic, t.created_at, t.taken_by, t.taken_by_name, "
    "t.first_reply_at, t.closed_at, t.rating, "
    "ROUND((julianday(t.first_reply_at) - julianday(t.created_at)) * 1440, 1) AS first_reply_minutes, "
    "ROUND((julianday(t.closed_at) - julianday(t.created_at)) * 1440, 1) AS resolution_minutes"
)


def list_tickets(
    db: Database, status: str | None = None, since: str | None = None, until: str | None = None,
    staff_id: int | None = None, rating: int | None = None,
) -> list[dict[str, Any]]:
    """Tickets matching the filters, oldest first, with first-reply and resolution minutes."""
    where: list[str] = ["1 = 1"]
    params: list[str | int] = []
    if status == "open":
        where.append("t.status IN ('open', 'taken')")
    elif status:
        where.append("t.status = ?")
        params.append(status)
    for clause, value in (
        ("julianday(t.created_at) >= julianday(?)", since), ("julianday(t.created_at) < julianday(?)", until),
        ("t.taken_by = ?", staff_id), ("t.rating = ?", rating),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    condition = " AND ".join(where)  # fixed clauses only; every value is a parameter
    sql = f"SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN users u ON u.id = t.user_id WHERE {condition} ORDER BY t.id"
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def ticket_transcript(db: Database, ticket_id: int) -> list[dict[str, Any]]:
    """The conversation around a ticket: the day before it opened until it closed."""
    ticket = get_ticket(db, ticket_id)
    if ticket is None:
        return []
    rows = db.execute(
        "SELECT direction, text, created_at FROM messages WHERE user_id = ? "
        "AND julianday(created_at) >= julianday(?) - 1 AND (? IS NULL OR julianday(created_at) <= julianday(?)) ORDER BY id",
        [ticket["user_id"], ticket["created_at"], ticket["closed_at"], ticket["closed_at"]],
    ).fetchall()
    return [{"direction": d, "text": t, "created_at": c} for d, t, c in rows]


def record_unanswered(db: Database, user_id: int, text: str, reason: str, guesses: Iterable[tuple[str, float]]) -> None:
    """Remember a message the assistant could not answer confidently (masked), with its top guesses."""
    db.table("unanswered").insert({
        "user_id": user_id, "text": mask(text), "reason": reason, "created_at": now(),
        "guesses": json.dumps([[name, round(conf, 3)] for name, conf in guesses]),
    })


def last_question(db: Database, user_id: int) -> str | None:
    """The user's latest message to the assistant."""
    row = db.execute(
        "SELECT text FROM messages WHERE user_id = ? AND direction = 'in' ORDER BY id DESC LIMIT 1", [user_id]
    ).fetchone()
    return row[0] if row else None


def open_unanswered(db: Database) -> list[dict[str, Any]]:
    """Unanswered messages not yet added to a topic, oldest first."""
    return [dict(r) for r in db.table("unanswered").rows_where("added_to IS NULL", order_by="id")]


def mark_added(db: Database, ids: Iterable[int], topic: str) -> None:
    """Record that these unanswered messages became example questions of a topic."""
    for unanswered_id in ids:
        db.table("unanswered").update(unanswered_id, {"added_to": topic})


def _rows(db: Database, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.execute(sql, list(params)).fetchall()]


PERIOD = "julianday({column}) >= julianday(?) AND julianday({column}) < julianday(?)"
LOCAL_DAY = "date({column}, '+7 hours')"  # Asia/Jakarta has no daylight saving


def report_figures(db: Database, since: str, until: str) -> dict[str, Any]:
    """Every figure of the performance report for [since, until), computed by SQL."""
    period = [since, until]
    messages_in = PERIOD.format(column="created_at")
    return {
        "questions_per_day": _rows(db, f"SELECT {LOCAL_DAY.format(column='created_at')} AS day, COUNT(*) FROM messages "
                                       f"WHERE direction = 'in' AND {messages_in} GROUP BY day ORDER BY day", period),
        "outcomes": dict(_rows(db, "SELECT CASE WHEN outcome = 'answer' THEN 'dijawab asisten' "
                                   "WHEN outcome = 'handoff' THEN 'diteruskan ke petugas' ELSE 'belum terjawab' END AS kind, "
                                   f"COUNT(*) FROM messages WHERE direction = 'out' AND {messages_in} GROUP BY kind", period)),
        "escalations": _rows(db, "SELECT COUNT(*) FROM tickets WHERE kind = 'chat' AND " + messages_in, period)[0][0],
        "top_topics": _rows(db, f"SELECT faq_id, COUNT(*) AS n FROM messages WHERE outcome = 'answer' AND {messages_in} "
                                "GROUP BY faq_id ORDER BY n DESC, faq_id LIMIT 10", period),
        "helpful_by_week": _rows(db, "SELECT strftime('%Y-%W', created_at, '+7 hours') AS week, AVG(helpful), COUNT(*) "
                                     f"FROM ratings WHERE {messages_in} GROUP BY week ORDER BY week", period),
        "ticket_rating_by_week": _rows(db, "SELECT strftime('%Y-%W', created_at, '+7 hours') AS week, AVG(rating), COUNT(*) "
                                           f"FROM tickets WHERE rating IS NOT NULL AND {messages_in} GROUP BY week ORDER BY week",
                                       period),
        "ticket_times": _rows(db, "SELECT created_at, (julianday(first_reply_at) - julianday(created_at)) * 86400, "
                                  "(julianday(closed_at) - julianday(created_at)) * 86400 "
                                  f"FROM tickets WHERE {messages_in} ORDER BY id", period),
        "complaints": _rows(db, "SELECT c.category, COUNT(*) FROM complaints c "
                                f"WHERE {PERIOD.format(column='c.created_at')} GROUP BY c.category ORDER BY c.category", period),
        "skm": _rows(db, f"SELECT element, AVG(score), COUNT(*) FROM skm WHERE {messages_in} GROUP BY element", period),
    }


def create_complaint(db: Database, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Open a complaint ticket with its SP4N-LAPOR! details (masked)."""
    created = now()
    pk = db.table("tickets").insert({
        "user_id": user_id, "status": TICKET_OPEN, "reason": "complaint", "kind": "complaint",
        "topic": data.get("category"), "created_at": created,
    }).last_pk
    db.table("complaints").insert({
        "ticket_id": pk, "category": data.get("category"), "what": mask(data.get("what", "")),
        "when_text": mask(data.get("when", "")), "where_text": mask(data.get("where", "")),
        "contact": mask(data.get("contact", "")), "misconduct": int(bool(data.get("misconduct"))), "created_at": created,
    })
    return dict(db.table("tickets").get(int(pk or 0)))


def record_skm(db: Database, ticket_id: int, element: str, score: int) -> None:
    """Store (or correct) one SKM element score for a ticket."""
    db.execute("DELETE FROM skm WHERE ticket_id = ? AND element = ?", [ticket_id, element])
    db.table("skm").insert({"ticket_id": ticket_id, "element": element, "score": score, "created_at": now()})


def update_done(db: Database, update_id: int) -> bool:
    """Whether this Telegram update was already handled (so a redelivery after a crash is skipped)."""
    return bool(db.table("processed_updates").count_where("update_id = ?", [update_id]))


def mark_update_done(db: Database, update_id: int) -> None:
    """Record that an update has been handled completely."""
    db.table("processed_updates").insert({"update_id": update_id, "done_at": now()}, replace=True)


def user_data_summary(db: Database, user_id: int) -> dict[str, Any]:
    """What is stored about one resident (masked), for /datasaya."""
    user = list(db.table("users").rows_where("id = ?", [user_id]))
    return {
        "user": user[0] if user else None,
        "messages": db.table("messages").count_where("user_id = ?", [user_id]),
        "recent": recent_messages(db, user_id, limit=5),
        "tickets": db.table("tickets").count_where("user_id = ?", [user_id]),
        "ratings": db.table("ratings").count_where("user_id = ?", [user_id]),
        "unanswered": db.table("unanswered").count_where("user_id = ?", [user_id]),
    }


def erase_user(db: Database, user_id: int) -> None:
    """Delete a resident's conversations and personal data; tickets stay as anonymous statistics."""
    for table in ("messages", "ratings", "unanswered"):
        db.execute(f"DELETE FROM {table} WHERE user_id = ?", [user_id])
    db.execute(
        "UPDATE complaints SET what = '', when_text = '', where_text = '', contact = '' "
        "WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = ?)", [user_id],
    )
    db.execute("UPDATE tickets SET status = ?, closed_at = COALESCE(closed_at, ?) WHERE user_id = ? AND status != ?",
               [TICKET_CLOSED, now(), user_id, TICKET_CLOSED])
    db.execute("DELETE FROM relays WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = ?)", [user_id])
    db.execute("UPDATE tickets SET user_id = NULL WHERE user_id = ?", [user_id])
    db.execute("DELETE FROM users WHERE id = ?", [user_id])
    db.conn.commit()


def apply_retention(db: Database, days: int) -> dict[str, int]:
    """Delete conversations older than `days`; anonymise old complaints and idle users. Statistics stay."""
    cutoff = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat(timespec="seconds")
    old = "julianday(created_at) < julianday(?)"
    counts = {}
    for table in ("messages", "unanswered", "ratings"):
        counts[table] = db.execute(f"DELETE FROM {table} WHERE {old}", [cutoff]).rowcount
    counts["complaints"] = db.execute(
        f"UPDATE complaints SET what = '', when_text = '', where_text = '', contact = '' WHERE {old} AND what != ''", [cutoff]
    ).rowcount
    counts["users"] = db.execute(
        "UPDATE users SET display_name = '(anonim)' WHERE julianday(last_seen) < julianday(?) AND display_name != '(anonim)'",
        [cutoff],
    ).rowcount
    counts["processed_updates"] = db.execute(
        "DELETE FROM processed_updates WHERE julianday(done_at) < julianday(?)", [cutoff]
    ).rowcount
    db.conn.commit()
    return counts
