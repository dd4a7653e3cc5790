"""The SQLite database file: opening it, and its schema as sqlite-utils migrations (PostgreSQL: bot.storage.postgres).

Databases made before the migrations existed were versioned with PRAGMA user_version (1 to 3);
`migrate` first records the migrations such a database already has, then applies the rest.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlite_utils import Database, Migrations

from bot.privacy import mask

#: Migration names are stored in each database: never rename a migration function.
MIGRATIONS = Migrations("tanya-imigrasi")


class WaitingDatabase(sqlite_utils.Database):
    """sqlite-utils' Database whose transactions take the write lock when they begin (BEGIN IMMEDIATE).

    A transaction begun with a plain BEGIN that reads first and writes later cannot wait for another process's
    write lock: SQLite refuses it at once ("database is locked"). Begun IMMEDIATE, it waits the busy timeout.
    """

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """A transaction (a savepoint when nested) holding the write lock from its start."""
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            with super().atomic():  # inside the transaction: a savepoint
                yield self
        except BaseException:
            self.rollback()
            raise
        self.conn.execute("COMMIT")


def open_sqlite(path: str | Path) -> WaitingDatabase:
    """Open (creating if needed) the database file in WAL mode with the current schema."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = WaitingDatabase(sqlite3.connect(str(path), check_same_thread=False))
    db.enable_wal()
    db.execute("PRAGMA busy_timeout = 30000")  # another process (a backup, a review) may hold it a while
    db.execute("PRAGMA secure_delete = ON")  # erased and re-masked text is overwritten, not left in free pages
    db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable against process crashes, fsync per checkpoint
    # One bot per file: every update kept in its inbox is its own (PostgreSQL: bot.storage.postgres.UPDATE_HOLDS).
    for name in ("hold_update", "release_update"):
        db.conn.create_function(name, 1, lambda _update_id: True, deterministic=True)
    migrate(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no page image from before a migration stays in the WAL
    return db


def migrate(db: Database) -> None:
    """Create or upgrade the schema: bridge a user_version database, then apply pending migrations."""
    bridge_user_version(db)
    MIGRATIONS.apply(db)


@MIGRATIONS()
def conversations_and_tickets(db: Database) -> None:
    """Users, their messages and answer ratings, tickets and the staff-group messages relayed for them."""
    db.table("users").create(
        {"id": int, "display_name": str, "language": str, "created_at": str, "last_seen": str}, pk="id",
    )
    db.table("tickets").create(
        {
            "id": int, "user_id": int, "status": str, "reason": str, "topic": str,
            "created_at": str, "taken_at": str, "taken_by": int, "taken_by_name": str,
            "first_reply_at": str, "closed_at": str, "closed_by": int, "card_message_id": int, "rating": int,
        },
        pk="id", foreign_keys=[("user_id", "users", "id")],
    )
    db.table("messages").create(
        {
            "id": int, "user_id": int, "ticket_id": int, "direction": str, "text": str, "outcome": str,
            "intent": str, "confidence": float, "faq_id": str, "staff_id": int, "created_at": str,
        },
        pk="id", foreign_keys=[("user_id", "users", "id"), ("ticket_id", "tickets", "id")],
    )
    db.table("relays").create(
        {"chat_id": int, "message_id": int, "ticket_id": int}, pk=("chat_id", "message_id"),
        foreign_keys=[("ticket_id", "tickets", "id")],
    )
    db.table("ratings").create(
        {"id": int, "user_id": int, "faq_id": str, "helpful": int, "created_at": str},
        pk="id", foreign_keys=[("user_id", "users", "id")],
    )
    db.table("messages").create_index(["user_id", "created_at"])
    db.table("tickets").create_index(["status", "created_at"])


@MIGRATIONS()
def complaints_and_survey(db: Database) -> None:
    """Ticket kinds, unanswered questions, SP4N-LAPOR! complaints and SKM survey scores."""
    db.table("tickets").add_column("kind", str, not_null_default="chat")
    db.table("tickets").add_column("card_chat_id", int)
    db.table("unanswered").create(
        {"id": int, "user_id": int, "text": str, "reason": str, "guesses": str, "created_at": str, "added_to": str},
        pk="id",
    )
    db.table("complaints").create(
        {"ticket_id": int, "category": str, "what": str, "when_text": str, "where_text": str, "contact": str,
         "misconduct": int, "created_at": str},
        pk="ticket_id", foreign_keys=[("ticket_id", "tickets", "id")],
    )
    db.table("skm").create(
        {"id": int, "ticket_id": int, "element": str, "score": int, "created_at": str},
        pk="id", foreign_keys=[("ticket_id", "tickets", "id")],
    )


@MIGRATIONS()
def handled_updates(db: Database) -> None:
    """Telegram update ids already handled, so a redelivery after a crash is skipped."""
    db.table("processed_updates").create({"update_id": int, "done_at": str}, pk="update_id")


@MIGRATIONS()
def complaint_drafts(db: Database) -> None:
    """A complaint being written, one per user, so it survives a restart."""
    db.table("drafts").create(
        {"user_id": int, "data": str, "updated_at": str}, pk="user_id", foreign_keys=[("user_id", "users", "id")],
    )


@MIGRATIONS()
def outbox(db: Database) -> None:
    """Messages an update is to send, stored before the first is sent, so a restart neither loses nor repeats them."""
    db.table("outbox").create(
        {"id": int, "update_id": int, "position": int, "chat_id": int, "message": str, "state": str,
         "message_ids": str, "created_at": str, "sent_at": str},
        pk="id",
    )
    db.table("outbox").create_index(["update_id", "position"], unique=True)
    db.table("outbox").create_index(["state"])


#: The scores statistics count: table, column, allowed values, and whether a row may have none.
SCORES = (
    ("skm", "score", (1, 2, 3, 4), False),
    ("tickets", "rating", (1, 2, 3, 4, 5), True),
    ("ratings", "helpful", (0, 1), False),
)


@MIGRATIONS()
def valid_scores(db: Database) -> None:
    """Refuse out-of-range survey scores and ratings; drop the ones forged callbacks already stored.

    The CHECK constraints are triggers: SQLite cannot add a CHECK to an existing table, and sqlite-utils 4.2
    rebuilds a table only with the CHECKs it already has. A `transform` of these tables would drop them.
    """
    for table, column, allowed, optional in SCORES:
        if optional:  # the ticket stays, without its rating
            db.execute(f"UPDATE {table} SET {column} = NULL WHERE NOT {in_range(column, allowed, optional)}")
        else:
            db.execute(f"DELETE FROM {table} WHERE NOT {in_range(column, allowed, optional)}")
        for event in ("INSERT", f"UPDATE OF {column}"):
            db.execute(
                f"CREATE TRIGGER {table}_{column}_on_{event.split()[0].lower()} BEFORE {event} ON {table} "
                f"WHEN NOT {in_range(f'NEW.{column}', allowed, optional)} "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {table}.{column}'); END"
            )


def in_range(value: str, allowed: tuple[int, ...], optional: bool) -> str:
    """SQL true when value is one of allowed (or NULL, if optional) and false otherwise, never NULL."""
    return f"({value} IN {allowed}{f' OR {value} IS NULL' if optional else ''}) IS 1"


@MIGRATIONS()
def one_rating_per_answer(db: Database) -> None:
    """Answer ratings name the rated Telegram message, rated once per user (older ratings have none)."""
    db.table("ratings").add_column("message_id", int)
    db.table("ratings").create_index(["user_id", "message_id"], unique=True)


@MIGRATIONS()
def outbox_tickets(db: Database) -> None:
    """Outbox rows name the ticket and the kind (card, relay, staff reply) of what they carry."""
    db.table("outbox").add_column("ticket_id", int)
    db.table("outbox").add_column("track", str)


@MIGRATIONS()
def inbox(db: Database) -> None:
    """Updates received and not handled completely yet (masked), replayed at start-up after a crash."""
    db.table("inbox").create({"update_id": int, "raw": str, "received_at": str}, pk="update_id")


#: The columns that hold what people wrote or are called (always stored masked).
WRITTEN_COLUMNS = (
    ("users", "display_name"), ("tickets", "taken_by_name"), ("messages", "text"), ("unanswered", "text"),
    ("complaints", "what"), ("complaints", "when_text"), ("complaints", "where_text"), ("complaints", "contact"),
)


@MIGRATIONS()
def mask_again(db: Database) -> None:
    """Mask once more what older versions stored with fewer patterns (identifier variants, display names)."""
    for table, column in WRITTEN_COLUMNS:
        for rowid, value in db.execute(f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall():
            if (masked := mask(value)) != value:
                db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", [masked, rowid])


#: What PRAGMA user_version 1, 2 and 3 stood for before the migrations existed.
USER_VERSIONS = (conversations_and_tickets, complaints_and_survey, handled_updates)


def bridge_user_version(db: Database) -> None:
    """Record as applied the migrations a user_version database already has (once, before any migration ran)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if not version or MIGRATIONS.applied(db):
        return
    MIGRATIONS.ensure_migrations_table(db)
    applied_at = str(dt.datetime.now(dt.timezone.utc))  # the format Migrations itself records
    db.table(MIGRATIONS.migrations_table).insert_all(
        {"migration_set": MIGRATIONS.name, "name": migration.__name__, "applied_at": applied_at}
        for migration in USER_VERSIONS[:version]
    )
