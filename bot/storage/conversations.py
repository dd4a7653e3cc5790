"""Residents and what they said: users, language, the message log, unanswered questions, answer ratings,
complaint drafts, and the Telegram updates already handled."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.privacy import mask
from bot.storage.database import Database, first, insert, now, rows


def touch_user(db: Database, user_id: int, display_name: str) -> dict[str, Any]:
    """Record that a user wrote (creating them on first contact, display name masked) and return their row."""
    seen = now()
    db.execute(
        "INSERT INTO users (id, display_name, last_seen, created_at, language) VALUES (?, ?, ?, ?, '') "
        "ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, last_seen = excluded.last_seen",
        [user_id, mask(display_name), seen, seen],
    )
    row = first(db, "SELECT * FROM users WHERE id = ?", [user_id])
    assert row is not None  # written just above
    return row


def set_language(db: Database, user_id: int, language: str) -> None:
    """Remember the language a user chose with /bahasa."""
    db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])


def user_language(db: Database, user_id: int) -> str:
    """The language a user chose with /bahasa, Indonesian by default."""
    row = db.execute("SELECT language FROM users WHERE id = ?", [user_id]).fetchone()
    return row[0] if row and row[0] else "id"


def log_message(db: Database, user_id: int, direction: str, text: str, **fields: Any) -> int:
    """Store one message of a conversation, masked; direction is 'in', 'out', 'staff' or 'system'."""
    return insert(db, "messages", {"user_id": user_id, "direction": direction, "text": mask(text), "created_at": now(), **fields})


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


def last_question(db: Database, user_id: int) -> str | None:
    """The user's latest message to the assistant."""
    row = db.execute(
        "SELECT text FROM messages WHERE user_id = ? AND direction = 'in' ORDER BY id DESC LIMIT 1", [user_id]
    ).fetchone()
    return row[0] if row else None


def record_unanswered(db: Database, user_id: int, text: str, reason: str, guesses: Iterable[tuple[str, float]]) -> None:
    """Remember a message the assistant could not answer confidently (masked), with its top guesses."""
    insert(db, "unanswered", {
        "user_id": user_id, "text": mask(text), "reason": reason, "created_at": now(),
        "guesses": json.dumps([[name, round(conf, 3)] for name, conf in guesses]),
    })


def open_unanswered(db: Database) -> list[dict[str, Any]]:
    """Unanswered messages not yet added to a topic, oldest first."""
    return rows(db, "SELECT * FROM unanswered WHERE added_to IS NULL ORDER BY id")


def mark_added(db: Database, ids: Iterable[int], topic: str) -> None:
    """Record that these unanswered messages became example questions of a topic."""
    with db.atomic():
        for unanswered_id in ids:
            db.execute("UPDATE unanswered SET added_to = ? WHERE id = ?", [topic, unanswered_id])


def rate_answer(db: Database, user_id: int, faq_id: str, helpful: bool, message_id: int | None = None) -> bool:
    """Store a helpful / not helpful rating of the answer in a Telegram message; False if that was rated already."""
    stored = db.execute(
        "INSERT INTO ratings (user_id, faq_id, helpful, message_id, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (user_id, message_id) DO NOTHING",
        [user_id, faq_id, int(helpful), message_id, now()],
    )
    return stored.rowcount == 1


def save_draft(db: Database, user_id: int, data: dict[str, Any]) -> None:
    """Keep the complaint a user is writing (text values masked, as in the complaint it becomes)."""
    masked = {key: mask(value) if isinstance(value, str) else value for key, value in data.items()}
    db.execute(
        "INSERT INTO drafts (user_id, data, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        [user_id, json.dumps(masked, ensure_ascii=False), now()],
    )


def get_draft(db: Database, user_id: int) -> dict[str, Any] | None:
    """The complaint a user is writing, if any."""
    row = db.execute("SELECT data FROM drafts WHERE user_id = ?", [user_id]).fetchone()
    return json.loads(row[0]) if row else None


def drop_draft(db: Database, user_id: int) -> None:
    """Forget the complaint a user was writing (sent or cancelled)."""
    db.execute("DELETE FROM drafts WHERE user_id = ?", [user_id])


def update_done(db: Database, update_id: int) -> bool:
    """Whether this Telegram update was already handled (so a redelivery after a crash is skipped)."""
    return db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", [update_id]).fetchone() is not None


def mark_update_done(db: Database, update_id: int) -> None:
    """Record that an update has been handled completely: it leaves the inbox, and this bot's hold on it goes."""
    with db.atomic():
        db.execute(
            "INSERT INTO processed_updates (update_id, done_at) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO UPDATE SET done_at = excluded.done_at",
            [update_id, now()],
        )
        db.execute("DELETE FROM inbox WHERE update_id = ?", [update_id])
    db.execute("SELECT release_update(?)", [update_id])


def receive_update(db: Database, update_id: int, raw: str) -> bool:
    """Keep an update (masked JSON), held by this bot, until it is handled; one handled already, or kept already,
    is left alone. False when another bot sharing the desk holds it (Telegram delivered it again, to this bot)."""
    with db.atomic():
        if update_done(db, update_id):
            return True
        if not db.execute("SELECT hold_update(?)", [update_id]).fetchone()[0]:
            return False
        db.execute("INSERT INTO inbox (update_id, raw, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                   [update_id, raw, now()])
    return True


def unfinished_updates(db: Database) -> list[str]:
    """The updates received and never handled completely (a crash came in between), oldest first; now held by this
    bot (with several bots on one PostgreSQL desk: not those another bot alive is handling)."""
    return [raw for (raw,) in db.execute("SELECT raw FROM inbox WHERE hold_update(update_id) ORDER BY update_id").fetchall()]
