"""What the desk has to send, stored per update before anything goes out (see bot.storage.outbox)."""

from __future__ import annotations

from collections.abc import Sequence

from bot import storage
from bot.desk import tickets
from bot.desk.core import Desk
from bot.desk.outgoing import Outgoing, from_json, to_json


async def queue(desk: Desk, update_id: int, messages: Sequence[Outgoing]) -> list[tuple[int, Outgoing]]:
    """Store what an update is to send before the first message goes out; each with its outbox row."""
    replies = [reply for m in messages if (reply := tickets.staff_reply_of(m.record)) is not None]
    queued = [storage.Queued(m.chat_id, to_json(m), *((m.record.ticket_id, m.record.track.value) if m.record else ()))
              for m in messages]
    rows = await desk.store(storage.queue_outgoing, update_id, queued, replies)
    return list(zip(rows, messages, strict=True))


async def unsent(desk: Desk, update_id: int) -> list[tuple[int, Outgoing]] | None:
    """What an update queued before a crash and has not sent yet; None when it queued nothing (or never ran)."""
    rows = await desk.store(storage.outgoing_of, update_id)
    if not rows:
        return None
    return [(row["id"], from_json(row["message"])) for row in rows if row["state"] == storage.PENDING]


async def sending(desk: Desk, row_id: int) -> bool:
    """Claim a message for sending now (from here a crash leaves its delivery in doubt); False: not pending any more."""
    return await desk.store(storage.start_sending, row_id)


async def uncertain(desk: Desk, row_id: int) -> None:
    """Telegram did not answer in time: the message may or may not have arrived, and is not sent again."""
    await desk.store(storage.mark_uncertain, row_id)


async def failed(desk: Desk, row_id: int) -> None:
    """Telegram refused a message."""
    await desk.store(storage.mark_failed, row_id)


async def sent(desk: Desk, row_id: int, outgoing: Outgoing, message_ids: list[int]) -> None:
    """A message went out as these Telegram messages: store what that means for its ticket, then mark it sent."""
    if outgoing.record is not None and tickets.staff_reply_of(outgoing.record) is None:  # replies: recorded queued
        await tickets.delivered(desk, outgoing.record, outgoing.chat_id, message_ids)
    await desk.store(storage.mark_sent, row_id, message_ids)


async def restart(desk: Desk) -> list[tuple[int, Outgoing]]:
    """At start-up: settle what a crash cut off while sending; what was stored and not sent yet, oldest first."""
    await desk.store(storage.settle_in_flight)
    return [(row["id"], from_json(row["message"])) for row in await desk.store(storage.pending_outgoing)]


async def missing_cards(desk: Desk) -> list[Outgoing]:
    """The cards of tickets that never got one (ask once every stored message is out)."""
    if desk.settings.staff_chat_id is None:
        return []
    return [await tickets.card(desk, ticket, ticket["display_name"] or "-")
            for ticket in await desk.store(storage.tickets_without_card)]
