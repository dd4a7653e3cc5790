"""The conversation store Rasa builds from endpoints.yml: Rasa's SQL tracker store, bounded and masked.

Conversations survive a restart (the miss count and the language are slots in the tracker) and any worker
process can read any conversation. On SQLite (the default, a file next to the bot's database) every write
takes the write lock at once, so workers sharing the file wait for each other instead of failing; on
PostgreSQL (docs/scaling.md) Rasa's own engine settings apply.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import OrderedDict
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

from bot.privacy import mask

#: Events kept per conversation (about a dozen turns, enough for the rules and both slots, which every
#: action sets): older events are deleted as new ones are stored.
MAX_TRACKER_EVENTS = 50
#: Conversations whose stored events a worker keeps in memory (about 25 KB each).
RECENT_CONVERSATIONS = 2000
#: How long a worker waits for another one's write to the conversation file (milliseconds).
BUSY_TIMEOUT_MS = 30_000


class ConversationStore(SQLTrackerStore):
    """Rasa's SQL tracker store keeping each conversation's last MAX_TRACKER_EVENTS events, with residents'
    words masked like everything else the bot stores.

    A worker keeps the stored events of its recent conversations in memory (`recent`, 0: none), so answering
    reads nothing and writes only the new events. That is right while each conversation is answered by one
    process at a time, as the bot's workers do; several bots sharing conversations set `recent: 0`.
    """

    def __init__(self, *args: Any, recent: int = RECENT_CONVERSATIONS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._recent: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._recent_size = int(recent)
        engine: Engine = self.engine  # type: ignore[has-type]  # set by Rasa without an annotation
        if engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection per transaction (NullPool); one kept open is faster.
            engine.dispose()
            engine = create_engine(engine.url, poolclass=QueuePool, pool_size=1, max_overflow=4)
            event.listen(engine, "connect", _sqlite_connection)
            event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
            self.engine = engine
            self.sessionmaker.configure(bind=engine)

    def init_tracker(self, sender_id: str) -> DialogueStateTracker:
        """An empty tracker bounded to MAX_TRACKER_EVENTS."""
        return DialogueStateTracker(sender_id, self.domain.slots, max_event_history=MAX_TRACKER_EVENTS)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's current session, from memory or else from the database."""
        events = self._recent.get(sender_id)
        if events is None:
            with self.session_scope() as session:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
                events = [json.loads(row.data) for row in rows]
        # Remembered even when empty: a new conversation's first save then needs no count from the database.
        self._remember(sender_id, events)
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots) if events else None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the conversation's new events (masked) and delete the ones beyond the bound, in one transaction."""
        await self.stream_events(tracker)
        sender = tracker.sender_id
        known = self._recent.get(sender)
        if known is None:  # not read through this store's memory: count what the database has, as Rasa does
            with self.session_scope() as session:
                new = [masked(item) for item in self._additional_events(session, tracker)]
        else:
            new = [masked(item) for item in itertools.islice(tracker.events, len(known), None)]
        events = self.SQLEvent.__table__
        newest = (select(events.c.id).where(events.c.sender_id == sender).order_by(events.c.id.desc())
                  .offset(MAX_TRACKER_EVENTS).scalar_subquery())
        with self.engine.begin() as connection:
            if new:
                connection.execute(events.insert(), [row(sender, data) for data in new])
            connection.execute(events.delete().where(events.c.id.in_(newest)))
        if known is not None:
            self._remember(sender, (known + new)[-MAX_TRACKER_EVENTS:])

    def forget(self, sender_id: str) -> None:
        """Delete one conversation (a resident who asked to be forgotten)."""
        self._recent.pop(sender_id, None)
        events = self.SQLEvent.__table__
        with self.engine.begin() as connection:
            connection.execute(events.delete().where(events.c.sender_id == sender_id))

    def _remember(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        if not self._recent_size:
            return
        self._recent[sender_id] = events
        self._recent.move_to_end(sender_id)
        while len(self._recent) > self._recent_size:
            self._recent.popitem(last=False)


def row(sender_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """One event as a row of Rasa's events table."""
    return {
        "sender_id": sender_id, "type_name": data.get("event"), "timestamp": data.get("timestamp"),
        "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"), "data": json.dumps(data),
    }


def masked(item: Any) -> dict[str, Any]:
    """An event as Rasa stores it, with a resident's text masked (the policies read intents and slots only)."""
    data: dict[str, Any] = item.as_dict()
    if isinstance(item, UserUttered):
        for holder in (data, data.get("parse_data") or {}):
            if isinstance(holder.get("text"), str):
                holder["text"] = mask(holder["text"])
    return data


def _sqlite_connection(connection: sqlite3.Connection, _record: Any) -> None:
    """Let the driver leave transactions to us (BEGIN IMMEDIATE), in WAL mode, waiting for a busy file."""
    connection.isolation_level = None
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
