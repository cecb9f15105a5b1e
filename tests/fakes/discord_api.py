"""Fake Discord REST API + gateway on aiohttp.web for end-to-end tests with the real discord.py.

Listens on 127.0.0.1 (ephemeral port).  discord.py is pointed at it by patching
``discord.http.Route.BASE`` and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``
(``FakeDiscord.patch_discord()``, done automatically by ``async with FakeDiscord()``).

Typical use::

    async with FakeDiscord() as fake:                      # starts server + patches discord.py
        alice = fake.create_user("alice")
        guild = fake.create_guild("Gigs")
        chan = fake.create_channel(guild, "gigs")
        fake.add_member(guild, alice)
        bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), **fake.client_kwargs)
        ...                                                # add tree commands, views, listeners
        async with fake.running(bot):                      # bot.start(fake.token) until ready; close on exit
            await bot.tree.sync()
            it = await fake.inject_slash(alice, guild, chan, "gig", {"title": "logo"}, subcommand="post")
            resp = await fake.wait_for_response(it)        # CallbackRecord(type=4, data=..., message=StoredMessage)
            press = await fake.inject_button(alice, resp.message, "gig:claim:1")
            ...
            assert fake.messages_in(chan)[-1].content == "..."

What it enforces like Discord does: 2000-char content, embed limits (title 256,
description 4096, 25 fields, 6000 total), components (5 rows x 5 buttons, custom_id
<= 100, select/label rules), modal (title <= 45, <= 5 components), application command
shapes, "already acknowledged" (40060), the 3 s interaction deadline (10062),
permissions (403 50013), a global rate limit with 429 + ``Via`` header, and optional
per-route buckets with ``X-RateLimit-*`` headers.  Tests can force 429s / errors /
delays on any route.  Everything the bot did is recorded: ``calls``, ``accepted``,
``rate_limited``, ``unknown_routes``, ``messages`` (with edit history),
``interactions`` (with their callbacks), ``global_commands`` / ``guild_commands``.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import math
import mimetypes
import re
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Iterator

from aiohttp import web

from .discord_gateway import GatewayMixin
from .discord_models import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    APPLICATION_COMMAND,
    ATTACH_FILES,
    AUTOCOMPLETE,
    CATEGORY,
    CB_AUTOCOMPLETE,
    CB_DEFERRED_MESSAGE,
    CB_DEFERRED_UPDATE,
    CB_MESSAGE,
    CB_MODAL,
    CB_UPDATE_MESSAGE,
    CREATE_PRIVATE_THREADS,
    CREATE_PUBLIC_THREADS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM,
    FLAG_COMPONENTS_V2,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    FORUM,
    MANAGE_MESSAGES,
    MANAGE_ROLES,
    MANAGE_THREADS,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    NEWS,
    NEWS_THREAD,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    SELECT_TYPES,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    TEXT,
    THREAD_TYPES,
    VIEW_CHANNEL,
    ApiError,
    CallbackRecord,
    Channel,
    Guild,
    InteractionRecord,
    Member,
    Role,
    SnowflakeGen,
    StoredMessage,
    User,
    assign_component_ids,
    base_permissions,
    channel_permissions,
    form_error,
    now_iso,
    parse_mentions,
    snowflake_of,
    validate_commands,
    validate_message_body,
    validate_modal,
)

__all__ = [
    "FakeDiscord",
    "ApiError",
    "CallbackRecord",
    "Channel",
    "Guild",
    "InteractionRecord",
    "Member",
    "Role",
    "StoredMessage",
    "User",
]

JSON_CT = "application/json"  # exactly this: discord.py only parses JSON when the header equals it


@dataclass
class _Upload:
    index: int
    filename: str
    content_type: str
    data: bytes


@dataclass
class _Req:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[_Upload]
    request: web.Request


@dataclass
class _Route:
    method: str
    template: str
    regex: re.Pattern
    handler: Callable[[_Req], Awaitable[Any]]
    interaction: bool  # exempt from the global bucket (interaction callbacks / interaction webhooks)
    auth: bool


@dataclass
class _Fault:
    method: str | None
    pattern: str
    remaining: int
    kind: str  # "429" | "error" | "delay"
    status: int = 500
    code: int = 0
    message: str = ""
    retry_after: float = 0.1
    is_global: bool = False
    delay: float = 0.0


def _truthy(v: str | None) -> bool:
    return str(v).lower() in ("1", "true", "yes")


class FakeDiscord(GatewayMixin):
    """In-process fake of Discord's REST API (v10) and gateway for discord.py clients.

    Parameters (all keyword-only):
        token: bot token the client must use (``None`` accepts any).
        global_rate_limit / global_rate_window: global bucket, N requests per window
            seconds across all non-interaction routes (``None`` disables).
        interaction_timeout: seconds the bot has for its first callback (``None``: no limit).
        recommended_shards: ``shards`` returned by ``GET /gateway/bot``.
        required_shard_count: close IDENTIFYs with fewer shards with 4011.
        allowed_privileged_intents: bitmask of privileged intents the "portal" enables
            (``None``: all); asking for more closes the gateway with 4014.
        enforce_permissions: 403 on sends/threads/role edits without permission.
        echo_bot_messages: dispatch MESSAGE_CREATE for the bot's own REST messages.
        auto_member: injected users in a guild become members automatically.
        inject_wait: seconds ``inject_*`` wait for a connected gateway session.
    """

    def __init__(
        self,
        *,
        token: str | None = "fake-bot-token",
        bot_username: str = "gigbroker-bot",
        app_name: str = "GigBroker Test",
        application_flags: int = 0,
        global_rate_limit: int | None = 50,
        global_rate_window: float = 1.0,
        interaction_timeout: float | None = 3.0,
        recommended_shards: int = 1,
        required_shard_count: int | None = None,
        allowed_privileged_intents: int | None = None,
        heartbeat_interval_ms: int = 41250,
        enforce_permissions: bool = True,
        echo_bot_messages: bool = True,
        auto_member: bool = True,
        inject_wait: float = 5.0,
        attachment_size_limit: int = 10 * 1024 * 1024,
        patch: bool = True,
    ) -> None:
        self._snow = SnowflakeGen()
        self.token = token
        self.app_name = app_name
        self.application_flags = application_flags
        self.global_rate_limit = global_rate_limit
        self.global_rate_window = global_rate_window
        self.interaction_timeout = interaction_timeout
        self.recommended_shards = recommended_shards
        self.required_shard_count = required_shard_count
        self.allowed_privileged_intents = allowed_privileged_intents
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.enforce_permissions = enforce_permissions
        self.echo_bot_messages = echo_bot_messages
        self.auto_member = auto_member
        self.inject_wait = inject_wait
        self.attachment_size_limit = attachment_size_limit
        self._patch_on_enter = patch

        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()
        self._version = 0

        # --- state -------------------------------------------------------------
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.channel_messages: dict[int, list[int]] = defaultdict(list)
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.blocked_dm_users: set[int] = set()
        self.attachment_blobs: dict[int, tuple[str, bytes]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.modals: dict[str, dict[str, Any]] = {}  # custom_id -> latest modal the bot opened
        self.modal_origin: dict[str, InteractionRecord] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.sync_log: list[dict[str, Any]] = []

        # --- logs --------------------------------------------------------------
        self.calls: list[dict[str, Any]] = []
        self.unknown_routes: list[dict[str, Any]] = []
        self.accepted: list[dict[str, Any]] = []
        self.rate_limited: list[dict[str, Any]] = []
        self.events_log: list[dict[str, Any]] = []

        # --- rate limiting / faults ------------------------------------------
        self._global_hits: deque = deque()
        self._route_limits: dict[tuple[str, str], tuple[int, float]] = {}
        self._route_buckets: dict[tuple[str, str, str], list[float]] = {}
        self._faults: list[_Fault] = []

        self.bot_user = self._add_user(User(id=self._snow(), username=bot_username, bot=True))
        self.application_id = self.bot_user.id
        self.app_owner = self._add_user(User(id=self._snow(), username="app-owner"))

        self._routes: list[_Route] = []
        self._register_routes()
        self._init_gateway()

    # ======================================================================
    # lifecycle
    # ======================================================================
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeDiscord is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gw/"

    @property
    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments that keep a discord.py client fast against the fake."""
        return {"guild_ready_timeout": 0.05}

    async def start(self) -> "FakeDiscord":
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gw/", self._gateway_handler)
        app.router.add_get("/gw", self._gateway_handler)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._api_handler)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment_handler)
        app.router.add_route("*", "/{tail:.*}", self._outside_api_handler)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for conn in list(self.connections):
            if not conn.closed:
                conn.close(1001, "fake server shutting down")
        for conn in list(self.connections):
            if conn.writer is not None and not conn.writer.done():
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(conn.writer), 1.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeDiscord":
        await self.start()
        if self._patch_on_enter:
            self._patch_cm = self.patch_discord()
            self._patch_cm.__enter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        try:
            if self._patch_on_enter:
                self._patch_cm.__exit__(None, None, None)
        finally:
            await self.stop()

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator["FakeDiscord"]:
        """Point discord.py's REST base and default gateway at this fake; restore on exit."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gw = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gw

    @contextlib.asynccontextmanager
    async def running(self, client: Any, *, timeout: float = 10.0) -> AsyncIterator[Any]:
        """Run ``client.start(self.token)`` in the background until ready; close it on exit."""
        task = asyncio.create_task(client.start(self.token or "fake-bot-token"), name="fake-discord-client")
        deadline = time.monotonic() + timeout
        try:
            while not client.is_ready():
                if task.done():
                    task.result()  # raises the client's startup error
                    raise RuntimeError("discord client stopped before becoming ready")
                if time.monotonic() > deadline:
                    raise asyncio.TimeoutError(f"discord client not ready after {timeout}s; calls={self.calls[-5:]}")
                await asyncio.sleep(0.01)
        except BaseException:
            await self._close_client(client, task)
            raise
        try:
            yield client
        finally:
            await self._close_client(client, task)

    @staticmethod
    async def _close_client(client: Any, task: asyncio.Task) -> None:
        with contextlib.suppress(Exception):
            await client.close()
        try:
            await asyncio.wait_for(task, 5.0)
        except (Exception, asyncio.CancelledError):
            task.cancel()

    # ======================================================================
    # change notification / waiting
    # ======================================================================
    def _notify(self) -> None:
        self._version += 1
        ev, self._changed = self._changed, asyncio.Event()
        ev.set()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0, *, what: str | None = None) -> Any:
        """Wait until ``predicate()`` returns something truthy (re-checked on every change)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [f"{c['method']} {c['path']} -> {c['status']}" for c in self.calls[-8:]]
                raise asyncio.TimeoutError(f"timed out after {timeout}s waiting for {what or predicate!r}; recent calls: {recent}")
            ev = self._changed
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(ev.wait(), min(remaining, 0.25))

    async def wait_for_response(self, interaction: Any, timeout: float = 5.0) -> CallbackRecord:
        """First accepted callback of an interaction (id, token or record)."""
        rec = self.interaction(interaction)

        def pred() -> CallbackRecord | None:
            return rec.response

        try:
            return await self.wait_for(pred, timeout, what=f"a response to interaction {rec.id}")
        except asyncio.TimeoutError as exc:
            raise asyncio.TimeoutError(f"{exc}; rejected callbacks: {rec.rejected}") from None

    async def wait_for_followup(self, interaction: Any, count: int = 1, timeout: float = 5.0) -> StoredMessage:
        """The ``count``-th followup message of an interaction."""
        rec = self.interaction(interaction)
        await self.wait_for(lambda: len(rec.followup_ids) >= count, timeout, what=f"{count} followup(s) of {rec.id}")
        return self.messages[rec.followup_ids[count - 1]]

    async def wait_for_message(
        self,
        predicate: Callable[[StoredMessage], Any] | None = None,
        *,
        channel: Any = None,
        after: Any = None,
        timeout: float = 5.0,
    ) -> StoredMessage:
        """First live message (optionally in ``channel``, newer than ``after``) matching ``predicate``."""
        cid = snowflake_of(channel) if channel is not None else None
        after_id = snowflake_of(after) if after is not None else 0

        def pred() -> StoredMessage | None:
            ids = self.channel_messages.get(cid, []) if cid is not None else sorted(self.messages)
            for mid in ids:
                m = self.messages[mid]
                if m.deleted or mid <= after_id:
                    continue
                if predicate is None or predicate(m):
                    return m
            return None

        return await self.wait_for(pred, timeout, what="a matching message")

    def _log_event(self, kind: str, what: str, data: dict[str, Any]) -> None:
        self.events_log.append({"at": time.monotonic(), "kind": kind, "what": what, **data})

    # ======================================================================
    # fault injection / rate limits
    # ======================================================================
    def force_429(
        self, method: str | None, path: str, count: int = 1, *, retry_after: float = 0.1, is_global: bool = False
    ) -> None:
        """Answer the next ``count`` matching requests with 429 (``path``: template like
        ``/channels/{channel_id}/messages``, a concrete path, or an fnmatch pattern)."""
        self._faults.append(_Fault(method and method.upper(), path, count, "429", retry_after=retry_after, is_global=is_global))

    def fail_next(
        self, method: str | None, path: str, *, status: int = 500, count: int = 1, code: int = 0, message: str | None = None
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` (JSON error body)."""
        self._faults.append(
            _Fault(method and method.upper(), path, count, "error", status=status, code=code, message=message or f"{status}: fake failure")
        )

    def delay_next(self, method: str | None, path: str, seconds: float, *, count: int = 1) -> None:
        """Sleep ``seconds`` before handling the next ``count`` matching requests."""
        self._faults.append(_Fault(method and method.upper(), path, count, "delay", delay=seconds))

    def set_route_limit(self, method: str, template: str, limit: int, per: float = 1.0) -> None:
        """Per-route bucket (per major parameter) that sends ``X-RateLimit-*`` headers."""
        self._route_limits[(method.upper(), template)] = (limit, per)

    def count_429(self, route: str | None = None) -> int:
        return sum(1 for r in self.rate_limited if route is None or r["route"] == route or r["path"] == route)

    def calls_to(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        return [
            c for c in self.calls
            if (method is None or c["method"] == method.upper())
            and (path is None or self._path_matches(path, c["path"], c["route"]))
        ]

    @staticmethod
    def _path_matches(pattern: str, path: str, template: str | None) -> bool:
        return pattern == template or pattern == path or fnmatch.fnmatchcase(path, pattern)

    def _take_fault(self, method: str, path: str, template: str) -> _Fault | None:
        for f in self._faults:
            if f.remaining > 0 and (f.method is None or f.method == method) and self._path_matches(f.pattern, path, template):
                f.remaining -= 1
                return f
        return None

    def _rate_limit_response(self, entry: dict[str, Any], retry_after: float, *, is_global: bool, forced: bool,
                             bucket: str = "fake", limit: int = 1) -> web.Response:
        retry_after = max(round(retry_after, 3), 0.001)
        self.rate_limited.append({**{k: entry[k] for k in ("at", "method", "path", "route")},
                                  "global": is_global, "forced": forced, "retry_after": retry_after})
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers.update({
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": bucket,
            })
        entry["status"] = 429
        return _json(429, {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}, headers)

    @staticmethod
    def _major(params: dict[str, str]) -> str:
        for k in ("channel_id", "guild_id"):
            if k in params:
                return params[k]
        if "token" in params:
            return f"{params.get('application_id', params.get('interaction_id', ''))}:{params['token']}"
        return ""

    # ======================================================================
    # HTTP plumbing
    # ======================================================================
    def _route(self, method: str, template: str, handler: Callable[[_Req], Awaitable[Any]], *,
               interaction: bool = False, auth: bool = True) -> None:
        regex = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")
        self._routes.append(_Route(method, template, regex, handler, interaction, auth))

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
        for r in self._routes:
            if r.method != method:
                continue
            m = r.regex.match(path)
            if m:
                return r, m.groupdict()
        return None, {}

    async def _read_body(self, request: web.Request) -> tuple[Any, list[_Upload]]:
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            payload: Any = {}
            files: list[_Upload] = []
            async for part in reader:
                name = part.name or ""
                data = bytes(await part.read(decode=False))
                if name == "payload_json":
                    payload = json.loads(data or b"{}")
                else:
                    m = re.match(r"files\[(\d+)\]", name)
                    idx = int(m.group(1)) if m else len(files)
                    fname = part.filename or f"file{idx}"
                    ct = part.headers.get("Content-Type") or mimetypes.guess_type(fname)[0] or "application/octet-stream"
                    files.append(_Upload(idx, fname, ct, data))
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None

    async def _api_handler(self, request: web.Request) -> web.StreamResponse:
        method = request.method.upper()
        path = "/" + request.match_info["tail"]
        route, params = self._match(method, path)
        entry: dict[str, Any] = {
            "at": time.monotonic(),
            "method": method,
            "path": path,
            "route": route.template if route else None,
            "query": dict(request.query),
            "json": None,
            "files": [],
            "status": None,
        }
        self.calls.append(entry)
        extra_headers: dict[str, str] = {}
        try:
            if route is None:
                self.unknown_routes.append(entry)
                self._log_event("rest", "unknown route", {"method": method, "path": path})
                raise ApiError(404, 0, "404: Not Found")
            body, files = await self._read_body(request)
            entry["json"] = body
            entry["files"] = [(f.filename, len(f.data)) for f in files]

            fault = self._take_fault(method, path, route.template)
            if fault is not None:
                if fault.kind == "429":
                    return self._rate_limit_response(entry, fault.retry_after, is_global=fault.is_global, forced=True)
                if fault.kind == "error":
                    raise ApiError(fault.status, fault.code, fault.message)
                if fault.kind == "delay":
                    await asyncio.sleep(fault.delay)

            if route.auth and not self._check_token(request.headers.get("Authorization")):
                raise ApiError(401, 0, "401: Unauthorized")

            now = time.monotonic()
            cfg = self._route_limits.get((method, route.template))
            bucket_state = None
            if cfg is not None:
                limit, per = cfg
                key = (method, route.template, self._major(params))
                st = self._route_buckets.setdefault(key, [now + per, 0])
                if now >= st[0]:
                    st[0], st[1] = now + per, 0
                bucket_hash = f"fake{abs(hash((method, route.template))) % 10**8:08d}"
                if st[1] >= limit:
                    return self._rate_limit_response(entry, st[0] - now, is_global=False, forced=False,
                                                     bucket=bucket_hash, limit=limit)
                st[1] += 1
                bucket_state = (limit, st, bucket_hash)

            if self.global_rate_limit is not None and not route.interaction:
                while self._global_hits and self._global_hits[0] <= now - self.global_rate_window:
                    self._global_hits.popleft()
                if len(self._global_hits) >= self.global_rate_limit:
                    retry = self._global_hits[0] + self.global_rate_window - now
                    return self._rate_limit_response(entry, retry, is_global=True, forced=False)
                self._global_hits.append(now)

            self.accepted.append({k: entry[k] for k in ("at", "method", "path", "route")})
            if bucket_state is not None:
                limit, st, bucket_hash = bucket_state
                reset_after = max(st[0] - time.monotonic(), 0.0)
                extra_headers = {
                    "X-RateLimit-Limit": str(limit),
                    "X-RateLimit-Remaining": str(max(limit - int(st[1]), 0)),
                    "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                    "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                    "X-RateLimit-Bucket": bucket_hash,
                }
            req = _Req(method, path, params, dict(request.query), body, files, request)
            result = await route.handler(req)
            if result is None:
                entry["status"] = 204
                return web.Response(status=204, headers=extra_headers)
            status, data = result if isinstance(result, tuple) else (200, result)
            entry["status"] = status
            return _json(status, data, extra_headers)
        except ApiError as e:
            entry["status"] = e.status
            entry["error"] = e.body()
            return _json(e.status, e.body(), {**extra_headers, **e.headers})
        finally:
            self._notify()

    async def _outside_api_handler(self, request: web.Request) -> web.Response:
        entry = {"at": time.monotonic(), "method": request.method, "path": request.path, "route": None,
                 "query": dict(request.query), "json": None, "files": [], "status": 404}
        self.calls.append(entry)
        self.unknown_routes.append(entry)
        self._notify()
        return _json(404, {"message": "404: Not Found", "code": 0})

    async def _attachment_handler(self, request: web.Request) -> web.Response:
        aid = int(request.match_info["attachment_id"])
        blob = self.attachment_blobs.get(aid)
        if blob is None:
            return web.Response(status=404, text="Not Found")
        ct, data = blob
        return web.Response(status=200, body=data, headers={"Content-Type": ct})

    # ======================================================================
    # routes
    # ======================================================================
    def _register_routes(self) -> None:
        R = self._route
        R("GET", "/users/@me", self._h_me)
        R("POST", "/users/@me/channels", self._h_create_dm)
        R("GET", "/users/{user_id}", self._h_user)
        R("GET", "/oauth2/applications/@me", self._h_app)
        R("GET", "/applications/@me", self._h_app)
        R("GET", "/gateway", self._h_gateway, auth=False)
        R("GET", "/gateway/bot", self._h_gateway_bot)
        for m in ("GET", "PUT", "POST"):
            R(m, "/applications/{application_id}/commands", self._h_commands)
            R(m, "/applications/{application_id}/guilds/{guild_id}/commands", self._h_commands)
        for m in ("GET", "PATCH", "DELETE"):
            R(m, "/applications/{application_id}/commands/{command_id}", self._h_command)
            R(m, "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", self._h_command)
        R("POST", "/interactions/{interaction_id}/{token}/callback", self._h_callback, interaction=True, auth=False)
        for m in ("GET", "PATCH", "DELETE"):
            R(m, "/webhooks/{application_id}/{token}/messages/{message_id}", self._h_webhook_message, interaction=True, auth=False)
        R("POST", "/webhooks/{application_id}/{token}", self._h_followup, interaction=True, auth=False)
        R("GET", "/channels/{channel_id}", self._h_get_channel)
        R("PATCH", "/channels/{channel_id}", self._h_patch_channel)
        R("DELETE", "/channels/{channel_id}", self._h_delete_channel)
        R("GET", "/channels/{channel_id}/messages", self._h_history)
        R("POST", "/channels/{channel_id}/messages", self._h_send)
        R("GET", "/channels/{channel_id}/messages/{message_id}", self._h_get_message)
        R("PATCH", "/channels/{channel_id}/messages/{message_id}", self._h_edit_message)
        R("DELETE", "/channels/{channel_id}/messages/{message_id}", self._h_delete_message)
        R("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self._h_reaction)
        R("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self._h_reaction)
        R("POST", "/channels/{channel_id}/typing", self._h_typing)
        R("POST", "/channels/{channel_id}/threads", self._h_create_thread)
        R("POST", "/channels/{channel_id}/messages/{message_id}/threads", self._h_create_thread)
        R("GET", "/channels/{channel_id}/thread-members", self._h_thread_members)
        for m in ("GET", "PUT", "DELETE"):
            R(m, "/channels/{channel_id}/thread-members/{user_id}", self._h_thread_member)
        R("GET", "/guilds/{guild_id}", self._h_guild)
        R("GET", "/guilds/{guild_id}/channels", self._h_guild_channels)
        R("GET", "/guilds/{guild_id}/roles", self._h_guild_roles)
        R("GET", "/guilds/{guild_id}/members", self._h_guild_members)
        R("GET", "/guilds/{guild_id}/members/{user_id}", self._h_guild_member)
        R("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._h_member_role)
        R("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._h_member_role)

    # ---------------------------------------------------------------- lookups
    def _channel_or_404(self, cid: Any) -> Channel:
        ch = self.channels.get(int(cid)) if str(cid).isdigit() else None
        if ch is None or ch.deleted:
            raise ApiError(404, 10003, "Unknown Channel")
        return ch

    def _guild_or_404(self, gid: Any) -> Guild:
        g = self.guilds.get(int(gid)) if str(gid).isdigit() else None
        if g is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return g

    def _message_or_404(self, ch: Channel, mid: Any) -> StoredMessage:
        m = self.messages.get(int(mid)) if str(mid).isdigit() else None
        if m is None or m.deleted or m.channel_id != ch.id or m.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return m

    def _bot_perms(self, ch: Channel) -> int:
        if ch.guild_id is None:
            return ALL_PERMISSIONS
        g = self.guilds[ch.guild_id]
        me = g.members.get(self.bot_user.id)
        if me is None:
            return 0
        parent = self.channels.get(ch.parent_id) if ch.parent_id else None
        return channel_permissions(g, me, ch, parent)

    def _require(self, ch: Channel, perms: int) -> None:
        if not self.enforce_permissions or ch.guild_id is None:
            return
        have = self._bot_perms(ch)
        if not have & VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if ch.type == PRIVATE_THREAD and self.bot_user.id not in ch.thread_members and not have & MANAGE_THREADS:
            raise ApiError(403, 50001, "Missing Access")
        if have & perms != perms:
            raise ApiError(403, 50013, "Missing Permissions")

    # ---------------------------------------------------------------- users / app / gateway
    async def _h_me(self, req: _Req) -> Any:
        me = self.bot_user.payload()
        me.update(verified=True, mfa_enabled=False, email=None, locale="en-US")
        return me

    async def _h_user(self, req: _Req) -> Any:
        uid = req.params["user_id"]
        u = self.users.get(int(uid)) if uid.isdigit() else None
        if u is None:
            raise ApiError(404, 10013, "Unknown User")
        return u.payload()

    async def _h_app(self, req: _Req) -> Any:
        return {
            "id": str(self.application_id),
            "name": self.app_name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": self.app_owner.payload(),
            "team": None,
            "flags": self.application_flags,
            "bot": self.bot_user.payload(),
            "rpc_origins": [],
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
            "approximate_guild_count": len(self.guilds),
        }

    async def _h_gateway(self, req: _Req) -> Any:
        return {"url": self.gateway_url}

    async def _h_gateway_bot(self, req: _Req) -> Any:
        return {
            "url": self.gateway_url,
            "shards": self.recommended_shards,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
        }

    async def _h_create_dm(self, req: _Req) -> Any:
        rid = str((req.json or {}).get("recipient_id", ""))
        u = self.users.get(int(rid)) if rid.isdigit() else None
        if u is None or u.id == self.bot_user.id:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return self.dm_channel(u).payload()

    # ---------------------------------------------------------------- application commands
    def _check_app(self, req: _Req) -> None:
        if req.params.get("application_id") != str(self.application_id):
            raise ApiError(403, 20012, "You are not authorized to perform this action on this application")

    def _command_list(self, req: _Req) -> tuple[int | None, list[dict[str, Any]]]:
        gid = req.params.get("guild_id")
        if gid is None:
            return None, self.global_commands
        g = self._guild_or_404(gid)
        if self.bot_user.id not in g.members:
            raise ApiError(403, 50001, "Missing Access")
        return g.id, self.guild_commands.setdefault(g.id, [])

    def _stored_command(self, c: dict[str, Any], guild_id: int | None, prev: dict[str, Any] | None) -> dict[str, Any]:
        out = dict(c)
        out["type"] = c.get("type", 1)
        out["id"] = prev["id"] if prev else str(self._snow())
        out["application_id"] = str(self.application_id)
        out["version"] = str(self._snow())
        out.setdefault("description", "")
        out.setdefault("options", [])
        out.setdefault("default_member_permissions", None)
        out.setdefault("nsfw", False)
        if guild_id is not None:
            out["guild_id"] = str(guild_id)
        return out

    async def _h_commands(self, req: _Req) -> Any:
        self._check_app(req)
        gid, current = self._command_list(req)
        if req.method == "GET":
            return list(current)
        if req.method == "PUT":
            cmds = req.json if req.json is not None else []
            validate_commands(cmds)
            prev = {(c["type"], c["name"]): c for c in current}
            new = [self._stored_command(c, gid, prev.get((c.get("type", 1), c.get("name")))) for c in cmds]
            current[:] = new
            self.sync_log.append({"at": time.monotonic(), "guild_id": gid, "names": [c["name"] for c in new]})
            return list(new)
        # POST: upsert one
        c = req.json or {}
        validate_commands([c])
        for i, old in enumerate(current):
            if (old["type"], old["name"]) == (c.get("type", 1), c.get("name")):
                current[i] = self._stored_command(c, gid, old)
                return 200, current[i]
        stored = self._stored_command(c, gid, None)
        current.append(stored)
        return 201, stored

    async def _h_command(self, req: _Req) -> Any:
        self._check_app(req)
        gid, current = self._command_list(req)
        for i, c in enumerate(current):
            if c["id"] == req.params["command_id"]:
                break
        else:
            raise ApiError(404, 10063, "Unknown application command")
        if req.method == "GET":
            return c
        if req.method == "DELETE":
            del current[i]
            return None
        merged = {**c, **(req.json or {})}
        validate_commands([merged])
        current[i] = self._stored_command(merged, gid, c)
        return current[i]

    # ---------------------------------------------------------------- interactions
    def _interaction_by_token(self, req: _Req) -> InteractionRecord:
        if req.params.get("application_id") != str(self.application_id):
            raise ApiError(404, 10015, "Unknown Webhook")
        rec = self.interactions_by_token.get(req.params["token"])
        if rec is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        return rec

    def _interaction_metadata(self, rec: InteractionRecord) -> dict[str, Any]:
        md: dict[str, Any] = {
            "id": str(rec.id),
            "type": rec.type,
            "user": rec.user.payload(),
            "authorizing_integration_owners": {"0": str(rec.guild_id)} if rec.guild_id else {"1": str(rec.user.id)},
        }
        if rec.name:
            md["name"] = rec.name
        if rec.source_message_id:
            md["interacted_message_id"] = str(rec.source_message_id)
        if rec.original_message_id and rec.type != MESSAGE_COMPONENT:
            md["original_response_message_id"] = str(rec.original_message_id)
        return md

    def _interaction_message(self, rec: InteractionRecord, body: dict[str, Any], files: list[_Upload], *,
                             source: str, flags: int | None = None) -> StoredMessage:
        ch = self.channels[rec.channel_id]
        msg = self._create_message(ch, self.bot_user, body, files, source=source, allow_ephemeral=True,
                                   flags_override=flags)
        msg.webhook_id = self.application_id
        msg.application_id = self.application_id
        msg.type = 20 if rec.type == APPLICATION_COMMAND else 0
        msg.interaction_id = rec.id
        msg.interaction_metadata = self._interaction_metadata(rec)
        return msg

    async def _h_callback(self, req: _Req) -> Any:
        iid = req.params["interaction_id"]
        rec = self.interactions.get(int(iid)) if iid.isdigit() else None
        if rec is None or rec.token != req.params["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        body = req.json or {}
        ctype = body.get("type")
        data = body.get("data") or {}
        try:
            if rec.acknowledged:
                raise ApiError(400, 40060, "Interaction has already been acknowledged.")
            if self.interaction_timeout is not None and time.monotonic() - rec.created_at > self.interaction_timeout:
                raise ApiError(404, 10062, "Unknown interaction")
            allowed = {
                APPLICATION_COMMAND: (CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_MODAL),
                MESSAGE_COMPONENT: (CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE, CB_UPDATE_MESSAGE, CB_MODAL),
                MODAL_SUBMIT: (CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE, CB_UPDATE_MESSAGE),
                AUTOCOMPLETE: (CB_AUTOCOMPLETE,),
            }[rec.type]
            if ctype not in allowed:
                raise form_error([("type", "INTERACTION_RESPONSE_TYPE_INVALID",
                                   f"Interaction response type {ctype} is not valid for interaction type {rec.type}")])
            msg: StoredMessage | None = None
            if ctype == CB_MESSAGE:
                validate_message_body(data, partial=False, has_files=bool(req.files))
                msg = self._interaction_message(rec, data, req.files, source="interaction")
                rec.original_message_id = msg.id
                self._emit_message("MESSAGE_CREATE", msg)
            elif ctype == CB_DEFERRED_MESSAGE:
                flags = (int(data.get("flags") or 0) & FLAG_EPHEMERAL) | FLAG_LOADING
                msg = self._interaction_message(rec, {"content": ""}, [], source="interaction", flags=flags)
                rec.original_message_id = msg.id
                self._emit_message("MESSAGE_CREATE", msg)
            elif ctype == CB_DEFERRED_UPDATE:
                rec.original_message_id = rec.source_message_id
            elif ctype == CB_UPDATE_MESSAGE:
                if rec.source_message_id is None:
                    raise form_error([("type", "INTERACTION_RESPONSE_TYPE_INVALID", "This interaction has no message to update")])
                msg = self.messages[rec.source_message_id]
                self._edit_message(msg, data, req.files)
                rec.original_message_id = msg.id
                self._emit_message("MESSAGE_UPDATE", msg)
            elif ctype == CB_AUTOCOMPLETE:
                if len(data.get("choices") or []) > 25:
                    raise form_error([("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")])
            elif ctype == CB_MODAL:
                validate_modal(data)
                self.modals[data["custom_id"]] = data
                self.modal_origin[data["custom_id"]] = rec
        except ApiError as e:
            rec.rejected.append({"type": ctype, "status": e.status, "code": e.code, "message": e.message,
                                 "errors": e.errors, "at": time.monotonic()})
            raise
        rec.responses.append(CallbackRecord(type=ctype, data=data, at=time.monotonic(), message=msg))
        if not _truthy(req.query.get("with_response")):
            return None
        out: dict[str, Any] = {
            "interaction": {
                "id": str(rec.id),
                "type": rec.type,
                "response_message_loading": ctype == CB_DEFERRED_MESSAGE,
                "response_message_ephemeral": bool(msg is not None and msg.ephemeral),
            },
            "resource": {"type": ctype},
        }
        if msg is not None:
            out["interaction"]["response_message_id"] = str(msg.id)
            out["resource"]["message"] = msg.payload()
        return out

    async def _h_followup(self, req: _Req) -> Any:
        rec = self._interaction_by_token(req)
        if not rec.acknowledged:
            raise ApiError(404, 10015, "Unknown Webhook")
        body = req.json or {}
        validate_message_body(body, partial=False, has_files=bool(req.files))
        orig = self.messages.get(rec.original_message_id) if rec.original_message_id else None
        if (rec.response.type == CB_DEFERRED_MESSAGE and orig is not None and orig.loading and not orig.deleted):
            # the first followup after a "thinking" defer replaces the loading message
            self._edit_message(orig, body, req.files)
            self._emit_message("MESSAGE_UPDATE", orig)
            msg = orig
        else:
            flags = int(body.get("flags") or 0)
            msg = self._interaction_message(rec, body, req.files, source="followup", flags=flags)
            rec.followup_ids.append(msg.id)
            self._emit_message("MESSAGE_CREATE", msg)
        return msg.payload() if _truthy(req.query.get("wait")) else None

    async def _h_webhook_message(self, req: _Req) -> Any:
        rec = self._interaction_by_token(req)
        mid = req.params["message_id"]
        if mid == "@original":
            target = rec.original_message_id
        else:
            target = int(mid) if mid.isdigit() else None
            if target not in rec.followup_ids and target != rec.original_message_id:
                target = None
        msg = self.messages.get(target) if target else None
        if msg is None or msg.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        if req.method == "GET":
            return msg.payload()
        if req.method == "DELETE":
            self._delete_message(msg)
            return None
        body = req.json or {}
        self._edit_message(msg, body, req.files)
        self._emit_message("MESSAGE_UPDATE", msg)
        return msg.payload()

    # ---------------------------------------------------------------- channels & messages
    async def _h_get_channel(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        self._require(ch, VIEW_CHANNEL)
        return ch.payload()

    async def _h_patch_channel(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        body = req.json or {}
        if ch.is_thread:
            manage = self._bot_perms(ch) & MANAGE_THREADS or not self.enforce_permissions
            if not manage and ch.owner_id != self.bot_user.id:
                raise ApiError(403, 50013, "Missing Permissions")
            if ch.locked and not manage and body.get("archived") is False:
                raise ApiError(403, 50013, "Missing Permissions")
            if ch.archived and body.get("archived") is not False:
                raise ApiError(400, 50083, "Thread is archived")
            if "name" in body:
                ch.name = body["name"]
            for k in ("archived", "locked", "invitable", "auto_archive_duration"):
                if k in body and body[k] is not None:
                    if k == "archived" and bool(body[k]) != ch.archived:
                        ch.archive_timestamp = now_iso()
                    setattr(ch, k, body[k])
            self.emit("THREAD_UPDATE", ch.payload(), ch.guild_id)
        else:
            if ch.guild_id is not None:
                self._require(ch, 1 << 4)  # MANAGE_CHANNELS
            for k in ("name", "topic", "position", "nsfw"):
                if k in body:
                    setattr(ch, k, body[k])
            if "permission_overwrites" in body:
                ch.overwrites = [dict(o) for o in body["permission_overwrites"] or []]
            if ch.guild_id is not None:
                self.emit("CHANNEL_UPDATE", ch.payload(), ch.guild_id)
        return ch.payload()

    async def _h_delete_channel(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        if ch.is_thread:
            if ch.owner_id != self.bot_user.id:
                self._require(ch, MANAGE_THREADS)
        elif ch.guild_id is not None:
            self._require(ch, 1 << 4)
        ch.deleted = True
        if ch.is_thread:
            self.emit("THREAD_DELETE", {"id": str(ch.id), "guild_id": str(ch.guild_id), "parent_id": str(ch.parent_id),
                                        "type": ch.type}, ch.guild_id)
        elif ch.guild_id is not None:
            self.emit("CHANNEL_DELETE", ch.payload(), ch.guild_id)
        return ch.payload()

    async def _h_history(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        self._require(ch, VIEW_CHANNEL | (1 << 16))
        limit = min(int(req.query.get("limit", 50)), 100)
        msgs = [m for m in self.messages_in(ch, include_ephemeral=False)]
        before, after = req.query.get("before"), req.query.get("after")
        if before:
            msgs = [m for m in msgs if m.id < int(before)]
        if after:
            msgs = [m for m in msgs if m.id > int(after)]
            return [m.payload() for m in msgs[:limit]][::-1]
        return [m.payload() for m in msgs[-limit:]][::-1]

    def _check_sendable(self, ch: Channel, *, has_files: bool) -> None:
        if ch.is_dm:
            other = ch.recipients[0].id if ch.recipients else None
            if other in self.blocked_dm_users:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        if ch.type in (CATEGORY, FORUM):
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        need = VIEW_CHANNEL | (SEND_MESSAGES_IN_THREADS if ch.is_thread else SEND_MESSAGES)
        if has_files:
            need |= ATTACH_FILES
        self._require(ch, need)
        if ch.is_thread and ch.archived:
            if ch.locked and not self._bot_perms(ch) & MANAGE_THREADS:
                raise ApiError(400, 50083, "Thread is archived")
            ch.archived = False
            ch.archive_timestamp = now_iso()
            self.emit("THREAD_UPDATE", ch.payload(), ch.guild_id)

    async def _h_send(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        body = req.json or {}
        self._check_sendable(ch, has_files=bool(req.files))
        validate_message_body(body, partial=False, has_files=bool(req.files))
        msg = self._create_message(ch, self.bot_user, body, req.files, source="rest")
        if self.echo_bot_messages:
            self._emit_message("MESSAGE_CREATE", msg)
        return msg.payload()

    async def _h_get_message(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        self._require(ch, VIEW_CHANNEL | (1 << 16))
        return self._message_or_404(ch, req.params["message_id"]).payload()

    async def _h_edit_message(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        msg = self._message_or_404(ch, req.params["message_id"])
        body = req.json or {}
        if msg.author.id != self.bot_user.id:
            if set(body) - {"flags"}:
                raise ApiError(403, 50005, "Cannot edit a message authored by another user")
            self._require(ch, MANAGE_MESSAGES)
        if ch.is_thread and ch.archived:
            raise ApiError(400, 50083, "Thread is archived")
        self._edit_message(msg, body, req.files)
        self._emit_message("MESSAGE_UPDATE", msg)
        return msg.payload()

    async def _h_delete_message(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        msg = self._message_or_404(ch, req.params["message_id"])
        if msg.author.id != self.bot_user.id:
            self._require(ch, MANAGE_MESSAGES)
        self._delete_message(msg)
        return None

    async def _h_reaction(self, req: _Req) -> Any:
        ch = self._channel_or_404(req.params["channel_id"])
        msg = self._message_or_404(ch, req.params["message_id"])
        emoji = req.params["emoji"]
        from urllib.parse import unquote

        emoji = unquote(emoji)
        if req.method == "PUT":
            self._require(ch, VIEW_CHANNEL | (1 << 6))
            msg.reactions.append(emoji)
        elif emoji in msg.reactions:
            msg.reactions.remove(emoji)
        return None

    async def _h_typing(self, req: _Req) -> Any:
        self._channel_or_404(req.params["channel_id"])
        return None

    async def _h_create_thread(self, req: _Req) -> Any:
        parent = self._channel_or_404(req.params["channel_id"])
        body = req.json or {}
        name = body.get("name")
        if not isinstance(name, str) or not (1 <= len(name) <= 100):
            raise form_error([("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")])
        if parent.type not in (TEXT, NEWS, FORUM):
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        mid = req.params.get("message_id")
        starter: StoredMessage | None = None
        if mid is not None:
            starter = self._message_or_404(parent, mid)
            if starter.thread is not None:
                raise ApiError(400, 160004, "A thread has already been created for this message")
            self._require(parent, VIEW_CHANNEL | CREATE_PUBLIC_THREADS)
            ttype = NEWS_THREAD if parent.type == NEWS else PUBLIC_THREAD
        elif parent.type == FORUM:
            self._require(parent, VIEW_CHANNEL | SEND_MESSAGES)
            ttype = PUBLIC_THREAD
        else:
            ttype = int(body.get("type") or PRIVATE_THREAD)
            if ttype not in THREAD_TYPES:
                raise form_error([("type", "BASE_TYPE_CHOICES", "Value must be one of (10, 11, 12).")])
            self._require(parent, VIEW_CHANNEL | (CREATE_PRIVATE_THREADS if ttype == PRIVATE_THREAD else CREATE_PUBLIC_THREADS))
        thread = Channel(
            id=starter.id if starter is not None else self._snow(),
            type=ttype,
            name=name,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=self.bot_user.id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            invitable=bool(body.get("invitable", True)),
            thread_members=[self.bot_user.id],
            starter_message_id=starter.id if starter else None,
        )
        self._add_channel(thread)
        if starter is not None:
            starter.thread = thread
        out = thread.payload()
        self.emit("THREAD_CREATE", {**out, "newly_created": True}, thread.guild_id)
        if parent.type == FORUM:
            first = body.get("message") or {}
            validate_message_body(first, partial=False, has_files=bool(req.files))
            msg = self._create_message(thread, self.bot_user, first, req.files, source="rest", msg_id=thread.id)
            self._emit_message("MESSAGE_CREATE", msg)
            out["message"] = msg.payload()
        return 201, out

    def _thread_or_404(self, cid: Any) -> Channel:
        ch = self._channel_or_404(cid)
        if not ch.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        return ch

    async def _h_thread_members(self, req: _Req) -> Any:
        th = self._thread_or_404(req.params["channel_id"])
        return [th.thread_member_payload(u) for u in th.thread_members]

    async def _h_thread_member(self, req: _Req) -> Any:
        th = self._thread_or_404(req.params["channel_id"])
        raw = req.params["user_id"]
        uid = self.bot_user.id if raw == "@me" else (int(raw) if raw.isdigit() else -1)
        if req.method == "GET":
            if uid not in th.thread_members:
                raise ApiError(404, 10007, "Unknown Member")
            return th.thread_member_payload(uid)
        if th.archived:
            raise ApiError(400, 50083, "Thread is archived")
        g = self.guilds[th.guild_id]
        if uid not in g.members:
            raise ApiError(404, 10007, "Unknown Member")
        if req.method == "PUT":
            if uid != self.bot_user.id and th.type == PRIVATE_THREAD and self.bot_user.id not in th.thread_members:
                self._require(th, MANAGE_THREADS)
            if uid not in th.thread_members:
                th.thread_members.append(uid)
                self.emit("THREAD_MEMBERS_UPDATE", {
                    "id": str(th.id), "guild_id": str(th.guild_id), "member_count": len(th.thread_members),
                    "added_members": [{**th.thread_member_payload(uid), "member": g.members[uid].payload()}],
                }, th.guild_id)
        else:
            if uid != self.bot_user.id:
                self._require(th, MANAGE_THREADS)
            if uid in th.thread_members:
                th.thread_members.remove(uid)
                self.emit("THREAD_MEMBERS_UPDATE", {
                    "id": str(th.id), "guild_id": str(th.guild_id), "member_count": len(th.thread_members),
                    "removed_member_ids": [str(uid)],
                }, th.guild_id)
        return None

    # ---------------------------------------------------------------- guilds
    async def _h_guild(self, req: _Req) -> Any:
        g = self._guild_or_404(req.params["guild_id"])
        out = g.base_payload()
        if _truthy(req.query.get("with_counts")):
            out["approximate_member_count"] = len(g.members)
            out["approximate_presence_count"] = 0
        return out

    async def _h_guild_channels(self, req: _Req) -> Any:
        g = self._guild_or_404(req.params["guild_id"])
        return [self.channels[c].payload() for c in g.channel_ids
                if not self.channels[c].is_thread and not self.channels[c].deleted]

    async def _h_guild_roles(self, req: _Req) -> Any:
        g = self._guild_or_404(req.params["guild_id"])
        return [r.payload() for r in g.roles.values()]

    async def _h_guild_members(self, req: _Req) -> Any:
        g = self._guild_or_404(req.params["guild_id"])
        limit = min(int(req.query.get("limit", 1)), 1000)
        after = int(req.query.get("after", 0))
        ms = sorted((m for m in g.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return [m.payload() for m in ms[:limit]]

    async def _h_guild_member(self, req: _Req) -> Any:
        g = self._guild_or_404(req.params["guild_id"])
        uid = req.params["user_id"]
        m = g.members.get(int(uid)) if uid.isdigit() else None
        if m is None:
            raise ApiError(404, 10007, "Unknown Member")
        return m.payload()

    async def _h_member_role(self, req: _Req) -> Any:
        g = self._guild_or_404(req.params["guild_id"])
        uid, rid = req.params["user_id"], req.params["role_id"]
        m = g.members.get(int(uid)) if uid.isdigit() else None
        if m is None:
            raise ApiError(404, 10007, "Unknown Member")
        role = g.roles.get(int(rid)) if rid.isdigit() else None
        if role is None:
            raise ApiError(404, 10011, "Unknown Role")
        if self.enforce_permissions:
            me = g.members[self.bot_user.id]
            perms = base_permissions(g, me)
            top = max((g.roles[r].position for r in me.roles if r in g.roles), default=0)
            if not perms & (MANAGE_ROLES | ADMINISTRATOR) or (role.position >= top and g.owner_id != self.bot_user.id):
                raise ApiError(403, 50013, "Missing Permissions")
        if req.method == "PUT":
            if role.id not in m.roles:
                m.roles.append(role.id)
        elif role.id in m.roles:
            m.roles.remove(role.id)
        self.emit("GUILD_MEMBER_UPDATE", {**m.payload(), "guild_id": str(g.id)}, g.id)
        return None

    # ======================================================================
    # message internals
    # ======================================================================
    def _make_attachments(self, channel_id: int, body: dict[str, Any], files: list[_Upload],
                          existing: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[int, bytes]]:
        by_index = {f.index: f for f in files}
        meta = body.get("attachments")
        result: list[dict[str, Any]] = []
        blobs: dict[int, bytes] = {}
        existing_by_id = {int(a["id"]): a for a in existing}
        if meta is None:
            result.extend(existing)
            pending = list(by_index.items())
        else:
            pending = []
            for a in meta:
                aid = int(a["id"])
                if aid in by_index:
                    pending.append((aid, by_index.pop(aid), a))
                elif aid in existing_by_id:
                    result.append(existing_by_id[aid])
            pending += [(i, f) for i, f in by_index.items()]
        for item in pending:
            f = item[1]
            extra = item[2] if len(item) > 2 else {}
            if len(f.data) > self.attachment_size_limit:
                raise ApiError(413, 40005, "Request entity too large")
            aid = self._snow()
            fname = extra.get("filename") or f.filename
            att = {
                "id": str(aid),
                "filename": fname,
                "size": len(f.data),
                "url": f"{self.base_url}/attachments/{channel_id}/{aid}/{fname}",
                "proxy_url": f"{self.base_url}/attachments/{channel_id}/{aid}/{fname}",
                "content_type": f.content_type,
            }
            if extra.get("description"):
                att["description"] = extra["description"]
            result.append(att)
            blobs[aid] = f.data
            self.attachment_blobs[aid] = (f.content_type, f.data)
        if len(result) > 10:
            raise form_error([("attachments", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")])
        return result, blobs

    def _mention_fields(self, content: str, allowed: dict[str, Any] | None) -> tuple[list, list, bool]:
        users, roles, everyone = parse_mentions(content, self.users.get)
        if everyone and allowed is not None and "everyone" not in (allowed.get("parse") or []):
            everyone = False
        return users, roles, everyone

    def _create_message(self, ch: Channel, author: User, body: dict[str, Any], files: list[_Upload], *,
                        source: str, allow_ephemeral: bool = False, flags_override: int | None = None,
                        member: dict[str, Any] | None = None, msg_id: int | None = None) -> StoredMessage:
        flags = int(body.get("flags") or 0) if flags_override is None else flags_override
        if not allow_ephemeral:
            flags &= ~FLAG_EPHEMERAL
        flags &= ~FLAG_LOADING if flags_override is None else ~0
        mid = msg_id or self._snow()
        attachments, blobs = self._make_attachments(ch.id, body, files, [])
        content = body.get("content") or ""
        allowed = body.get("allowed_mentions")
        users, roles, everyone = self._mention_fields(content, allowed)
        ref = body.get("message_reference")
        mtype = 0
        if ref and ref.get("message_id"):
            target = self.messages.get(int(ref["message_id"]))
            if target is None or target.deleted or target.channel_id != int(ref.get("channel_id") or ch.id):
                if ref.get("fail_if_not_exists", True):
                    raise form_error([("message_reference", "REPLIES_UNKNOWN_MESSAGE", "Unknown message")])
                ref = None
            else:
                ref = {"type": 0, "message_id": str(target.id), "channel_id": str(ch.id),
                       **({"guild_id": str(ch.guild_id)} if ch.guild_id else {})}
                mtype = 19
        msg = StoredMessage(
            id=mid,
            channel_id=ch.id,
            author=author,
            guild_id=ch.guild_id,
            content=content,
            embeds=list(body.get("embeds") or []),
            components=assign_component_ids(body.get("components") or []),
            attachments=attachments,
            files=blobs,
            flags=flags,
            type=mtype,
            tts=bool(body.get("tts")),
            allowed_mentions=allowed,
            mentions=users,
            mention_roles=roles,
            mention_everyone=everyone,
            message_reference=ref if mtype == 19 else None,
            member=member,
            nonce=body.get("nonce"),
            source=source,
        )
        self.messages[mid] = msg
        self.channel_messages[ch.id].append(mid)
        if not msg.ephemeral:
            ch.last_message_id = mid
        if ch.is_thread:
            ch.message_count += 1
            ch.total_message_sent += 1
        return msg

    def _edit_message(self, msg: StoredMessage, body: dict[str, Any], files: list[_Upload]) -> None:
        check = dict(body)
        if check.get("flags") is None:
            check["flags"] = msg.flags & FLAG_COMPONENTS_V2
        validate_message_body(check, partial=True, has_files=bool(files))
        before = msg.snapshot()
        new_attachments, blobs = msg.attachments, {}
        if "attachments" in body or files:
            new_attachments, blobs = self._make_attachments(msg.channel_id, body, files, msg.attachments)
        content = msg.content if "content" not in body else (body["content"] or "")
        embeds = msg.embeds if "embeds" not in body else list(body["embeds"] or [])
        components = msg.components if "components" not in body else assign_component_ids(body["components"] or [])
        if not (content or embeds or components or new_attachments):
            raise ApiError(400, 50006, "Cannot send an empty message")
        msg.edits.append(before)
        msg.content, msg.embeds, msg.components, msg.attachments = content, embeds, components, new_attachments
        msg.files.update(blobs)
        if "allowed_mentions" in body:
            msg.allowed_mentions = body["allowed_mentions"]
        if "content" in body:
            msg.mentions, msg.mention_roles, msg.mention_everyone = self._mention_fields(content, msg.allowed_mentions)
        if body.get("flags") is not None:
            keep = msg.flags & FLAG_EPHEMERAL
            msg.flags = keep | (int(body["flags"]) & ~(FLAG_EPHEMERAL | FLAG_LOADING))
        msg.flags &= ~FLAG_LOADING
        msg.edited_at = time.time()

    def _delete_message(self, msg: StoredMessage) -> None:
        msg.deleted = True
        if not msg.ephemeral:
            d = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id:
                d["guild_id"] = str(msg.guild_id)
            self.emit("MESSAGE_DELETE", d, msg.guild_id)

    def _emit_message(self, event: str, msg: StoredMessage) -> None:
        if msg.ephemeral:
            return  # Discord does not dispatch ephemeral messages over the gateway
        self.emit(event, msg.payload(), msg.guild_id)

    # ======================================================================
    # test helpers: world building
    # ======================================================================
    def _add_user(self, u: User) -> User:
        self.users[u.id] = u
        return u

    def user(self, user: Any) -> User:
        uid = snowflake_of(user)
        return self.users[uid]

    def guild(self, guild: Any) -> Guild:
        return self.guilds[snowflake_of(guild)]

    def channel(self, channel: Any) -> Channel:
        return self.channels[snowflake_of(channel)]

    def message(self, message: Any) -> StoredMessage:
        return self.messages[snowflake_of(message)]

    def interaction(self, interaction: Any) -> InteractionRecord:
        if isinstance(interaction, InteractionRecord):
            return interaction
        if isinstance(interaction, str) and interaction in self.interactions_by_token:
            return self.interactions_by_token[interaction]
        return self.interactions[snowflake_of(interaction)]

    def create_user(self, username: str, *, id: int | None = None, bot: bool = False,
                    global_name: str | None = None) -> User:
        return self._add_user(User(id=id or self._snow(), username=username, bot=bot, global_name=global_name))

    def create_guild(self, name: str = "Test Guild", *, owner: Any = None, id: int | None = None,
                     bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
                     everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS, bot_member: bool = True) -> Guild:
        """A guild with @everyone, a managed bot role (position 100) and the bot as member.

        The n-th guild created (0-based) lives on shard ``n % shard_count``.
        """
        gid = id or self._snow.guild_id(len(self.guilds))
        owner_user = self.user(owner) if owner is not None else self.app_owner
        g = Guild(id=gid, name=name, owner_id=owner_user.id)
        g.roles[gid] = Role(id=gid, guild_id=gid, name="@everyone", permissions=everyone_permissions, position=0)
        self.guilds[gid] = g
        g.members[owner_user.id] = Member(user=owner_user, guild_id=gid)
        if bot_member:
            rid = self._snow()
            g.roles[rid] = Role(id=rid, guild_id=gid, name=self.bot_user.username, permissions=bot_permissions,
                                position=100, managed=True, bot_id=self.bot_user.id)
            g.members[self.bot_user.id] = Member(user=self.bot_user, guild_id=gid, roles=[rid])
            self.emit("GUILD_CREATE", self.guild_create_payload(g), gid)
        self._notify()
        return g

    def bot_role(self, guild: Any) -> Role:
        g = self.guild(guild)
        return next(r for r in g.roles.values() if r.bot_id == self.bot_user.id)

    def guild_create_payload(self, g: Guild) -> dict[str, Any]:
        chans = [self.channels[c] for c in g.channel_ids if not self.channels[c].deleted]
        out = g.base_payload()
        out.update(
            channels=[c.payload() for c in chans if not c.is_thread],
            threads=[c.payload() for c in chans if c.is_thread and not c.archived],
            members=[m.payload() for m in g.members.values()],
            member_count=len(g.members),
            large=False,
            unavailable=False,
            joined_at=g.joined_at,
            voice_states=[],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        return out

    def create_role(self, guild: Any, name: str, *, permissions: int = 0, id: int | None = None,
                    position: int | None = None, color: int = 0, hoist: bool = False,
                    mentionable: bool = False) -> Role:
        """A role (default position below the bot's role, so the bot may assign it)."""
        g = self.guild(guild)
        rid = id or self._snow()
        pos = position if position is not None else len([r for r in g.roles.values() if r.position < 100])
        role = Role(id=rid, guild_id=g.id, name=name, permissions=permissions, position=pos, color=color,
                    hoist=hoist, mentionable=mentionable)
        g.roles[rid] = role
        self.emit("GUILD_ROLE_CREATE", {"guild_id": str(g.id), "role": role.payload()}, g.id)
        self._notify()
        return role

    def _add_channel(self, ch: Channel) -> Channel:
        self.channels[ch.id] = ch
        if ch.guild_id is not None:
            self.guilds[ch.guild_id].channel_ids.append(ch.id)
        return ch

    def create_channel(self, guild: Any, name: str, *, type: int = TEXT, parent: Any = None,
                       topic: str | None = None, overwrites: list[dict[str, Any]] | None = None,
                       id: int | None = None, position: int | None = None) -> Channel:
        g = self.guild(guild)
        pos = position if position is not None else sum(1 for c in g.channel_ids if not self.channels[c].is_thread)
        ch = Channel(id=id or self._snow(), type=type, name=name, guild_id=g.id,
                     parent_id=snowflake_of(parent) if parent is not None else None, position=pos, topic=topic,
                     overwrites=[dict(o) for o in overwrites or []])
        self._add_channel(ch)
        self.emit("CHANNEL_CREATE", ch.payload(), g.id)
        self._notify()
        return ch

    def create_thread(self, channel: Any, name: str, *, owner: Any = None, type: int = PUBLIC_THREAD,
                      message: Any = None, members: list[Any] = (), archived: bool = False,
                      locked: bool = False) -> Channel:
        """A thread that already exists (e.g. opened by a user)."""
        parent = self.channel(channel)
        owner_user = self.user(owner) if owner is not None else self.bot_user
        starter = self.message(message) if message is not None else None
        th = Channel(id=starter.id if starter else self._snow(), type=type, name=name, guild_id=parent.guild_id,
                     parent_id=parent.id, owner_id=owner_user.id, archived=archived, locked=locked,
                     thread_members=[owner_user.id] + [snowflake_of(m) for m in members],
                     starter_message_id=starter.id if starter else None)
        self._add_channel(th)
        if starter is not None:
            starter.thread = th
        self.emit("THREAD_CREATE", {**th.payload(), "newly_created": True}, th.guild_id)
        self._notify()
        return th

    def add_member(self, guild: Any, user: Any, *, roles: list[Any] = (), nick: str | None = None) -> Member:
        g = self.guild(guild)
        u = self.user(user)
        m = g.members.get(u.id)
        if m is None:
            m = Member(user=u, guild_id=g.id, roles=[snowflake_of(r) for r in roles], nick=nick)
            g.members[u.id] = m
            self.emit("GUILD_MEMBER_ADD", {**m.payload(), "guild_id": str(g.id)}, g.id)
        else:
            for r in roles:
                if snowflake_of(r) not in m.roles:
                    m.roles.append(snowflake_of(r))
            self.emit("GUILD_MEMBER_UPDATE", {**m.payload(), "guild_id": str(g.id)}, g.id)
        self._notify()
        return m

    def remove_member(self, guild: Any, user: Any) -> None:
        g = self.guild(guild)
        u = self.user(user)
        if g.members.pop(u.id, None) is not None:
            self.emit("GUILD_MEMBER_REMOVE", {"guild_id": str(g.id), "user": u.payload()}, g.id)
            self._notify()

    def set_roles(self, guild: Any, user: Any, roles: list[Any]) -> Member:
        g = self.guild(guild)
        m = g.members[snowflake_of(user)]
        m.roles = [snowflake_of(r) for r in roles]
        self.emit("GUILD_MEMBER_UPDATE", {**m.payload(), "guild_id": str(g.id)}, g.id)
        self._notify()
        return m

    def set_overwrite(self, channel: Any, target: Any, *, allow: int = 0, deny: int = 0) -> Channel:
        """Channel permission overwrite for a Role or a User/Member."""
        ch = self.channel(channel)
        tid = snowflake_of(target)
        otype = 0 if isinstance(target, Role) or (ch.guild_id and tid in self.guilds[ch.guild_id].roles) else 1
        ch.overwrites = [o for o in ch.overwrites if int(o["id"]) != tid]
        ch.overwrites.append({"id": str(tid), "type": otype, "allow": str(allow), "deny": str(deny)})
        if ch.guild_id is not None:
            self.emit("CHANNEL_UPDATE", ch.payload(), ch.guild_id)
        self._notify()
        return ch

    def block_dms(self, user: Any, blocked: bool = True) -> None:
        """Sends to this user's DM channel fail with 403 / 50007."""
        uid = snowflake_of(user)
        (self.blocked_dm_users.add if blocked else self.blocked_dm_users.discard)(uid)

    def dm_channel(self, user: Any) -> Channel:
        """The bot's DM channel with ``user`` (created on first use)."""
        u = self.user(user)
        cid = self.dm_channels.get(u.id)
        if cid is None:
            ch = self._add_channel(Channel(id=self._snow(), type=DM, recipients=[u]))
            self.dm_channels[u.id] = ch.id
            return ch
        return self.channels[cid]

    def permissions_of(self, guild: Any, user: Any, channel: Any = None) -> int:
        g = self.guild(guild)
        m = g.members[snowflake_of(user)]
        if channel is None:
            return base_permissions(g, m)
        ch = self.channel(channel)
        return channel_permissions(g, m, ch, self.channels.get(ch.parent_id) if ch.parent_id else None)

    # ======================================================================
    # test helpers: assertions
    # ======================================================================
    def messages_in(self, channel: Any, *, include_ephemeral: bool = True, include_deleted: bool = False) -> list[StoredMessage]:
        cid = snowflake_of(channel)
        out = []
        for mid in self.channel_messages.get(cid, []):
            m = self.messages[mid]
            if (m.deleted and not include_deleted) or (m.ephemeral and not include_ephemeral):
                continue
            out.append(m)
        return out

    def dm_messages_to(self, user: Any, *, include_deleted: bool = False) -> list[StoredMessage]:
        cid = self.dm_channels.get(snowflake_of(user))
        if cid is None:
            return []
        return [m for m in self.messages_in(cid, include_deleted=include_deleted) if m.author.id == self.bot_user.id]

    def threads_of(self, channel: Any) -> list[Channel]:
        cid = snowflake_of(channel)
        return [c for c in self.channels.values() if c.is_thread and c.parent_id == cid and not c.deleted]

    def commands(self, guild: Any = None) -> list[dict[str, Any]]:
        if guild is None:
            return list(self.global_commands)
        return list(self.guild_commands.get(snowflake_of(guild), []))

    def command_names(self, guild: Any = None) -> list[str]:
        return [c["name"] for c in self.commands(guild)]

    def find_command(self, name: str, guild: Any = None, type: int = 1) -> dict[str, Any] | None:
        if guild is not None:
            for c in self.guild_commands.get(snowflake_of(guild), []):
                if c["name"] == name and c.get("type", 1) == type:
                    return c
        for c in self.global_commands:
            if c["name"] == name and c.get("type", 1) == type:
                return c
        return None

    # ======================================================================
    # test helpers: injecting user actions
    # ======================================================================
    def _ensure_member(self, g: Guild, u: User) -> Member:
        m = g.members.get(u.id)
        if m is None:
            if not self.auto_member:
                raise ValueError(f"user {u.username} is not a member of guild {g.name}")
            m = self.add_member(g, u)
        return m

    def _resolve_channel_arg(self, user: User, guild: Any, channel: Any) -> Channel:
        if channel is None:
            if guild is not None:
                raise ValueError("channel is required for guild interactions")
            return self.dm_channel(user)
        ch = self.channel(channel)
        if guild is not None and ch.guild_id != snowflake_of(guild):
            raise ValueError(f"channel {ch.id} is not in guild {snowflake_of(guild)}")
        return ch

    async def _deliver_interaction(self, itype: int, user: Any, channel: Channel, data: dict[str, Any], *,
                                   message: StoredMessage | None = None, name: str | None = None,
                                   custom_id: str | None = None) -> InteractionRecord:
        u = self.user(user)
        g = self.guilds.get(channel.guild_id) if channel.guild_id else None
        iid = self._snow()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        ch_payload = channel.payload()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.attachment_size_limit,
            "channel_id": str(channel.id),
        }
        if g is not None:
            m = self._ensure_member(g, u)
            parent = self.channels.get(channel.parent_id) if channel.parent_id else None
            uperms = channel_permissions(g, m, channel, parent)
            ch_payload["permissions"] = str(uperms)
            payload.update(
                guild_id=str(g.id),
                guild={"id": str(g.id), "locale": g.preferred_locale, "features": list(g.features)},
                guild_locale=g.preferred_locale,
                member=m.payload(permissions=uperms),
                app_permissions=str(self._bot_perms(channel)),
                authorizing_integration_owners={"0": str(g.id)},
                context=0,
            )
        else:
            payload.update(
                user=u.payload(),
                app_permissions=str(ALL_PERMISSIONS & ~ADMINISTRATOR),
                authorizing_integration_owners={"1": str(u.id)},
                context=1,
            )
        payload["channel"] = ch_payload
        if message is not None:
            payload["message"] = message.payload()
        rec = InteractionRecord(id=iid, token=token, type=itype, user=u, channel_id=channel.id,
                                guild_id=g.id if g else None, payload=payload,
                                source_message_id=message.id if message is not None else None,
                                name=name, custom_id=custom_id)
        self.interactions[iid] = rec
        self.interactions_by_token[token] = rec
        await self.wait_connected(g.id if g else None)
        rec.created_at = time.monotonic()
        self.emit("INTERACTION_CREATE", payload, g.id if g else None)
        self._notify()
        return rec

    @staticmethod
    def _infer_option_type(value: Any) -> int:
        if isinstance(value, bool):
            return 5
        if isinstance(value, int):
            return 4
        if isinstance(value, float):
            return 10
        if isinstance(value, User):
            return 6
        if isinstance(value, Member):
            return 6
        if isinstance(value, Channel):
            return 7
        if isinstance(value, Role):
            return 8
        if isinstance(value, tuple):
            return 11
        return 3

    def _option_value(self, otype: int, value: Any, guild: Guild | None, resolved: dict[str, Any]) -> Any:
        if otype == 3:
            return str(value)
        if otype == 4:
            return int(value)
        if otype == 10:
            return float(value)
        if otype == 5:
            return bool(value)
        if otype == 9:
            vid = snowflake_of(value)
            otype = 8 if guild is not None and vid in guild.roles else 6
        if otype == 6:
            u = self.user(value)
            resolved.setdefault("users", {})[str(u.id)] = u.payload()
            if guild is not None and u.id in guild.members:
                resolved.setdefault("members", {})[str(u.id)] = guild.members[u.id].payload(
                    with_user=False, permissions=base_permissions(guild, guild.members[u.id]))
            return str(u.id)
        if otype == 7:
            ch = self.channel(value)
            d = {"id": str(ch.id), "name": ch.name, "type": ch.type, "permissions": str(ALL_PERMISSIONS)}
            if ch.parent_id:
                d["parent_id"] = str(ch.parent_id)
            if ch.is_thread:
                d["thread_metadata"] = ch.payload()["thread_metadata"]
            resolved.setdefault("channels", {})[str(ch.id)] = d
            return str(ch.id)
        if otype == 8:
            if guild is None:
                raise ValueError("role options need a guild")
            role = guild.roles[snowflake_of(value)]
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(role.id)
        if otype == 11:
            if isinstance(value, dict):
                fname, data, ct = value["filename"], value.get("data", b""), value.get("content_type")
            else:
                fname, data = value[0], value[1]
                ct = value[2] if len(value) > 2 else None
            att = self._user_attachment(0, fname, data, ct)
            resolved.setdefault("attachments", {})[att["id"]] = att
            return att["id"]
        return value

    def _user_attachment(self, channel_id: int, filename: str, data: bytes | int, content_type: str | None) -> dict[str, Any]:
        blob = data if isinstance(data, (bytes, bytearray)) else b"\0" * int(data)
        ct = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        aid = self._snow()
        self.attachment_blobs[aid] = (ct, bytes(blob))
        url = f"{self.base_url}/attachments/{channel_id}/{aid}/{filename}"
        return {"id": str(aid), "filename": filename, "size": len(blob), "url": url, "proxy_url": url, "content_type": ct}

    def _build_options(self, defs: list[dict[str, Any]] | None, values: Any, guild: Guild | None,
                       resolved: dict[str, Any], *, focused: str | None = None) -> list[dict[str, Any]]:
        if isinstance(values, list):
            return values
        values = dict(values or {})
        by_name = {d["name"]: d for d in defs or []}
        out = []
        for name, value in values.items():
            d = by_name.get(name)
            if defs is not None and d is None:
                raise ValueError(f"command has no option {name!r}; options: {sorted(by_name)}")
            otype = d["type"] if d else self._infer_option_type(value)
            if name == focused:
                out.append({"name": name, "type": otype, "value": str(value), "focused": True})
                continue
            v = self._option_value(otype, value, guild, resolved)
            if d:
                choices = d.get("choices")
                if choices and v not in [c["value"] for c in choices]:
                    raise ValueError(f"option {name!r}={v!r} is not one of the choices {[c['value'] for c in choices]}")
                if otype in (4, 10):
                    if d.get("min_value") is not None and v < d["min_value"]:
                        raise ValueError(f"option {name!r}={v} < min_value {d['min_value']}")
                    if d.get("max_value") is not None and v > d["max_value"]:
                        raise ValueError(f"option {name!r}={v} > max_value {d['max_value']}")
                if otype == 3:
                    if d.get("min_length") is not None and len(v) < d["min_length"]:
                        raise ValueError(f"option {name!r} shorter than min_length {d['min_length']}")
                    if d.get("max_length") is not None and len(v) > d["max_length"]:
                        raise ValueError(f"option {name!r} longer than max_length {d['max_length']}")
            out.append({"name": name, "type": otype, "value": v})
        for d in defs or []:
            if d.get("required") and d["type"] not in (1, 2) and d["name"] not in values:
                raise ValueError(f"missing required option {d['name']!r}")
        return out

    def _command_data(self, name: str, guild: Guild | None, options: Any, subcommand: str | None,
                      group: str | None, *, focused: str | None = None) -> dict[str, Any]:
        path = []
        if subcommand and " " in subcommand and group is None:
            group, subcommand = subcommand.split(" ", 1)
        if group:
            path.append((2, group))
        if subcommand:
            path.append((1, subcommand))
        cmd = self.find_command(name, guild)
        defs: list[dict[str, Any]] | None = cmd.get("options", []) if cmd else None
        for ptype, pname in path:
            if defs is not None:
                nxt = next((o for o in defs if o["name"] == pname and o["type"] == ptype), None)
                if nxt is None:
                    raise ValueError(f"command {name!r} has no {'group' if ptype == 2 else 'subcommand'} {pname!r}")
                defs = nxt.get("options", [])
        resolved: dict[str, Any] = {}
        opts = self._build_options(defs, options, guild, resolved, focused=focused)
        for ptype, pname in reversed(path):
            opts = [{"type": ptype, "name": pname, "options": opts}]
        data: dict[str, Any] = {"id": cmd["id"] if cmd else str(self._snow()), "name": name, "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        if cmd and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return data

    async def inject_slash(self, user: Any, guild: Any, channel: Any, name: str, options: Any = None, *,
                           subcommand: str | None = None, group: str | None = None) -> InteractionRecord:
        """A user runs ``/name [group] [subcommand] options...``; returns the interaction record.

        ``options`` is ``{name: value}`` (types taken from the synced command when known;
        users/roles/channels as fake objects or ids; attachments as ``(filename, bytes)``)
        or a raw list of option payloads.  ``subcommand`` may be ``"group sub"``.
        ``guild=None, channel=None`` runs it in the user's DM with the bot.
        """
        u = self.user(user)
        ch = self._resolve_channel_arg(u, guild, channel)
        g = self.guilds.get(ch.guild_id) if ch.guild_id else None
        if g is not None:
            self._ensure_member(g, u)
        data = self._command_data(name, g, options, subcommand, group)
        return await self._deliver_interaction(APPLICATION_COMMAND, u, ch, data, name=name)

    async def inject_autocomplete(self, user: Any, guild: Any, channel: Any, name: str, options: Any, focused: str, *,
                                  subcommand: str | None = None, group: str | None = None) -> InteractionRecord:
        """Autocomplete request while typing option ``focused``; the bot answers with type 8."""
        u = self.user(user)
        ch = self._resolve_channel_arg(u, guild, channel)
        g = self.guilds.get(ch.guild_id) if ch.guild_id else None
        if g is not None:
            self._ensure_member(g, u)
        data = self._command_data(name, g, options, subcommand, group, focused=focused)
        return await self._deliver_interaction(AUTOCOMPLETE, u, ch, data, name=name)

    async def inject_context_menu(self, user: Any, guild: Any, channel: Any, name: str, target: Any) -> InteractionRecord:
        """User (target = user) or message (target = StoredMessage) context-menu command."""
        u = self.user(user)
        ch = self._resolve_channel_arg(u, guild, channel)
        g = self.guilds.get(ch.guild_id) if ch.guild_id else None
        if g is not None:
            self._ensure_member(g, u)
        resolved: dict[str, Any] = {}
        if isinstance(target, StoredMessage):
            ctype = 3
            resolved["messages"] = {str(target.id): target.payload()}
        else:
            ctype = 2
            self._option_value(6, target, g, resolved)
        cmd = self.find_command(name, g, type=ctype)
        data = {"id": cmd["id"] if cmd else str(self._snow()), "name": name, "type": ctype,
                "target_id": str(snowflake_of(target)), "resolved": resolved}
        if cmd and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return await self._deliver_interaction(APPLICATION_COMMAND, u, ch, data, name=name)

    def _component_target(self, user: User, message: Any, custom_id: str, check: bool,
                          types: tuple[int, ...]) -> tuple[StoredMessage, dict[str, Any] | None]:
        msg = self.message(message)
        if msg.deleted and check:
            raise ValueError(f"message {msg.id} was deleted")
        comp = msg.find_component(custom_id)
        if check:
            if comp is None:
                raise ValueError(f"no component {custom_id!r} on message {msg.id}; it has {msg.custom_ids()}")
            if comp.get("type") not in types:
                raise ValueError(f"component {custom_id!r} has type {comp.get('type')}, expected {types}")
            if comp.get("disabled"):
                raise ValueError(f"component {custom_id!r} is disabled")
            if msg.ephemeral and msg.interaction_id in self.interactions:
                owner = self.interactions[msg.interaction_id].user.id
                if owner != user.id:
                    raise ValueError(f"ephemeral message {msg.id} is only visible to user {owner}")
        return msg, comp

    async def inject_button(self, user: Any, message: Any, custom_id: str, *, check: bool = True) -> InteractionRecord:
        """``user`` presses button ``custom_id`` on ``message`` (must exist and be enabled unless check=False)."""
        u = self.user(user)
        msg, comp = self._component_target(u, message, custom_id, check, (2,))
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        if comp is not None and "id" in comp:
            data["id"] = comp["id"]
        return await self._deliver_interaction(MESSAGE_COMPONENT, u, self.channels[msg.channel_id], data,
                                               message=msg, custom_id=custom_id)

    async def inject_select(self, user: Any, message: Any, custom_id: str, values: list[Any], *,
                            check: bool = True) -> InteractionRecord:
        """``user`` picks ``values`` in select menu ``custom_id`` on ``message``."""
        u = self.user(user)
        msg, comp = self._component_target(u, message, custom_id, check, SELECT_TYPES)
        ctype = comp["type"] if comp else 3
        ch = self.channels[msg.channel_id]
        g = self.guilds.get(ch.guild_id) if ch.guild_id else None
        resolved: dict[str, Any] = {}
        if ctype == 3:
            vals = [str(v) for v in values]
            if check and comp is not None:
                allowed = [o["value"] for o in comp.get("options") or []]
                bad = [v for v in vals if v not in allowed]
                if bad:
                    raise ValueError(f"values {bad} are not options of {custom_id!r}: {allowed}")
        else:
            otype = {5: 6, 6: 8, 7: 7, 8: 9}[ctype]
            vals = [self._option_value(otype, v, g, resolved) for v in values]
        if check and comp is not None:
            mn, mx = comp.get("min_values", 1), comp.get("max_values", 1)
            if not (mn <= len(vals) <= mx):
                raise ValueError(f"select {custom_id!r} needs {mn}..{mx} values, got {len(vals)}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype, "values": vals}
        if comp is not None and "id" in comp:
            data["id"] = comp["id"]
        if resolved:
            data["resolved"] = resolved
        return await self._deliver_interaction(MESSAGE_COMPONENT, u, ch, data, message=msg, custom_id=custom_id)

    def _modal_components(self, modal: dict[str, Any] | None, values: dict[str, Any], strict: bool) -> list[dict[str, Any]]:
        if modal is None:
            return [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": str(v)}]} for k, v in values.items()]
        known: set[str] = set()

        def leaf(c: dict[str, Any]) -> dict[str, Any]:
            cid = c.get("custom_id")
            known.add(cid)
            if c.get("type") == 4:
                v = values.get(cid, c.get("value") or "")
                v = "" if v is None else str(v)
                if strict:
                    required = c.get("required", True)
                    if required and not v:
                        raise ValueError(f"text input {cid!r} is required")
                    if v and c.get("min_length") is not None and len(v) < c["min_length"]:
                        raise ValueError(f"text input {cid!r} shorter than min_length {c['min_length']}")
                    if c.get("max_length") is not None and len(v) > c["max_length"]:
                        raise ValueError(f"text input {cid!r} longer than max_length {c['max_length']}")
                out = {"type": 4, "custom_id": cid, "value": v}
            elif c.get("type") in SELECT_TYPES:
                vals = values.get(cid, [])
                vals = [str(x) if c["type"] == 3 else str(snowflake_of(x)) for x in (vals if isinstance(vals, list) else [vals])]
                out = {"type": c["type"], "custom_id": cid, "values": vals}
            else:
                out = {"type": c.get("type"), "custom_id": cid}
            if "id" in c:
                out["id"] = c["id"]
            return out

        comps = []
        for c in modal.get("components") or []:
            if c.get("type") == 1:
                comps.append({"type": 1, "components": [leaf(k) for k in c.get("components") or []]})
            elif c.get("type") == 18:
                item = {"type": 18, "component": leaf(c["component"])}
                if "id" in c:
                    item["id"] = c["id"]
                comps.append(item)
            elif c.get("type") == 10:
                comps.append({"type": 10, **({"id": c["id"]} if "id" in c else {})})
        unknown = set(values) - known
        if strict and unknown:
            raise ValueError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(unknown)}; inputs: {sorted(k for k in known if k)}")
        return comps

    async def inject_modal_submit(self, user: Any, channel: Any, custom_id: str, values: dict[str, Any], *,
                                  message: Any = None, strict: bool = True) -> InteractionRecord:
        """``user`` submits the modal ``custom_id`` the bot opened, with ``{input_custom_id: value}``.

        The payload mirrors the modal the bot sent (action rows or labels).  With
        ``strict`` the fake refuses unknown inputs, missing required ones and length
        violations (Discord's client would not submit them).  ``channel=None`` uses
        the channel of the interaction that opened the modal; a modal opened from a
        component also carries that component's message.
        """
        u = self.user(user)
        modal = self.modals.get(custom_id)
        origin = self.modal_origin.get(custom_id)
        if modal is None and strict:
            raise ValueError(f"the bot never opened a modal with custom_id {custom_id!r}; open: {sorted(self.modals)}")
        if channel is None:
            if origin is None:
                raise ValueError("channel is required when the modal origin is unknown")
            ch = self.channels[origin.channel_id]
        else:
            ch = self.channel(channel)
        msg = self.message(message) if message is not None else None
        if msg is None and origin is not None and origin.source_message_id is not None:
            msg = self.messages.get(origin.source_message_id)
        data = {"custom_id": custom_id, "components": self._modal_components(modal, dict(values), strict)}
        return await self._deliver_interaction(MODAL_SUBMIT, u, ch, data, message=msg, custom_id=custom_id)

    async def inject_message(self, user: Any, channel: Any, content: str = "", *,
                             attachments: list[Any] | None = None, reply_to: Any = None,
                             embeds: list[dict[str, Any]] | None = None) -> StoredMessage:
        """``user`` posts a message (MESSAGE_CREATE); ``channel=None`` = DM to the bot.

        ``attachments``: ``(filename, bytes[, content_type])`` tuples or dicts with
        filename/data/content_type; the bot can download them from the fake.
        """
        u = self.user(user)
        ch = self.dm_channel(u) if channel is None else self.channel(channel)
        member = None
        if ch.guild_id is not None:
            g = self.guilds[ch.guild_id]
            m = self._ensure_member(g, u)
            member = m.payload(with_user=False)
            if ch.is_thread:
                if ch.archived:
                    if ch.locked:
                        raise ValueError(f"thread {ch.id} is archived and locked")
                    ch.archived = False
                    ch.archive_timestamp = now_iso()
                    self.emit("THREAD_UPDATE", ch.payload(), ch.guild_id)
                if u.id not in ch.thread_members:
                    ch.thread_members.append(u.id)
        body: dict[str, Any] = {"content": content, "embeds": embeds or []}
        if reply_to is not None:
            body["message_reference"] = {"message_id": str(snowflake_of(reply_to)), "channel_id": str(ch.id)}
        msg = self._create_message(ch, u, body, [], source="user", member=member)
        for a in attachments or []:
            if isinstance(a, dict):
                att = self._user_attachment(ch.id, a["filename"], a.get("data", a.get("size", 0)), a.get("content_type"))
            else:
                att = self._user_attachment(ch.id, a[0], a[1], a[2] if len(a) > 2 else None)
            msg.attachments.append(att)
            msg.files[int(att["id"])] = self.attachment_blobs[int(att["id"])][1]
        await self.wait_connected(ch.guild_id)
        self.emit("MESSAGE_CREATE", msg.payload(), ch.guild_id)
        self._notify()
        return msg

    async def inject_message_edit(self, message: Any, content: str) -> StoredMessage:
        """The author of a user message edits it (MESSAGE_UPDATE)."""
        msg = self.message(message)
        msg.edits.append(msg.snapshot())
        msg.content = content
        msg.edited_at = time.time()
        await self.wait_connected(msg.guild_id)
        self.emit("MESSAGE_UPDATE", msg.payload(), msg.guild_id)
        self._notify()
        return msg


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    h = {"Content-Type": JSON_CT}
    if headers:
        h.update(headers)
    return web.Response(status=status, body=json.dumps(body).encode(), headers=h)
