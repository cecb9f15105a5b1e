"""Many people pressing Claim at the same moment, on a SQLite file and on PostgreSQL.

1,000 simultaneous claimants on a 10-slot gig: exactly 10 live claims on slots
1..10, every other attempt gets a clean ``NoSlotLeft`` (nothing else), and the
money does not move (escrow and ledger exactly as funded). The same freelancer
double-tapping gets one claim and ``AlreadyClaimed``; a freelancer racing for
more gigs than their limit gets exactly their limit; and several OS processes
(multiprocessing, spawn) claiming on the same database still yield exactly N
claims."""
from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import func, select

from core.lifecycle import ledger
from core.domain.errors import AlreadyClaimed, ClaimLimitReached, NoSlotLeft
from core.domain.records import (
    LIVE_CLAIM_STATES,
    AuditEvent,
    Claim,
    Gig,
    LedgerEntry,
    OutboxMessage,
    ReputationStats,
)

REWARD = 2500


async def money(engine):
    def read(s):
        entries = s.scalar(select(func.count()).select_from(LedgerEntry))
        return ledger.all_balances(s), entries
    return await engine.db.read(read)


async def claims_of(engine, gig_id: int):
    def read(s):
        claims = list(s.scalars(select(Claim).where(Claim.gig_id == gig_id).order_by(Claim.id)))
        gig = s.get(Gig, gig_id)
        confirmed = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.event == "claim.confirmed"))
        audited = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "claim", AuditEvent.gig_id == gig_id))
        return claims, gig, confirmed, audited
    return await engine.db.read(read)


def outcomes(results) -> tuple[list[Claim], list[BaseException]]:
    wins = [r for r in results if isinstance(r, Claim)]
    return wins, [r for r in results if not isinstance(r, Claim)]


async def assert_exactly(engine, gig_id: int, wins: int, winners: set[int]) -> None:
    claims, gig, confirmed, audited = await claims_of(engine, gig_id)
    assert len(claims) == wins and all(c.status == "active" for c in claims)
    assert sorted(c.slot_no for c in claims) == list(range(1, wins + 1))
    assert {c.freelancer_id for c in claims} == winners and len(winners) == wins
    assert (gig.slots_live, gig.slots_open, gig.status) == (wins, gig.slots - wins, "open")
    assert confirmed == wins and audited == wins


async def test_a_thousand_claimants_on_ten_slots(engine, world):
    client = await world.user("client")
    gig_id = await world.gig(client, slots=10)
    freelancers = await world.many(1000, "claimant")
    before = await money(engine)

    started = time.perf_counter()
    results = await asyncio.gather(*(engine.claim_slot(f, gig_id) for f in freelancers),
                                   return_exceptions=True)
    elapsed = time.perf_counter() - started
    wins, losses = outcomes(results)
    assert len(wins) == 10
    assert len(losses) == 990
    unexpected = [repr(e) for e in losses if type(e) is not NoSlotLeft]
    assert not unexpected, unexpected[:5]
    assert all("No slot left" in str(e) for e in losses)
    await assert_exactly(engine, gig_id, 10, {c.freelancer_id for c in wins})
    after = await money(engine)
    assert after == before  # claiming moves no money
    assert after[0][(ledger.escrow(gig_id), "usd")] == 10 * REWARD
    assert elapsed < 60, f"1,000 claims took {elapsed:.1f}s"


async def test_double_tap_gets_one_claim_and_already_claimed(engine, world):
    client = await world.user("client")
    alice = await world.user("alice", experienced=True)
    gig_id = await world.gig(client, slots=3)
    results = await asyncio.gather(*(engine.claim_slot(alice, gig_id) for _ in range(5)),
                                   return_exceptions=True)
    wins, losses = outcomes(results)
    assert len(wins) == 1
    assert [type(e) for e in losses] == [AlreadyClaimed] * 4, losses
    await assert_exactly(engine, gig_id, 1, {alice})


async def test_racing_for_more_gigs_than_the_limit_gets_exactly_the_limit(engine, world):
    """Three for an experienced freelancer, one for a newcomer who has never been
    seen before (no history row yet), even when all the taps land at once."""
    client = await world.user("client")
    pro = await world.user("pro", experienced=True)
    newcomer = (await engine.resolve_user("telegram", "newcomer-1", "New")).id
    gigs = [await world.gig(client, slots=2) for _ in range(5)]
    before = await money(engine)

    results = await asyncio.gather(*(engine.claim_slot(who, g) for g in gigs
                                     for who in (pro, newcomer)), return_exceptions=True)
    wins, losses = outcomes(results)
    won = {who: sum(1 for c in wins if c.freelancer_id == who) for who in (pro, newcomer)}
    assert won == {pro: 3, newcomer: 1}
    assert [type(e) for e in losses] == [ClaimLimitReached] * 6, losses

    def live(s):
        return dict(s.execute(select(Claim.freelancer_id, func.count()).where(
            Claim.status.in_(LIVE_CLAIM_STATES)).group_by(Claim.freelancer_id)).all())
    assert await engine.db.read(live) == {pro: 3, newcomer: 1}
    # The counter each claim adds to (and checks the cap against) took back the
    # refused attempts: it matches the live claims.
    counters = await engine.db.read(lambda s: dict(s.execute(
        select(ReputationStats.user_id, ReputationStats.live_claims)
        .where(ReputationStats.user_id.in_([pro, newcomer]))).all()))
    assert counters == {pro: 3, newcomer: 1}
    assert await money(engine) == before


def _claim_in_process(url: str, gig_id: int, user_ids: list[int], start_at: float) -> list[str]:
    """Runs in a spawned process: its own interpreter, engine and connection pool."""
    from adapters.sandbox import SandboxProvider
    from core.domain.clock import ManualClock
    from core.storage.db import Database
    from core.engine import Engine
    from core.domain.errors import DomainError

    async def main() -> list[str]:
        db = Database(url)
        engine = Engine(db, SandboxProvider(db),
                        clock=ManualClock(datetime(2026, 6, 1, 12, tzinfo=UTC)))
        await engine.view(lambda t: t.gig(gig_id))  # connect before the starting gun
        await asyncio.sleep(max(0.0, start_at - time.time()))
        results = await asyncio.gather(*(engine.claim_slot(u, gig_id) for u in user_ids),
                                       return_exceptions=True)
        await db.dispose()
        out = []
        for r in results:
            if isinstance(r, DomainError):
                out.append(type(r).__name__)
            elif isinstance(r, BaseException):
                out.append(f"crash:{r!r}")
            else:
                out.append(f"claim:{r.slot_no}")
        return out
    return asyncio.run(main())


async def test_several_processes_claiming_on_one_database(engine, world):
    processes, per_process, slots = 4, 40, 10
    client = await world.user("client")
    gig_id = await world.gig(client, slots=slots)
    freelancers = await world.many(processes * per_process, "proc")
    before = await money(engine)
    batches = [freelancers[i::processes] for i in range(processes)]
    start_at = time.time() + 3.0  # all processes start claiming at the same instant
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = await asyncio.gather(*(
            loop.run_in_executor(pool, _claim_in_process, engine.db.url, gig_id, batch, start_at)
            for batch in batches))
    flat = [r for batch in results for r in batch]
    wins = [r for r in flat if r.startswith("claim:")]
    assert len(wins) == slots, flat
    assert sorted(int(w.split(":")[1]) for w in wins) == list(range(1, slots + 1))
    assert sorted(set(flat) - set(wins)) == ["NoSlotLeft"], sorted(set(flat))
    claims, *_ = await claims_of(engine, gig_id)
    await assert_exactly(engine, gig_id, slots, {c.freelancer_id for c in claims})
    assert await money(engine) == before
