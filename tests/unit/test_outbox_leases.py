"""Outbox leases are short and renewed while a row is handled (issue 14): a slow send
keeps its row (no second worker takes it and sends it again), and the rows of a
worker that died are free again within one short lease, not after two minutes."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from core.api import GigPushesHeld, OutboxWorker
from core.domain.records import OutboxMessage

LEASE = 30


class Slow:
    """A dispatcher whose first send hangs until released."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.sent = 0

    async def deliver(self, note) -> None:
        self.started.set()
        await self.release.wait()
        self.sent += 1


class Count:
    def __init__(self) -> None:
        self.sent = 0

    async def deliver(self, note) -> None:
        self.sent += 1


async def queue_note(engine) -> None:
    user = (await engine.resolve_user("console", "ana", "Ana")).id
    await engine.tx(lambda t: t.emit(GigPushesHeld(recipient_id=user, per_hour=6), key="k"))


async def test_a_slow_send_keeps_its_row(engine, clock):
    await queue_note(engine)
    slow = Slow()
    worker = OutboxWorker(engine, slow, owner="slow", lease_seconds=LEASE, renew_every=0.02)
    running = asyncio.create_task(worker.run_once())
    await slow.started.wait()
    other = Count()
    for _ in range(3):  # 60 s of engine time, past the first lease twice over
        clock.advance(timedelta(seconds=LEASE * 2 // 3))
        await asyncio.sleep(0.1)  # a few renewals happen meanwhile
        assert await OutboxWorker(engine, other, owner="other", lease_seconds=LEASE).run_once() == 0
    slow.release.set()
    await running
    assert slow.sent == 1 and other.sent == 0
    status = await engine.view(lambda t: t.s.scalar(select(OutboxMessage.status)))
    assert status == "done"


async def test_a_dead_workers_rows_are_free_after_one_lease(engine, clock):
    await queue_note(engine)
    from core.workers.outbox import lease
    await engine.tx(lambda t: lease(t, "dead-worker", limit=10,
                                    lease_for=timedelta(seconds=LEASE)))  # then it was killed
    fresh = Count()
    assert await OutboxWorker(engine, fresh, owner="fresh").run_once() == 0
    clock.advance(timedelta(seconds=LEASE + 1))
    assert await OutboxWorker(engine, fresh, owner="fresh").run_once() == 1
    assert fresh.sent == 1


class FirstHangs:
    """A dispatcher whose first notification hangs until released; the rest go at once."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.sent: list[int] = []
        self.first: int | None = None

    async def deliver(self, note) -> None:
        if self.first is None:
            self.first = note.id
            await self.release.wait()
        self.sent.append(note.id)


async def test_a_slow_send_does_not_hold_up_the_rows_after_it(engine):
    """The worker delivers a stream: while one send waits (its chat is rate-limited,
    say), it leases and delivers the rows behind it instead of waiting at the end of
    its batch for the slow one."""
    user = (await engine.resolve_user("console", "ana", "Ana")).id
    for i in range(12):
        await engine.tx(lambda t, i=i: t.emit(GigPushesHeld(recipient_id=user, per_hour=i),
                                              key=f"k{i}"))
    slow = FirstHangs()
    worker = OutboxWorker(engine, slow, owner="stream", batch=4, concurrency=4)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop, idle=0.01))
    for _ in range(500):
        if len(slow.sent) == 11:
            break
        await asyncio.sleep(0.01)
    assert len(slow.sent) == 11 and slow.first not in slow.sent  # three batches' worth
    stop.set()
    slow.release.set()  # on stop the worker finishes the row in hand
    await running
    assert len(slow.sent) == 12
    statuses = await engine.view(lambda t: set(t.s.scalars(select(OutboxMessage.status))))
    assert statuses == {"done"}
