"""Per-chat order: a chat's updates are handled one at a time, as they arrived; different chats run concurrently.

The staff group's updates (replies, take and close) never queue for a slot behind residents' questions: under load
every slot is taken by a resident waiting for the assistant, and a ticket's reply or closing would wait seconds per
staff action, one after the other. The group is one chat, so it adds at most one update at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Collection, Hashable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def chat_key(update: object) -> Hashable:
    """The chat an update belongs to (a button's: the chat of its message), else its user, else a key of its own."""
    if isinstance(update, Update):
        if update.effective_chat:
            return update.effective_chat.id
        if update.effective_user:
            return update.effective_user.id
    return object()


@dataclass
class _Chat:
    """A chat's turn: the lock its updates take in arrival order, and how many hold or wait for it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    updates: int = 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Handles one chat's updates one at a time in arrival order, and at most `max_concurrent_updates` at once
    besides those of the `priority` chats (the staff group)."""

    def __init__(self, max_concurrent_updates: int, priority: Collection[Hashable] = ()) -> None:
        # The base class admits an update before do_process_update, where it may still wait for its chat's turn.
        # It admits every update, so that a burst in one chat holds no slot other chats need: the limit applies
        # to the updates being handled. Updates enter do_process_update in arrival order, without suspending
        # before they queue on their chat's lock (asyncio's locks wake waiters first come, first served).
        super().__init__(sys.maxsize)
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be at least 1")
        self._running = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._priority = frozenset(priority)
        self._chats: dict[Hashable, _Chat] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates and a free slot, then handle the update."""
        key = chat_key(update)
        chat = self._chats.setdefault(key, _Chat())
        chat.updates += 1
        try:
            async with chat.lock, contextlib.nullcontext() if key in self._priority else self._running:
                await coroutine
        finally:
            chat.updates -= 1
            if not chat.updates:  # idle: forget the chat, so memory grows with busy chats only
                del self._chats[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: Application.stop has waited for every update."""
