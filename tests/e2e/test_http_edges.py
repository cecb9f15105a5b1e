"""The HTTP edges answer bad input with 400 and nothing else (issue 15, "Also"):
a Telegram webhook body that is JSON but not an update, a signed Stripe event
without ``data``, a Stripe signature from the future; and ``/metrics`` closed to
whoever can reach the webhook port when METRICS_TOKEN or METRICS_PORT is set."""
from __future__ import annotations

import logging

import aiohttp
import pytest

from tests.e2e.stripe_harness import world  # noqa: F401 (fixture)
from tests.e2e.telegram_harness import CLIENT, Harness, hooked, tg  # noqa: F401 (fixtures)

DEEP = b"[" * 5000 + b"]" * 5000
NOT_UPDATES = [b"[]", b"null", b"42", b'"text"', b"{}", b'{"update_id": "x"}',
               b'{"update_id": 5, "message": []}', b'{"update_id": 6, "message": {"chat": 1}}',
               DEEP, b'{"a":' * 5000 + b"1" + b"}" * 5000]




async def post(url: str, body: bytes, secret: str) -> int:
    async with aiohttp.ClientSession() as http, http.post(
            url, data=body, headers={"Content-Type": "application/json",
                                     "X-Telegram-Bot-Api-Secret-Token": secret}) as resp:
        return resp.status


async def test_webhook_bodies_that_are_not_updates_get_400_and_no_traceback(hooked, tg, caplog):
    h = hooked
    caplog.set_level(logging.DEBUG)
    statuses = [await post(tg.webhook.url, body, tg.webhook.secret_token) for body in NOT_UPDATES]
    assert statuses == [400] * len(NOT_UPDATES)
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == [], [r.getMessage()[:200] for r in bad]
    # nothing was queued, and the next real update is handled as usual
    assert h.service.webhook.accepted == 0
    tg.add_user(CLIENT, "Carla")
    tg.inject_message(CLIENT, text="/help")
    assert await tg.deliver_webhook() == [200]
    await h.settle()
    assert "Commands" in h.texts(CLIENT)[-1]


# -- Stripe ------------------------------------------------------------------------

async def stripe_post(world, event: dict, *, timestamp: int | None = None) -> tuple[int, str]:
    from tests.e2e.stripe_harness import SECRET
    from tests.fakes.stripe_webhooks import encode_event, stripe_signature, webhook_headers
    body = encode_event(event)
    headers = webhook_headers(stripe_signature(body, SECRET, timestamp))
    async with aiohttp.ClientSession() as http, \
            http.post(world.webhook_url, data=body, headers=headers) as resp:
        return resp.status, await resp.text()


@pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")
async def test_signed_stripe_events_that_are_not_events_get_400(world, caplog):
    from core.domain.records import ProviderEvent
    caplog.set_level(logging.INFO)
    before = await world.snapshot()
    shapes = [
        {"id": "evt_no_data", "object": "event", "type": "checkout.session.completed"},
        {"id": "evt_data_null", "object": "event", "type": "charge.refunded", "data": None},
        {"id": "evt_no_object", "object": "event", "type": "charge.refunded", "data": {}},
        {"id": "evt_object_str", "object": "event", "type": "charge.refunded",
         "data": {"object": "ch_1"}},
        {"object": "event", "type": "charge.refunded", "data": {"object": {"id": "ch_1"}}},
        {"id": "evt_no_type", "object": "event", "data": {"object": {"id": "ch_1"}}},
    ]
    results = [await stripe_post(world, event) for event in shapes]
    assert [status for status, _ in results] == [400] * len(shapes), results
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == [], [r.getMessage()[:200] for r in bad]
    assert await world.snapshot() == before
    assert await world.count(ProviderEvent) == 0  # nothing marked processed either


@pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")
async def test_a_stripe_signature_from_the_future_is_refused(world):
    import time
    from adapters.stripe.webhooks import TOLERANCE_SECONDS
    from tests.e2e.test_stripe_webhooks import held_back_checkout
    fake = world.fake
    gig_id, completed = await held_back_checkout(world)
    event = fake.webhook_message(completed).event
    status, _ = await stripe_post(world, event, timestamp=int(time.time()) + 3600)
    assert status == 400
    status, _ = await stripe_post(world, event, timestamp=int(time.time()) +
                                  TOLERANCE_SECONDS + 60)
    assert status == 400
    from core.domain.records import Gig, GigStatus
    assert (await world.get(Gig, gig_id)).status == GigStatus.awaiting_funding
    # signed now (a little clock skew either way is fine): accepted
    status, _ = await stripe_post(world, event, timestamp=int(time.time()) + 30)
    assert status == 200
    assert (await world.get(Gig, gig_id)).status == GigStatus.open


# -- /metrics ----------------------------------------------------------------------

async def get(url: str, **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as resp:
        return resp.status, await resp.text()


async def test_metrics_token_is_required_when_set(app):
    from bot.runtime.http import HttpServer
    server = HttpServer(app, "127.0.0.1", 0, metrics_token="scrape-me-please")
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.bound_port}/metrics"
        assert (await get(url))[0] == 401
        assert (await get(url, Authorization="Bearer wrong-token-here"))[0] == 401
        assert (await get(url, Authorization="scrape-me-please"))[0] == 401
        status, body = await get(url, Authorization="Bearer scrape-me-please")
        assert status == 200 and "# HELP gigbroker_outbox_dead" in body
        # health stays answerable for probes
        assert (await get(f"http://127.0.0.1:{server.bound_port}/healthz"))[0] == 200
    finally:
        await server.stop()


async def test_metrics_on_their_own_port_are_not_on_the_webhook_port(app):
    from bot.runtime.http import HttpServer
    server = HttpServer(app, "127.0.0.1", 0, metrics_host="127.0.0.1", metrics_port=0)
    await server.start()
    try:
        assert server.bound_ops_port != server.bound_port
        public = f"http://127.0.0.1:{server.bound_port}"
        ops = f"http://127.0.0.1:{server.bound_ops_port}"
        assert (await get(f"{public}/metrics"))[0] == 404
        assert (await get(f"{public}/healthz"))[0] == 404
        status, body = await get(f"{ops}/metrics")
        assert status == 200 and "gigbroker_gigs_open" in body
        assert (await get(f"{ops}/healthz"))[0] == 200
    finally:
        await server.stop()
