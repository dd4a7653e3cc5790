"""Bot API requests over aiohttp: python-telegram-bot's documented BaseRequest, instead of its httpx default.

Profiled under load with the answer workers doing the model's work, httpx's connection pool took half of the bot
process's time (assigning requests to connections, its locks and its async-library detection for every request),
for about 20 messages a second. aiohttp, already installed as Rasa's HTTP client, does the same requests for far
less (benchmarks/RESULTS.md, load). Errors map as python-telegram-bot's own requests map them: a timeout is
TimedOut (which the bot never resends), any other transport failure NetworkError.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """Requests to the Bot API through one aiohttp session with a pool of connections."""

    def __init__(self, connection_pool_size: int = 1, read_timeout: float | None = 5.0, write_timeout: float = 5.0,
                 connect_timeout: float = 5.0, pool_timeout: float = 1.0) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout, "pool": pool_timeout}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (seconds)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._pool_size),
                                                  headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; (HTTP status, body). Timeouts left at their default take this object's; aiohttp has no
        write timeout (a request body is small, and a stalled write ends at the read timeout)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read, connect, pool = (
            self._timeouts[name] if given is BaseRequest.DEFAULT_NONE else given
            for name, given in (("read", read_timeout), ("connect", connect_timeout), ("pool", pool_timeout))
        )
        timeout = aiohttp.ClientTimeout(sock_read=read, sock_connect=connect,
                                        connect=None if connect is None or pool is None else connect + pool)
        try:
            async with self._session.request(method, url, data=body(request_data), timeout=timeout) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as error:  # aiohttp's read and connect timeouts are TimeoutErrors
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error


def body(request_data: RequestData | None) -> Any:
    """The request's parameters as a form, with its files as parts of a multipart form."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mimetype = part if len(part) == 3 else (*part, None)
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
