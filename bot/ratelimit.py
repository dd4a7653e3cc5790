"""Per-user rate limiting, so one user cannot starve the others or flood the staff group."""

from __future__ import annotations

import time
from collections import deque
from enum import Enum


class Verdict(Enum):
    """What to do with a message."""

    ALLOW = "allow"
    WARN = "warn"  # over the limit: tell the user once
    DROP = "drop"  # still over the limit: record it, say nothing more


class RateLimiter:
    """At most `limit` messages per user in any `window` seconds."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, user_id: int, now: float | None = None) -> Verdict:
        """Count a message from a user and say whether to handle it."""
        now = time.monotonic() if now is None else now
        recent = self._seen.setdefault(user_id, deque())
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        if len(recent) < self.limit:
            recent.append(now)
            self._warned.pop(user_id, None)
            return Verdict.ALLOW
        if user_id in self._warned and now - self._warned[user_id] < self.window:
            return Verdict.DROP
        self._warned[user_id] = now
        return Verdict.WARN
