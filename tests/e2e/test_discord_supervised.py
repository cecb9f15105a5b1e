"""The Discord client under ``gigbroker run`` survives a gateway that gives up on
it (issue 15, Operability): discord.py resumes after most gateway closes but closes the
client for good on the codes it cannot handle (here 4011, "sharding required",
which Discord sends when a growing bot needs more shards); the service logs in
again with backoff, the bot answers again, and ``/healthz`` shows the restart
(503 while it is down, 200 once connected)."""
from __future__ import annotations

import asyncio

import aiohttp

from adapters.discord import service as discord_service
from bot.runtime.http import HttpServer
from tests.e2e.discord_harness import h  # noqa: F401 (fixture)


async def until(predicate, timeout: float = 10.0, what: str = "") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def health(server: HttpServer) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, \
            http.get(f"http://127.0.0.1:{server.bound_port}/healthz") as resp:
        return resp.status, await resp.json()


async def test_a_stopped_client_is_restarted_and_shows_in_healthz(h, monkeypatch):
    monkeypatch.setattr(discord_service, "FIRST_BACKOFF", 0.05)
    service = h.service
    server = HttpServer(h.app, "127.0.0.1", 0)
    server.add_health("discord", service.health)
    await server.start()
    try:
        status, body = await health(server)
        assert (status, body["discord"]) == (200, "connected: shards 0 of 1")
        await h.make_profile(h.bob)

        assert h.fake.gateway_drop(4011) == 1
        await until(lambda: service.restarts == 1, what=f"a restart ({service.health()})")
        await until(lambda: service.state == "connected", what=f"connected ({service.health()})")
        status, body = await health(server)
        assert status == 200 and body["discord"] == "connected: shards 0 of 1 (restarted 1x)"
        assert body["ok"] is True
        # the bot answers again after the restart
        resp = await h.slash(h.bob, "wallet")
        assert resp.ephemeral and resp.message.text()
    finally:
        await server.stop()


async def test_healthz_is_503_while_the_client_is_down(h, monkeypatch):
    monkeypatch.setattr(discord_service, "FIRST_BACKOFF", 30.0)  # stays down for the test
    service = h.service
    server = HttpServer(h.app, "127.0.0.1", 0)
    server.add_health("discord", service.health)
    await server.start()
    try:
        h.fake.gateway_drop(4011)
        await until(lambda: service.state == "restarting", what=f"down ({service.health()})")
        status, body = await health(server)
        assert status == 503 and body["ok"] is False
        assert body["discord"].startswith("restarting") and "ConnectionClosed" in body["discord"]
    finally:
        await server.stop()
