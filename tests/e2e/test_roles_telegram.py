"""Roles on Telegram (issue 14), with the real runner, PTB and the fake Telegram:

- a web-only process stores the webhook's updates and handles nothing: no reply, no
  outbox worker, nothing leased; a worker-only process (no webhook, no polling)
  handles what it stored, in order, and delivers the notifications;
- on PostgreSQL, one person's quick successive answers to the step-by-step /post
  form, spread over two processes by a round-robin balancer, land in the right
  fields (each sender's updates are leased to one process at a time)."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from core.domain.records import Gig, InboundUpdate, OutboxMessage
from tests.e2e.roles_harness import PG_URL, Process, fast_pacing, fresh_postgres, sqlite_copy
from tests.e2e.telegram_harness import ANA, CLIENT, ONE_LINER, tg  # noqa: F401 (fixture)

needs_postgres = [pytest.mark.postgres,
                  pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL")]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=needs_postgres)])
async def database_url(request, tmp_path, migrated_db):
    if request.param == "postgres":
        return await fresh_postgres()
    return sqlite_copy(migrated_db, tmp_path)


async def rows(app, record, *columns):
    return await app.engine.view(lambda t: [tuple(r) for r in t.s.execute(
        select(*(getattr(record, c) for c in columns)).order_by(record.id))])


async def test_web_only_stores_and_a_worker_handles_and_delivers(tg, database_url, monkeypatch):
    fast_pacing(monkeypatch, tg)
    web = await Process.of(tg, database_url, "web").start()
    worker = None
    try:
        assert tg.webhook.url == web.hook_url
        tg.add_user(ANA, "Ana")
        tg.add_user(CLIENT, "Carla")
        tg.inject_message(ANA, text="/profile skills=design,svg hours=any")
        assert await tg.deliver_webhook() == [200]
        await asyncio.sleep(0.5)  # time it would have taken to answer
        assert tg.messages_to(ANA) == []  # stored, not handled: no worker here
        assert await rows(web.app, InboundUpdate, "status", "sender", "lease_owner") == [
            ("pending", f"user:{ANA}", None)]
        status, body = await web.health()
        assert status == 200 and body["telegram"] == "running (webhook)"
        assert "workers" not in body and web.app.workers_state == "not running"

        worker = await Process.of(tg, database_url, "worker", hook_port=web.port).start()
        status, body = await worker.health()
        assert status == 200 and body["telegram"] == "running (handling updates, sending)"
        assert body["workers"].startswith("clock and outbox running (notifications to telegram")
        await tg.wait_for(lambda: tg.messages_to(ANA), timeout=15, what="the profile reply")
        tg.inject_message(CLIENT, text=ONE_LINER)
        assert await tg.deliver_webhook() == [200]
        preview = await tg.wait_for_message(CLIENT, contains="Preview", timeout=15)
        tg.click(CLIENT, preview, "Pay")
        assert await tg.deliver_webhook() == [200]
        card = await tg.wait_for_message(ANA, contains="New gig for you", timeout=20)
        assert card.button_texts == ["Claim", "Details"]

        assert [s for (s,) in await rows(web.app, InboundUpdate, "status")] == ["done"] * 3
        owners = {o for (o,) in await rows(web.app, OutboxMessage, "lease_owner")}
        assert owners <= {None, worker.app.outbox.owner}  # only the worker leased any
        assert tg.webhook.url == web.hook_url  # the worker neither set a webhook ...
        assert tg.calls_to("getUpdates") == []  # ... nor polled
    finally:
        if worker is not None:
            await worker.stop()
        await web.stop()


# the /post form's fields, in order: title, description, reward, slots, skills,
# deliver_in, mode, max_revisions, review_window, estimate
POST_ANSWERS = ["Logo in SVG", "A vector logo for my shop", "25 usd", "3", "design, svg",
                "36h", "claim", "1", "4d", "-"]


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL")
async def test_quick_form_answers_over_two_processes_land_in_the_right_fields(tg, monkeypatch):
    fast_pacing(monkeypatch, tg)
    url = await fresh_postgres()
    one = await Process.of(tg, url, "").start()
    two = await Process.of(tg, url, "").start()
    try:
        tg.add_user(CLIENT, "Carla")
        for text in ("/start", "/cancel"):
            tg.inject_message(CLIENT, text=text)
            assert await tg.post_webhook_update(tg.pending_updates[-1], url=one.hook_url) == 200
        await tg.wait_for(lambda: len(tg.messages_to(CLIENT)) >= 2, timeout=15)
        # /post, then every answer at once, alternating between the two processes (a
        # round-robin balancer); each is answered 200 as soon as it is stored
        for i, text in enumerate(["/post"] + POST_ANSWERS):
            tg.inject_message(CLIENT, text=text)
            target = (one, two)[i % 2]
            assert await tg.post_webhook_update(tg.pending_updates[-1],
                                                url=target.hook_url) == 200
        await tg.wait_for_message(CLIENT, contains="Preview", timeout=30)
        gig = await one.app.engine.view(lambda t: t.s.scalar(select(Gig)))
        assert (gig.title, gig.description) == ("Logo in SVG", "A vector logo for my shop")
        assert (gig.reward_minor, gig.currency, gig.slots) == (2500, "usd", 3)
        assert (gig.skills, gig.deliver_seconds, gig.max_revisions) == ("design,svg", 36 * 3600, 1)
        prompts = [m.text for m in tg.messages_to(CLIENT) if "⚠️" in (m.text or "")]
        assert prompts == []  # no answer was taken for another field and refused
        assert {s for (s,) in await rows(one.app, InboundUpdate, "status")} == {"done"}
    finally:
        await two.stop()
        await one.stop()
