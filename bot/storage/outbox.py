"""The outbox: the messages one update is to send, stored before the first is sent.

A row is `pending` until its turn (a group's messages wait for the group's pace, see bot.telegram.groups),
`sending` while the Bot API call is under way, then `sent` with the Telegram message id of every part. A row
still `sending` when the bot starts was cut off by a crash: whether Telegram got it cannot be known, so it becomes
`uncertain` and is not sent again (a relay or an answer repeated in full is worse than one whose delivery is in
doubt; the conversation itself is in the message log either way). Rows still `pending` are sent at the next start. The desk stores
texts masked (bot.desk.outgoing.to_json), and a sent row keeps no text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from bot.storage.database import Database, insert, now, rows
from bot.storage.tickets import ACTIVE, COMPLAINT, record_staff_reply

PENDING, SENDING, SENT, UNCERTAIN, FAILED = "pending", "sending", "sent", "uncertain", "failed"


class Queued(NamedTuple):
    """A message to store: its chat, itself as JSON, and the ticket and kind of record it carries (if any)."""

    chat_id: int
    message: str
    ticket_id: int | None = None
    track: str | None = None


def queue_outgoing(db: Database, update_id: int, messages: Sequence[Queued],
                   staff_replies: Sequence[tuple[int, int, str, str]] = ()) -> list[int]:
    """Store an update's messages as pending, in order, and with them the staff replies they carry (ticket, staff
    id, name, text: recorded now, so a crash while sending keeps them); returns their row ids."""
    with db.atomic():
        for reply in staff_replies:
            record_staff_reply(db, *reply)
        return [
            insert(db, "outbox", {
                "update_id": update_id, "position": position, "chat_id": queued.chat_id, "message": queued.message,
                "ticket_id": queued.ticket_id, "track": queued.track, "state": PENDING, "created_at": now(),
            })
            for position, queued in enumerate(messages)
        ]


def outgoing_of(db: Database, update_id: int) -> list[dict[str, Any]]:
    """The stored messages of one update, in order."""
    return rows(db, "SELECT * FROM outbox WHERE update_id = ? ORDER BY position", [update_id])


def pending_outgoing(db: Database) -> list[dict[str, Any]]:
    """Every stored message not sent yet, oldest first."""
    return rows(db, "SELECT * FROM outbox WHERE state = ? ORDER BY id", [PENDING])


def start_sending(db: Database, row_id: int) -> bool:
    """Claim a pending message for sending (a crash from here on leaves its delivery in doubt); False when it was
    not pending any more, so that a message queued twice (a replay at start-up, a redelivered update) goes out once."""
    with db.atomic():
        return db.execute("UPDATE outbox SET state = ? WHERE id = ? AND state = ?", [SENDING, row_id, PENDING]).rowcount == 1


def mark_sent(db: Database, row_id: int, message_ids: Sequence[int]) -> None:
    """Record the Telegram message ids of a sent message and drop its text."""
    finish(db, row_id, SENT, json.dumps(list(message_ids)))


def mark_uncertain(db: Database, row_id: int) -> None:
    """Record that a message may or may not have arrived (Telegram did not answer in time)."""
    finish(db, row_id, UNCERTAIN)


def mark_failed(db: Database, row_id: int) -> None:
    """Record that Telegram refused a message (the error is in the log)."""
    finish(db, row_id, FAILED)


def finish(db: Database, row_id: int, state: str, message_ids: str | None = None) -> None:
    """Record how sending a message ended (with the Telegram message ids of a sent one) and drop its text."""
    db.execute("UPDATE outbox SET state = ?, message_ids = ?, sent_at = ?, message = '' WHERE id = ?",
               [state, message_ids, now(), row_id])


def settle_in_flight(db: Database) -> int:
    """At start-up: messages a crash cut off while sending become uncertain (never sent again); how many."""
    with db.atomic():
        return db.execute(
            "UPDATE outbox SET state = ?, message = '' WHERE state = ?", [UNCERTAIN, SENDING]
        ).rowcount


def tickets_without_card(db: Database) -> list[dict[str, Any]]:
    """Active chat tickets whose staff card was never posted (a crash came in between), with the resident's
    display name. A card whose delivery is in doubt (cut off while sending) is not posted again: Telegram most
    likely has it, and replies to it reach the ticket by the number it shows. Nor is one still waiting in the
    outbox (another bot sharing the desk is about to send it; this bot sends its own before asking)."""
    return rows(
        db,
        "SELECT t.*, u.display_name FROM tickets t LEFT JOIN users u ON u.id = t.user_id "
        "WHERE t.status IN (?, ?) AND t.card_message_id IS NULL AND t.kind != ? AND NOT EXISTS ("
        "  SELECT 1 FROM outbox o WHERE o.ticket_id = t.id AND o.track = 'card' AND o.state IN (?, ?, ?)"
        ") ORDER BY t.id",
        [*ACTIVE, COMPLAINT, UNCERTAIN, PENDING, SENDING],
    )
