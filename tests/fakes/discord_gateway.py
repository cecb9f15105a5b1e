"""Gateway (WebSocket) half of the fake Discord server (see ``discord_api.py``).

Speaks the v10 JSON gateway that discord.py's ``DiscordWebSocket`` expects, using
uncompressed text frames (discord.py only decompresses binary frames):

* HELLO (op 10) on connect, HEARTBEAT (op 1) -> HEARTBEAT_ACK (op 11);
* IDENTIFY (op 2) -> READY (with ``shard`` when the client sent one) and one
  GUILD_CREATE per guild owned by that shard (``(guild_id >> 22) % shard_count``);
* RESUME (op 6) -> replays the dispatches the session missed, then RESUMED; an
  unknown session gets INVALID_SESSION (op 9, ``d=false``);
* REQUEST_GUILD_MEMBERS (op 8) -> GUILD_MEMBERS_CHUNK;
* server-side faults for tests: RECONNECT (op 7), INVALID_SESSION, dropping the socket.

Dispatches are queued per connection and written by one writer task so their order
(and ``s`` sequence numbers) is exactly the order the fake emitted them in.
Without MESSAGE_CONTENT intent, MESSAGE_CREATE/UPDATE from other users in guild
channels arrive with empty content/embeds/attachments/components, like on Discord.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:  # pragma: no cover
    from .discord_api import FakeDiscord

OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_PRESENCE, OP_VOICE = 0, 1, 2, 3, 4
OP_RESUME, OP_RECONNECT, OP_REQUEST_MEMBERS, OP_INVALID_SESSION = 6, 7, 8, 9
OP_HELLO, OP_HEARTBEAT_ACK = 10, 11

INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT


@dataclass
class GatewayConnection:
    """One WebSocket connection (a session may span several after RESUMEs)."""

    ws: web.WebSocketResponse
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    writer: asyncio.Task | None = None
    session: "GatewaySession | None" = None
    heartbeats: int = 0
    opened_at: float = field(default_factory=time.monotonic)
    close_code: int | None = None
    closed: bool = False
    received: list[dict[str, Any]] = field(default_factory=list)

    def send(self, payload: dict[str, Any] | str) -> None:
        if self.closed:
            return
        self.queue.put_nowait(payload if isinstance(payload, str) else json.dumps(payload))

    def close(self, code: int, message: str = "") -> None:
        if not self.closed:
            self.queue.put_nowait(("close", code, message))


@dataclass
class GatewaySession:
    session_id: str
    shard: tuple[int, int]
    identify: dict[str, Any]
    seq: int = 0
    buffer: deque = field(default_factory=lambda: deque(maxlen=5000))
    conn: GatewayConnection | None = None
    invalid: bool = False
    resumes: int = 0
    guild_ids: list[int] = field(default_factory=list)
    events: list[tuple[int, str]] = field(default_factory=list)  # (seq, event name)

    @property
    def intents(self) -> int:
        return int(self.identify.get("intents") or 0)

    @property
    def shard_id(self) -> int:
        return self.shard[0]

    @property
    def connected(self) -> bool:
        return self.conn is not None and not self.conn.closed


class GatewayMixin:
    """Gateway state and handlers; mixed into :class:`FakeDiscord`."""

    def _init_gateway(self: "FakeDiscord") -> None:
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.gateway_closes: list[int | None] = []
        self.presence_updates: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ queries
    def live_sessions(self: "FakeDiscord") -> list[GatewaySession]:
        """Latest valid session per shard key (connected or resumable)."""
        latest: dict[tuple[int, int], GatewaySession] = {}
        for s in self.sessions.values():
            if not s.invalid:
                latest[s.shard] = s
        return list(latest.values())

    def shard_for_guild(self: "FakeDiscord", guild_id: int, shard_count: int) -> int:
        return (int(guild_id) >> 22) % max(shard_count, 1)

    def _sessions_for(self: "FakeDiscord", guild_id: int | None) -> list[GatewaySession]:
        out = []
        for s in self.live_sessions():
            sid, count = s.shard
            if guild_id is None:
                if sid == 0:
                    out.append(s)
            elif self.shard_for_guild(guild_id, count) == sid:
                out.append(s)
        return out

    def session_for_guild(self: "FakeDiscord", guild: Any) -> GatewaySession | None:
        from .discord_models import snowflake_of

        found = self._sessions_for(snowflake_of(guild))
        return found[0] if found else None

    async def wait_connected(self: "FakeDiscord", guild_id: int | None = None, timeout: float | None = None) -> GatewaySession:
        """Wait until a connected, READY session owns ``guild_id`` (or shard 0 for DMs)."""
        timeout = self.inject_wait if timeout is None else timeout

        def pred() -> GatewaySession | None:
            for s in self._sessions_for(guild_id):
                if s.connected:
                    return s
            return None

        return await self.wait_for(pred, timeout=timeout, what=f"a connected gateway session for guild {guild_id}")

    # ------------------------------------------------------------------ emitting
    def emit(self: "FakeDiscord", event: str, data: dict[str, Any], guild_id: int | None = None) -> int:
        """Queue a DISPATCH to every live session owning ``guild_id``; returns the count.

        Sessions that are disconnected but resumable keep it in their buffer and get
        it on RESUME; with no session at all the event is dropped (as on Discord).
        """
        targets = self._sessions_for(guild_id)
        for s in targets:
            self._emit_to(s, event, data)
        return len(targets)

    def _emit_to(self: "FakeDiscord", s: GatewaySession, event: str, data: dict[str, Any]) -> None:
        d = self._filter_for_intents(s, event, data)
        s.seq += 1
        frame = json.dumps({"op": OP_DISPATCH, "t": event, "s": s.seq, "d": d})
        s.buffer.append((s.seq, frame))
        s.events.append((s.seq, event))
        if s.conn is not None and not s.conn.closed:
            s.conn.send(frame)

    def _filter_for_intents(self: "FakeDiscord", s: GatewaySession, event: str, data: dict[str, Any]) -> dict[str, Any]:
        if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or s.intents & INTENT_MESSAGE_CONTENT:
            return data
        if "guild_id" not in data:
            return data  # DMs always carry content
        author = (data.get("author") or {}).get("id")
        if author == str(self.bot_user.id):
            return data
        if any(u.get("id") == str(self.bot_user.id) for u in data.get("mentions") or []):
            return data
        out = dict(data)
        out.update(content="", embeds=[], attachments=[], components=[])
        return out

    # ------------------------------------------------------------------ faults
    def gateway_reconnect(self: "FakeDiscord", shard_id: int | None = None) -> int:
        """Send RECONNECT (op 7): discord.py closes and RESUMEs. Returns #connections hit."""
        n = 0
        for s in self.live_sessions():
            if s.connected and (shard_id is None or s.shard_id == shard_id):
                s.conn.send({"op": OP_RECONNECT, "d": None})
                n += 1
        return n

    def gateway_invalidate_session(self: "FakeDiscord", *, resumable: bool = False, shard_id: int | None = None) -> int:
        """Send INVALID_SESSION (op 9); when not resumable the client re-IDENTIFYs."""
        n = 0
        for s in self.live_sessions():
            if s.connected and (shard_id is None or s.shard_id == shard_id):
                if not resumable:
                    s.invalid = True
                s.conn.send({"op": OP_INVALID_SESSION, "d": resumable})
                n += 1
        return n

    def gateway_drop(self: "FakeDiscord", code: int = 4000, shard_id: int | None = None) -> int:
        """Close the socket from the server side (4000 = resumable "unknown error")."""
        n = 0
        for s in self.live_sessions():
            if s.connected and (shard_id is None or s.shard_id == shard_id):
                s.conn.close(code, "fake gateway drop")
                n += 1
        return n

    # ------------------------------------------------------------------ handler
    async def _gateway_handler(self: "FakeDiscord", request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = GatewayConnection(ws=ws)
        self.connections.append(conn)
        conn.writer = asyncio.create_task(self._gateway_writer(conn))
        conn.send({"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake-gateway"]}})
        self._log_event("gateway", "connect", {"query": dict(request.query)})
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    try:
                        payload = json.loads(msg.data)
                    except ValueError:
                        conn.close(4002, "Decode error")
                        continue
                    conn.received.append(payload)
                    await self._gateway_on_message(conn, payload)
                elif msg.type is WSMsgType.BINARY:
                    conn.close(4002, "Decode error")
                elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE, WSMsgType.CLOSING):
                    break
        finally:
            conn.closed = True
            conn.close_code = ws.close_code
            self.gateway_closes.append(ws.close_code)
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            conn.queue.put_nowait(None)
            if conn.writer is not None:
                try:
                    await asyncio.wait_for(conn.writer, 1.0)
                except (asyncio.TimeoutError, asyncio.CancelledError, Exception):
                    conn.writer.cancel()
            self._log_event("gateway", "disconnect", {"code": ws.close_code})
            self._notify()
        return ws

    async def _gateway_writer(self: "FakeDiscord", conn: GatewayConnection) -> None:
        ws = conn.ws
        while True:
            item = await conn.queue.get()
            if item is None:
                return
            try:
                if isinstance(item, tuple):
                    _, code, message = item
                    conn.closed = True
                    if conn.session is not None and conn.session.conn is conn:
                        conn.session.conn = None
                    await ws.close(code=code, message=message.encode())
                    return
                if ws.closed:
                    return
                await ws.send_str(item)
            except (ConnectionError, RuntimeError):
                return

    async def _gateway_on_message(self: "FakeDiscord", conn: GatewayConnection, payload: dict[str, Any]) -> None:
        op, d = payload.get("op"), payload.get("d")
        if op == OP_HEARTBEAT:
            conn.heartbeats += 1
            conn.send({"op": OP_HEARTBEAT_ACK, "d": None})
        elif op == OP_IDENTIFY:
            self._gateway_identify(conn, d or {})
        elif op == OP_RESUME:
            self._gateway_resume(conn, d or {})
        elif op == OP_REQUEST_MEMBERS:
            self._gateway_request_members(conn, d or {})
        elif op == OP_PRESENCE:
            self.presence_updates.append(d or {})
        elif op == OP_VOICE:
            pass
        else:
            conn.close(4001, "Unknown opcode")
        self._notify()

    def _check_token(self: "FakeDiscord", token: Any) -> bool:
        if self.token is None:
            return True
        tok = str(token or "")
        if tok.startswith("Bot "):
            tok = tok[4:]
        return tok == self.token

    def _gateway_identify(self: "FakeDiscord", conn: GatewayConnection, d: dict[str, Any]) -> None:
        self.identifies.append(d)
        if conn.session is not None:
            conn.close(4005, "Already authenticated")
            return
        if not self._check_token(d.get("token")):
            conn.close(4004, "Authentication failed")
            return
        intents = int(d.get("intents") or 0)
        if self.allowed_privileged_intents is not None:
            wanted = intents & PRIVILEGED_INTENTS
            if wanted & ~self.allowed_privileged_intents:
                conn.close(4014, "Disallowed intent(s)")
                return
        shard = d.get("shard")
        sid, count = (int(shard[0]), int(shard[1])) if shard else (0, 1)
        if count < 1 or not (0 <= sid < count):
            conn.close(4010, "Invalid shard")
            return
        if self.required_shard_count is not None and count < self.required_shard_count:
            conn.close(4011, "Sharding required")
            return
        # a new IDENTIFY for the same shard supersedes older sessions
        for old in self.sessions.values():
            if old.shard == (sid, count) and not old.invalid:
                old.invalid = True
        s = GatewaySession(session_id=secrets.token_hex(16), shard=(sid, count), identify=d)
        self.sessions[s.session_id] = s
        s.conn = conn
        conn.session = s
        guild_ids = [g.id for g in self.guilds.values() if self.shard_for_guild(g.id, count) == sid]
        s.guild_ids = guild_ids
        me = self.bot_user.payload()
        me.update(verified=True, mfa_enabled=False, email=None, locale="en-US")
        ready: dict[str, Any] = {
            "v": 10,
            "user": me,
            "guilds": [{"id": str(gid), "unavailable": True} for gid in guild_ids],
            "session_id": s.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["fake-gateway"],
        }
        if shard:
            ready["shard"] = [sid, count]
        self._emit_to(s, "READY", ready)
        for gid in guild_ids:
            self._emit_to(s, "GUILD_CREATE", self.guild_create_payload(self.guilds[gid]))
        self._log_event("gateway", "identify", {"shard": [sid, count], "intents": intents, "session_id": s.session_id})

    def _gateway_resume(self: "FakeDiscord", conn: GatewayConnection, d: dict[str, Any]) -> None:
        self.resumes.append(d)
        s = self.sessions.get(str(d.get("session_id")))
        if s is None or s.invalid or not self._check_token(d.get("token")):
            conn.send({"op": OP_INVALID_SESSION, "d": False})
            return
        if s.conn is not None and s.conn is not conn and not s.conn.closed:
            s.conn.close(4000, "Session resumed elsewhere")
        s.conn = conn
        conn.session = s
        s.resumes += 1
        last = int(d.get("seq") or 0)
        for seq, frame in list(s.buffer):
            if seq > last:
                conn.send(frame)
        self._emit_to(s, "RESUMED", {"_trace": ["fake-gateway"]})
        self._log_event("gateway", "resume", {"session_id": s.session_id, "seq": last})

    def _gateway_request_members(self: "FakeDiscord", conn: GatewayConnection, d: dict[str, Any]) -> None:
        s = conn.session
        if s is None:
            conn.close(4003, "Not authenticated")
            return
        guild_ids = d.get("guild_id")
        if not isinstance(guild_ids, list):
            guild_ids = [guild_ids]
        for gid in guild_ids:
            g = self.guilds.get(int(gid))
            if g is None:
                continue
            members = list(g.members.values())
            if d.get("user_ids"):
                wanted = {int(u) for u in (d["user_ids"] if isinstance(d["user_ids"], list) else [d["user_ids"]])}
                members = [m for m in members if m.user.id in wanted]
            elif d.get("query"):
                q = str(d["query"]).lower()
                members = [m for m in members if m.user.username.lower().startswith(q)]
            limit = int(d.get("limit") or 0)
            if limit:
                members = members[:limit]
            chunk: dict[str, Any] = {
                "guild_id": str(g.id),
                "members": [m.payload() for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
            }
            if d.get("nonce"):
                chunk["nonce"] = d["nonce"]
            if d.get("presences"):
                chunk["presences"] = []
            self._emit_to(s, "GUILD_MEMBERS_CHUNK", chunk)
