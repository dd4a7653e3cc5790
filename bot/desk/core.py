"""The service desk's shared parts: the services every rule needs, and who may act on tickets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from actions.faq import LiveFaq
from bot import storage
from bot.desk.outgoing import Person
from bot.ratelimit import RateLimiter
from bot.settings import Settings
from bot.storage import Store

if TYPE_CHECKING:
    from bot.assistant import Answering


async def nobody_is_staff(user_id: int) -> bool:
    """The membership check of a channel without a staff group (the console)."""
    return False


@dataclass
class Desk:
    """The assistant, the database, the settings, the live FAQ and the limits, shared by every rule."""

    assistant: Answering
    store: Store
    settings: Settings
    #: Whether a user is currently a member of the staff group (asked of the channel).
    in_staff_group: Callable[[int], Awaitable[bool]] = nobody_is_staff
    faq: LiveFaq = field(default_factory=LiveFaq)
    limiter: RateLimiter = field(init=False)
    #: Phone numbers given for a call back in complaints being written, by user id: in memory only, for the
    #: supervisors' card (the stored draft and complaint keep them masked; a restart forgets them).
    call_backs: dict[int, str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.rate_limit_per_minute)

    async def visit(self, person: Person) -> dict[str, Any]:
        """Record that a person wrote (name as shown now) and return their row, language included."""
        return await self.store(storage.touch_user, person.id, person.name)

    async def language(self, user_id: int) -> str:
        """The language a user chose, Indonesian by default."""
        return await self.store(storage.user_language, user_id)

    async def already_handled(self, update_id: int) -> bool:
        """Whether a channel's update was handled completely before (a channel may deliver it again)."""
        return await self.store(storage.update_done, update_id)

    async def handled(self, update_id: int) -> None:
        """Record that a channel's update has been handled completely."""
        await self.store(storage.mark_update_done, update_id)

    async def may_handle(self, user_id: int) -> bool:
        """Whether a user may take, answer or close tickets: a supervisor, a configured staff id, or staff."""
        settings = self.settings
        return (
            user_id in settings.supervisor_user_ids
            or user_id in settings.staff_user_ids
            or (settings.staff_chat_id is not None and await self.in_staff_group(user_id))
        )
