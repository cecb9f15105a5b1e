"""Notifications that cannot be delivered are dead letters, never lost: an event
no renderer knows is put in the ``dead`` state at once with its error (no
retries), a renderer that raises is retried with backoff and ends dead after the
last attempt; dead rows show in /metrics and are never marked done."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from bot import renderers
from bot.runtime.http import HttpServer
from bot.texts import translator
from core.domain.records import OutboxMessage
from core.events import GigOpened
from core.workers.outbox import OutboxWorker


class Renders:
    """A dispatcher that renders every notification like the running bot does."""

    def __init__(self, engine):
        self.engine, self.replies = engine, []

    async def deliver(self, note):
        self.replies.append(await renderers.render(self.engine, note, translator("en")))


class Broken:
    async def deliver(self, note):
        raise RuntimeError(f"renderer exploded on {note.event}")


async def _rows(engine, event):
    return await engine.view(lambda t: list(t.s.scalars(
        select(OutboxMessage).where(OutboxMessage.event == event))))


async def _metrics(engine) -> str:
    resp = await HttpServer(SimpleNamespace(engine=engine), "127.0.0.1", 0).metrics(None)
    return resp.text


async def test_unknown_event_is_dead_at_once_with_its_error(engine, world):
    client = await world.user("client")
    gig_id = await world.gig(client)
    # a row no renderer knows (e.g. queued by another version of core)
    await engine.tx(lambda t: t.enqueue("notify", "gig.nobody_renders_this", "k1", client,
                                        {"gig_id": gig_id}))
    await OutboxWorker(engine, Renders(engine)).drain()
    [row] = await _rows(engine, "gig.nobody_renders_this")
    assert row.status == "dead" and row.done_at is None
    assert row.attempts == 1  # no retries
    assert "Undeliverable" in row.last_error and "gig.nobody_renders_this" in row.last_error
    assert (await engine.operational_counts())["gigbroker_outbox_dead"] == 1
    assert "gigbroker_outbox_dead 1.0\n" in await _metrics(engine)  # prometheus_client floats


async def test_known_events_still_render_and_are_done(engine, world):
    client = await world.user("client")
    gig_id = await world.gig(client)
    sink = Renders(engine)
    await OutboxWorker(engine, sink).drain()
    rows = await engine.view(lambda t: list(t.s.scalars(select(OutboxMessage))))
    assert rows and all(r.status == "done" for r in rows)
    assert any(r is not None for r in sink.replies)
    assert (await engine.operational_counts())["gigbroker_outbox_dead"] == 0
    assert gig_id


async def test_a_failing_renderer_is_retried_then_dead_never_done(engine, world, clock):
    client = await world.user("client")
    gig_id = await world.gig(client)
    await engine.tx(lambda t: t.emit(GigOpened(recipient_id=client, gig_id=gig_id), key="again"))
    worker = OutboxWorker(engine, Broken())
    await worker.drain()
    [row] = [r for r in await _rows(engine, "gig.opened") if r.dedup_key.endswith(":again")]
    assert row.status == "pending" and row.attempts == 1  # backing off, not done, not dead
    assert "renderer exploded" in row.last_error
    for _ in range(engine.config.outbox_max_attempts):
        clock.advance(seconds=3600)
        await worker.drain()
    [row] = [r for r in await _rows(engine, "gig.opened") if r.dedup_key.endswith(":again")]
    assert row.status == "dead" and row.done_at is None
    assert "renderer exploded" in row.last_error
    assert "gigbroker_outbox_dead" in await _metrics(engine)
    assert (await engine.operational_counts())["gigbroker_outbox_dead"] >= 1
