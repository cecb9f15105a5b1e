"""The 3-process runs of ``python -m bench discord`` (see bench.discord): 3 bot
processes (``bench.cluster`` nodes, each with its outbox worker) on one PostgreSQL,
against the same fake Discord in its child process.

(1b) the fan-out of (1), the 3 pacers booking ``discord:global`` in the shared
     send budget;
(2b) the presses of (2), each process the gateway of one shard of 3
     (``DISCORD_SHARD_IDS=i``, ``DISCORD_SHARD_COUNT=3``). Discord sends every
     interaction of a server to one shard, so the fake has 3 servers, one owned
     by each shard, each a community with its board; the members and the
     ``--gigs`` cards are dealt out over them and the presses come interleaved.
     Reported like (2), with the 3 processes' summed CPU per press over the same
     window (from before the first press until every press was answered)."""
from __future__ import annotations

import asyncio
import math
import time
from dataclasses import replace

from bench.cluster import reset_schema, start_nodes, stop_nodes
from bench.discord import FakeProcess, max_in_window, open_gig, press_figures, seed_world

SHARDS = 3


async def _parent_app(url: str, engine: dict):
    """The app the parent seeds and posts gigs with: no platform of its own."""
    from bot.runtime.app import App
    from bot.runtime.settings import Settings
    app = App(Settings(_env_file=None, database_url=url, discord_bot_token=None,
                       telegram_bot_token=None, stripe_secret_key=None))
    await app.prepare()
    app.engine.config = replace(app.engine.config, **engine)
    return app


async def fanout_three(args, url: str) -> dict:
    """The fan-out by 3 processes on one PostgreSQL, their pacers booking
    ``discord:global`` in the shared budget."""
    ceiling = int(args.ceiling * args.scale)
    fake = FakeProcess(ceiling)
    app = None
    try:
        w = await fake.call("world", args.members)
        await reset_schema(url)
        engine = {"match_notify_limit": args.members + 10, "newcomer_days": 0}
        app = await _parent_app(url, engine)
        community_id, client_id = await seed_world(app, w, True)
        config = {"url": url, "discord_token": w["token"], "discord_base": w["api_base"],
                  "guilds": [w["guild"]], "ceiling": ceiling, "engine": engine}
        nodes = await start_nodes("discord", [config] * 3)
        try:
            await fake.call("mark")
            started = time.monotonic()
            await open_gig(app, community_id, client_id, 1)
            got, deadline = 0, started + 60 + 3 * args.members / max(ceiling / 2, 1)
            while got < args.members and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                got = await fake.call("delivered")
        finally:
            figures = await stop_nodes(nodes)
        stats = await fake.call("fanout_stats")
        dm = stats["dm_times"]
        rate = (len(dm) - 1) / (dm[-1] - dm[0]) if len(dm) > 1 else 0.0
        return {"processes": 3, "dm_requests": len(dm), "requests_per_s": round(rate, 1),
                "ratio_of_ceiling": round(rate / ceiling, 3),
                "max_in_any_1s_window": max_in_window(dm),
                "rate_limited_429": stats["rate_limited"], "dms_lost": args.members - got,
                "budget_statements": figures["budget_statements"],
                "slots_missed_rebooked": figures["rebooked"],
                "pass": rate / ceiling >= 0.9 and stats["rate_limited"] == 0
                and got == args.members}
    finally:
        if app is not None:
            await app.close()
        await fake.stop()


async def _outbox_empty(app, timeout: float = 60.0) -> None:
    """Wait until the nodes' outbox workers have delivered every row (cards, edits)."""
    from core.domain.records import OutboxMessage

    def pending(t) -> int:
        return t.s.query(OutboxMessage).filter(OutboxMessage.status == "pending").count()
    deadline = time.monotonic() + timeout
    while await app.engine.view(pending) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)


def _deal(total: int, parts: int) -> list[int]:
    """``total`` dealt out over ``parts`` in turn (at least 1 each)."""
    return [max(1, len(range(k, total, parts))) for k in range(parts)]


async def presses_three(args, url: str) -> dict:
    """The presses of ``bench.discord.presses`` on 3 shards, one process each."""
    from core.domain.records import Claim

    n = max(SHARDS, int(args.rate * args.seconds))
    ceiling = int(args.ceiling * args.scale)
    fake = FakeProcess(ceiling)
    app = None
    nodes = []
    try:
        w = await fake.call("world", {"members": n, "shards": SHARDS})
        await reset_schema(url)
        engine = {"match_notify_limit": 0, "newcomer_days": 0, "max_open_gigs": 10**6,
                  "max_gigs_per_day": 10**6}
        app = await _parent_app(url, engine)
        gigs = _deal(args.gigs, SHARDS)
        for g, count in zip(w["guilds"], gigs):  # the cards wait in the outbox
            community_id, client_id = await seed_world(app, g, not args.first_time)
            for _ in range(count):
                await open_gig(app, community_id, client_id, math.ceil(len(g["users"]) / count))
        # with a fixed shard count discord.py connects to its default gateway URL
        base = {"url": url, "discord_token": w["token"], "discord_base": w["api_base"],
                "discord_gateway": w["gateway"], "ceiling": ceiling, "engine": engine,
                "shard_count": SHARDS}
        nodes = await start_nodes("discord", [
            {**base, "guilds": [g["guild"]], "shard_ids": [g["shard"]]} for g in w["guilds"]])
        boards: list = []
        for _ in range(300):  # the nodes' outbox workers post the cards
            boards = await fake.call("cards", True)
            if all(len(b) >= c for b, c in zip(boards, gigs)):
                break
            await asyncio.sleep(0.2)
        await _outbox_empty(app)  # as the 1-process run drains its outbox first
        plans = [[(uid, *cards[i % len(cards)]) for i, uid in enumerate(g["users"])]
                 for g, cards in zip(w["guilds"], boards) if cards]
        plan = [p[i] for i in range(max(map(len, plans), default=0)) for p in plans
                if i < len(p)]  # the servers' presses interleaved
        cpu = await asyncio.gather(*(node.cpu() for node in nodes))
        print(f"  pressing ({SHARDS} processes, pids "
              f"{', '.join(str(node.proc.pid) for node in nodes)}) ...", flush=True)
        seen = await fake.call("presses", (plan, args.rate))
        cpu = [after - before for after, before in
               zip(await asyncio.gather(*(node.cpu() for node in nodes)), cpu)]
        claims = await app.engine.view(lambda t: t.s.query(Claim).count())
        # the 3 processes' CPU (all threads, outboxes included) over the same window
        out = {"processes": SHARDS, **press_figures(seen, n, claims, sum(cpu),
                                                     gigs=sum(map(len, boards)),
                                                     pressed=len(plan))}
        out["bot_cpu_ms_per_press_by_process"] = [round(c * 1000 / n, 2) for c in cpu]
        return out
    finally:
        if nodes:
            await stop_nodes(nodes)
        if app is not None:
            await app.close()
        await fake.stop()
