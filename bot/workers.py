"""Answering on every core: worker processes, each with the Rasa model and its action server (an Assistant).

A conversation always goes to the same worker (by a hash of its sender id), and a worker answers one message at a
time, so the messages of one conversation are answered in order and never by two workers at once; conversation
state is in Rasa's SQL tracker store, which every worker shares. The bot's own process keeps Telegram and its
database; the workers only answer. A worker that dies is started again and the message gets the apology.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from bot.assistant import Assistant, Reply, Running, unavailable
from bot.rasa_runtime.action_server import die_with_parent
from bot.rasa_runtime.agent import ENDPOINTS_PATH

logger = logging.getLogger(__name__)

#: The worker process's assistant and event loop (set by _start_worker, in the worker only).
_worker: dict[str, Any] = {}


def _start_worker(model_path: Path, conversations: Path | None, endpoints: Path, log_level: str) -> None:
    """Load the model and start the action server in a new worker process."""
    from bot.logs import configure_logging

    configure_logging(log_level)
    arm = die_with_parent(os.getppid())  # a worker never outlives the bot, even one killed with SIGKILL
    if arm is not None:
        arm()
    loop = asyncio.new_event_loop()
    assistant = Assistant(model_path, conversations=conversations, endpoints=endpoints)
    loop.run_until_complete(assistant.start())
    _worker.update(loop=loop, assistant=assistant)


def _run(call: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run one of the worker's Assistant methods to completion."""
    return _worker["loop"].run_until_complete(getattr(_worker["assistant"], call)(*args, **kwargs))


def _ready() -> bool:
    """Whether the worker has started (submitting this starts it)."""
    return "assistant" in _worker


class AssistantPool(Running):
    """Worker processes answering messages, each conversation always in the same worker."""

    def __init__(self, model_path: Path, workers: int, conversations: Path | None = None,
                 endpoints: Path = ENDPOINTS_PATH, log_level: str = "INFO") -> None:
        if workers < 1:
            raise ValueError("an assistant pool needs at least one worker")
        self.model_path = model_path
        self._settings = (conversations, endpoints, log_level)
        self._executors: list[ProcessPoolExecutor] = [self._executor() for _ in range(workers)]

    def _executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                                   initargs=(self.model_path, *self._settings))

    def worker_of(self, sender_id: str) -> int:
        """The worker that answers a conversation (stable across restarts of the bot)."""
        return zlib.crc32(sender_id.encode("utf-8")) % len(self._executors)

    async def _call(self, index: int, call: str, *args: Any, **kwargs: Any) -> Any:
        """Run an Assistant method in one worker; a worker found dead is replaced (the next call starts it)."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executors[index], _run, call, args, kwargs)
        except BrokenProcessPool:
            logger.error("answer worker %d died; starting it again", index)
            self._executors[index] = self._executor()
            raise

    async def start(self) -> None:
        """Start every worker (model loading in parallel) and wait until each can answer."""
        try:
            await asyncio.gather(*(asyncio.get_running_loop().run_in_executor(e, _ready) for e in self._executors))
        except BaseException:
            await self.stop()
            raise

    async def handle(self, message: str, sender_id: str, language: str | None = None, intent: str | None = None) -> Reply:
        """Answer one message in the worker of its conversation."""
        index = self.worker_of(sender_id)
        try:
            reply: Reply = await self._call(index, "handle", message, sender_id, language=language, intent=intent)
        except BrokenProcessPool:
            return unavailable(language or "id")
        return reply

    async def swap_model(self, model_path: Path) -> None:
        """Load another model in every worker; each answers with the old one until its new one is ready."""
        await asyncio.gather(*(self._call(i, "swap_model", model_path) for i in range(len(self._executors))))
        self.model_path = model_path

    async def forget(self, sender_id: str) -> None:
        """Delete one user's conversation state."""
        await self._call(self.worker_of(sender_id), "forget", sender_id)

    async def stop(self) -> None:
        """Stop each worker's action server, then the workers."""
        for executor in self._executors:
            with contextlib.suppress(BrokenProcessPool):  # a dead worker has nothing left to stop
                await asyncio.get_running_loop().run_in_executor(executor, _run, "stop", (), {})
            executor.shutdown(wait=True, cancel_futures=True)
