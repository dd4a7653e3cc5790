"""Storage calls from async code: one dedicated thread, so the database never blocks the event loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Concatenate, ParamSpec, TypeVar

from bot.storage.database import Database

P = ParamSpec("P")
T = TypeVar("T")


class Store:
    """Runs storage functions on one dedicated thread (mypy checks their arguments)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storage")

    async def __call__(self, function: Callable[Concatenate[Database, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run function(db, *args, **kwargs) on the database thread and return its result."""
        call = functools.partial(function, self.db, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def close(self) -> None:
        """Finish pending work and close the database."""
        self._executor.shutdown(wait=True)
        self.db.close()
