"""``python -m bench engine``: claim transactions per second and latency.

Measures ``Engine.claim_slot`` (the real engine: SQLite file in a temp dir, WAL +
``synchronous=FULL`` as ``core.storage.db`` configures it) next to a hand-written raw
aiosqlite baseline that runs the equivalent SQL of one claim transaction on a
separate file with the same pragmas, in the same run:

    BEGIN IMMEDIATE; INSERT reputation stats ... ON CONFLICT DO UPDATE RETURNING
    (count the claim against the freelancer); SELECT every fact the checks need
    (gig, ban, block, membership, live claim on the gig, profile cap) in one
    statement; UPDATE gig ... RETURNING (the conditional slot grab, card version);
    SELECT held slot numbers; INSERT claim RETURNING id; INSERT 3 timers (deadline
    + 2 reminders); INSERT audit; INSERT 3 outbox rows (client, freelancer, board
    card); COMMIT

Each run starts from a freshly seeded database: ``--gigs`` open gigs with enough
slots for the run, and one distinct experienced freelancer per claim (so no
freelancer hits the live-claim cap). Variants: sequential (one claim at a time)
and ``--concurrency`` coroutines claiming at once (the engine queues them on its
single writer thread; the raw baseline shares one connection under a lock, since
one aiosqlite connection shared by two coroutines loses commits). Engine and raw
runs alternate; figures are the median of ``--runs`` runs of ``--seconds`` each. With ``--postgres URL`` the
engine variants are also run on PostgreSQL (the URL's ``public`` schema is
DROPPED and recreated for every run: use a throwaway database).

Targets (informational): engine/raw throughput ratio >= 0.5, p99 <= 10 ms. Under
concurrency a claim's latency includes waiting for the ones queued before it
(Little's law: p50 ~ concurrency / throughput), so the p99 target is judged on
the sequential variant and only shown for the concurrent one.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import math
import pstats
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Awaitable, Callable

TARGET_RATIO = 0.5
TARGET_P99_MS = 10.0
N_CLIENTS = 20
WARMUP = 50  # claims per run before timing starts (compiled caches, page cache)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seconds", type=float, default=3.0, help="measured time per run (3)")
    p.add_argument("--runs", type=int, default=3, help="runs per variant; the median is shown (3)")
    p.add_argument("--concurrency", type=int, default=8,
                   help="coroutines claiming at once in the concurrent variant (8)")
    p.add_argument("--gigs", type=int, default=200, help="open gigs claims spread over (200)")
    p.add_argument("--capacity", type=int, default=0,
                   help="slots (and freelancers) seeded per run; 0 = sized from --seconds")
    p.add_argument("--postgres", metavar="URL",
                   help="also run the engine on this PostgreSQL (its public schema is DROPPED)")
    p.add_argument("--profile", action="store_true",
                   help="also cProfile 2,000 engine claim transactions run in-thread")


# -- measurement -------------------------------------------------------------
@dataclass
class Sample:
    claims: int
    seconds: float
    latencies_ns: list[int]

    @property
    def rate(self) -> float:
        return self.claims / self.seconds

    def pct_ms(self, q: float) -> float:
        lat = sorted(self.latencies_ns)
        return lat[min(len(lat) - 1, int(q * len(lat)))] / 1e6


@dataclass
class Figures:
    rate: float
    p50: float
    p99: float
    runs: list[Sample]


def median_figures(samples: list[Sample]) -> Figures:
    return Figures(rate=statistics.median(s.rate for s in samples),
                   p50=statistics.median(s.pct_ms(0.50) for s in samples),
                   p99=statistics.median(s.pct_ms(0.99) for s in samples), runs=samples)


Claim = Callable[[int, int], Awaitable[object]]


async def drive(claim: Claim, pairs: list[tuple[int, int]], seconds: float,
                concurrency: int) -> Sample:
    """Claim ``pairs`` (freelancer, gig) in order from ``concurrency`` coroutines for
    ``seconds`` (or until the pairs run out); the first ``WARMUP`` are not timed."""
    for user_id, gig_id in pairs[:WARMUP]:
        await claim(user_id, gig_id)
    todo = iter(pairs[WARMUP:])
    latencies: list[int] = []
    clock = time.perf_counter_ns
    deadline = clock() + int(seconds * 1e9)

    async def worker() -> None:
        for user_id, gig_id in todo:
            t0 = clock()
            await claim(user_id, gig_id)
            t1 = clock()
            latencies.append(t1 - t0)
            if t1 >= deadline:
                return

    start = clock()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = (clock() - start) / 1e9
    if len(latencies) >= len(pairs) - WARMUP:
        print(f"  (ran out of seeded slots after {elapsed:.2f} s; raise --capacity)")
    return Sample(len(latencies), elapsed, latencies)


# -- seeding -----------------------------------------------------------------
def plan(gigs: int, capacity: int) -> tuple[int, list[tuple[int, int]]]:
    """Slots per gig and the (freelancer, gig) pairs: claim k by freelancer k on gig k % gigs."""
    slots = math.ceil(capacity / gigs)
    first_freelancer = N_CLIENTS + 1
    pairs = [(first_freelancer + k, 1 + k % gigs) for k in range(capacity)]
    return slots, pairs


def seed_rows(gigs: int, slots: int, freelancers: int, now: datetime) -> list[tuple[object, list[dict]]]:
    from core.domain.records import Gig, Profile, ReputationStats, User

    users = [{"id": i, "display_name": f"client{i}", "created_at": now, "payouts_enabled": True}
             for i in range(1, N_CLIENTS + 1)]
    people = range(N_CLIENTS + 1, N_CLIENTS + 1 + freelancers)
    users += [{"id": i, "display_name": f"freelancer{i}", "created_at": now,
               "payouts_enabled": True} for i in people]
    profiles = [{"user_id": i, "skills": "design,svg", "onboarded": True} for i in people]
    # approved=1: experienced, so the cap is 3 live claims, not the newcomer's 1.
    stats = [{"user_id": i, "approved": 1, "on_time": 1} for i in people]
    gig_rows = [{
        "id": g, "client_id": 1 + g % N_CLIENTS, "title": f"Bench gig {g}", "skills": "design,svg",
        "currency": "usd", "reward_minor": 2500, "fee_per_slot": 125, "slots": slots,
        "mode": "claim", "deliver_seconds": 2 * 86400,  # both reminders (24 h, 1 h) are set
        "status": "open", "created_at": now, "funded_at": now,
        "expires_at": now + timedelta(days=7),
    } for g in range(1, gigs + 1)]
    return [(User.__table__, users), (Profile.__table__, profiles),
            (ReputationStats.__table__, stats), (Gig.__table__, gig_rows)]


def insert_rows(conn, rows: list[tuple[object, list[dict]]]) -> None:
    """Bulk insert with Core executemany (a sync SQLAlchemy connection)."""
    from sqlalchemy import text

    for table, batch in rows:
        for i in range(0, len(batch), 5000):
            conn.execute(table.insert(), batch[i:i + 5000])
    if conn.dialect.name == "postgresql":
        for table in ('"user"', "gig"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))


# -- the engine --------------------------------------------------------------
async def engine_run(url: str, gigs: int, capacity: int, seconds: float,
                     concurrency: int) -> Sample:
    from adapters.sandbox import SandboxProvider
    from core.storage.db import Database
    from core.engine import Engine

    db = Database(url)
    try:
        if db.dialect == "postgresql":
            await db.drop_schema()
        await db.create_schema()
        slots, pairs = plan(gigs, capacity)
        rows = seed_rows(gigs, slots, len(pairs), datetime.now(timezone.utc))
        if db._sync is not None:
            with db._sync.begin() as conn:
                insert_rows(conn, rows)
        else:
            async with db._async.begin() as conn:
                await conn.run_sync(insert_rows, rows)
        engine = Engine(db, SandboxProvider(db))
        return await drive(engine.claim_slot, pairs, seconds, concurrency)
    finally:
        await db.dispose()


async def engine_profile(path: Path, gigs: int, n: int = 2000) -> None:
    """cProfile the claim unit of work itself, run in this thread (no writer queue)
    (the profiler sees one thread; in the engine the work runs on its writer thread)."""
    from adapters.sandbox import SandboxProvider
    from core.domain.clock import utcnow
    from core.storage.db import Database
    from core.engine import Engine
    from core.lifecycle import slots

    db = Database(f"sqlite:///{path}")
    await db.create_schema()
    slots_per_gig, pairs = plan(gigs, n + WARMUP)
    with db._sync.begin() as conn:
        insert_rows(conn, seed_rows(gigs, slots_per_gig, len(pairs), utcnow()))
    engine = Engine(db, SandboxProvider(db))

    def one(user_id: int, gig_id: int) -> None:
        unit = engine._unit(lambda t: slots.claim_slot(t, user_id, gig_id))
        db._run_sqlite(unit, db._sync)

    for pair in pairs[:WARMUP]:
        one(*pair)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for pair in pairs[WARMUP:]:
        one(*pair)
    prof.disable()
    took = time.perf_counter() - t0
    print(f"\nprofile: {n} claim transactions in-thread, {n / took:,.0f}/s under cProfile")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    await db.dispose()


# -- the raw aiosqlite baseline ----------------------------------------------
class RawClaims:
    """One claim transaction in hand-written SQL on one aiosqlite connection: the
    same eight statements ``core.lifecycle.slots`` runs, with the same checks."""

    def __init__(self, conn) -> None:
        from core.domain.records import LIVE_CLAIM_STATES, SLOT_HOLDING_STATES

        self.conn = conn
        self.lock = asyncio.Lock()
        live = ", ".join(f"'{s.value}'" for s in LIVE_CLAIM_STATES)
        holding = ", ".join(f"'{s.value}'" for s in SLOT_HOLDING_STATES)
        self.sql_facts = (
            "SELECT g.id, g.client_id, g.community_id, g.status, g.mode, g.slots, "
            "g.slots_live, g.slots_settled, g.deliver_seconds, "
            "(SELECT banned FROM \"user\" WHERE id = :u) AS banned, "
            "EXISTS (SELECT 1 FROM block WHERE (blocker_id = g.client_id AND blocked_id = :u) "
            "OR (blocker_id = :u AND blocked_id = g.client_id)) AS blocked, "
            "(SELECT role FROM communitymember WHERE community_id = g.community_id "
            "AND user_id = :u) AS role, c.visibility, c.name, "
            "EXISTS (SELECT 1 FROM claim WHERE gig_id = g.id AND freelancer_id = :u "
            f"AND status IN ({live})) AS holds_slot, "
            "(SELECT max_live_claims FROM profile WHERE user_id = :u) AS profile_cap "
            "FROM gig g LEFT OUTER JOIN community c ON c.id = g.community_id WHERE g.id = :g")
        self.sql_held = f"SELECT slot_no FROM claim WHERE gig_id = ? AND status IN ({holding})"

    @staticmethod
    async def connect(path: Path) -> "RawClaims":
        import aiosqlite

        conn = await aiosqlite.connect(path, isolation_level=None, timeout=5)
        for pragma in ("journal_mode=WAL", "busy_timeout=5000", "foreign_keys=ON",
                       "synchronous=FULL", "recursive_triggers=ON"):
            await conn.execute(f"PRAGMA {pragma}")
        return RawClaims(conn)

    async def claim(self, user_id: int, gig_id: int) -> int:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        async with self.lock:
            db = self.conn
            await db.execute("BEGIN IMMEDIATE")
            try:
                claim_id = await self._claim(db, user_id, gig_id, now)
            except BaseException:
                await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")
            return claim_id

    async def _claim(self, db, user_id: int, gig_id: int, now: datetime) -> int:
        counted = await db.execute_fetchall(
            "INSERT INTO reputationstats (user_id, live_claims, rating_sum, rating_count, "
            "approved, on_time, late_or_abandoned, disputes_lost) "
            "SELECT id, 1, 0, 0, 0, 0, 0, 0 FROM \"user\" WHERE id = ? "
            "ON CONFLICT (user_id) DO UPDATE SET live_claims = reputationstats.live_claims + 1 "
            "RETURNING approved, live_claims", (user_id,))
        if not counted:
            raise LookupError(f"no user {user_id}")
        (approved, live_claims), = counted
        rows = await db.execute_fetchall(self.sql_facts, {"u": user_id, "g": gig_id})
        if not rows:
            raise LookupError(f"no gig {gig_id}")
        (_, client_id, community_id, status, mode, slots, _, _, deliver_seconds, banned, blocked,
         role, visibility, _, holds_slot, profile_cap), = rows
        if banned or client_id == user_id or status != "open" or blocked or holds_slot:
            raise RuntimeError("not eligible")
        if community_id is not None and (role == "banned" or (visibility == "members"
                                                               and role is None)):
            raise RuntimeError("not a member")
        if mode != "claim":
            raise RuntimeError("apply mode")
        cap = min(profile_cap or 3, 1) if approved == 0 else (profile_cap or 3)
        if live_claims - 1 >= cap:
            raise RuntimeError("claim limit")
        won = await db.execute_fetchall(
            "UPDATE gig SET slots_live = slots_live + 1, version = version + 1 "
            "WHERE id = ? AND status = 'open' AND slots - slots_live - slots_settled > 0 "
            "RETURNING version", (gig_id,))
        if not won:
            raise RuntimeError("no slot left")
        (version,), = won
        held = {n for (n,) in await db.execute_fetchall(self.sql_held, (gig_id,))}
        slot_no = next(n for n in range(1, slots + 1) if n not in held)
        deadline = now + timedelta(seconds=deliver_seconds)
        (claim_id,), = await db.execute_fetchall(
            "INSERT INTO claim (gig_id, freelancer_id, slot_no, status, claimed_at, deadline_at, "
            "revisions_used, paid_minor, version) VALUES (?, ?, ?, 'active', ?, ?, 0, 0, 1) "
            "RETURNING id", (gig_id, user_id, slot_no, now, deadline))
        key = f"claim:{claim_id}:v1"
        await db.executemany(
            "INSERT INTO timer (kind, due_at, gig_id, claim_id, dedup_key, status) "
            "VALUES (?, ?, ?, ?, ?, 'pending') ON CONFLICT (dedup_key) DO NOTHING",
            [("claim_deadline", deadline, gig_id, claim_id, f"claim_deadline:{key}"),
             ("deadline_reminder", deadline - timedelta(hours=24), gig_id, claim_id,
              f"deadline_reminder:{key}:86400"),
             ("deadline_reminder", deadline - timedelta(hours=1), gig_id, claim_id,
              f"deadline_reminder:{key}:3600")])
        await db.execute(
            "INSERT INTO auditevent (at, actor_id, actor_role, action, gig_id, claim_id, "
            "to_state, detail) VALUES (?, ?, 'freelancer', 'claim', ?, ?, 'active', ?)",
            (now, user_id, gig_id, claim_id, f"slot={slot_no}"))
        await db.executemany(
            "INSERT INTO outboxmessage (channel, event, recipient_id, payload, dedup_key, status, "
            "attempts, next_attempt_at, created_at) VALUES ('notify', ?, ?, ?, ?, 'pending', 0, ?, ?) "
            "ON CONFLICT (dedup_key) DO NOTHING",
            [("claim.created", client_id, json.dumps(
                {"gig_id": gig_id, "claim_id": claim_id, "freelancer_id": user_id}),
              f"claim.created:{client_id}:claim:{claim_id}", now, now),
             ("claim.confirmed", user_id, json.dumps(
                 {"gig_id": gig_id, "claim_id": claim_id, "deadline_at": deadline.isoformat()}),
              f"claim.confirmed:{user_id}:claim:{claim_id}", now, now),
             ("gig.card_changed", None, json.dumps(
                 {"gig_id": gig_id, "community_id": None, "version": version}),
              f"gig.card_changed:None:card:{gig_id}:v{version}", now, now)])
        return claim_id


async def raw_run(path: Path, gigs: int, capacity: int, seconds: float,
                  concurrency: int) -> Sample:
    from sqlalchemy import create_engine

    from core.storage.db import Database

    db = Database(f"sqlite:///{path}")  # the same schema, indexes and triggers
    await db.create_schema()
    await db.dispose()
    slots, pairs = plan(gigs, capacity)
    seed = create_engine(f"sqlite:///{path}")
    with seed.begin() as conn:
        insert_rows(conn, seed_rows(gigs, slots, len(pairs), datetime.now(timezone.utc)))
    seed.dispose()
    sqlite3.register_adapter(datetime, lambda d: d.isoformat(" ", "microseconds"))
    raw = await RawClaims.connect(path)
    try:
        return await drive(raw.claim, pairs, seconds, concurrency)
    finally:
        await raw.conn.close()


# -- report ------------------------------------------------------------------
def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def row(name: str, f: Figures) -> str:
    return f"  {name:<34} {f.rate:>9,.0f} {f.p50:>8.2f} {f.p99:>8.2f}"


async def _main(args: argparse.Namespace) -> int:
    capacity = args.capacity or max(4000, int(args.seconds * 4000)) + WARMUP
    print(f"bench engine: SQLite {sqlite3.sqlite_version}, WAL + synchronous=FULL; "
          f"{args.gigs} gigs, {math.ceil(capacity / args.gigs)} slots each, one distinct "
          f"experienced freelancer per claim; median of {args.runs} x {args.seconds:g} s")
    modes = [("sequential", 1), (f"{args.concurrency} concurrent", args.concurrency)]
    results: dict[tuple[str, str], Figures] = {}
    with tempfile.TemporaryDirectory(prefix="gb-bench-") as tmp:
        counter = itertools.count()
        for mode, conc in modes:
            # Engine and raw runs alternate, so a busy moment on the machine hits both.
            samples: dict[str, list[Sample]] = {"engine": [], "raw": []}
            for _ in range(args.runs):
                for kind in samples:
                    path = Path(tmp) / f"{kind}-{next(counter)}.db"
                    if kind == "engine":
                        sample = await engine_run(f"sqlite:///{path}", args.gigs, capacity,
                                                  args.seconds, conc)
                    else:
                        sample = await raw_run(path, args.gigs, capacity, args.seconds, conc)
                    samples[kind].append(sample)
            for kind, runs in samples.items():
                results[(kind, mode)] = median_figures(runs)
                print(f"  .. {kind} {mode}: " + ", ".join(f"{s.rate:,.0f}/s" for s in runs),
                      flush=True)
        if args.postgres:
            for mode, conc in modes:
                samples = [await engine_run(args.postgres, args.gigs, capacity, args.seconds,
                                            conc) for _ in range(args.runs)]
                results[("postgres", mode)] = median_figures(samples)
                print(f"  .. postgres {mode}: " + ", ".join(f"{s.rate:,.0f}/s" for s in samples),
                      flush=True)

        print(f"\n  {'variant':<34} {'claims/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
        for mode, _ in modes:
            print(row(f"engine (SQLite) {mode}", results[("engine", mode)]))
            print(row(f"raw aiosqlite {mode}", results[("raw", mode)]))
            if ("postgres", mode) in results:
                print(row(f"engine (PostgreSQL) {mode}", results[("postgres", mode)]))
        print()
        for mode, _ in modes:
            eng, raw = results[("engine", mode)], results[("raw", mode)]
            ratio = eng.rate / raw.rate
            print(f"  {mode:<14} ratio engine/raw {ratio:5.2f}  {mark(ratio >= TARGET_RATIO)} "
                  f"(target >= {TARGET_RATIO})   engine p99 {eng.p99:6.2f} ms  "
                  + (f"{mark(eng.p99 <= TARGET_P99_MS)} (target <= {TARGET_P99_MS:g} ms)"
                     if mode == "sequential" else "(includes queueing)"))
            if ("postgres", mode) in results:
                pg = results[("postgres", mode)]
                print(f"  {'':<14} PostgreSQL engine/raw SQLite {pg.rate / raw.rate:5.2f}  "
                      f"p99 {pg.p99:6.2f} ms")
        if args.profile:
            await engine_profile(Path(tmp) / "profile.db", args.gigs)
    return 0


def main(args: argparse.Namespace) -> int:
    return asyncio.run(_main(args))
