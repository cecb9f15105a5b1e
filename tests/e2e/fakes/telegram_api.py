"""Fake Telegram Bot API server for end-to-end tests (aiohttp, 127.0.0.1 only).

The real python-telegram-bot talks to it over HTTP instead of api.telegram.org::

    async with FakeTelegram() as tg:
        app = (Application.builder().token(tg.token)
               .base_url(tg.base_url).base_file_url(tg.base_file_url).build())
        tg.user_started(42)
        tg.inject_message(42, text="/start")          # delivered via getUpdates
        msg = await tg.wait_for_message(42)           # the bot's reply
        qid = tg.click(42, msg, "Claim")              # press an inline button
        answer = await tg.wait_for_answer(qid)

It enforces the Telegram behaviours the bot must cope with: 64-byte callback_data,
4096-char texts, Telegram's HTML subset, public http(s) URL buttons, "message is not
modified", keyboard removal on edit, callback queries answerable once within
``callback_query_timeout``, 403 for users who never started the bot, 409 for a second
getUpdates poller or getUpdates while a webhook is set, and flood control (429 with
retry_after).  All state is kept in plain records (``telegram_models.py``) so tests can
assert on what the bot sent.  Time used by flood control and callback expiry can be
moved forward with ``advance_time``.  No request ever leaves the machine.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import itertools
import json
import re
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .telegram_html import HtmlParseError, parse_html, trim_text, utf16_len
from .telegram_models import (
    ApiError,
    CallbackAnswer,
    CallbackQueryRecord,
    CallRecord,
    ChatRecord,
    FileRecord,
    FloodControl,
    MessageRecord,
    RateLimits,
    SendEvent,
    UserRecord,
    WebhookState,
    bad_request,
    forbidden,
)

__all__ = ["ApiError", "DEFAULT_TOKEN", "FakeTelegram", "RateLimits"]

DEFAULT_TOKEN = "123456789:AAFakeTokenForGigbrokerE2E_abcdefghijk"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
GETUPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_USE_WEBHOOK_SECRET: Any = object()


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes


class Params:
    """Request parameters (query + form/multipart/JSON body) with Bot-API-ish parsing."""

    def __init__(self, values: dict[str, Any]):
        self.values = values

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        return value if not isinstance(value, str) or value != "" else default

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        return value if isinstance(value, str) else None

    def integer(self, key: str, default: int | None = None) -> int | None:
        value = self.get(key)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'invalid parameter "{key}"') from None

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def json(self, key: str) -> Any:
        value = self.get(key)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {key} JSON object") from None

    def loggable(self) -> dict:
        return {
            key: {"filename": v.filename, "size": len(v.content)} if isinstance(v, Upload) else v
            for key, v in self.values.items()
        }


@dataclass
class _Poller:
    request: web.Request
    future: asyncio.Future


class FakeTelegram:
    """In-process fake of the Telegram Bot API; see the module docstring for usage."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "gigbroker_test_bot",
        bot_name: str = "Gigbroker Test",
        rate_limits: RateLimits | None = None,
        callback_query_timeout: float = 15.0,
        conflict_mode: Literal["terminate_previous", "reject_new"] = "terminate_previous",
        require_started: bool = True,
        strict_html_ampersand: bool = True,
        strict_unknown_methods: bool = False,
        webhook_require_https: bool = False,
        webhook_auto_deliver: bool = False,
    ):
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot = UserRecord(self.bot_id, bot_name, username=bot_username, is_bot=True,
                              language_code=None)
        self.rate_limits = rate_limits or RateLimits()
        self.callback_query_timeout = callback_query_timeout
        self.conflict_mode = conflict_mode
        self.require_started = require_started
        self.strict_html_ampersand = strict_html_ampersand
        self.strict_unknown_methods = strict_unknown_methods
        self.webhook_require_https = webhook_require_https
        self.webhook_auto_deliver = webhook_auto_deliver

        # ---- state for assertions
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.messages: dict[int, list[MessageRecord]] = {}  # chat id -> all messages
        self.files: dict[str, FileRecord] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.calls: list[CallRecord] = []
        self.unhandled_calls: list[CallRecord] = []  # unknown methods (answered ok/True)
        self.accepted_sends: list[SendEvent] = []
        self.throttled: list[SendEvent] = []  # every 429
        self.conflicts: list[float] = []  # every 409 given to a live getUpdates poller
        self.chat_actions: list[tuple[float, int, str]] = []
        self.commands: dict[tuple[str, str], list[dict]] = {}  # (scope json, lang) -> commands
        self.webhook = WebhookState()
        self.dropped_updates: list[dict] = []  # filtered out by allowed_updates
        self.server_errors: list[BaseException] = []  # bugs in the fake itself

        self._flood = FloodControl(self.rate_limits)
        self._updates: deque[dict] = deque()
        self._update_ids = itertools.count(1000)
        self._message_ids: dict[int, itertools.count] = {}
        self._file_seq = itertools.count(1)
        self._query_seq = itertools.count(7_000_000_001)
        self._faults: dict[str, deque[ApiError]] = {}
        self._poller: _Poller | None = None
        self._allowed_updates: list[str] | None = None
        self._time_offset = 0.0
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._delivery: asyncio.Task | None = None
        self.port: int | None = None
        self._handlers: dict[str, Callable] = {
            name[len("api_"):].lower(): getattr(self, name)
            for name in dir(self)
            if name.startswith("api_")
        }

    # ================================================================== lifecycle

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, shutdown_timeout=1.0).start()
        return self

    async def stop(self) -> None:
        self._closing = True
        self._wake_poller("closed")
        if self._delivery is not None and not self._delivery.done():
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder.base_file_url`` (PTB appends the token)."""
        return f"{self.url}/file/bot"

    # ================================================================== time

    def now(self) -> float:
        """Monotonic clock used for flood control and callback expiry."""
        return time.monotonic() + self._time_offset

    def advance_time(self, seconds: float) -> None:
        """Pretend ``seconds`` have passed (expires callbacks, refills rate buckets)."""
        self._time_offset += seconds

    def _date(self) -> int:
        return int(time.time() + self._time_offset)

    # ================================================================== test-side setup

    def add_user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
        started: bool = False,
        is_bot: bool = False,
    ) -> UserRecord:
        """Register a user (and their private chat with the bot); idempotent."""
        if user_id in self.users:
            return self.users[user_id]
        user = UserRecord(user_id, first_name or f"User{user_id}", last_name, username,
                          language_code, is_bot, started)
        self.users[user_id] = user
        self.chats[user_id] = ChatRecord(user_id, "private", username=username,
                                         first_name=user.first_name, last_name=last_name)
        return user

    def user_started(self, user_id: int) -> UserRecord:
        """Mark that the user pressed Start, so the bot may message them privately."""
        user = self.add_user(user_id)
        user.started, user.blocked = True, False
        return user

    def user_blocked(self, user_id: int) -> UserRecord:
        """The user blocked the bot: private sends get 403 "bot was blocked by the user"."""
        user = self.add_user(user_id)
        user.blocked = True
        return user

    def add_chat(
        self,
        chat_id: int,
        type: str = "supergroup",  # noqa: A002 - Bot API name
        title: str | None = None,
        *,
        username: str | None = None,
        members: Iterable[int] = (),
    ) -> ChatRecord:
        """Register a group/supergroup/channel the bot is a member of; idempotent."""
        if chat_id in self.chats:
            return self.chats[chat_id]
        if type not in ("group", "supergroup", "channel"):
            raise ValueError("use add_user() for private chats")
        chat = ChatRecord(chat_id, type, title or f"Chat {chat_id}", username=username)
        for member in members:
            chat.members.add(self.add_user(member).id)
        self.chats[chat_id] = chat
        return chat

    def set_admins(self, chat_id: int, user_ids: Iterable[int], *, creator: int | None = None) -> None:
        """Configure getChatMember/getChatAdministrators; include ``bot_id`` to make the bot admin."""
        chat = self._chat_arg(chat_id)
        chat.admins = [self.add_user(uid).id if uid != self.bot_id else uid for uid in user_ids]
        chat.members.update(chat.admins)
        if creator is not None:
            chat.creator = self.add_user(creator).id
            chat.members.add(creator)

    def remove_bot(self, chat_id: int, *, kicked: bool = True) -> None:
        """The bot was kicked from (or left) a group: sends get 403."""
        self._chat_arg(chat_id).bot_status = "kicked" if kicked else "left"

    def add_file(
        self,
        content: bytes = b"%PDF-1.4 fake\n",
        file_name: str | None = "file.pdf",
        mime_type: str | None = "application/pdf",
        *,
        kind: Literal["document", "photo"] = "document",
    ) -> FileRecord:
        """Store a file as if a user had uploaded it; use ``.file_id`` in inject_message."""
        return self._store_file(kind, content, file_name, mime_type)

    def fail_next(
        self,
        method: str,
        error_code: int = 500,
        description: str = "Internal Server Error",
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with the given error."""
        params = {"retry_after": retry_after} if retry_after is not None else None
        queue = self._faults.setdefault(method.lower(), deque())
        queue.extend(ApiError(error_code, description, params) for _ in range(times))

    def reset_rate_limits(self) -> None:
        self._flood.reset()

    # ================================================================== injecting updates

    def inject_update(self, update: dict) -> dict:
        """Queue a raw update (``update_id`` is assigned); returns it."""
        update = {"update_id": next(self._update_ids), **update}
        if self._allowed_updates and not any(k in update for k in self._allowed_updates):
            self.dropped_updates.append(update)
            return update
        self._updates.append(update)
        self._wake_poller("update")
        self._notify()
        if self.webhook.url and self.webhook_auto_deliver and not self._closing:
            if self._delivery is None or self._delivery.done():
                self._delivery = asyncio.get_running_loop().create_task(self.deliver_webhook())
        return update

    def inject_message(
        self,
        user: int | UserRecord,
        chat: int | ChatRecord | None = None,
        text: str | None = None,
        *,
        document: str | FileRecord | None = None,
        photo: str | FileRecord | None = None,
        caption: str | None = None,
        entities: list[dict] | None = None,
        reply_to: MessageRecord | int | None = None,
        message_thread_id: int | None = None,
    ) -> MessageRecord:
        """A user writes ``text`` (or sends a document/photo by file_id) in ``chat``.

        ``chat`` defaults to the user's private chat with the bot (which also marks the
        user as started).  A leading "/command" gets a bot_command entity.  Returns the
        stored message; its ``update_id`` is the queued update's id.
        """
        sender = self._user_arg(user)
        target = self.chats[sender.id] if chat is None else self._chat_arg(chat)
        if target.type == "private":
            if target.id != sender.id:
                raise ValueError("a private chat only contains its user and the bot")
            sender.started = True
        else:
            target.members.add(sender.id)
        if entities is None and text and text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        reply_id = reply_to.message_id if isinstance(reply_to, MessageRecord) else reply_to
        message = self._add_message(
            target,
            sender.to_api(),
            from_bot=False,
            text=text,
            raw_text=text,
            entities=entities or [],
            caption=caption,
            raw_caption=caption,
            document=self._file_arg(document, "document"),
            photo=self._file_arg(photo, "photo"),
            reply_to_message_id=reply_id,
            message_thread_id=message_thread_id,
        )
        update = self.inject_update({"message": self._message_json(message)})
        message.update_id = update["update_id"]
        return message

    def inject_callback(
        self,
        user: int | UserRecord,
        message: MessageRecord,
        data: str,
        *,
        allow_forged: bool = False,
    ) -> str:
        """The user presses the inline button carrying ``data``; returns the query id.

        Unless ``allow_forged``, ``data`` must belong to a button of the (not deleted)
        message, as with a genuine Telegram client.
        """
        sender = self._user_arg(user)
        if not allow_forged:
            if message.deleted:
                raise ValueError("message was deleted; pass allow_forged=True to click anyway")
            if data not in [b.get("callback_data") for b in message.buttons]:
                raise ValueError(f"no button with callback_data {data!r} in {message.buttons}")
        query_id = str(next(self._query_seq))
        self.callback_queries[query_id] = CallbackQueryRecord(
            query_id, sender.id, message.chat_id, message.message_id, data, self.now()
        )
        self.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": sender.to_api(),
                    "message": self._message_json(message),
                    "chat_instance": str(abs(message.chat_id) * 7 + 3),
                    "data": data,
                }
            }
        )
        return query_id

    def click(self, user: int | UserRecord, message: MessageRecord, button_text: str) -> str:
        """Press the callback button labelled ``button_text``; returns the query id."""
        button = message.button(button_text)
        if "callback_data" not in button:
            raise ValueError(f"button {button_text!r} is not a callback button: {button}")
        return self.inject_callback(user, message, button["callback_data"])

    @property
    def pending_updates(self) -> list[dict]:
        return list(self._updates)

    # ================================================================== reading state

    def messages_in(self, chat_id: int, *, include_deleted: bool = False) -> list[MessageRecord]:
        """Every message in the chat (users' and the bot's), oldest first."""
        return [m for m in self.messages.get(chat_id, []) if include_deleted or not m.deleted]

    def messages_to(self, chat_id: int, *, include_deleted: bool = False) -> list[MessageRecord]:
        """Messages the bot sent to the chat, oldest first."""
        return [m for m in self.messages_in(chat_id, include_deleted=include_deleted) if m.from_bot]

    def last_message(self, chat_id: int) -> MessageRecord | None:
        """The bot's most recent (not deleted) message in the chat."""
        sent = self.messages_to(chat_id)
        return sent[-1] if sent else None

    def get_message(self, chat_id: int, message_id: int) -> MessageRecord | None:
        for message in self.messages.get(chat_id, []):
            if message.message_id == message_id:
                return message
        return None

    def answer_for(self, query_id: str) -> CallbackAnswer | None:
        return next((a for a in self.callback_answers if a.query_id == query_id), None)

    def calls_to(self, method: str) -> list[CallRecord]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def get_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return self.commands.get((self._scope_key(scope), language_code), [])

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 5.0, *, what: str = "condition"
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every state change); return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            result = predicate()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [(c.method, c.status, c.description) for c in self.calls[-8:]]
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; "
                                     f"recent calls: {recent}; fake errors: {self.server_errors}")
            try:
                await asyncio.wait_for(changed.wait(), min(remaining, 0.25))
            except TimeoutError:
                pass

    async def wait_for_message(
        self,
        chat_id: int,
        *,
        contains: str | None = None,
        after: int = 0,
        timeout: float = 5.0,
    ) -> MessageRecord:
        """Wait for a bot message in ``chat_id`` with message_id > ``after`` (and text)."""

        def find() -> MessageRecord | None:
            for message in self.messages_to(chat_id):
                body = message.text or message.caption or ""
                if message.message_id > after and (contains is None or contains in body):
                    return message
            return None

        return await self.wait_for(find, timeout, what=f"bot message in chat {chat_id}")

    async def wait_for_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        return await self.wait_for(lambda: self.answer_for(query_id), timeout,
                                   what=f"answerCallbackQuery {query_id}")

    # ================================================================== webhook delivery

    async def deliver_webhook(self) -> list[int]:
        """POST queued updates to the webhook in order; stops at the first non-2xx.

        Returns the HTTP statuses (0 = connection failed).  A failed update stays queued,
        as Telegram would retry it.
        """
        statuses = []
        while self._updates and self.webhook.url:
            update = self._updates[0]
            status = await self.post_webhook_update(update)
            statuses.append(status)
            if not 200 <= status < 300:
                break
            if self._updates and self._updates[0] is update:
                self._updates.popleft()
        return statuses

    async def post_webhook_update(
        self, update: dict, *, secret_token: str | None = _USE_WEBHOOK_SECRET, url: str | None = None
    ) -> int:
        """POST one update like Telegram does; ``secret_token`` overrides the header (None omits it)."""
        target = url or self.webhook.url
        if not target:
            raise RuntimeError("no webhook set")
        if secret_token is _USE_WEBHOOK_SECRET:
            secret_token = self.webhook.secret_token
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        try:
            async with self._session.post(target, data=json.dumps(update), headers=headers) as resp:
                await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, error = 0, f"Connection failed: {exc!r}"
        else:
            error = None if 200 <= status < 300 else f"Wrong response from the webhook: {status}"
        if error:
            self.webhook.last_error_date, self.webhook.last_error_message = self._date(), error
        self.webhook.deliveries.append((update.get("update_id", 0), status))
        self._notify()
        return status

    # ================================================================== HTTP plumbing

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _read_params(self, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                values.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        value = Upload(value.filename, value.content_type, value.file.read())
                    values[key] = value
        return Params(values)

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except (ValueError, aiohttp.ClientError):
            params = Params({})
        record = CallRecord(method, params.loggable(), self.now())
        self.calls.append(record)
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            faults = self._faults.get(method.lower())
            if faults:
                raise faults.popleft()
            handler = self._handlers.get(method.lower())
            if handler is None:
                if self.strict_unknown_methods:
                    raise ApiError(404, "Not Found")
                self.unhandled_calls.append(record)
                result: Any = True
            else:
                result = await handler(params, request)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.code, err.body()
            record.description = err.description
        except Exception as exc:  # a bug in the fake: make it loud in wait_for()
            self.server_errors.append(exc)
            status = 500
            body = {"ok": False, "error_code": 500, "description": f"fake telegram crashed: {exc!r}"}
            record.description = body["description"]
        record.status = status
        self._notify()
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for record in self.files.values():
            if record.file_path == path and record.content is not None:
                return web.Response(body=record.content,
                                    content_type=record.mime_type or "application/octet-stream")
        return web.Response(status=404)

    # ================================================================== shared helpers

    def _user_arg(self, user: int | UserRecord) -> UserRecord:
        return user if isinstance(user, UserRecord) else self.add_user(int(user))

    def _chat_arg(self, chat: int | ChatRecord) -> ChatRecord:
        if isinstance(chat, ChatRecord):
            return chat
        if chat in self.chats:
            return self.chats[chat]
        if chat > 0:
            return self.chats[self.add_user(chat).id]
        return self.add_chat(chat, "supergroup" if chat <= -1_000_000_000_000 else "group")

    def _file_arg(self, value: str | FileRecord | None, kind: str) -> FileRecord | None:
        if value is None or isinstance(value, FileRecord):
            return value
        record = self.files.get(value)
        if record is None or record.kind != kind:
            raise ValueError(f"unknown {kind} file_id {value!r}; create it with add_file()")
        return record

    def _store_file(self, kind: str, content: bytes, name: str | None, mime: str | None) -> FileRecord:
        seq = next(self._file_seq)
        prefix = "BQAC" if kind == "document" else "AgAC"
        ext = (name or "").rpartition(".")[2] if name and "." in name else ("jpg" if kind == "photo" else "bin")
        folder = "documents" if kind == "document" else "photos"
        record = FileRecord(
            file_id=f"{prefix}fake{seq:06d}{'x' * 20}",
            file_unique_id=f"AQAD{seq:06d}",
            kind=kind,
            file_name=name if kind == "document" else None,
            mime_type=mime if kind == "document" else None,
            content=content,
            size=len(content),
            file_path=f"{folder}/file_{seq}.{ext}",
        )
        self.files[record.file_id] = record
        return record

    def _add_message(self, chat: ChatRecord, sender: dict, *, from_bot: bool, **fields: Any) -> MessageRecord:
        counter = self._message_ids.setdefault(chat.id, itertools.count(1))
        message = MessageRecord(chat.to_api(), next(counter), sender, self._date(), from_bot, **fields)
        self.messages.setdefault(chat.id, []).append(message)
        return message

    def _message_json(self, message: MessageRecord) -> dict:
        reply = None
        if message.reply_to_message_id is not None:
            target = self.get_message(message.chat_id, message.reply_to_message_id)
            reply = target.to_api() if target is not None else None
        return message.to_api(reply)

    def _wake_poller(self, reason: str) -> None:
        if self._poller is not None and not self._poller.future.done():
            self._poller.future.set_result(reason)

    @staticmethod
    def _scope_key(scope: dict | None) -> str:
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    def _resolve_chat(self, raw: Any) -> ChatRecord:
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == raw[1:].lower() and chat.type != "private":
                    return chat
            raise bad_request("chat not found")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if chat_id not in self.chats:
            raise bad_request("chat not found")
        return self.chats[chat_id]

    def _check_can_send(self, chat: ChatRecord) -> None:
        if chat.type == "private":
            user = self.users[chat.id]
            if user.is_bot:
                raise forbidden("bot can't send messages to bots")
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if self.require_started and not user.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        if chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        if chat.type == "channel" and self.bot_id not in chat.admins:
            raise bad_request("need administrator rights in the channel chat")

    def _format(self, text: Any, parse_mode: str | None, entities: Any, *, caption: bool) -> tuple[str, list]:
        """Apply parse_mode; returns (plain text, entities) or raises the Telegram error."""
        limit = CAPTION_LIMIT if caption else TEXT_LIMIT
        text = text if isinstance(text, str) else ""
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                parsed = parse_html(text, strict_ampersand=self.strict_html_ampersand)
            except HtmlParseError as err:
                raise bad_request(f"can't parse entities: {err}") from None
            plain, found = parsed.text, parsed.entities
        elif mode in ("markdown", "markdownv2", ""):
            # Markdown is stored verbatim (not validated); explicit entities pass through.
            plain, found = trim_text(text, [])[0], list(entities or [])
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r}")
        if not plain and not caption:
            raise bad_request("message text is empty")
        if len(plain) > limit:
            raise bad_request("message caption is too long" if caption else "message is too long")
        return plain, found

    def _reply_markup(self, params: Params) -> dict | None:
        markup = params.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request("can't parse inline keyboard button: field \"inline_keyboard\" must be an Array of Arrays")
            for button in (b for row in rows for b in row):
                self._check_button(button)
        return markup

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
        elif "url" in button:
            if not _public_url(str(button["url"])):
                raise bad_request("BUTTON_URL_INVALID")
        elif not set(button) - {"text"}:
            raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")

    def _reply_to(self, chat: ChatRecord, params: Params) -> int | None:
        reply = params.json("reply_parameters") or {}
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        message_id = message_id or params.integer("reply_to_message_id")
        if message_id is None:
            return None
        target = self.get_message(chat.id, int(message_id))
        if target is None or target.deleted:
            allow = reply.get("allow_sending_without_reply") or params.flag("allow_sending_without_reply")
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return target.message_id

    def _throttle(self, method: str, chat: ChatRecord) -> None:
        """Flood control; on success records the accepted send."""
        now = self.now()
        if self.rate_limits.enabled and method.lower() in self.rate_limits.limited_methods:
            retry_after = self._flood.acquire(chat.id, chat.is_group, now)
            if retry_after is not None:
                self.throttled.append(SendEvent(now, method, chat.id, retry_after))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}",
                               {"retry_after": retry_after})
        self.accepted_sends.append(SendEvent(now, method, chat.id))

    def _editable(self, params: Params) -> MessageRecord:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the fake")
        chat = self._resolve_chat(params.get("chat_id"))
        message_id = params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self.get_message(chat.id, message_id)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _input_file(self, params: Params, kind: str) -> FileRecord:
        value = params.values.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.values.get(value[len("attach://"):])
        if isinstance(value, Upload):
            if not value.content:
                raise bad_request("file must be non-empty")
            return self._store_file(kind, value.content, value.filename, value.content_type)
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")  # the fake has no internet
        record = self.files.get(value)
        if record is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if record.kind != kind:
            raise bad_request(f"wrong file identifier/HTTP URL specified: can't use file of type {record.kind} as {kind}")
        return record

    def _member_json(self, chat: ChatRecord, user_id: int) -> dict:
        user = self.bot if user_id == self.bot_id else self.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        data = {"user": user.to_api()}
        if chat.type == "private":
            return {"status": "member", **data}
        if user_id == chat.creator:
            return {"status": "creator", "is_anonymous": False, **data}
        if user_id in chat.admins:
            rights = dict.fromkeys(
                "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
                "can_change_info can_invite_users can_post_stories can_edit_stories "
                "can_delete_stories can_pin_messages".split(), True)
            return {"status": "administrator", "can_be_edited": False, "is_anonymous": False,
                    "can_promote_members": False, **rights, **data}
        if user_id == self.bot_id:
            status = chat.bot_status
        else:
            status = "member" if user_id in chat.members else "left"
        return {"status": status, **data, **({"until_date": 0} if status == "kicked" else {})}

    # ================================================================== Bot API methods
    # Each api_<name> handles the Bot API method <name> (case-insensitive).

    async def api_getMe(self, params: Params, request: web.Request) -> dict:
        return {
            **self.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def api_logOut(self, params: Params, request: web.Request) -> bool:
        return True

    async def api_close(self, params: Params, request: web.Request) -> bool:
        return True

    async def api_getUpdates(self, params: Params, request: web.Request) -> list[dict]:
        if self.webhook.url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = params.integer("offset")
        limit = min(max(params.integer("limit", 100), 1), 100)
        timeout = max(0.0, float(params.get("timeout", 0) or 0))
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self._allowed_updates = list(allowed) or None
        if offset is not None:
            if offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            else:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
        await self._claim_polling(request)
        me = _Poller(request, asyncio.get_running_loop().create_future())
        self._poller = me
        try:
            deadline = asyncio.get_running_loop().time() + timeout
            while not self._updates and not self._closing:
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                done, _ = await asyncio.wait({me.future}, timeout=remaining)
                if not done:
                    break
                reason = me.future.result()
                if reason == "conflict":
                    raise ApiError(409, GETUPDATES_CONFLICT)
                if reason in ("closed", "abandoned"):
                    break
                me.future = asyncio.get_running_loop().create_future()
        finally:
            if self._poller is me:
                self._poller = None
        return list(itertools.islice(self._updates, limit))

    async def _claim_polling(self, request: web.Request) -> None:
        """Handle a getUpdates arriving while another one is still waiting."""
        previous = self._poller
        if previous is None or previous.future.done():
            return
        await asyncio.sleep(0.01)  # let the loop notice a client that already hung up
        if previous.future.done():
            return
        transport = previous.request.transport
        if transport is None or transport.is_closing():
            previous.future.set_result("abandoned")  # stale poll of a stopped client
            return
        self.conflicts.append(self.now())
        if self.conflict_mode == "reject_new":
            raise ApiError(409, GETUPDATES_CONFLICT)
        previous.future.set_result("conflict")  # Telegram: the older request is terminated

    async def api_setWebhook(self, params: Params, request: web.Request) -> bool:
        url = params.get("url") or ""
        if not url:
            return await self.api_deleteWebhook(params, request)
        scheme = urlsplit(url).scheme
        if scheme != "https" and (self.webhook_require_https or scheme != "http"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        self._wake_poller("closed")
        self.webhook.url, self.webhook.secret_token = url, secret
        self.webhook.allowed_updates = params.json("allowed_updates")
        self.webhook.max_connections = params.integer("max_connections", 40)
        self._allowed_updates = self.webhook.allowed_updates or None
        return True

    async def api_deleteWebhook(self, params: Params, request: web.Request) -> bool:
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook.url, self.webhook.secret_token = "", None
        return True

    async def api_getWebhookInfo(self, params: Params, request: web.Request) -> dict:
        info: dict[str, Any] = {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook.url:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates:
                info["allowed_updates"] = self.webhook.allowed_updates
            if self.webhook.last_error_message:
                info["last_error_date"] = self.webhook.last_error_date
                info["last_error_message"] = self.webhook.last_error_message
        return info

    async def api_sendMessage(self, params: Params, request: web.Request) -> dict:
        chat = self._resolve_chat(params.get("chat_id"))
        self._check_can_send(chat)
        text, entities = self._format(params.text("text"), params.get("parse_mode"),
                                      params.json("entities"), caption=False)
        markup = self._reply_markup(params)
        reply_to = self._reply_to(chat, params)
        self._throttle("sendMessage", chat)
        message = self._add_message(
            chat, self.bot.to_api(), from_bot=True, text=text, raw_text=params.text("text"),
            parse_mode=params.get("parse_mode"), entities=entities, reply_markup=markup,
            reply_to_message_id=reply_to, message_thread_id=params.integer("message_thread_id"),
            params=params.loggable(),
        )
        return self._message_json(message)

    async def _send_file(self, params: Params, kind: str, method: str) -> dict:
        chat = self._resolve_chat(params.get("chat_id"))
        self._check_can_send(chat)
        caption, caption_entities = self._format(params.text("caption"), params.get("parse_mode"),
                                                 params.json("caption_entities"), caption=True)
        markup = self._reply_markup(params)
        reply_to = self._reply_to(chat, params)
        record = self._input_file(params, kind)
        self._throttle(method, chat)
        message = self._add_message(
            chat, self.bot.to_api(), from_bot=True, caption=caption or None,
            raw_caption=params.text("caption"), parse_mode=params.get("parse_mode"),
            caption_entities=caption_entities, reply_markup=markup, reply_to_message_id=reply_to,
            message_thread_id=params.integer("message_thread_id"), params=params.loggable(),
            **{kind: record},
        )
        return self._message_json(message)

    async def api_sendDocument(self, params: Params, request: web.Request) -> dict:
        return await self._send_file(params, "document", "sendDocument")

    async def api_sendPhoto(self, params: Params, request: web.Request) -> dict:
        return await self._send_file(params, "photo", "sendPhoto")

    async def api_editMessageText(self, params: Params, request: web.Request) -> dict:
        message = self._editable(params)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._format(params.text("text"), params.get("parse_mode"),
                                      params.json("entities"), caption=False)
        markup = self._reply_markup(params)  # absent -> the keyboard is removed
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._throttle("editMessageText", self.chats[message.chat_id])
        message.edits.append(message.snapshot(self.now()))
        message.text, message.raw_text, message.entities = text, params.text("text"), entities
        message.parse_mode, message.reply_markup = params.get("parse_mode"), markup
        message.edit_date = self._date()
        return self._message_json(message)

    async def api_editMessageCaption(self, params: Params, request: web.Request) -> dict:
        message = self._editable(params)
        if message.document is None and message.photo is None:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._format(params.text("caption"), params.get("parse_mode"),
                                         params.json("caption_entities"), caption=True)
        markup = self._reply_markup(params)
        if ((caption or None), entities, markup) == (message.caption, message.caption_entities,
                                                     message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._throttle("editMessageCaption", self.chats[message.chat_id])
        message.edits.append(message.snapshot(self.now()))
        message.caption, message.raw_caption = caption or None, params.text("caption")
        message.caption_entities, message.reply_markup = entities, markup
        message.edit_date = self._date()
        return self._message_json(message)

    async def api_editMessageReplyMarkup(self, params: Params, request: web.Request) -> dict:
        message = self._editable(params)
        markup = self._reply_markup(params)
        if markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        self._throttle("editMessageReplyMarkup", self.chats[message.chat_id])
        message.edits.append(message.snapshot(self.now()))
        message.reply_markup = markup
        message.edit_date = self._date()
        return self._message_json(message)

    async def api_deleteMessage(self, params: Params, request: web.Request) -> bool:
        chat = self._resolve_chat(params.get("chat_id"))
        message = self.get_message(chat.id, params.integer("message_id", 0))
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        if chat.is_group and not message.from_bot and self.bot_id not in chat.admins:
            raise bad_request("message can't be deleted")
        message.deleted = True
        return True

    async def api_answerCallbackQuery(self, params: Params, request: web.Request) -> bool:
        query = self.callback_queries.get(params.get("callback_query_id") or "")
        if (query is None or query.answered
                or self.now() - query.created_at > self.callback_query_timeout):
            raise bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        self.callback_answers.append(CallbackAnswer(
            query.id, text, params.flag("show_alert"), params.get("url"),
            params.integer("cache_time", 0), self.now()))
        return True

    async def api_getFile(self, params: Params, request: web.Request) -> dict:
        record = self.files.get(params.get("file_id") or "")
        if record is None:
            raise bad_request("invalid file_id")
        return record.file_api()

    async def api_getChat(self, params: Params, request: web.Request) -> dict:
        return self._resolve_chat(params.get("chat_id")).full_info()

    async def api_getChatMember(self, params: Params, request: web.Request) -> dict:
        chat = self._resolve_chat(params.get("chat_id"))
        user_id = params.integer("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        return self._member_json(chat, user_id)

    async def api_getChatAdministrators(self, params: Params, request: web.Request) -> list[dict]:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        ids = ([chat.creator] if chat.creator is not None else []) + [
            uid for uid in chat.admins if uid != chat.creator]
        return [self._member_json(chat, uid) for uid in ids]

    async def api_sendChatAction(self, params: Params, request: web.Request) -> bool:
        chat = self._resolve_chat(params.get("chat_id"))
        self._check_can_send(chat)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((self.now(), chat.id, action))
        return True

    async def api_setMyCommands(self, params: Params, request: web.Request) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_arg(params)
        self.commands[key] = [{"command": c["command"], "description": c["description"]}
                              for c in commands]
        return True

    async def api_getMyCommands(self, params: Params, request: web.Request) -> list[dict]:
        return self.commands.get(self._scope_arg(params), [])

    async def api_deleteMyCommands(self, params: Params, request: web.Request) -> bool:
        self.commands.pop(self._scope_arg(params), None)
        return True

    def _scope_arg(self, params: Params) -> tuple[str, str]:
        scope = params.json("scope")
        if scope is not None:
            if not isinstance(scope, dict) or "type" not in scope:
                raise bad_request("can't parse BotCommandScope JSON object")
            if "chat_id" in scope:
                self._resolve_chat(scope["chat_id"])
        language = params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return self._scope_key(scope), language


def _public_url(url: str) -> bool:
    """Telegram accepts tg:// and public http(s) URLs only in URL buttons."""
    parts = urlsplit(url)
    if parts.scheme == "tg":
        return True
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and not host.endswith(".")
    return not (address.is_loopback or address.is_private or address.is_unspecified
                or address.is_link_local)
