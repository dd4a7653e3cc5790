"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and the load test of the real bot.

It serves the methods the bot uses, queues updates the tests inject, records every call, and
checks what real Telegram checks: HTML that parses, messages within 4,096 characters.
"""

from __future__ import annotations

import asyncio
import contextlib
import html.parser
import itertools
import json
import os
import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Tanya Imigrasi", "username": "tanya_imigrasi_bot"}
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                 "span", "blockquote", "tg-emoji"}


_TAG_RE = re.compile(r"</?[a-z-]+(\s[^<>]*)?>")
_BARE_AMPERSAND_RE = re.compile(r"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")


class _HtmlCheck(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected end tag {tag!r}")


def html_problem(text: str) -> str | None:
    """What Telegram would refuse in an HTML message, or None."""
    checker = _HtmlCheck()
    checker.feed(text)
    checker.close()
    if checker.stack:
        checker.errors.append(f"unclosed tags {checker.stack}")
    outside_tags = _TAG_RE.sub("", text)
    if "<" in outside_tags or ">" in outside_tags:
        checker.errors.append("unescaped < or > outside a tag")
    if _BARE_AMPERSAND_RE.search(text):
        checker.errors.append("unescaped & outside an entity")
    return "; ".join(checker.errors) or None


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    result: Any = None


@dataclass
class FakeTelegram:
    """The fake server's state: queued updates, recorded calls, chat members, forced failures."""

    token: str = "123456:TEST-TOKEN"
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    members: dict[int, str] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    #: How many of the next sendMessage calls answer 429 Too Many Requests (flood control).
    flood: int = 0
    #: A crash to cause: the first call matching the predicate is carried out, then the process is SIGKILLed
    #: before it reads the answer (Telegram got the message; the bot never learns it).
    crash: tuple[Callable[[Call], bool], int] | None = None
    #: A slow answer: the first call matching the predicate is carried out, and answered after this many seconds.
    slow: tuple[Callable[[Call], bool], float] | None = None
    port: int = 0
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    by_chat: dict[int, list[Call]] = field(default_factory=dict)
    polling: asyncio.Event = field(default_factory=asyncio.Event)
    _chat_events: dict[int, asyncio.Event] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # --- what the tests do -------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        self._arrived.set()
        return update_id

    def user_message(self, user_id: int, text: str, name: str = "Budi") -> int:
        """A resident writes in the private chat; returns the message id."""
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "text": text,
            "chat": {"id": user_id, "type": "private", "first_name": name},
            "from": {"id": user_id, "is_bot": False, "first_name": name},
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]
        self.push({"message": message})
        return message_id

    def user_update(self, user_id: int, content: dict[str, Any], name: str = "Budi") -> None:
        """A resident sends something other than text (photo, sticker, ...)."""
        self.push({"message": {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": name},
            "from": {"id": user_id, "is_bot": False, "first_name": name}, **content,
        }})

    def text_of(self, chat_id: int, message_id: int) -> str:
        """The text of a message the bot sent, as Telegram shows a message replied to (without markup)."""
        sent = next((str(c.params.get("text")) for c in self.by_chat.get(chat_id, [])
                     if isinstance(c.result, dict) and c.result.get("message_id") == message_id), "kartu")
        return html.unescape(re.sub(r"<[^>]*>", "", sent))

    def group_reply(self, chat_id: int, user_id: int, reply_to: int, text: str, name: str = "Petugas Sari",
                    content: dict[str, Any] | None = None) -> int:
        """A staff member replies to a message in the staff group (with text, or other `content` such as a photo);
        returns the message id."""
        message_id = next(self._message_ids)
        self.push({"message": {
            "message_id": message_id, "date": int(time.time()), **(content or {"text": text}),
            "chat": {"id": chat_id, "type": "supergroup", "title": "Petugas"},
            "from": {"id": user_id, "is_bot": False, "first_name": name},
            "reply_to_message": {
                "message_id": reply_to, "date": int(time.time()), "text": self.text_of(chat_id, reply_to),
                "chat": {"id": chat_id, "type": "supergroup", "title": "Petugas"}, "from": BOT_USER,
            },
        }})
        return message_id

    def press(self, user_id: int, chat_id: int, message: dict[str, Any], data: str, name: str = "Budi") -> None:
        """Someone presses an inline button under a message the bot sent."""
        self.push({"callback_query": {
            "id": f"cq{next(self._update_ids)}", "chat_instance": "ci", "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": name},
            "message": {**message, "chat": message.get("chat", {"id": chat_id, "type": "private"})},
        }})

    async def messages_after(self, chat_id: int, seen: int, timeout: float) -> list[Call]:
        """Wait until the bot has sent more than `seen` messages to a chat; return all of them."""
        deadline = time.monotonic() + timeout
        while len(self.by_chat.get(chat_id, [])) <= seen and time.monotonic() < deadline:
            event = self._chat_events.setdefault(chat_id, asyncio.Event())
            event.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=max(0.0, deadline - time.monotonic()))
        return self.by_chat.get(chat_id, [])

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        return [c for c in self.calls if c.method == method and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)]

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 20.0, start: int = 0) -> Call:
        """Wait until the bot makes a call matching the predicate (looking at calls from index start)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.calls[start:]:
                if predicate(call):
                    return call
            await asyncio.sleep(0.02)
        raise AssertionError(f"no matching call within {timeout} s; calls: {[(c.method, c.params) for c in self.calls[start:]]}")

    async def wait_for_text(self, chat_id: int, needle: str, start: int = 0, timeout: float = 20.0) -> Call:
        return await self.wait_for(
            lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id and needle in c.params["text"],
            timeout, start,
        )

    async def wait_for_edit(self, chat_id: int, needle: str, start: int = 0, timeout: float = 20.0) -> Call:
        """Wait until the bot edits a message of a chat to a text containing needle."""
        return await self.wait_for(
            lambda c: c.method == "editMessageText" and int(c.params["chat_id"]) == chat_id and needle in c.params["text"],
            timeout, start,
        )

    # --- the Bot API -------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params = await self._params(request)
        method = request.match_info["method"]
        if method == "getUpdates":
            return await self._get_updates(params)
        call = Call(method, params)
        self.calls.append(call)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return self._ok(True)
        response = handler(params, call)
        if self.crash is not None and self.crash[0](call):
            os.kill(self.crash[1], signal.SIGKILL)
            self.crash = None
        if self.slow is not None and self.slow[0](call):
            seconds, self.slow = self.slow[1], None
            await asyncio.sleep(seconds)
        return response

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        params: dict[str, Any] = {}
        for key, value in (await request.post()).items():
            if hasattr(value, "file"):
                params[key] = value
                continue
            try:
                params[key] = json.loads(str(value))
            except ValueError:
                params[key] = str(value)
        return params

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        self.polling.set()
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self._arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout=min(float(params.get("timeout") or 0), 1.0) or 0.05)
        return self._ok(self.updates[:100])

    def _getMe(self, params: dict[str, Any], call: Call) -> web.Response:
        return self._ok({**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": True,
                         "supports_inline_queries": False})

    def _message(self, params: dict[str, Any], text: str) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "first_name": "x", "title": "Petugas"}
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": BOT_USER, "text": text}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _sendMessage(self, params: dict[str, Any], call: Call) -> web.Response:
        text = str(params.get("text", ""))
        if int(params["chat_id"]) in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        if self.flood > 0:
            self.flood -= 1
            return web.json_response({"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                                      "parameters": {"retry_after": 1}}, status=429)
        if not text.strip() or len(text.encode("utf-16-le", "surrogatepass")) // 2 > 4096:
            return self._error(400, "Bad Request: message text is empty or too long")
        if params.get("parse_mode") == "HTML" and (problem := html_problem(text)):
            return self._error(400, f"Bad Request: can't parse entities: {problem}")
        call.result = self._message(params, text)
        chat_id = int(params["chat_id"])
        self.by_chat.setdefault(chat_id, []).append(call)
        self._chat_events.setdefault(chat_id, asyncio.Event()).set()
        return self._ok(call.result)

    def _sendPhoto(self, params: dict[str, Any], call: Call) -> web.Response:
        photo = params.get("photo")
        data = getattr(photo, "file", None)
        body = data.read() if data else b""
        call.params["photo_bytes"] = body
        if not body.startswith(b"\x89PNG\r\n\x1a\n"):
            return self._error(400, "Bad Request: photo is not a valid image")
        call.result = {**self._message(params, ""), "photo": [{"file_id": "p", "file_unique_id": "p", "width": 700,
                                                                 "height": 350}]}
        del call.result["text"]
        return self._ok(call.result)

    def _editMessageText(self, params: dict[str, Any], call: Call) -> web.Response:
        text = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML" and (problem := html_problem(text)):
            return self._error(400, f"Bad Request: can't parse entities: {problem}")
        call.result = {**self._message(params, text), "message_id": int(params["message_id"])}
        return self._ok(call.result)

    def _copyMessage(self, params: dict[str, Any], call: Call) -> web.Response:
        if int(params["chat_id"]) in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        caption = str(params.get("caption", ""))
        if params.get("parse_mode") == "HTML" and (problem := html_problem(caption)):
            return self._error(400, f"Bad Request: can't parse entities: {problem}")
        call.result = {"message_id": next(self._message_ids)}
        return self._ok(call.result)

    def _editMessageReplyMarkup(self, params: dict[str, Any], call: Call) -> web.Response:
        call.result = {**self._message(params, "kartu"), "message_id": int(params["message_id"])}
        return self._ok(call.result)

    def _getChatMember(self, params: dict[str, Any], call: Call) -> web.Response:
        user_id = int(params["user_id"])
        status = self.members.get(user_id, "left")
        extra: dict[str, Any] = {"until_date": 0} if status == "kicked" else {}
        if status == "restricted":  # muted, and no longer in the group
            extra = {"is_member": False, "until_date": 0, **dict.fromkeys(RESTRICTED_RIGHTS, False)}
        if status == "administrator":
            rights = ("can_be_edited is_anonymous can_manage_chat can_delete_messages can_manage_video_chats "
                      "can_restrict_members can_promote_members can_change_info can_invite_users can_post_stories "
                      "can_edit_stories can_delete_stories").split()
            extra = dict.fromkeys(rights, False)
        return self._ok({"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "x"}, **extra})


RESTRICTED_RIGHTS = (
    "can_send_messages can_send_audios can_send_documents can_send_photos can_send_videos can_send_video_notes "
    "can_send_voice_notes can_send_polls can_send_other_messages can_add_web_page_previews can_change_info "
    "can_invite_users can_pin_messages can_manage_topics can_edit_tag can_react_to_messages"
).split()


def bot_process_env(fake: FakeTelegram, database: str, **extra: str) -> dict[str, str]:
    """Settings for a `python -m bot run` process that talks to this fake server."""
    import os

    return {
        **os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_PATH": database, "OFFICE_HOURS": "Mon-Sun 00:00-23:59", "LOG_LEVEL": "WARNING", **extra,
    }
