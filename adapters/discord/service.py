"""``DiscordService``: what ``gigbroker run`` starts when ``DISCORD_BOT_TOKEN`` is
set. It wires the client, the inbound side (``intake.InteractionIntake`` over
one ``answering.InteractionAnswerer``) and the outbound adapter (registered
with the notification dispatcher), points discord.py at ``DISCORD_API_BASE_URL``
and ``DISCORD_GATEWAY_URL`` (proxies, the test fake), and runs the client in a
background task so other services (Telegram, HTTP) run in the same process.

``start()`` logs in before it returns, so a refused token or an unreachable
Discord is a start-up failure (one ``StartupFailed`` line). The gateway then
runs under a supervisor: discord.py reconnects by itself after network errors,
but gives up (closes the client) on the close codes it cannot handle, e.g.
4011 "sharding required" when Discord reshards a growing bot; the supervisor
logs in again (asking Discord for the shard count again) and reconnects with
exponential backoff, and ``health()`` (shown in ``/healthz``) says whether the
client is connected (with its shards) and how often it was restarted.

Roles (``bot.runtime.roles``): ``gateway`` connects the shards of
``DISCORD_SHARD_IDS``/``DISCORD_SHARD_COUNT`` (all of them when unset) and answers
what comes in; ``delivering`` (the worker role) registers the adapter with the
notification dispatcher. A process that only delivers logs in (REST) and never
opens the gateway."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Protocol, Sequence
from urllib.parse import urlsplit

import aiohttp
import discord
import discord.http

from bot.startup import StartupFailed

from bot.service import Conversation
from core.api import Engine

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.answering import InteractionAnswerer
from adapters.discord.client import GigClient
from adapters.discord.intake import InteractionIntake
from adapters.discord.pacing import Pacer, count_rate_limits, pace_requests


class DiscordSettings(Protocol):
    """The settings the Discord service reads (``bot.runtime.settings.Settings``)."""

    discord_bot_token: str | None
    discord_api_base_url: str
    discord_gateway_url: str | None
    discord_dev_guild_ids: Sequence[int]
    discord_shard_ids: Sequence[int]
    discord_shard_count: int | None


class AppParts(Protocol):
    """What the service takes from the composition root's app."""

    engine: Engine
    conversation: Conversation
    dispatcher: Any  # bot.delivery.dispatcher.ChatDispatcher: ``register(adapter)``


log = logging.getLogger(__name__)

GLOBAL_LIMIT_PER_SECOND = 50  # Discord's global REST limit per bot
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 60.0  # seconds between restarts of a stopped client


class DiscordService:
    def __init__(self, app: AppParts, settings: DiscordSettings, *, pacer: Pacer | None = None,
                 ack_budget: float = 2.0, client_class: type[GigClient] = GigClient,
                 gateway: bool = True, delivering: bool = True, **client_kwargs) -> None:
        if not settings.discord_bot_token:
            raise ValueError("DISCORD_BOT_TOKEN is not set")
        self.app = app
        self.settings = settings
        self.pacer = pacer or Pacer(GLOBAL_LIMIT_PER_SECOND, 1.0)
        if self.pacer.budget is None:  # shared by every process on PostgreSQL
            self.pacer.budget = app.engine.send_budget()
        client_kwargs.setdefault("http_trace", count_rate_limits(self.pacer))
        self.gateway, self.delivering = gateway, delivering
        client_kwargs.setdefault("sync_commands", gateway)  # a sending-only process leaves it
        shard_ids = list(getattr(settings, "discord_shard_ids", None) or [])
        shard_count = getattr(settings, "discord_shard_count", None)
        if shard_count is not None:
            client_kwargs.setdefault("shard_count", shard_count)
            if shard_ids:
                client_kwargs.setdefault("shard_ids", shard_ids)
        self.client = client_class(dev_guild_ids=settings.discord_dev_guild_ids,
                                gateway_url=settings.discord_gateway_url, **client_kwargs)
        pace_requests(self.client.http, self.pacer)
        self.adapter = DiscordAdapter(app, self.client)
        self.answerer = InteractionAnswerer(app.engine, app.conversation, self.adapter,
                                            ack_budget=ack_budget)
        self.intake = InteractionIntake(self.answerer)
        self.client.intake = self.intake
        if delivering:
            app.dispatcher.register(self.adapter)
        outbox = getattr(app, "outbox", None)
        if outbox is not None:  # answers to presses before notifications
            outbox.yield_to(lambda: self.answerer.in_progress > 0)
        self._task: asyncio.Task | None = None
        self._stopping = False
        self.state, self.restarts = "not started", 0
        self.last_error: str | None = None

    async def start(self) -> None:
        """Log in (checks the token), then connect in the background; returns once
        logged in."""
        base = self.settings.discord_api_base_url.rstrip("/")
        if discord.http.Route.BASE != base:
            discord.http.Route.BASE = base
        self.state, self.restarts, self.last_error = "logging in", 0, None
        self._stopping = False
        try:
            await self.client.login(self.settings.discord_bot_token)
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await self.client.close()  # its HTTP session
            failure = self._startup_failure(exc)
            if failure is not None:
                raise failure from None
            raise
        if not self.gateway:
            self.state = "sending only (no gateway here)"
            return
        self._task = asyncio.create_task(self._supervise(), name="discord-client")

    def _startup_failure(self, exc: BaseException) -> StartupFailed | None:
        server = urlsplit(self.settings.discord_api_base_url).netloc or "Discord"
        if isinstance(exc, discord.LoginFailure):
            return StartupFailed("DISCORD_BOT_TOKEN: Discord refused the bot token; copy it "
                                 "again from the developer portal (Bot -> Reset Token)")
        if isinstance(exc, (aiohttp.ClientError, OSError, asyncio.TimeoutError)):
            return StartupFailed(f"DISCORD_API_BASE_URL: cannot reach Discord at {server} "
                                 f"({type(exc).__name__}: {exc}); check the network or the URL")
        if isinstance(exc, discord.HTTPException):
            return StartupFailed(f"Discord answered {exc.status} at log-in: {exc.text[:200]}")
        return None

    def health(self) -> tuple[bool, str]:
        """(up, what /healthz shows): connected with every shard it runs (a shard whose
        connection is down, or a client that stopped, is not up)."""
        if not self.gateway:
            up = self.state.startswith("sending only")
            return up, self.state
        up = self.state == "connected"
        text = self.state
        shards = self.client.shards if up else {}
        if shards:
            down = sorted(i for i, shard in shards.items() if shard.is_closed())
            count = self.client.shard_count
            text = f"connected: shards {','.join(map(str, sorted(shards)))} of {count}"
            if down:
                up = False
                text = (f"shard {','.join(map(str, down))} down: shards "
                        f"{','.join(map(str, sorted(shards)))} of {count}")
        if self.restarts:
            text += f" (restarted {self.restarts}x)"
        if self.last_error and self.state != "connected":
            text += f", last error: {self.last_error}"
        return up, text

    async def _supervise(self) -> None:
        backoff = FIRST_BACKOFF
        while not self._stopping:
            self.state = "connecting"
            try:
                await self._connect()
                self.last_error = "the gateway connection ended"
            except discord.PrivilegedIntentsRequired:
                self.last_error = "privileged intent not enabled"
                log.error("Enable the Message Content intent for the bot in Discord's developer "
                          "portal (Bot -> Privileged Gateway Intents)")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the rest of the process keeps running
                self.last_error = f"{type(exc).__name__}: {str(exc)[:120]}"
                if not self._stopping:
                    log.warning("the Discord client stopped (%s); restarting in %.0fs",
                                self.last_error, backoff, exc_info=True)
            if self._stopping:
                return
            if self.state == "connected":  # it ran for a while: start the backoff afresh
                backoff = FIRST_BACKOFF
            while not self._stopping:  # log in again, backing off while Discord says no
                self.state = "restarting"
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                if self._stopping:
                    return
                try:
                    self.client.reopen()
                    await self.client.login(self.settings.discord_bot_token)
                    break
                except discord.LoginFailure:
                    self.state, self.last_error = "stopped", "Discord refused the bot token"
                    log.error("Discord refused the bot token: check DISCORD_BOT_TOKEN")
                    return
                except Exception as exc:  # noqa: BLE001 - Discord unreachable: try again
                    self.last_error = f"{type(exc).__name__}: {str(exc)[:120]}"
                    log.warning("logging in to Discord again failed: %s", self.last_error)
            self.restarts += 1

    async def _connect(self) -> None:
        connecting = asyncio.create_task(self.client.connect(reconnect=True))
        ready = asyncio.create_task(self.client.wait_until_ready())
        try:
            await asyncio.wait({connecting, ready}, return_when=asyncio.FIRST_COMPLETED)
            if ready.done() and not ready.cancelled():
                self.state = "connected"
            await connecting
        finally:
            ready.cancel()
            connecting.cancel()

    async def wait_until_ready(self, timeout: float = 30.0) -> None:
        """For tests and tools: wait until the gateway is connected (or the client died)."""
        ready = asyncio.ensure_future(self.client.wait_until_ready())
        waits = {ready} | ({self._task} if self._task else set())
        done, _ = await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            raise RuntimeError("the Discord client did not become ready")

    async def stop(self) -> None:
        self._stopping = True
        unregister = getattr(self.app.dispatcher, "unregister", None)
        if self.delivering and unregister is not None:
            unregister(self.adapter.delivery)
        with contextlib.suppress(Exception):
            await self.client.close()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, 10)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            self._task = None
        self.state = "stopped"
