"""A resident's data: what is kept about them, erasing it on request, and the retention period."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import sqlite_utils

from bot.storage.conversations import recent_messages
from bot.storage.database import Database, first, now
from bot.storage.tickets import TICKET_CLOSED

#: Tables whose rows belong to one resident and go when they ask.
PERSONAL_TABLES = ("messages", "ratings", "unanswered", "drafts")
EMPTY_COMPLAINT = "what = '', when_text = '', where_text = '', contact = ''"


def user_data_summary(db: Database, user_id: int) -> dict[str, Any]:
    """What is stored about one resident (masked), for /datasaya."""
    counts = {
        table: int(db.execute(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", [user_id]).fetchone()[0])
        for table in ("messages", "tickets", "ratings", "unanswered", "drafts")
    }
    return {"user": first(db, "SELECT * FROM users WHERE id = ?", [user_id]),
            "recent": recent_messages(db, user_id, limit=5), **counts}


def erase_user(db: Database, user_id: int) -> None:
    """Delete a resident's conversations and personal data; tickets stay as anonymous statistics."""
    own_tickets = "SELECT id FROM tickets WHERE user_id = ?"
    with db.atomic():
        for table in PERSONAL_TABLES:
            db.execute(f"DELETE FROM {table} WHERE user_id = ?", [user_id])
        db.execute(f"UPDATE complaints SET {EMPTY_COMPLAINT} WHERE ticket_id IN ({own_tickets})", [user_id])
        db.execute("UPDATE tickets SET status = ?, closed_at = COALESCE(closed_at, ?) WHERE user_id = ? AND status != ?",
                   [TICKET_CLOSED, now(), user_id, TICKET_CLOSED])
        db.execute(f"DELETE FROM relays WHERE ticket_id IN ({own_tickets})", [user_id])
        db.execute("DELETE FROM outbox WHERE chat_id = ?", [user_id])
        db.execute("UPDATE tickets SET user_id = NULL WHERE user_id = ?", [user_id])
        db.execute("DELETE FROM users WHERE id = ?", [user_id])


def apply_retention(db: Database, days: int) -> dict[str, int]:
    """Delete conversations and drafts older than `days`; anonymise old complaints and idle users. Statistics stay."""
    cutoff = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat(timespec="seconds")

    def older(column: str) -> str:
        return f"julianday({column}) < julianday(?)"

    counts = {}
    with db.atomic():
        for table in ("messages", "unanswered", "ratings"):
            counts[table] = db.execute(f"DELETE FROM {table} WHERE {older('created_at')}", [cutoff]).rowcount
        counts["drafts"] = db.execute(f"DELETE FROM drafts WHERE {older('updated_at')}", [cutoff]).rowcount
        counts["complaints"] = db.execute(
            f"UPDATE complaints SET {EMPTY_COMPLAINT} WHERE {older('created_at')} AND what != ''", [cutoff]
        ).rowcount
        counts["users"] = db.execute(
            f"UPDATE users SET display_name = '(anonim)' WHERE {older('last_seen')} AND display_name != '(anonim)'",
            [cutoff],
        ).rowcount
        counts["outbox"] = db.execute(f"DELETE FROM outbox WHERE {older('created_at')}", [cutoff]).rowcount
        counts["processed_updates"] = db.execute(
            f"DELETE FROM processed_updates WHERE {older('done_at')}", [cutoff]
        ).rowcount
    return counts


def forget_old_conversation_state(db: sqlite_utils.Database, days: int) -> int:
    """Delete the assistant's conversation events (Rasa's tracker store file) older than `days`."""
    if not db["events"].exists():
        return 0
    with db.conn:
        return db.execute("DELETE FROM events WHERE timestamp < ?", [time.time() - days * 86400]).rowcount
