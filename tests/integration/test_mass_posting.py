"""Mass posting cannot flood anyone (issue 15, item 5): a minimum reward per slot in
each currency, caps on a client's open gigs and gigs per day, lower caps and a
ceiling on one gig's value for newcomers until they have completed work, and at most
``pushes_per_hour`` "new gig for you" pushes per freelancer, then one digest."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.api import Engine, EngineConfig, PostingLimitReached, ValidationError
from core.domain.records import Gig, OutboxMessage
from core.lifecycle.posting_limits import minimum_reward, newcomer_ceiling
from adapters.sandbox.provider import SandboxProvider
from core.workers.outbox import OutboxWorker


class Sink:
    """Takes every notification (what is sent is not the point here, what is queued is)."""

    def __init__(self) -> None:
        self.events: list[str] = []

    async def deliver(self, note) -> None:
        self.events.append(note.event)


async def events(engine, name: str, recipient: int | None = None) -> list[OutboxMessage]:
    def q(t):
        stmt = select(OutboxMessage).where(OutboxMessage.event == name)
        if recipient is not None:
            stmt = stmt.where(OutboxMessage.recipient_id == recipient)
        return list(t.s.scalars(stmt))
    return await engine.view(q)


async def gig_count(engine) -> int:
    return len(await engine.view(lambda t: list(t.s.scalars(select(Gig.id)))))


@pytest.mark.parametrize("currency, below, at", [("usd", "0.49", "0.50"), ("jpy", "49", "50"),
                                                 ("eur", "0.01", "0.50")])
async def test_rewards_below_the_currency_minimum_are_refused(engine, world, currency, below,
                                                              at):
    client = await world.user("client", experienced=True)
    with pytest.raises(ValidationError) as refused:
        await world.gig(client, reward=below, currency=currency)
    assert "at least" in refused.value.template
    assert await gig_count(engine) == 0
    await world.gig(client, reward=at, currency=currency)
    assert await gig_count(engine) == 1


async def test_a_newcomer_is_capped_on_open_gigs_and_gig_value(engine, world, clock):
    cfg = engine.config
    client = await world.user("newcomer")
    for _ in range(cfg.newcomer_max_open_gigs):
        await world.gig(client, reward="10")
    with pytest.raises(PostingLimitReached):
        await world.gig(client, reward="10")
    assert await gig_count(engine) == cfg.newcomer_max_open_gigs
    ceiling = newcomer_ceiling("usd") // 100
    old = await world.user("other-newcomer")
    with pytest.raises(PostingLimitReached) as refused:
        await world.gig(old, reward=str(ceiling // 2 + 1), slots=2)
    assert "New accounts" in refused.value.template
    clock.advance(timedelta(days=cfg.newcomer_days + 1))  # first seen long enough ago
    await world.gig(old, reward=str(ceiling // 2 + 1), slots=2)


async def test_completed_work_lifts_the_newcomer_caps(engine, world):
    client = await world.user("client", experienced=True)  # an approved delivery behind them
    for _ in range(engine.config.newcomer_max_open_gigs + 1):
        await world.gig(client, reward="10")
    await world.gig(client, reward="300", slots=2)


async def test_open_gigs_and_gigs_per_day_are_capped_for_everyone(db, clock):
    engine = Engine(db, SandboxProvider(db), clock=clock,
                    config=EngineConfig(max_open_gigs=3, max_gigs_per_day=4))
    from tests.conftest import World
    world = World(engine)
    client = await world.user("client", experienced=True)
    ids = [await world.gig(client, reward="5") for _ in range(3)]
    with pytest.raises(PostingLimitReached) as refused:
        await world.gig(client, reward="5")
    assert "at once" in refused.value.template
    await engine.cancel_gig(client, ids[0])  # one fewer open: one more may be posted
    await world.gig(client, reward="5")
    await engine.cancel_gig(client, ids[1])
    with pytest.raises(PostingLimitReached) as refused:
        await world.gig(client, reward="5")  # the fifth in 24 hours
    assert "24 hours" in refused.value.template
    clock.advance(timedelta(days=1, minutes=1))
    await world.gig(client, reward="5")


async def test_a_hundred_gigs_push_each_freelancer_a_few_times_then_one_digest(engine, world,
                                                                             clock):
    per_hour = engine.config.pushes_per_hour
    freelancer = await world.user("ana", skills="design")
    client = await world.user("client", experienced=True)
    engine_many = Engine(engine.db, engine.provider, clock=clock,
                         config=EngineConfig(max_open_gigs=200, max_gigs_per_day=200))
    from tests.conftest import World
    many = World(engine_many)
    for _ in range(30):
        await many.gig(client, reward="1", skills="design")
    sink = Sink()
    await OutboxWorker(engine, sink).drain()  # gig.opened fans out to the freelancers
    assert "gig.pushes_held" not in sink.events  # not before the hour is over
    assert len(await events(engine, "gig.matched", freelancer)) == per_hour
    digests = await events(engine, "gig.pushes_held", freelancer)
    assert len(digests) == 1
    assert digests[0].next_attempt_at > clock.now()  # delivered when the hour is over
    clock.advance(timedelta(hours=1, minutes=1))
    await many.gig(client, reward="1", skills="design")
    await OutboxWorker(engine, sink).drain()
    assert sink.events.count("gig.pushes_held") == 1
    assert len(await events(engine, "gig.matched", freelancer)) == per_hour + 1
    assert len(await events(engine, "gig.pushes_held", freelancer)) == 1


def test_minimums_and_ceilings_exist_for_every_currency():
    from core.api import CURRENCY_EXPONENTS
    for currency in CURRENCY_EXPONENTS:
        assert 0 < minimum_reward(currency) < newcomer_ceiling(currency)


async def test_a_discord_account_counts_from_the_date_discord_gives_it(engine, world, clock):
    """First seen today, but made years ago (Discord's snowflake date): not a newcomer;
    an account made today is one, on Discord as on Telegram."""
    big = dict(reward=str(newcomer_ceiling("usd") // 100), slots=2)
    old = await engine.resolve_user("discord", "80351110224678912", "Old",
                                    account_created_at=clock.now() - timedelta(days=900))
    await world.gig(old.id, **big)
    fresh = await engine.resolve_user("discord", "1179000000000000000", "Fresh",
                                      account_created_at=clock.now() - timedelta(hours=2))
    with pytest.raises(PostingLimitReached):
        await world.gig(fresh.id, **big)
    # the date is learnt on a later sight too, for accounts first seen before it was kept
    later = await engine.resolve_user("discord", "1179000000000000001", "Later")
    with pytest.raises(PostingLimitReached):
        await world.gig(later.id, **big)
    await engine.resolve_user("discord", "1179000000000000001", "Later",
                              account_created_at=clock.now() - timedelta(days=400))
    await world.gig(later.id, **big)
