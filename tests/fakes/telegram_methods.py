"""Bot API method handlers and request validation for the fake Telegram server.

``BotApiMethods`` is a mixin of ``FakeTelegram`` (``telegram_api.py``): each
``api_<name>`` coroutine implements the Bot API method ``<name>`` (matched
case-insensitively) and either returns the ``result`` or raises :class:`ApiError`
with Telegram's status code and description.  The helpers here hold the Telegram
rules (who may be messaged, HTML/length limits, keyboard limits, flood control);
the state they read and write lives on ``FakeTelegram``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import json
import re
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from .telegram_html import HtmlParseError, parse_html, trim_text
from .telegram_models import (
    ApiError,
    CallbackAnswer,
    CallbackQueryRecord,
    ChatRecord,
    FileRecord,
    FloodControl,
    MessageRecord,
    RateLimits,
    SEND_METHODS,
    SendEvent,
    UserRecord,
    WebhookState,
    bad_request,
    forbidden,
)

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
TEXT_BUTTON = "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


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
class Poller:
    """The getUpdates request currently long-polling."""

    request: web.Request
    future: asyncio.Future


class BotApiMethods:
    """Bot API handlers; mixed into ``FakeTelegram``, whose state they use."""

    # State provided by FakeTelegram (annotated here for readers and type checkers).  The
    # handlers also use its helpers now(), _date(), get_message(), _store_file(),
    # _add_message(), _message_json() and _wake_poller().
    token: str
    bot_id: int
    bot: UserRecord
    users: dict[int, UserRecord]
    chats: dict[int, ChatRecord]
    files: dict[str, FileRecord]
    callback_queries: dict[str, CallbackQueryRecord]
    callback_answers: list[CallbackAnswer]
    accepted_sends: list[SendEvent]
    throttled: list[SendEvent]
    conflicts: list[float]
    chat_actions: list[tuple[float, int, str]]
    commands: dict[tuple[str, str], list[dict]]
    webhook: WebhookState
    rate_limits: RateLimits
    callback_query_timeout: float
    conflict_mode: str
    require_started: bool
    strict_html_ampersand: bool
    webhook_require_https: bool
    _flood: FloodControl
    _poller: Poller | None
    _updates: deque[dict]
    _allowed_updates: list[str] | None
    _closing: bool

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
                raise bad_request("can't parse inline keyboard: expected an Array of Arrays")
            for button in (b for row in rows for b in row):
                self._check_button(button)
        return markup

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request(TEXT_BUTTON)
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
        elif "url" in button:
            if not _public_url(str(button["url"])):
                raise bad_request("BUTTON_URL_INVALID")
        elif not set(button) - {"text"}:
            raise bad_request(TEXT_BUTTON)

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
            self._flood.limits = self.rate_limits
            retry_after = self._flood.acquire(chat.id, chat.is_group, now)
            if retry_after is not None:
                self.throttled.append(SendEvent(now, method, chat.id, retry_after))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}",
                               {"retry_after": retry_after})
        if method.lower() in SEND_METHODS | self.rate_limits.limited_methods:
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
            raise bad_request(f"wrong file identifier/HTTP URL specified ({record.kind}, not {kind})")
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
        me = Poller(request, asyncio.get_running_loop().create_future())
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
