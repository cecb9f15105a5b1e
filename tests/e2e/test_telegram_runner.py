"""``gigbroker run`` with a Telegram token: the runner starts the bot, the HTTP
server and the real clock and outbox workers; a user talks to it and a new gig's
notification arrives through the outbox worker, with nothing driven by the test."""
from __future__ import annotations

import asyncio

import aiohttp

from bot.runtime.app import App
from bot.runtime.runner import run
from core.domain.clock import OffsetClock
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, CLIENT, ONE_LINER, Harness, harness, tg)


async def test_gigbroker_run_serves_the_bot(tg, tmp_path, migrated_db):
    h = Harness(tg, tmp_path, template=migrated_db)
    (tmp_path / "gigbroker.db").write_bytes(migrated_db.read_bytes())
    settings = h.settings()
    stop = asyncio.Event()
    runner = asyncio.create_task(run(settings, stop=stop, app=App(settings, clock=OffsetClock())))
    try:
        tg.add_user(ANA, "Ana")
        tg.add_user(CLIENT, "Carla")
        tg.inject_message(ANA, text="/profile skills=design,svg hours=any")
        tg.inject_message(CLIENT, text=ONE_LINER)
        preview = await tg.wait_for_message(CLIENT, contains="Preview", timeout=15)
        tg.click(CLIENT, preview, "Pay")
        card = await tg.wait_for_message(ANA, contains="New gig for you", timeout=15)
        assert card.button_texts == ["Claim", "Details"]
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{h.port}/healthz") as resp:
            assert resp.status == 200
    finally:
        stop.set()
        assert await asyncio.wait_for(runner, 15) == 0
    assert tg.conflicts == [] and not tg.server_errors
