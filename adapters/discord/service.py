"""``DiscordService``: what ``gigbroker run`` starts when ``DISCORD_BOT_TOKEN`` is
set. It wires the client, the inbound side (``intake.InteractionIntake`` over
one ``answering.InteractionAnswerer``) and the outbound adapter (registered
with the notification dispatcher), points discord.py at ``DISCORD_API_BASE_URL``
and ``DISCORD_GATEWAY_URL`` (proxies, the test fake), and runs the client in a
background task so other services (Telegram, HTTP) run in the same process."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Protocol, Sequence

import discord
import discord.http

from bot.service import Conversation
from core.api import Engine

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.answering import InteractionAnswerer
from adapters.discord.client import GigClient
from adapters.discord.intake import InteractionIntake
from adapters.discord.pacing import Pacer, pace_requests


class DiscordSettings(Protocol):
    """The settings the Discord service reads (``bot.runtime.settings.Settings``)."""

    discord_bot_token: str | None
    discord_api_base_url: str
    discord_gateway_url: str | None
    discord_dev_guild_ids: Sequence[int]


class AppParts(Protocol):
    """What the service takes from the composition root's app."""

    engine: Engine
    conversation: Conversation
    dispatcher: Any  # bot.delivery.dispatcher.ChatDispatcher: ``register(adapter)``


log = logging.getLogger(__name__)

GLOBAL_LIMIT_PER_SECOND = 50  # Discord's global REST limit per bot


class DiscordService:
    def __init__(self, app: AppParts, settings: DiscordSettings, *, pacer: Pacer | None = None,
                 ack_budget: float = 2.0, client_class: type[GigClient] = GigClient,
                 **client_kwargs) -> None:
        if not settings.discord_bot_token:
            raise ValueError("DISCORD_BOT_TOKEN is not set")
        self.app = app
        self.settings = settings
        self.pacer = pacer or Pacer(GLOBAL_LIMIT_PER_SECOND, 1.0)
        self.client = client_class(dev_guild_ids=settings.discord_dev_guild_ids,
                                gateway_url=settings.discord_gateway_url, **client_kwargs)
        pace_requests(self.client.http, self.pacer)
        self.adapter = DiscordAdapter(app, self.client)
        self.answerer = InteractionAnswerer(app.engine, app.conversation, self.adapter,
                                            ack_budget=ack_budget)
        self.intake = InteractionIntake(self.answerer)
        self.client.intake = self.intake
        app.dispatcher.register(self.adapter)
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        """Log in and connect in the background; returns at once."""
        base = self.settings.discord_api_base_url.rstrip("/")
        if discord.http.Route.BASE != base:
            discord.http.Route.BASE = base
        self._task = asyncio.create_task(self._run(), name="discord-client")

    async def _run(self) -> None:
        try:
            await self.client.start(self.settings.discord_bot_token)
        except discord.LoginFailure:
            log.error("Discord refused the bot token: check DISCORD_BOT_TOKEN")
        except discord.PrivilegedIntentsRequired:
            log.error("Enable the Message Content intent for the bot in Discord's developer "
                      "portal (Bot -> Privileged Gateway Intents)")
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the rest of the process keeps running
            log.exception("the Discord client stopped")

    async def wait_until_ready(self, timeout: float = 30.0) -> None:
        """For tests and tools: wait until the gateway is connected (or the client died)."""
        ready = asyncio.ensure_future(self.client.wait_until_ready())
        waits = {ready} | ({self._task} if self._task else set())
        done, _ = await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            raise RuntimeError("the Discord client did not become ready")

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.client.close()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, 10)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            self._task = None
