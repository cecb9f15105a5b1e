"""State records and flood control for the fake Telegram Bot API (see ``telegram_api.py``).

Everything here is plain data that tests read for assertions: users, chats, files,
messages (with their edit history), callback queries and their answers, the call
log, and the token buckets that produce Telegram-style 429 responses.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

SEND_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendsticker",
        "sendmediagroup",
        "sendlocation",
        "sendcontact",
        "sendpoll",
        "copymessage",
        "forwardmessage",
    }
)
EDIT_METHODS = frozenset({"editmessagetext", "editmessagecaption", "editmessagereplymarkup"})


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status == error_code."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


# --------------------------------------------------------------------------- flood control


@dataclass
class RateLimits:
    """Telegram's (approximate, documented) flood limits; mutate freely in tests.

    The global limit is a sliding window: at most ``global_per_second`` sends in any
    ``global_window`` (1 s), however they are spread, so a bot bursting 40 messages in
    its first second is refused 10 of them.  Per chat and per group the limits are
    token buckets: ``*_burst`` messages may go out at once, then the bucket refills at
    the steady rate.  Only methods in ``limited_methods`` (lower-case Bot API names;
    sends by default, add ``EDIT_METHODS`` to throttle edits) count.
    """

    enabled: bool = True
    global_per_second: float = 30.0
    global_window: float = 1.0
    chat_per_second: float = 1.0
    chat_burst: int = 5
    group_per_minute: float = 20.0
    group_burst: int = 20
    limited_methods: frozenset[str] = SEND_METHODS


class TokenBucket:
    def __init__(self, rate_per_second: float, capacity: int, now: float):
        self.rate = rate_per_second
        self.capacity = capacity
        self.tokens = float(capacity)
        self.stamp = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if available now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class SlidingWindow:
    """At most ``limit`` events in any ``window`` seconds (the times of the last ones kept)."""

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def wait_time(self, limit: int, window: float, now: float) -> float:
        while self.times and self.times[0] <= now - window:
            self.times.popleft()
        if len(self.times) < max(limit, 1):
            return 0.0
        return self.times[len(self.times) - max(limit, 1)] + window - now

    def take(self, now: float) -> None:
        self.times.append(now)


class FloodControl:
    """Global, per-chat and per-group buckets; ``acquire`` returns retry_after or None."""

    def __init__(self, limits: RateLimits):
        self.limits = limits
        self.reset()

    def reset(self) -> None:
        self._global = SlidingWindow()
        self._chats: dict[int, TokenBucket] = {}
        self._groups: dict[int, TokenBucket] = {}

    def acquire(self, chat_id: int, is_group: bool, now: float) -> int | None:
        lim = self.limits  # read on every call so tests may change limits at any time
        chat = self._chats.setdefault(chat_id, TokenBucket(lim.chat_per_second, lim.chat_burst, now))
        buckets = [(chat, lim.chat_per_second, lim.chat_burst)]
        if is_group:
            group = self._groups.setdefault(
                chat_id, TokenBucket(lim.group_per_minute / 60.0, lim.group_burst, now)
            )
            buckets.append((group, lim.group_per_minute / 60.0, lim.group_burst))
        for bucket, rate, capacity in buckets:
            bucket.rate, bucket.capacity = rate, capacity
        wait = max([bucket.wait_time(now) for bucket, _, _ in buckets] + [
            self._global.wait_time(int(lim.global_per_second), lim.global_window, now)])
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket, _, _ in buckets:
            bucket.take()
        self._global.take(now)
        return None


# --------------------------------------------------------------------------- entities


@dataclass
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False
    started: bool = False  # has the user pressed Start / written to the bot in private?
    blocked: bool = False  # has the user blocked the bot?

    def to_api(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class ChatRecord:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None  # private chats
    last_name: str | None = None
    creator: int | None = None
    admins: list[int] = field(default_factory=list)
    members: set[int] = field(default_factory=set)
    bot_status: str = "member"  # member | left | kicked (administrator if bot id in admins)

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_api(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    def full_info(self) -> dict:
        """A ChatFullInfo object (what getChat returns)."""
        return {
            **self.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    kind: str  # document | photo
    file_name: str | None = None
    mime_type: str | None = None
    content: bytes | None = None
    size: int = 0
    width: int = 512
    height: int = 512
    file_path: str | None = None

    def to_api(self) -> Any:
        """Document dict, or the PhotoSize list for photos."""
        if self.kind == "photo":
            return [
                {
                    "file_id": self.file_id,
                    "file_unique_id": self.file_unique_id,
                    "width": self.width,
                    "height": self.height,
                    "file_size": self.size,
                }
            ]
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        data["file_size"] = self.size
        return data

    def file_api(self) -> dict:
        """A File object (what getFile returns)."""
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_path:
            data["file_path"] = self.file_path
        return data


@dataclass
class MessageVersion:
    """A previous version of an edited message."""

    text: str | None
    raw_text: str | None
    parse_mode: str | None
    entities: list[dict]
    caption: str | None
    reply_markup: dict | None
    at: float


@dataclass
class MessageRecord:
    """One message in a chat, sent by the bot or injected as from a user."""

    chat: dict
    message_id: int
    from_user: dict
    date: int
    from_bot: bool
    text: str | None = None  # plain text after entity parsing (what users see)
    raw_text: str | None = None  # text exactly as the bot sent it (e.g. with HTML tags)
    parse_mode: str | None = None
    entities: list[dict] = field(default_factory=list)
    caption: str | None = None
    raw_caption: str | None = None
    caption_entities: list[dict] = field(default_factory=list)
    reply_markup: dict | None = None
    document: FileRecord | None = None
    photo: FileRecord | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None
    edit_date: int | None = None
    edits: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False
    params: dict = field(default_factory=dict)  # request parameters of the send call
    update_id: int | None = None  # for injected messages

    @property
    def chat_id(self) -> int:
        return self.chat["id"]

    @property
    def inline_keyboard(self) -> list[list[dict]]:
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def buttons(self) -> list[dict]:
        return [button for row in self.inline_keyboard for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button.get("text", "") for button in self.buttons]

    def button(self, text: str) -> dict:
        """The inline button whose text is ``text`` (or uniquely contains it)."""
        exact = [b for b in self.buttons if b.get("text") == text]
        if len(exact) == 1:
            return exact[0]
        partial = [b for b in self.buttons if text in b.get("text", "")]
        if len(partial) == 1:
            return partial[0]
        raise LookupError(f"no unique button {text!r} in {self.button_texts}")

    def snapshot(self, at: float) -> MessageVersion:
        return MessageVersion(
            self.text, self.raw_text, self.parse_mode, self.entities, self.caption,
            self.reply_markup, at,
        )

    def to_api(self, reply_to: dict | None = None) -> dict:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.from_user,
            "chat": self.chat,
            "date": self.date,
        }
        if self.message_thread_id is not None:
            data["message_thread_id"] = self.message_thread_id
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.document is not None:
            data["document"] = self.document.to_api()
        if self.photo is not None:
            data["photo"] = self.photo.to_api()
        if self.caption:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = self.caption_entities
        if self.inline_keyboard:  # Telegram only echoes inline keyboards
            data["reply_markup"] = {"inline_keyboard": self.inline_keyboard}
        return data


@dataclass
class CallbackQueryRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created_at: float
    answered: bool = False


@dataclass
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
    at: float


@dataclass
class CallRecord:
    """One HTTP call to the fake API (files summarised as {filename, size})."""

    method: str
    params: dict
    at: float
    status: int = 200
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class SendEvent:
    """An accepted send, or a send refused with 429 (then retry_after is set)."""

    at: float
    method: str
    chat_id: int
    retry_after: int | None = None


@dataclass
class WebhookState:
    url: str = ""
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    deliveries: list[tuple[int, int]] = field(default_factory=list)  # (update_id, http status)
