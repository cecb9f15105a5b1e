"""State records and request validation for the fake Discord server (see ``discord_api.py``).

Everything here is plain data that tests read for assertions -- users, guilds, roles,
members, channels (text, DM, threads), stored messages with their edit history,
interactions with the callbacks the bot made -- plus the checks that make the fake
reject what real Discord rejects (2000-char content, embed limits, component and
modal limits, application command shapes).  Payload builders produce the JSON shapes
discord.py 2.7 parses (``Message``, ``Guild``, ``Thread``, ``Member`` ...).
"""

from __future__ import annotations

import datetime
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

DISCORD_EPOCH_MS = 1420070400000

# --- permission bits (subset that matters to a chat bot) ---------------------------
CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | EMBED_LINKS
    | ATTACH_FILES
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
    | CREATE_INSTANT_INVITE
)
DEFAULT_BOT_PERMISSIONS = DEFAULT_EVERYONE_PERMISSIONS | MANAGE_MESSAGES | MANAGE_THREADS | MANAGE_ROLES

# --- channel types ----------------------------------------------------------------
TEXT, DM, VOICE, CATEGORY, NEWS = 0, 1, 2, 4, 5
NEWS_THREAD, PUBLIC_THREAD, PRIVATE_THREAD = 10, 11, 12
FORUM = 15
THREAD_TYPES = (NEWS_THREAD, PUBLIC_THREAD, PRIVATE_THREAD)

# --- message flags ----------------------------------------------------------------
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_COMPONENTS_V2 = 1 << 15

# --- interaction types / callback types -------------------------------------------
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE, CB_UPDATE_MESSAGE = 4, 5, 6, 7
CB_AUTOCOMPLETE, CB_MODAL = 8, 9

SELECT_TYPES = (3, 5, 6, 7, 8)


def now_iso(ts: float | None = None) -> str:
    """ISO-8601 UTC timestamp as Discord sends it."""
    return datetime.datetime.fromtimestamp(time.time() if ts is None else ts, datetime.timezone.utc).isoformat()


class SnowflakeGen:
    """Monotonic snowflakes whose timestamp part advances by at least 1 ms per id.

    Consecutive ids therefore have consecutive ``id >> 22`` values, which spreads
    consecutively created guilds over shards (``(guild_id >> 22) % shard_count``).
    """

    def __init__(self) -> None:
        self._last_ms = 0
        self._inc = 0

    def __call__(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        ms = max(ms, self._last_ms + 1)
        self._last_ms = ms
        self._inc = (self._inc + 1) & 0xFFF
        return (ms << 22) | (1 << 17) | self._inc

    def guild_id(self, index: int) -> int:
        """Id for the ``index``-th guild: it lands on shard ``index % n`` for any n <= 16.

        The timestamp part is a multiple of lcm(1..16) plus ``index``, so with
        ``(guild_id >> 22) % shard_count`` consecutively created guilds alternate shards.
        """
        base = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) // 720720 - 1) * 720720
        return ((base + index) << 22) | (2 << 17) | (index & 0x1FFFF)


def snowflake_of(obj: Any) -> int:
    """Id of a model object, payload dict, discord.py object, str or int."""
    if obj is None:
        raise ValueError("expected an object with an id, got None")
    if isinstance(obj, bool):
        raise TypeError("bool is not an id")
    if isinstance(obj, int):
        return obj
    if isinstance(obj, str):
        return int(obj)
    if isinstance(obj, dict):
        return int(obj["id"])
    return int(getattr(obj, "id"))


# ==================================================================================
# Entities
# ==================================================================================


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    def payload(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            d["tags"] = {"bot_id": str(self.bot_id)}
        return d

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            d["user"] = self.user.payload()
        if permissions is not None:
            d["permissions"] = str(permissions)
        return d


@dataclass
class Channel:
    """A guild channel, a DM channel (type 1) or a thread (types 10/11/12)."""

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    nsfw: bool = False
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[User] = field(default_factory=list)
    # thread fields
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    archive_timestamp: str = field(default_factory=now_iso)
    created_at: str = field(default_factory=now_iso)
    thread_members: list[int] = field(default_factory=list)
    starter_message_id: int | None = None
    message_count: int = 0
    total_message_sent: int = 0
    last_message_id: int | None = None
    deleted: bool = False

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        return self.type == DM

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        last = str(self.last_message_id) if self.last_message_id else None
        if self.type == DM:
            return {
                "id": str(self.id),
                "type": DM,
                "recipients": [u.payload() for u in self.recipients],
                "last_message_id": last,
                "flags": 0,
            }
        if self.is_thread:
            return {
                "id": str(self.id),
                "type": self.type,
                "guild_id": str(self.guild_id),
                "parent_id": str(self.parent_id),
                "owner_id": str(self.owner_id),
                "name": self.name,
                "last_message_id": last,
                "rate_limit_per_user": 0,
                "message_count": self.message_count,
                "total_message_sent": self.total_message_sent,
                "member_count": len(self.thread_members),
                "flags": 0,
                "thread_metadata": {
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": self.archive_timestamp,
                    "locked": self.locked,
                    "invitable": self.invitable,
                    "create_timestamp": self.created_at,
                },
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "topic": self.topic,
            "nsfw": self.nsfw,
            "permission_overwrites": [dict(o) for o in self.overwrites],
            "rate_limit_per_user": 0,
            "last_message_id": last,
            "flags": 0,
            "default_auto_archive_duration": 1440,
        }

    def thread_member_payload(self, user_id: int) -> dict[str, Any]:
        return {"id": str(self.id), "user_id": str(user_id), "join_timestamp": now_iso(), "flags": 0}


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)
    preferred_locale: str = "en-US"
    features: list[str] = field(default_factory=list)
    joined_at: str = field(default_factory=now_iso)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def base_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": list(self.features),
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "vanity_url_code": None,
            "preferred_locale": self.preferred_locale,
            "max_members": 500000,
        }


@dataclass
class StoredMessage:
    """A message as the fake holds it; ``payload()`` gives Discord's JSON shape."""

    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    files: dict[int, bytes] = field(default_factory=dict)
    flags: int = 0
    type: int = 0
    tts: bool = False
    allowed_mentions: dict[str, Any] | None = None
    mentions: list[dict[str, Any]] = field(default_factory=list)
    mention_roles: list[str] = field(default_factory=list)
    mention_everyone: bool = False
    message_reference: dict[str, Any] | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    member: dict[str, Any] | None = None
    thread: Channel | None = None
    nonce: Any = None
    interaction_id: int | None = None
    source: str = "rest"  # rest | interaction | followup | user
    created_at: float = field(default_factory=time.time)
    edited_at: float | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    reactions: list[str] = field(default_factory=list)

    # -- convenience for assertions -------------------------------------------------
    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & FLAG_LOADING)

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def reply_to(self) -> int | None:
        ref = self.message_reference or {}
        return int(ref["message_id"]) if ref.get("message_id") else None

    def walk_components(self) -> Iterator[dict[str, Any]]:
        """All components, depth first (rows, containers, sections, labels, leaves)."""
        yield from walk_components(self.components)

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.walk_components() if c.get("type") == 2]

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.walk_components() if c.get("custom_id")]

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        for c in self.walk_components():
            if c.get("custom_id") == custom_id:
                return c
        return None

    def text(self) -> str:
        """Content plus all embed / text-display text, for loose assertions."""
        parts = [self.content or ""]
        for e in self.embeds:
            for k in ("title", "description"):
                if e.get(k):
                    parts.append(str(e[k]))
            for f in e.get("fields") or []:
                parts.append(f"{f.get('name', '')}: {f.get('value', '')}")
            if (e.get("footer") or {}).get("text"):
                parts.append(e["footer"]["text"])
            if (e.get("author") or {}).get("name"):
                parts.append(e["author"]["name"])
        for c in self.walk_components():
            if c.get("type") == 10 and c.get("content"):
                parts.append(c["content"])
        return "\n".join(p for p in parts if p)

    def file_bytes(self, filename: str | None = None) -> bytes:
        """Bytes of the (first, or named) attachment."""
        for att in self.attachments:
            if filename is None or att["filename"] == filename:
                return self.files[int(att["id"])]
        raise KeyError(filename)

    def pinged_user_ids(self) -> set[int]:
        """Users this message would notify, honouring ``allowed_mentions``."""
        mentioned = {int(u["id"]) for u in self.mentions}
        am = self.allowed_mentions
        if am is None:
            pinged = set(mentioned)
        else:
            parse = am.get("parse") or []
            if "users" in parse:
                pinged = set(mentioned)
            else:
                pinged = mentioned & {int(u) for u in am.get("users") or []}
        return pinged

    def snapshot(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "embeds": [dict(e) for e in self.embeds],
            "components": list(self.components),
            "attachments": list(self.attachments),
            "flags": self.flags,
            "at": self.edited_at or self.created_at,
        }

    def payload(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "content": self.content,
            "author": self.author.payload(),
            "timestamp": now_iso(self.created_at),
            "edited_timestamp": now_iso(self.edited_at) if self.edited_at else None,
            "tts": self.tts,
            "mention_everyone": self.mention_everyone,
            "mentions": list(self.mentions),
            "mention_roles": list(self.mention_roles),
            "attachments": list(self.attachments),
            "embeds": list(self.embeds),
            "components": list(self.components),
            "pinned": False,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            d["guild_id"] = str(self.guild_id)
        if self.member is not None:
            d["member"] = dict(self.member)
        if self.webhook_id is not None:
            d["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            d["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            d["interaction_metadata"] = dict(self.interaction_metadata)
        if self.message_reference is not None:
            d["message_reference"] = dict(self.message_reference)
        if self.thread is not None:
            d["thread"] = self.thread.payload()
        if self.nonce is not None:
            d["nonce"] = self.nonce
        if self.reactions:
            counts: dict[str, int] = {}
            for r in self.reactions:
                counts[r] = counts.get(r, 0) + 1
            d["reactions"] = [
                {"emoji": {"id": None, "name": k}, "count": v, "me": True, "count_details": {"burst": 0, "normal": v},
                 "burst_colors": [], "me_burst": False, "burst_me": False, "burst_count": 0}
                for k, v in counts.items()
            ]
        return d


@dataclass
class CallbackRecord:
    """One accepted ``POST /interactions/{id}/{token}/callback``."""

    type: int
    data: dict[str, Any]
    at: float
    message: StoredMessage | None = None

    @property
    def content(self) -> str | None:
        if self.message is not None:
            return self.message.content
        return self.data.get("content")

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & FLAG_EPHEMERAL)

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.data if self.type == CB_MODAL else None


@dataclass
class InteractionRecord:
    """An injected interaction and everything the bot did with it."""

    id: int
    token: str
    type: int
    user: User
    channel_id: int
    guild_id: int | None
    payload: dict[str, Any]
    created_at: float = 0.0  # monotonic time of delivery
    responses: list[CallbackRecord] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    source_message_id: int | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    name: str | None = None
    custom_id: str | None = None

    @property
    def acknowledged(self) -> bool:
        return bool(self.responses)

    @property
    def response(self) -> CallbackRecord | None:
        return self.responses[0] if self.responses else None


# ==================================================================================
# Component helpers
# ==================================================================================


def walk_components(components: list[dict[str, Any]] | None) -> Iterator[dict[str, Any]]:
    for c in components or []:
        if not isinstance(c, dict):
            continue
        yield c
        yield from walk_components(c.get("components"))
        if isinstance(c.get("component"), dict):
            yield from walk_components([c["component"]])
        if isinstance(c.get("accessory"), dict):
            yield from walk_components([c["accessory"]])


def assign_component_ids(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copy of ``components`` with Discord-style numeric ``id`` on every component."""
    counter = [0]
    used = {c.get("id") for c in walk_components(components) if isinstance(c.get("id"), int)}

    def next_id() -> int:
        counter[0] += 1
        while counter[0] in used:
            counter[0] += 1
        return counter[0]

    def copy(c: dict[str, Any]) -> dict[str, Any]:
        out = dict(c)
        if not isinstance(out.get("id"), int):
            out["id"] = next_id()
        if isinstance(out.get("components"), list):
            out["components"] = [copy(x) for x in out["components"] if isinstance(x, dict)]
        if isinstance(out.get("component"), dict):
            out["component"] = copy(out["component"])
        if isinstance(out.get("accessory"), dict):
            out["accessory"] = copy(out["accessory"])
        return out

    return [copy(c) for c in components if isinstance(c, dict)]


# ==================================================================================
# Validation
# ==================================================================================

ErrorList = list[tuple[str, str, str]]


class ApiError(Exception):
    """An error response in Discord's JSON shape."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        d: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            d["errors"] = self.errors
        return d


def form_error(errors: ErrorList) -> ApiError:
    """400 / 50035 "Invalid Form Body" with Discord's nested ``errors`` tree."""
    tree: dict[str, Any] = {}
    for path, code, msg in errors:
        node = tree
        for part in (path or "_root").split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": code, "message": msg})
    return ApiError(400, 50035, "Invalid Form Body", errors=tree)


def _max_len(errs: ErrorList, path: str, value: Any, limit: int) -> None:
    if value is not None and isinstance(value, str) and len(value) > limit:
        errs.append((path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."))


def _required_str(errs: ErrorList, path: str, value: Any, limit: int) -> None:
    if value is None or (isinstance(value, str) and value == ""):
        errs.append((path, "BASE_TYPE_REQUIRED", "This field is required"))
    elif not isinstance(value, str):
        errs.append((path, "BASE_TYPE_STRING", "Must be a string."))
    else:
        _max_len(errs, path, value, limit)


def validate_embeds(embeds: Any, errs: ErrorList) -> None:
    if not isinstance(embeds, list):
        errs.append(("embeds", "MODEL_TYPE_CONVERT", "Must be an array."))
        return
    if len(embeds) > 10:
        errs.append(("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."))
    total = 0
    for i, e in enumerate(embeds):
        p = f"embeds.{i}"
        if not isinstance(e, dict):
            errs.append((p, "MODEL_TYPE_CONVERT", "Must be an object."))
            continue
        title, desc = e.get("title") or "", e.get("description") or ""
        _max_len(errs, p + ".title", title, 256)
        _max_len(errs, p + ".description", desc, 4096)
        total += len(str(title)) + len(str(desc))
        fields = e.get("fields") or []
        if len(fields) > 25:
            errs.append((p + ".fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
        for j, f in enumerate(fields):
            fp = f"{p}.fields.{j}"
            _required_str(errs, fp + ".name", f.get("name"), 256)
            _required_str(errs, fp + ".value", f.get("value"), 1024)
            total += len(str(f.get("name") or "")) + len(str(f.get("value") or ""))
        footer = (e.get("footer") or {}).get("text") or ""
        _max_len(errs, p + ".footer.text", footer, 2048)
        author = (e.get("author") or {}).get("name") or ""
        _max_len(errs, p + ".author.name", author, 256)
        total += len(footer) + len(author)
    if total > 6000:
        errs.append(("embeds", "BASE_TYPE_MAX_LENGTH", "Embed size exceeds maximum size of 6000"))


def _validate_interactive(c: dict[str, Any], p: str, errs: ErrorList, seen: set[str], *, in_modal: bool) -> None:
    t = c.get("type")
    cid = c.get("custom_id")
    if cid is not None:
        if not isinstance(cid, str):
            errs.append((p + ".custom_id", "BASE_TYPE_STRING", "Must be a string."))
        else:
            _max_len(errs, p + ".custom_id", cid, 100)
            if cid in seen:
                errs.append((p + ".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"))
            seen.add(cid)
    if t == 2:
        style = c.get("style")
        if style == 5:
            if not c.get("url"):
                errs.append((p + ".url", "BASE_TYPE_REQUIRED", "This field is required"))
            if cid is not None:
                errs.append((p + ".custom_id", "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id cannot be set on a link button"))
        elif style == 6:
            if not c.get("sku_id"):
                errs.append((p + ".sku_id", "BASE_TYPE_REQUIRED", "This field is required"))
        elif style in (1, 2, 3, 4):
            if not cid:
                errs.append((p + ".custom_id", "BASE_TYPE_REQUIRED", "This field is required"))
        else:
            errs.append((p + ".style", "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6)."))
        _max_len(errs, p + ".label", c.get("label"), 80)
    elif t in SELECT_TYPES:
        if not cid:
            errs.append((p + ".custom_id", "BASE_TYPE_REQUIRED", "This field is required"))
        _max_len(errs, p + ".placeholder", c.get("placeholder"), 150)
        mn, mx = c.get("min_values", 1), c.get("max_values", 1)
        if not (0 <= int(mn) <= 25):
            errs.append((p + ".min_values", "NUMBER_TYPE_MAX", "int value should be between 0 and 25."))
        if not (1 <= int(mx) <= 25):
            errs.append((p + ".max_values", "NUMBER_TYPE_MAX", "int value should be between 1 and 25."))
        if t == 3:
            opts = c.get("options") or []
            if not opts:
                errs.append((p + ".options", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."))
            if len(opts) > 25:
                errs.append((p + ".options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
            values = set()
            for k, o in enumerate(opts):
                op = f"{p}.options.{k}"
                _required_str(errs, op + ".label", o.get("label"), 100)
                _required_str(errs, op + ".value", o.get("value"), 100)
                _max_len(errs, op + ".description", o.get("description"), 100)
                if o.get("value") in values:
                    errs.append((op + ".value", "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Select component option value cannot be duplicated"))
                values.add(o.get("value"))
            if int(mx) > max(len(opts), 1):
                errs.append((p + ".max_values", "BASE_TYPE_MAX", f"Must be less than or equal to {len(opts)}."))
    elif t == 4:
        if not in_modal:
            errs.append((p + ".type", "COMPONENT_TYPE_INVALID", "Text inputs are only allowed in modals"))
        validate_text_input(c, p, errs, in_label=False)


def validate_text_input(c: dict[str, Any], p: str, errs: ErrorList, *, in_label: bool) -> None:
    if not c.get("custom_id"):
        errs.append((p + ".custom_id", "BASE_TYPE_REQUIRED", "This field is required"))
    if c.get("style") not in (1, 2):
        errs.append((p + ".style", "BASE_TYPE_CHOICES", "Value must be one of (1, 2)."))
    if in_label:
        if c.get("label") is not None:
            errs.append((p + ".label", "TEXT_INPUT_LABEL_NOT_ALLOWED", "Label is not allowed on a text input inside a label component"))
    else:
        _required_str(errs, p + ".label", c.get("label"), 45)
    mn, mx = c.get("min_length"), c.get("max_length")
    if mn is not None and not (0 <= int(mn) <= 4000):
        errs.append((p + ".min_length", "NUMBER_TYPE_MAX", "int value should be between 0 and 4000."))
    if mx is not None and not (1 <= int(mx) <= 4000):
        errs.append((p + ".max_length", "NUMBER_TYPE_MAX", "int value should be between 1 and 4000."))
    _max_len(errs, p + ".value", c.get("value"), 4000)
    _max_len(errs, p + ".placeholder", c.get("placeholder"), 100)


def validate_components(components: Any, errs: ErrorList, *, v2: bool, path: str = "components") -> None:
    if not isinstance(components, list):
        errs.append((path, "MODEL_TYPE_CONVERT", "Must be an array."))
        return
    seen: set[str] = set()
    if v2:
        total = sum(1 for _ in walk_components(components))
        if total > 40:
            errs.append((path, "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length."))

        def rec(items: list[Any], p: str) -> None:
            for i, c in enumerate(items):
                cp = f"{p}.{i}"
                if not isinstance(c, dict):
                    errs.append((cp, "MODEL_TYPE_CONVERT", "Must be an object."))
                    continue
                if c.get("type") == 1:
                    kids = c.get("components") or []
                    if len(kids) > 5:
                        errs.append((cp + ".components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."))
                _validate_interactive(c, cp, errs, seen, in_modal=False)
                if c.get("type") == 10:
                    _max_len(errs, cp + ".content", c.get("content"), 4000)
                if isinstance(c.get("components"), list):
                    rec(c["components"], cp + ".components")
                if isinstance(c.get("accessory"), dict):
                    _validate_interactive(c["accessory"], cp + ".accessory", errs, seen, in_modal=False)

        rec(components, path)
        return
    if len(components) > 5:
        errs.append((path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."))
    for i, row in enumerate(components):
        p = f"{path}.{i}"
        if not isinstance(row, dict) or row.get("type") != 1:
            errs.append((p + ".type", "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).'))
            continue
        kids = row.get("components") or []
        if not kids:
            errs.append((p + ".components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."))
        if len(kids) > 5:
            errs.append((p + ".components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."))
        if any(k.get("type") in SELECT_TYPES for k in kids) and len(kids) > 1:
            errs.append((p + ".components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width"))
        for j, c in enumerate(kids):
            _validate_interactive(c, f"{p}.components.{j}", errs, seen, in_modal=False)


def validate_allowed_mentions(am: Any, errs: ErrorList) -> None:
    if am is None:
        return
    if not isinstance(am, dict):
        errs.append(("allowed_mentions", "MODEL_TYPE_CONVERT", "Must be an object."))
        return
    parse = am.get("parse") or []
    for i, x in enumerate(parse):
        if x not in ("users", "roles", "everyone"):
            errs.append((f"allowed_mentions.parse.{i}", "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone')."))
    for kind in ("users", "roles"):
        if kind in parse and am.get(kind):
            errs.append(("allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                         f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.'))
        if len(am.get(kind) or []) > 100:
            errs.append((f"allowed_mentions.{kind}", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."))


def validate_message_body(body: dict[str, Any], *, partial: bool, has_files: bool) -> None:
    """Raise ``ApiError`` for a message create/edit body Discord would reject."""
    errs: ErrorList = []
    flags = int(body.get("flags") or 0)
    v2 = bool(flags & FLAG_COMPONENTS_V2)
    content = body.get("content")
    if content is not None:
        if not isinstance(content, str):
            errs.append(("content", "BASE_TYPE_STRING", "Must be a string."))
        else:
            _max_len(errs, "content", content, 2000)
    if body.get("embeds") is not None:
        validate_embeds(body["embeds"], errs)
    if body.get("components") is not None:
        validate_components(body["components"], errs, v2=v2)
    validate_allowed_mentions(body.get("allowed_mentions"), errs)
    if v2 and (content or body.get("embeds") or body.get("poll") or body.get("sticker_ids")):
        errs.append(("content" if content else "embeds", "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                     "The 'content', 'embeds', 'sticker_ids' and 'poll' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2"))
    if errs:
        raise form_error(errs)
    if not partial:
        empty = not (content or body.get("embeds") or body.get("components") or has_files
                     or body.get("sticker_ids") or body.get("poll"))
        if empty:
            raise ApiError(400, 50006, "Cannot send an empty message")


def validate_modal(data: dict[str, Any]) -> None:
    errs: ErrorList = []
    _required_str(errs, "data.title", data.get("title"), 45)
    _required_str(errs, "data.custom_id", data.get("custom_id"), 100)
    comps = data.get("components")
    if not isinstance(comps, list) or not comps:
        errs.append(("data.components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."))
        comps = []
    if len(comps) > 5:
        errs.append(("data.components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."))
    seen: set[str] = set()
    for i, c in enumerate(comps):
        p = f"data.components.{i}"
        t = c.get("type") if isinstance(c, dict) else None
        if t == 1:
            kids = c.get("components") or []
            if len(kids) != 1:
                errs.append((p + ".components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 1 in length."))
            for j, k in enumerate(kids):
                kp = f"{p}.components.{j}"
                if k.get("type") == 4:
                    validate_text_input(k, kp, errs, in_label=False)
                    cid = k.get("custom_id")
                    if cid in seen:
                        errs.append((kp + ".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"))
                    seen.add(cid)
                    _max_len(errs, kp + ".custom_id", cid, 100)
                else:
                    _validate_interactive(k, kp, errs, seen, in_modal=True)
        elif t == 18:
            _required_str(errs, p + ".label", c.get("label"), 45)
            _max_len(errs, p + ".description", c.get("description"), 100)
            inner = c.get("component")
            if not isinstance(inner, dict):
                errs.append((p + ".component", "BASE_TYPE_REQUIRED", "This field is required"))
            elif inner.get("type") == 4:
                validate_text_input(inner, p + ".component", errs, in_label=True)
                cid = inner.get("custom_id")
                _max_len(errs, p + ".component.custom_id", cid, 100)
                if cid in seen:
                    errs.append((p + ".component.custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"))
                seen.add(cid)
            else:
                _validate_interactive(inner, p + ".component", errs, seen, in_modal=True)
        elif t == 10:
            _max_len(errs, p + ".content", c.get("content"), 4000)
        else:
            errs.append((p + ".type", "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1, 10, 18).'))
    if errs:
        raise form_error(errs)


_CMD_NAME = re.compile(r"^[-_\w]{1,32}$")


def _validate_option(o: dict[str, Any], p: str, errs: ErrorList, depth: int) -> None:
    name = o.get("name")
    if not isinstance(name, str) or not _CMD_NAME.match(name) or name != name.lower():
        errs.append((p + ".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"))
    _required_str(errs, p + ".description", o.get("description"), 100)
    t = o.get("type")
    if t not in range(1, 12):
        errs.append((p + ".type", "BASE_TYPE_CHOICES", "Value must be one of (1..11)."))
    if len(o.get("choices") or []) > 25:
        errs.append((p + ".choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
    sub = o.get("options") or []
    if t in (1, 2):
        if depth >= 2 and t == 2:
            errs.append((p + ".type", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command groups can not be nested"))
        _validate_options(sub, p + ".options", errs, depth + 1)


def _validate_options(opts: list[dict[str, Any]], p: str, errs: ErrorList, depth: int) -> None:
    if len(opts) > 25:
        errs.append((p, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
    seen_optional = False
    names = set()
    for i, o in enumerate(opts):
        _validate_option(o, f"{p}.{i}", errs, depth)
        if o.get("type") not in (1, 2):
            if o.get("required"):
                if seen_optional:
                    errs.append((f"{p}.{i}.required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                                 "Required options must be placed before non-required options"))
            else:
                seen_optional = True
        if o.get("name") in names:
            errs.append((f"{p}.{i}.name", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option name already exists"))
        names.add(o.get("name"))


def validate_commands(cmds: Any) -> None:
    errs: ErrorList = []
    if not isinstance(cmds, list):
        raise form_error([("_root", "MODEL_TYPE_CONVERT", "Must be an array.")])
    names: set[tuple[int, str]] = set()
    if sum(1 for c in cmds if c.get("type", 1) == 1) > 100:
        errs.append(("_root", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."))
    for i, c in enumerate(cmds):
        p = str(i)
        t = c.get("type", 1)
        name = c.get("name")
        if t == 1:
            if not isinstance(name, str) or not _CMD_NAME.match(name) or name != name.lower():
                errs.append((p + ".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"))
            _required_str(errs, p + ".description", c.get("description"), 100)
        else:
            _required_str(errs, p + ".name", name, 32)
        if (t, name) in names:
            errs.append((p + ".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"))
        names.add((t, name))
        _validate_options(c.get("options") or [], p + ".options", errs, 1)
    if errs:
        raise form_error(errs)


# ==================================================================================
# Permissions
# ==================================================================================


def base_permissions(guild: Guild, member: Member) -> int:
    if member.user.id == guild.owner_id:
        return ALL_PERMISSIONS
    perms = guild.everyone.permissions
    for rid in member.roles:
        role = guild.roles.get(rid)
        if role is not None:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: Guild, member: Member, channel: Channel, parent: Channel | None = None) -> int:
    """Effective permissions (role overwrites, then member overwrite); threads use the parent's."""
    perms = base_permissions(guild, member)
    if perms == ALL_PERMISSIONS:
        return perms
    target = parent if channel.is_thread and parent is not None else channel
    ows = {int(o["id"]): o for o in target.overwrites}
    ev = ows.get(guild.id)
    if ev:
        perms = (perms & ~int(ev.get("deny", 0))) | int(ev.get("allow", 0))
    allow = deny = 0
    for rid in member.roles:
        o = ows.get(rid)
        if o and int(o.get("type", 0)) == 0:
            allow |= int(o.get("allow", 0))
            deny |= int(o.get("deny", 0))
    perms = (perms & ~deny) | allow
    mo = ows.get(member.user.id)
    if mo and int(mo.get("type", 1)) == 1:
        perms = (perms & ~int(mo.get("deny", 0))) | int(mo.get("allow", 0))
    if not perms & VIEW_CHANNEL:
        return 0
    return perms


MENTION_USER_RE = re.compile(r"<@!?(\d+)>")
MENTION_ROLE_RE = re.compile(r"<@&(\d+)>")


def parse_mentions(content: str, lookup_user: Callable[[int], User | None]) -> tuple[list[dict[str, Any]], list[str], bool]:
    users: list[dict[str, Any]] = []
    seen = set()
    for m in MENTION_USER_RE.finditer(content or ""):
        uid = int(m.group(1))
        u = lookup_user(uid)
        if u is not None and uid not in seen:
            seen.add(uid)
            users.append(u.payload())
    roles = sorted({m.group(1) for m in MENTION_ROLE_RE.finditer(content or "")})
    everyone = "@everyone" in (content or "") or "@here" in (content or "")
    return users, roles, everyone
