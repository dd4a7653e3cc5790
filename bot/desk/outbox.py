"""What the desk has to send, stored per update before anything goes out (see bot.storage.outbox)."""

from __future__ import annotations

from collections.abc import Sequence

from bot import storage
from bot.desk import tickets
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing, from_json, to_json


async def queue(desk: Desk, update_id: int, messages: Sequence[Outgoing]) -> list[tuple[int, Outgoing]]:
    """Store what an update is to send before the first message goes out; each with its outbox row."""
    rows = await desk.store(storage.queue_outgoing, update_id, [(m.chat_id, to_json(m)) for m in messages])
    return list(zip(rows, messages, strict=True))


async def unsent(desk: Desk, update_id: int) -> list[tuple[int, Outgoing]] | None:
    """What an update queued before a crash and has not sent yet; None when it queued nothing (or never ran)."""
    rows = await desk.store(storage.outgoing_of, update_id)
    if not rows:
        return None
    return [(row["id"], from_json(row["message"])) for row in rows if row["state"] == storage.PENDING]


async def sending(desk: Desk, row_id: int) -> None:
    """A message is going out now: from here a crash leaves its delivery in doubt."""
    await desk.store(storage.start_sending, row_id)


async def failed(desk: Desk, row_id: int) -> None:
    """Telegram refused a message."""
    await desk.store(storage.mark_failed, row_id)


async def sent(desk: Desk, row_id: int, outgoing: Outgoing, message_ids: list[int]) -> None:
    """A message went out as these Telegram messages: store what that means for its ticket, then mark it sent."""
    if outgoing.record is not None:
        await tickets.delivered(desk, outgoing.record, outgoing.chat_id, message_ids)
    await desk.store(storage.mark_sent, row_id, message_ids)


async def restart(desk: Desk) -> list[Outgoing]:
    """At start-up: settle what a crash cut off while sending, and the cards of tickets that never got one."""
    await desk.store(storage.settle_in_flight)
    if desk.settings.staff_chat_id is None:
        return []
    return [await tickets.card(desk, ticket, ticket["display_name"] or "-")
            for ticket in await desk.store(storage.tickets_without_card)]
