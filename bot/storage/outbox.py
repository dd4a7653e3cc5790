"""The outbox: the messages one update is to send, stored before the first is sent.

A row is `pending` until its turn, `sending` while the Bot API call is under way, then `sent` with the Telegram
message id of every part. A row still `sending` when the bot starts was cut off by a crash: whether Telegram got it
cannot be known, so it becomes `uncertain` and is not sent again (a relay or an answer repeated in full is worse
than one whose delivery is in doubt; the conversation itself is in the message log either way). The desk stores
texts masked (bot.desk.outgoing.to_json), and a sent row keeps no text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from bot.storage.schema import now

PENDING, SENDING, SENT, UNCERTAIN, FAILED = "pending", "sending", "sent", "uncertain", "failed"


def queue_outgoing(db: Database, update_id: int, messages: Sequence[tuple[int, str]]) -> list[int]:
    """Store an update's messages (chat id, JSON) as pending, in order; returns their row ids."""
    with db.atomic():
        return [
            int(db.table("outbox").insert({
                "update_id": update_id, "position": position, "chat_id": chat_id, "message": message,
                "state": PENDING, "created_at": now(),
            }).last_pk or 0)
            for position, (chat_id, message) in enumerate(messages)
        ]


def outgoing_of(db: Database, update_id: int) -> list[dict[str, Any]]:
    """The stored messages of one update, in order."""
    return list(db.table("outbox").rows_where("update_id = ?", [update_id], order_by="position"))


def start_sending(db: Database, row_id: int) -> None:
    """Mark a message as being sent (a crash from here on leaves its delivery in doubt)."""
    db.table("outbox").update(row_id, {"state": SENDING})


def mark_sent(db: Database, row_id: int, message_ids: Sequence[int]) -> None:
    """Record the Telegram message ids of a sent message and drop its text."""
    db.table("outbox").update(
        row_id, {"state": SENT, "message_ids": json.dumps(list(message_ids)), "sent_at": now(), "message": ""}
    )


def mark_failed(db: Database, row_id: int) -> None:
    """Record that Telegram refused a message (the error is in the log)."""
    db.table("outbox").update(row_id, {"state": FAILED, "sent_at": now(), "message": ""})


def settle_in_flight(db: Database) -> int:
    """At start-up: messages a crash cut off while sending become uncertain (never sent again); how many."""
    with db.atomic():
        return db.execute(
            "UPDATE outbox SET state = ?, message = '' WHERE state = ?", [UNCERTAIN, SENDING]
        ).rowcount
