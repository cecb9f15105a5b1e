"""One sender's stored updates are leased to one process at a time (issue 14), on
SQLite and PostgreSQL: the holder gets them all, oldest first; another process
gets nothing while that lease is live and everything once it ended (a killed
holder); a worker's poll lists only senders nobody holds; each take counts an
attempt, so a poison update ends dead."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.api import UpdateTakenOver
from core.domain.records import Claim
from core.lifecycle.inbox import MAX_ATTEMPTS

TG = "telegram"
LEASE = timedelta(seconds=30)


async def test_a_sender_is_held_by_one_process_until_its_lease_ends(engine, clock):
    await engine.store_inbound(TG, [("1", "a", "user:7"), ("2", "b", "user:8"),
                                    ("3", "c", "user:7")])
    assert await engine.ready_inbound(TG) == [("user:7", "1"), ("user:8", "2")]
    assert await engine.take_sender_inbound(TG, "user:7", "A", LEASE) == [("1", "a"), ("3", "c")]
    assert await engine.take_sender_inbound(TG, "user:7", "B", LEASE) is None  # A has them
    assert await engine.ready_inbound(TG) == [("user:8", "2")]
    await engine.store_inbound(TG, [("4", "d", "user:7")])  # arrives at B meanwhile
    assert await engine.take_sender_inbound(TG, "user:7", "B", LEASE) is None
    await engine.finish_inbound(TG, "1", "3")
    # A takes again after finishing its batch: the update B received is A's to handle next
    assert await engine.take_sender_inbound(TG, "user:7", "A", LEASE) == [("4", "d")]
    clock.advance(LEASE + timedelta(seconds=1))  # A was killed: its lease ends
    assert await engine.ready_inbound(TG) == [("user:8", "2"), ("user:7", "4")]
    assert await engine.take_sender_inbound(TG, "user:7", "B", LEASE) == [("4", "d")]
    await engine.finish_inbound(TG, "4")
    assert await engine.take_sender_inbound(TG, "user:7", "B", LEASE) == []


async def test_an_update_without_a_sender_is_taken_alone_and_a_poison_one_ends_dead(
        engine, clock):
    await engine.store_inbound(TG, [("9", "x")])
    assert await engine.ready_inbound(TG) == [(None, "9")]
    for _ in range(MAX_ATTEMPTS):
        assert await engine.take_sender_inbound(TG, None, "A", LEASE, key="9") == [("9", "x")]
        clock.advance(LEASE + timedelta(seconds=1))  # the process died handling it
    assert await engine.take_sender_inbound(TG, None, "A", LEASE, key="9") == []
    assert await engine.ready_inbound(TG) == []


async def test_a_poll_leaves_fresh_updates_to_the_process_that_stored_them(engine, clock):
    await engine.store_inbound(TG, [("5", "e", "user:9")])
    assert await engine.ready_inbound(TG, older_than=2.0) == []
    clock.advance(timedelta(seconds=3))
    assert await engine.ready_inbound(TG, older_than=2.0) == [("user:9", "5")]


async def test_a_holder_that_stalled_past_its_lease_cannot_do_the_update_twice(
        engine, clock, world):
    """A stalls past its lease while handling a claim press, B takes the update over and
    claims; A's claim is rolled back (``UpdateTakenOver``), so the slot is claimed once,
    and A's end-of-batch finish leaves B's update alone."""
    client = await world.user("cleo")
    alice = await world.user("alice")
    gig = await world.gig(client, slots=2)
    await engine.store_inbound(TG, [("20", "press", "user:alice")])
    assert await engine.take_sender_inbound(TG, "user:alice", "A", LEASE) == [("20", "press")]
    clock.advance(LEASE + timedelta(seconds=1))  # A's loop stalls; its lease ends
    assert await engine.take_sender_inbound(TG, "user:alice", "B", LEASE) == [("20", "press")]
    with engine.handling_inbound(TG, "20", "A"), pytest.raises(UpdateTakenOver):
        await engine.claim_slot(alice, gig)
    await engine.finish_inbound(TG, "20", owner="A")  # A's batch end: not A's any more
    assert await engine.take_sender_inbound(TG, "user:alice", "A", LEASE) is None
    with engine.handling_inbound(TG, "20", "B"):
        await engine.claim_slot(alice, gig)
        await engine.update_profile(alice, {"hours": "any"})  # a second write, same handling
    assert await engine.take_sender_inbound(TG, "user:alice", "B", LEASE) == []
    claims = await engine.view(lambda t: t.s.scalars(select(Claim).where(
        Claim.gig_id == gig)).all())
    assert [c.freelancer_id for c in claims] == [alice]
