"""``Engine.reading()``: the reads that render one notification share one
connection and transaction on PostgreSQL (one pool checkout, one BEGIN, instead of
one each), see the same rows as reads outside it, and leave nothing behind."""
from __future__ import annotations

import asyncio

from sqlalchemy import event

from core.api import GigPushesHeld


async def test_reads_inside_share_one_connection_and_see_the_same(engine):
    ana = (await engine.resolve_user("console", "ana", "Ana")).id
    outside = (await engine.recipient(ana), await engine.user_timezone(ana))
    checkouts = []
    pool = engine.db.async_engine.sync_engine.pool if engine.db.async_engine else None
    if pool is not None:
        event.listen(pool, "checkout", lambda *a: checkouts.append(1))
    async with engine.reading():
        inside = (await engine.recipient(ana), await engine.user_timezone(ana))
        async with engine.reading():  # nested: the outer one's connection
            again = await asyncio.gather(engine.recipient(ana), engine.recipient(ana))
    assert inside == outside and again == [outside[0], outside[0]]
    if pool is not None:
        assert len(checkouts) == 1
    # a write after it, and reads outside, work as before
    await engine.tx(lambda t: t.emit(GigPushesHeld(recipient_id=ana, per_hour=6), key="k"))
    assert await engine.recipient(ana) == outside[0]
