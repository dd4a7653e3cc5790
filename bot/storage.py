"""Everything supervisors review, in one SQLite file through sqlite-utils.

Every function takes a Database, so tests pass Database(memory=True). The schema is created and
upgraded by `migrate`. Async callers run these functions in a thread (asyncio.to_thread).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import sqlite3
import statistics
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

SCHEMA_VERSION = 1
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
    """Store one message of a conversation; direction is 'in', 'out', 'staff' or 'system'."""
    row = {"user_id": user_id, "direction": direction, "text": text, "created_at": now(), **fields}
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
    db.table("tickets").update(ticket_id, {"card_message_id": message_id})
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
    sql = f"SELECT {TICKET_COLUMNS} FROM tickets t JOIN users u ON u.id = t.user_id WHERE {condition} ORDER BY t.id"  # noqa: S608
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
