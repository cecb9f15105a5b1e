"""Changes of one card that queue up while it is being refreshed are served by one
more refresh with the latest state (``bot.delivery.memory.LatestOnly`` behind the
dispatcher's card changes), and no change is ever left unshown, even when a
refresh fails; the outbox's pipeline hands new rows over while an older one is
still being delivered."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.delivery.dispatcher import ChatDispatcher
from bot.delivery.memory import LatestOnly
from core.api import GigCardChanged, GigPushesHeld, Notification, OutboxWorker
from core.domain.gig_input import GigDraft
from core.domain.records import OutboxMessage
from tests.conversation_platform import RecordingPlatform


# -- LatestOnly ------------------------------------------------------------------------
async def test_requests_during_a_run_share_one_more_run_that_sees_the_latest_state():
    runs = LatestOnly()
    state = {"value": 0}
    shown: list[int] = []
    first_started, go_on = asyncio.Event(), asyncio.Event()

    async def refresh():
        seen = state["value"]  # read when the run starts, like a card from the database
        if not first_started.is_set():
            first_started.set()
            await go_on.wait()
        shown.append(seen)

    state["value"] = 1
    first = asyncio.create_task(runs.run("gig:1", refresh))
    await first_started.wait()
    later = []
    for value in (2, 3, 4):  # three quick changes while the first refresh is out
        state["value"] = value
        later.append(asyncio.create_task(runs.run("gig:1", refresh)))
    await asyncio.sleep(0)
    go_on.set()
    await asyncio.gather(first, *later)
    assert shown == [1, 4]  # one more run, with the newest state
    assert (runs.requests, runs.runs, len(runs)) == (4, 2, 0)


async def test_a_failed_run_fails_its_request_and_the_waiting_ones_run_again():
    runs = LatestOnly()
    started, go_on = asyncio.Event(), asyncio.Event()
    calls = []

    async def failing():
        calls.append("failing")
        started.set()
        await go_on.wait()
        raise RuntimeError("rate limited")

    async def working():
        calls.append("working")

    first = asyncio.create_task(runs.run("k", failing))
    await started.wait()
    second = asyncio.create_task(runs.run("k", working))
    third = asyncio.create_task(runs.run("k", working))
    await asyncio.sleep(0)
    go_on.set()
    with pytest.raises(RuntimeError):
        await first
    await asyncio.gather(second, third)
    assert calls == ["failing", "working"]  # the second ran it; the third was covered


async def test_other_keys_do_not_wait():
    runs = LatestOnly()
    hold = asyncio.Event()

    async def slow():
        await hold.wait()
    blocked = asyncio.create_task(runs.run("a", slow))
    await asyncio.sleep(0)
    done = []

    async def quick():
        done.append(1)
    await runs.run("b", quick)
    assert done == [1] and not blocked.done()
    hold.set()
    await blocked


# -- cards through the dispatcher ------------------------------------------------------
async def card_now(dispatcher: ChatDispatcher, fake: RecordingPlatform, gig: int) -> str:
    """The card's text as the gig is now (one more refresh, recorded apart)."""
    fake.log.clear()
    await dispatcher.deliver(Notification(
        id=0, event=GigCardChanged.type_name, recipient_id=None, dedup_key="now",
        data={"gig_id": gig, "community_id": None, "version": 0}, created_at=None))
    [edit] = fake.of("edit")
    return edit.text


class SlowEdits(RecordingPlatform):
    """The first card edit waits until released (a rate limit, a slow network)."""

    def __init__(self) -> None:
        super().__init__()
        self.editing = asyncio.Event()
        self.release = asyncio.Event()

    async def edit(self, message, reply) -> None:
        if not self.editing.is_set():
            self.editing.set()
            await self.release.wait()
        await super().edit(message, reply)


async def _gig_on_board(engine, slots: int) -> tuple[int, list[int]]:
    community = await engine.ensure_board("fake", "guild-1", "Makers", "board-1")
    client = (await engine.resolve_user("fake", "client", "Cleo")).id
    gig = await engine.post_gig(client, GigDraft.parse(
        {"title": "Logo", "reward": "25", "skills": "design", "slots": str(slots)},
        community_id=community.id))
    await engine.start_funding(client, gig.id)
    people = []
    for i in range(slots):
        people.append((await engine.resolve_user("fake", f"f{i}", f"Fay{i}")).id)
        await engine.update_profile(people[-1], {"skills": "design"})
    return gig.id, people


async def test_quick_changes_of_one_card_give_one_more_edit_with_the_latest_state(engine):
    gig, people = await _gig_on_board(engine, slots=3)
    fake = SlowEdits()
    dispatcher = ChatDispatcher(engine)
    dispatcher.register(fake)
    await OutboxWorker(engine, dispatcher).drain()  # the card is on the board
    assert [s.kind for s in fake.log if s.card_key] == ["send"]
    runs_before, asked_before = dispatcher.card_refreshes.runs, dispatcher.card_refreshes.requests

    await engine.claim_slot(people[0], gig)
    first = asyncio.create_task(OutboxWorker(engine, dispatcher, owner="one").drain())
    await fake.editing.wait()  # the refresh after the first claim is out
    await engine.claim_slot(people[1], gig)
    await engine.claim_slot(people[2], gig)
    second = asyncio.create_task(OutboxWorker(engine, dispatcher, owner="two").drain())
    for _ in range(50):  # until the second worker's card rows wait behind the first edit
        await asyncio.sleep(0.01)
        if dispatcher.card_refreshes.requests - asked_before >= 3:
            break
    fake.release.set()
    await asyncio.gather(first, second)

    edits = [s.text for s in fake.of("edit")]
    assert len(edits) == 2  # one for the first claim, one for the two that came meanwhile
    assert dispatcher.card_refreshes.runs - runs_before == 2  # rendered twice, not three times
    assert edits[0] != edits[1]
    assert await card_now(dispatcher, fake, gig) == edits[1]  # no change left unshown
    pending = await engine.view(lambda t: t.s.scalar(select(OutboxMessage.id).where(
        OutboxMessage.status != "done")))
    assert pending is None


async def test_a_card_refresh_that_fails_is_retried_and_shows_the_latest_state(engine, clock):
    from datetime import timedelta

    from bot.delivery.platform import TryLater

    gig, people = await _gig_on_board(engine, slots=2)
    fake = RecordingPlatform()
    dispatcher = ChatDispatcher(engine)
    dispatcher.register(fake)
    await OutboxWorker(engine, dispatcher).drain()
    fake.refuse["board-1"] = TryLater(5, "slow down")
    await engine.claim_slot(people[0], gig)
    await engine.claim_slot(people[1], gig)
    await OutboxWorker(engine, dispatcher).drain()
    assert fake.of("edit") == []
    del fake.refuse["board-1"]
    clock.advance(timedelta(seconds=6))
    await OutboxWorker(engine, dispatcher).drain()
    edits = [s.text for s in fake.of("edit")]
    assert edits and edits[-1] == await card_now(dispatcher, fake, gig)


# -- the outbox's pipeline -------------------------------------------------------------
class HoldFirst:
    """A dispatcher whose first delivery hangs until released."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.delivered: list[int] = []

    async def deliver(self, note) -> None:
        if not self.started.is_set():
            self.started.set()
            await self.release.wait()
        self.delivered.append(note.id)


async def test_a_slow_row_does_not_hold_the_rows_queued_after_it(engine):
    user = (await engine.resolve_user("console", "ana", "Ana")).id

    async def queue(key: str) -> None:
        await engine.tx(lambda t: t.emit(GigPushesHeld(recipient_id=user, per_hour=6), key=key))
    await queue("first")
    slow = HoldFirst()
    worker = OutboxWorker(engine, slow, batch=10)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop, idle=0.01))
    await slow.started.wait()
    await queue("second")
    await queue("third")
    for _ in range(300):
        await asyncio.sleep(0.01)
        if len(slow.delivered) == 2:
            break
    assert len(slow.delivered) == 2  # delivered while the first still hangs
    slow.release.set()
    stop.set()
    await running
    assert len(slow.delivered) == 3
    statuses = await engine.view(lambda t: list(t.s.scalars(select(OutboxMessage.status))))
    assert statuses == ["done"] * 3
