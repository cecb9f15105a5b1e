"""Fake Telegram Bot API server for end-to-end tests (aiohttp, 127.0.0.1 only).

The real python-telegram-bot talks to it over HTTP instead of api.telegram.org::

    from tests.fakes.telegram_api import FakeTelegram

    async with FakeTelegram() as tg:
        app = (Application.builder().token(tg.token).base_url(tg.base_url)
               .base_file_url(tg.base_file_url).job_queue(None).build())
        ...start polling...
        tg.inject_message(42, text="/start")          # user 42 writes to the bot privately
        msg = await tg.wait_for_message(42)           # the bot's reply (a MessageRecord)
        qid = tg.click(42, msg, "Claim")              # press an inline button
        answer = await tg.wait_for_answer(qid)        # the bot's answerCallbackQuery

It enforces the Telegram behaviours a bot must cope with: 64-byte callback_data,
4096-char texts (after entity parsing), Telegram's HTML subset, public http(s) URL
buttons, "message is not modified", keyboard removal by editMessageText without
reply_markup, callback queries answerable once within ``callback_query_timeout``,
403 for users who never started the bot (or blocked it), 409 for a second getUpdates
poller or for getUpdates while a webhook is set, and flood control (429 with
retry_after; see ``RateLimits``).  Unknown methods answer ``ok/True`` and are
recorded in ``unhandled_calls``.  No request ever leaves the machine.

Overview (details in the docstrings):

* setup: ``add_user``, ``user_started``, ``user_blocked``, ``add_chat``, ``set_admins``,
  ``remove_bot``, ``add_file``, ``fail_next``, ``advance_time``, ``rate_limits``;
* updates: ``inject_message``, ``inject_callback``, ``click``, ``inject_update``;
  delivered by getUpdates, or to a webhook with ``deliver_webhook`` /
  ``post_webhook_update`` (or automatically with ``webhook_auto_deliver=True``);
* state: ``messages_to`` / ``messages_in`` / ``last_message`` / ``get_message``
  (``MessageRecord``: text, raw_text, parse_mode, entities, reply_markup, buttons,
  edits, document, photo, deleted), ``callback_answers`` / ``answer_for``, ``calls`` /
  ``calls_to``, ``accepted_sends``, ``throttled``, ``conflicts``, ``chat_actions``,
  ``commands`` / ``get_commands``, ``webhook``, ``files``, ``server_errors``;
* waiting: ``wait_for(predicate)``, ``wait_for_message``, ``wait_for_answer``.

The method handlers live in ``telegram_methods.py``, the records in
``telegram_models.py`` and the HTML parser in ``telegram_html.py``.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Literal

import aiohttp
from aiohttp import web

from .telegram_html import utf16_len
from .telegram_methods import BotApiMethods, Params, Poller, Upload
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
)

__all__ = ["ApiError", "DEFAULT_TOKEN", "FakeTelegram", "RateLimits"]

DEFAULT_TOKEN = "123456789:AAFakeTokenForGigbrokerE2E_abcdefghijk"
_USE_WEBHOOK_SECRET: Any = object()


class FakeTelegram(BotApiMethods):
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
        self._poller: Poller | None = None
        self._allowed_updates: list[str] | None = None
        self._time_offset = 0.0
        self._frozen_at: float | None = None
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
        await web.SockSite(self._runner, sock).start()
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
        base = self._frozen_at if self._frozen_at is not None else time.monotonic()
        return base + self._time_offset

    def freeze_time(self) -> None:
        """Stop the clock: only ``advance_time`` moves it (for tests of the limits'
        windows that must not depend on how fast a loaded machine runs them)."""
        self._frozen_at = time.monotonic()

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
        media_group_id: str | None = None,
    ) -> MessageRecord:
        """A user writes ``text`` (or sends a document/photo by file_id) in ``chat``
        (``media_group_id``: as one part of an album, which Telegram sends one
        message per file).

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
        payload = self._message_json(message)
        if media_group_id is not None:
            payload["media_group_id"] = media_group_id
        update = self.inject_update({"message": payload})
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
            if self.server_errors:
                raise AssertionError(f"the fake Telegram crashed: {self.server_errors!r}")
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [(c.method, c.status, c.description) for c in self.calls[-8:]]
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; "
                                     f"recent calls: {recent}")
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
        default_ext = "jpg" if kind == "photo" else "bin"
        ext = name.rpartition(".")[2] if name and "." in name else default_ext
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
