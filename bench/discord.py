"""``python -m bench discord``: the Discord adapter under load, against the fake
Discord server of the e2e tests (``tests/e2e/fakes``), with the real discord.py
client, the real app (SQLite file, sandbox payments) and its outbox worker.

1. **Fan-out**: a gig opens on a server with ``--members`` members who all match,
   so each gets a "New gig for you" DM: a DM channel is created (POST
   /users/@me/channels) and the message sent (POST /channels/{id}/messages),
   two REST calls per member. The fake enforces a global limit of ``--ceiling``
   requests per second with 429s, like Discord; the adapter's pacer is set to
   the same ceiling. Reported: requests/s over the fan-out vs the ceiling
   (target >= 0.9), the most requests the fake saw in any 1 s window, 429s
   (target 0) and DMs lost (target 0). ``--scale k`` multiplies the ceiling of
   both the fake and the pacer by ``k`` to keep the run short; the ratio is what
   matters (``--scale 1`` is Discord's real 50 req/s: 2,000 members take ~85 s).
2. **Acknowledgement latency**: ``--rate`` members per second press Claim on
   the cards of ``--gigs`` gigs for ``--seconds``; each press is a claim
   transaction, and the outbox keeps delivering the resulting DMs and card edits
   meanwhile. Reported: the time from the fake emitting the interaction to its
   first callback (the acknowledgement), p50/p99/max (target p99 well under
   Discord's 3 s), and to the final answer (bound by the database writer: every
   claim and every delivered notification is a write transaction).

Everything runs in one process (the fake too), so latencies include the fake's
own CPU time. Results are printed and, with ``--json``, written as JSON.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CEILING = 50  # Discord's global limit, requests per second
DM_ROUTES = ("/users/@me/channels", "/channels/{channel_id}/messages")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--members", type=int, default=2000, help="members who get the gig (2000)")
    p.add_argument("--ceiling", type=int, default=CEILING,
                   help="global requests/s of the fake and the pacer (50, Discord's)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="multiply the ceiling of fake and pacer to shorten the run (1)")
    p.add_argument("--rate", type=float, default=100.0, help="Claim presses per second (100)")
    p.add_argument("--seconds", type=float, default=10.0, help="seconds of presses (10)")
    p.add_argument("--gigs", type=int, default=50, help="cards the presses spread over (50)")
    p.add_argument("--first-time", action="store_true",
                   help="pressers never used the bot in the server (one more write each)")
    p.add_argument("--skip-fanout", action="store_true")
    p.add_argument("--skip-presses", action="store_true")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    figures = asyncio.run(run(args))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    ok = figures.get("fanout", {}).get("pass", True) and figures.get("presses", {}).get("pass", True)
    return 0 if ok else 1


# -- the world -------------------------------------------------------------------
async def make_world(tmp: Path, members: int, ceiling: int, *, known_members: bool = True):
    from fakes.discord_api import FakeDiscord

    from adapters.discord.client import GigClient
    from adapters.discord.pacing import Pacer
    from adapters.discord.service import DiscordService
    from bot.app import App, upgrade_schema
    from bot.settings import Settings
    from core import people
    from core.clock import ManualClock

    class FastClient(GigClient):
        async def before_identify_hook(self, shard_id, *, initial=False):  # noqa: ANN001
            return None

    tmp.mkdir(parents=True, exist_ok=True)
    fake = FakeDiscord(global_rate_limit=ceiling, global_rate_window=1.0)
    await fake.__aenter__()
    owner = fake.create_user("client")
    users = [fake.create_user(f"member{i}") for i in range(members)]
    guild = fake.create_guild("Bench", owner=owner)
    board = fake.create_channel(guild, "gigs")
    for u in users:
        g = fake.guild(guild)
        from fakes.discord_models import Member
        g.members[u.id] = Member(user=u, guild_id=g.id)  # no gateway event per member

    url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade_schema(url)
    settings = Settings(_env_file=None, database_url=url, discord_bot_token=fake.token,
                        discord_api_base_url=fake.api_base, discord_dev_guild_ids=[guild.id])
    clock = ManualClock(datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc))
    app = App(settings, clock=clock)
    app.engine.config = replace(app.engine.config, match_notify_limit=members + 10)

    def seed(t):
        community = people.ensure_community(t, "discord", str(guild.id), "Bench")
        community.board_channel_id = str(board.id)
        client = people.resolve_identity(t, "discord", str(owner.id), "client", "client")
        for u in users:
            user = people.resolve_identity(t, "discord", str(u.id), u.username, u.username)
            people.update_profile(t, user.id, {"skills": "design", "hours": "any"})
            if known_members:  # they have used the bot in this server before
                people.note_member(t, community, user.id)
        return community.id, client.id
    community_id, client_id = await app.engine.tx(seed)
    service = DiscordService(app, settings, pacer=Pacer(ceiling, 1.0), client_class=FastClient,
                             guild_ready_timeout=0.05)
    await service.start()
    await service.wait_until_ready(30)
    return fake, app, service, guild, board, users, community_id, client_id


async def open_gig(app, client_id: int, community_id: int, slots: int) -> int:
    from core.drafts import GigDraft
    draft = GigDraft.parse({"title": "Logo in SVG", "reward": "25", "currency": "usd",
                            "skills": "design", "slots": str(slots)}, community_id=community_id)
    gig = await app.engine.post_gig(client_id, draft)
    gig, _ = await app.engine.start_funding(client_id, gig.id)
    return gig.id


def max_in_window(times: list[float], window: float = 1.0) -> int:
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


# -- 1. fan-out ------------------------------------------------------------------
async def fanout(args, tmp: Path) -> dict:
    ceiling = int(args.ceiling * args.scale)
    fake, app, service, guild, board, users, community_id, client_id = await make_world(
        tmp, args.members, ceiling)
    stop = asyncio.Event()
    try:
        calls_before = len(fake.calls)
        started = time.monotonic()
        await open_gig(app, client_id, community_id, slots=1)
        worker = asyncio.create_task(app.outbox.run_forever(stop, idle=0.05))

        def delivered() -> int:
            return sum(1 for u in users if any("New gig for you" in m.content
                                               for m in fake.dm_messages_to(u)))
        deadline = started + 60 + 3 * args.members / max(ceiling / 2, 1)
        while delivered() < args.members and time.monotonic() < deadline:
            await asyncio.sleep(0.25)
        elapsed = time.monotonic() - started
        stop.set()
        await worker
        got = delivered()
        calls = fake.calls[calls_before:]
        dm = sorted(c["at"] for c in calls if c["route"] in DM_ROUTES and c["status"] != 429)
        first, last = dm[0], dm[-1]
        rate = (len(dm) - 1) / (last - first) if len(dm) > 1 else 0.0
        out = {
            "members": args.members, "ceiling_rps": ceiling, "scale": args.scale,
            "dm_requests": len(dm), "seconds": round(last - first, 2),
            "requests_per_s": round(rate, 1), "ratio_of_ceiling": round(rate / ceiling, 3),
            "max_in_any_1s_window": max_in_window(dm),
            "rate_limited_429": fake.count_429(),
            "429_routes": sorted({f"{r['method']} {r['route']}" for r in fake.rate_limited}),
            "other_requests": len([c for c in calls if c["route"] not in DM_ROUTES]),
            "dms_delivered": got,
            "dms_lost": args.members - got, "wall_seconds": round(elapsed, 1),
            "pacer_wait_s": round(service.pacer.waited, 1),
        }
        out["pass"] = out["ratio_of_ceiling"] >= 0.9 and out["rate_limited_429"] == 0 \
            and out["dms_lost"] == 0
        return out
    finally:
        stop.set()
        await service.stop()
        await app.close()
        await fake.__aexit__(None, None, None)


# -- 2. acknowledgement latency ----------------------------------------------------
async def presses(args, tmp: Path) -> dict:
    import math

    from core.models import Claim

    n = max(1, int(args.rate * args.seconds))
    ceiling = int(args.ceiling * args.scale)
    fake, app, service, guild, board, users, community_id, client_id = await make_world(
        tmp, n, ceiling, known_members=not args.first_time)
    stop = asyncio.Event()
    try:
        app.engine.config = replace(app.engine.config, match_notify_limit=0)  # no fan-out here
        slots = math.ceil(n / args.gigs)
        for _ in range(args.gigs):
            await open_gig(app, client_id, community_id, slots=slots)
        await app.outbox.drain()
        cards = await fake.wait_for(lambda: len([m for m in fake.messages_in(board)
                                                 if m.embeds]) >= args.gigs and
                                    [m for m in fake.messages_in(board) if m.embeds], timeout=60)
        claim_ids = [next(b["custom_id"] for b in c.buttons() if b.get("label") == "Claim")
                     for c in cards]
        worker = asyncio.create_task(app.outbox.run_forever(stop, idle=0.05))
        tasks = []
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        for i, user in enumerate(users):
            delay = t0 + i / args.rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            k = i % len(cards)
            tasks.append(asyncio.create_task(fake.inject_button(user, cards[k], claim_ids[k])))
        recs = await asyncio.gather(*tasks)

        def answered(r) -> bool:  # a final answer: a message, or a deferral followed up
            if not r.responses:
                return bool(r.rejected)
            first = r.responses[0]
            if first.type == 5:
                return first.message is not None and not first.message.loading
            return first.type != 6 or bool(r.followup_ids)
        waited = 0.0
        while not all(answered(r) for r in recs) and waited < 120:  # polled: cheap for the loop
            await asyncio.sleep(0.2)
            waited += 0.2
        created = [r.created_at for r in recs]
        sent_rate = len(recs) / max(max(created) - min(created), 1e-9)
        ack = [(r.responses[0].at - r.created_at) * 1000 for r in recs if r.responses]
        wall = time.time() - time.monotonic()  # stored messages carry wall-clock times

        def answer_ms(r) -> float:
            msg = fake.messages[r.followup_ids[0]] if r.followup_ids else r.responses[0].message
            at = (msg.edited_at or msg.created_at) - wall if msg is not None else r.responses[0].at
            return (at - r.created_at) * 1000
        answers = [answer_ms(r) for r in recs if r.responses]
        claims = await app.engine.view(lambda t: t.s.query(Claim).count())
        stop.set()
        await worker
        out = {
            "presses": len(recs), "press_rate_per_s": round(sent_rate, 1),
            "gigs": len(cards), "answered": len(ack), "unanswered": len(recs) - len(ack),
            "ack_ms_p50": round(pct(ack, 0.50), 1), "ack_ms_p99": round(pct(ack, 0.99), 1),
            "ack_ms_max": round(max(ack), 1) if ack else None,
            "answer_ms_p50": round(pct(answers, 0.50), 1),
            "answer_ms_p99": round(pct(answers, 0.99), 1),
            "deferred": sum(1 for r in recs if r.responses and r.responses[0].type in (5, 6)),
            "claims_created": claims,
        }
        out["pass"] = out["unanswered"] == 0 and out["ack_ms_p99"] < 1000 and claims == n
        return out
    finally:
        stop.set()
        await service.stop()
        await app.close()
        await fake.__aexit__(None, None, None)


async def run(args) -> dict:
    figures: dict = {}
    with tempfile.TemporaryDirectory() as d:
        if not args.skip_fanout:
            print(f"fan-out: {args.members} members, ceiling {args.ceiling} x {args.scale} req/s ...",
                  flush=True)
            figures["fanout"] = await fanout(args, Path(d) / "f")
            report("fan-out", figures["fanout"])
        if not args.skip_presses:
            print(f"presses: {args.rate:g}/s for {args.seconds:g} s ...", flush=True)
            figures["presses"] = await presses(args, Path(d) / "p")
            report("acknowledgement latency", figures["presses"])
    return figures


def report(title: str, figures: dict) -> None:
    print(f"  {title}: {'PASS' if figures.get('pass') else 'FAIL'}")
    for k, v in figures.items():
        if k != "pass":
            print(f"    {k:24} {v}")
