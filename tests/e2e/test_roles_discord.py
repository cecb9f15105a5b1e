"""Roles on Discord (issue 14), with the real discord.py against the fake Discord:

- ``DISCORD_SHARD_IDS``/``DISCORD_SHARD_COUNT`` reach discord.py: the client
  identifies only as its shards, and ``/healthz`` names them;
- a worker-only process logs in to send but never opens the gateway, a gateway-only
  process answers but leaves notifications to the workers;
- two processes that both receive the same interaction or DM act once (PostgreSQL:
  the first to claim its id in the database acts);
- a stopped client makes ``/healthz`` answer 503 and say which part is down."""
from __future__ import annotations

import asyncio
import shutil

import aiohttp
import discord.gateway
import pytest
from sqlalchemy import func, select

from adapters.discord import service as discord_service
from adapters.discord.pacing import Pacer
from adapters.discord.service import DiscordService
from bot.runtime.app import App
from bot.runtime.http import HttpServer
from core.domain.records import ClaimedEvent, Gig
from tests.e2e.discord_harness import DiscordHarness, FastGigClient
from tests.e2e.roles_harness import PG_URL, fresh_postgres
from tests.fakes.discord_api import FakeDiscord


async def until(predicate, timeout: float = 10.0, what: object = "") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


@pytest.fixture
async def fake(monkeypatch):
    # a fixed shard count makes discord.py connect to DEFAULT_GATEWAY (the service
    # points it at DISCORD_GATEWAY_URL): restored after the test
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord() as f:
        yield f


class Processes:
    """Apps and Discord services on one database, each as one process would run it."""

    def __init__(self, fake: FakeDiscord, tmp, url: str | None = None) -> None:
        self.world = DiscordHarness(fake, tmp)
        self.world.build_world()
        self.fake, self.url = fake, url or f"sqlite:///{tmp / 'gigbroker.db'}"
        self.apps: list[App] = []
        self.services: list[DiscordService] = []

    def settings(self, **changes):
        base = self.world.settings().model_copy(update={
            "database_url": self.url, "discord_gateway_url": self.fake.gateway_url})
        return base.model_copy(update=changes)

    async def start(self, *, gateway: bool = True, delivering: bool = True,
                    **changes) -> DiscordService:
        settings = self.settings(**changes)
        app = App(settings, clock=self.world.clock)
        self.apps.append(app)
        service = DiscordService(app, settings, gateway=gateway, delivering=delivering,
                                 guild_ready_timeout=0.05, pacer=Pacer(50, 1.0),
                                 client_class=FastGigClient)
        await service.start()
        self.services.append(service)
        if gateway:
            await service.wait_until_ready(10)
            await until(lambda: service.state == "connected", what=service.health())
        return service

    async def close(self) -> None:
        for service in self.services:
            await service.stop()
        for app in self.apps:
            await app.close()


@pytest.fixture
async def procs(fake, tmp_path, migrated_db):
    shutil.copyfile(migrated_db, tmp_path / "gigbroker.db")
    p = Processes(fake, tmp_path)
    try:
        yield p
    finally:
        await p.close()


async def test_shard_settings_reach_discord_py(procs, fake):
    service = await procs.start(discord_shard_ids=[1], discord_shard_count=2)
    assert (service.client.shard_ids, service.client.shard_count) == ([1], 2)
    assert [d.get("shard") for d in fake.identifies] == [[1, 2]]  # shard 0 is not ours
    assert sorted(service.client.shards) == [1]
    assert service.health() == (True, "connected: shards 1 of 2")
    # a guild of shard 1 reaches this process, as Discord routes it
    assert {s.shard for s in fake.live_sessions()} == {(1, 2)}


async def test_all_shards_of_a_fixed_count_and_a_restart_keeps_the_count(procs, fake,
                                                                         monkeypatch):
    monkeypatch.setattr(discord_service, "FIRST_BACKOFF", 0.05)
    service = await procs.start(discord_shard_count=2)
    assert sorted(service.client.shards) == [0, 1]
    assert service.health() == (True, "connected: shards 0,1 of 2")
    fake.gateway_drop(4011)  # discord.py gives up; the service logs in again
    await until(lambda: service.restarts and service.state == "connected",
                what=service.health())
    assert service.client.shard_count == 2  # the configured count, not asked again


async def test_worker_only_sends_without_a_gateway_and_gateway_only_leaves_delivery(
        procs, fake):
    worker = await procs.start(gateway=False, delivering=True)
    assert fake.identifies == []  # logged in (REST), never connected to the gateway
    assert worker.health() == (True, "sending only (no gateway here)")
    assert "discord" in procs.apps[0].dispatcher.adapters
    gateway = await procs.start(gateway=True, delivering=False)
    assert "discord" not in procs.apps[1].dispatcher.adapters
    assert gateway.health()[0] is True
    resp = await procs.world.dm(procs.world.bob, "wallet")  # answered by the gateway
    assert resp.ephemeral or resp.message is not None


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL")
async def test_two_processes_receiving_one_interaction_act_once(fake, tmp_path):
    url = await fresh_postgres()
    procs = Processes(fake, tmp_path, url)
    try:
        # two processes both on shard 0 (which gets every DM): as after a bad shard
        # setting, or an old process still connected while its replacement starts
        await procs.start(discord_shard_count=1)
        await procs.start(discord_shard_ids=[0], discord_shard_count=2)
        assert {s.shard for s in fake.live_sessions()} == {(0, 1), (0, 2)}
        bob = procs.world.bob
        it = await fake.inject_slash(bob, None, None, "gig", {
            "title": "Logo in SVG", "reward": "25", "currency": "usd", "skills": "design"},
            subcommand="post")
        await fake.wait_for_response(it)
        engine = procs.apps[0].engine

        async def gigs() -> int:
            return await engine.view(lambda t: t.s.scalar(select(func.count()).select_from(Gig)))
        for _ in range(250):  # the answer may be deferred before the gig is written
            if await gigs():
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # the other process had every chance to act too
        assert await gigs() == 1
        assert len(it.responses) == 1 and it.rejected == []  # nobody answered twice
        claimed = await engine.view(lambda t: t.s.scalars(select(ClaimedEvent.key)).all())
        assert claimed == [f"interaction:{it.id}"]

        before = len(fake.dm_messages_to(bob))
        await fake.inject_message(bob, None, "hello")
        await fake.wait_for(lambda: len(fake.dm_messages_to(bob)) > before, timeout=5)
        await asyncio.sleep(0.5)
        assert len(fake.dm_messages_to(bob)) == before + 1  # one answer to one message
    finally:
        await procs.close()


async def test_healthz_is_503_and_names_the_stopped_client(procs, fake, monkeypatch):
    monkeypatch.setattr(discord_service, "FIRST_BACKOFF", 30.0)  # stays down for the test
    service = await procs.start(discord_shard_count=2)
    app = procs.apps[0]
    server = HttpServer(app, "127.0.0.1", 0)
    server.add_health("discord", service.health)
    server.add_health("workers", lambda: (True, "clock and outbox running"))
    await server.start()

    async def health():
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{server.bound_port}/healthz") as resp:
            return resp.status, await resp.json()
    try:
        status, body = await health()
        assert (status, body["discord"]) == (200, "connected: shards 0,1 of 2")
        await service.client.close()  # the client stopped
        await until(lambda: service.state != "connected", what=service.health())
        status, body = await health()
        assert status == 503 and body["ok"] is False
        assert body["discord"].startswith("restarting") and body["workers"].startswith("clock")
        assert body["database"] == "ok"
    finally:
        await server.stop()
