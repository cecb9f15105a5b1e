"""``python -m bench telegram``: the Telegram adapter against the fake Bot API.

(a) Fan-out: a new gig matched to ``--freelancers`` (2,000) Telegram users goes
    through the real path: the outbox, ``ChatDispatcher``, the adapter's
    ``send_to_user``, python-telegram-bot with the ``Pacer`` as rate limiter,
    HTTP to ``FakeTelegram``, whose flood control answers 429 above its ceiling.
    Reported: messages/s over the send window vs the ceiling (target >= 0.9),
    429s (target 0), lost messages (target 0: every freelancer has the card
    exactly once, and nothing is left in the outbox). Telegram's ceiling is 30
    msg/s, so 2,000 messages take ~67 s; ``--ceiling N`` scales the fake's limit
    and the pacer's together (default 30).

(b) Button presses: users press "Details" on a gig card in their private chat for
    ``--seconds``, each press waiting until it is handled end to end (callback
    answered and the gig's details sent), ``--users`` (20) presses in flight at
    once, the next as soon as one is done. The users (``--users`` +
    ``--press-users``, 170) take turns, so none presses faster than a person
    would (the bot stops reading a flood). The baseline is a bare
    python-telegram-bot Application whose only handler answers the callback, on
    the same fake in the same run with the same concurrency: once as PTB ships
    (httpx), once on this adapter's aiohttp transport (the stricter comparison).
    Then the same users press at a steady ``--press-rate`` (100/s), each once every
    1.7 s, their presses spread evenly: press -> answer p99 (target <= 150 ms).
    Flood limits are off on both sides in (b) (they are what (a) measures).
    Reported: presses/s of each, the ratios (target >= 0.5) and p50/p99 latency
    from the press to its completion.

The fake Bot API runs in a child process (``bench.telegram_fake``): Telegram's
servers are not on the bot's machine, and a fake sharing the bot's event loop would
stamp its requests late, in bunches, whenever the bot is busy. The bot is the real
app on a SQLite file, its outbox worker run as ``gigbroker run`` runs it."""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import tempfile
import time
from pathlib import Path

TARGET_FANOUT = 0.9
TARGET_PRESS = 0.5
TARGET_PRESS_P99 = 150.0  # ms, at --press-rate presses/s
CLIENT_ID = 10
FIRST_USER = 100_000
MATCHED = "New gig for you"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--freelancers", type=int, default=2000, help="matching freelancers (2000)")
    p.add_argument("--ceiling", type=float, default=30.0,
                   help="the fake's global msg/s limit; the pacer is set to the same (30)")
    p.add_argument("--users", type=int, default=20, help="presses in flight at once (20)")
    p.add_argument("--seconds", type=float, default=3.0, help="length of one press round (3)")
    p.add_argument("--rounds", type=int, default=3, help="press rounds per variant (3)")
    p.add_argument("--press-rate", type=float, default=100.0,
                   help="presses/s of the paced press rounds (100)")
    p.add_argument("--press-users", type=int, default=150,
                   help="more users taking turns to press, so that none presses faster "
                        "than a person would (150)")
    p.add_argument("--skip-fanout", action="store_true", help="only run (b)")
    p.add_argument("--skip-three", action="store_true", help="no 3-process runs (a3, b3)")
    p.add_argument("--skip-priority", action="store_true", help="no (c)")


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


# -- setup ---------------------------------------------------------------------
async def make_app(tg, directory: Path, limits, *, freelancers: int):
    from adapters.telegram.service import TelegramService
    from bot.runtime.app import App
    from bot.runtime.settings import Settings
    settings = Settings(database_url=f"sqlite:///{directory / 'bench.db'}",
                        telegram_bot_token=tg.token, telegram_api_base_url=tg.base_url,
                        telegram_webhook_url=None, discord_bot_token=None,
                        stripe_secret_key=None)
    app = App(settings)
    await app.prepare()
    app.engine.config = dataclasses.replace(app.engine.config,
                                            match_notify_limit=max(freelancers, 1))
    service = TelegramService(app, settings, None, limits=limits, polling_timeout=2)
    return app, service


async def seed(app, tg, n: int) -> list[int]:
    """``n`` Telegram freelancers (skills design, any hours) who started the bot."""
    from core.lifecycle import people
    users = list(range(FIRST_USER, FIRST_USER + n))

    def create(t):
        for uid in users:
            user = people.resolve_identity(t, "telegram", str(uid), f"Free {uid}")
            people.update_profile(t, user.id, {"skills": "design,svg", "hours": "any"})
    await app.engine.tx(create)
    await tg.call("started", users)
    return users


async def post_gig(app) -> int:
    from core.domain.gig_input import GigDraft
    client = await app.engine.resolve_user("telegram", str(CLIENT_ID), "Client")
    gig = await app.engine.post_gig(client.id, GigDraft.parse(
        {"title": "Logo in SVG", "reward": "25", "currency": "usd", "skills": "design,svg"}))
    gig, _ = await app.engine.start_funding(client.id, gig.id)
    return gig.id


# -- (a) fan-out ------------------------------------------------------------------
async def deliver_all(app, tg, users: list[int], *, timeout: float) -> tuple[float, dict]:
    """Run the outbox worker as ``gigbroker run`` does until every user got the gig
    (or ``timeout``); the seconds it took and what the fake counted."""
    stop = asyncio.Event()
    t0 = time.perf_counter()
    worker = asyncio.create_task(app.outbox.run_forever(stop, idle=0.05))
    got = {"got": 0, "dupes": 0}
    try:
        while got["got"] < len(users) and time.perf_counter() - t0 < timeout:
            await asyncio.sleep(0.5)
            got = await tg.call("delivered", (users, MATCHED))
    finally:
        stop.set()
        await worker
    return time.perf_counter() - t0, got


def send_rate(times: list[float]) -> tuple[float, float]:
    """(seconds from the first send to the last, sends/s over them)."""
    times = sorted(times)
    window = times[-1] - times[0] if len(times) > 1 else float("nan")
    return window, (len(times) - 1) / window if len(times) > 1 else 0.0


async def fan_out(args, tg, app, service, users: list[int]) -> dict:
    from sqlalchemy import func, select

    from core.domain.records import OutboxMessage
    await tg.call("started", [CLIENT_ID])
    await tg.call("mark")
    t0 = time.perf_counter()
    await post_gig(app)
    _, got = await deliver_all(app, tg, users, timeout=60 + 2 * len(users) / args.ceiling)
    wall = time.perf_counter() - t0
    sends = await tg.call("sends", FIRST_USER)
    left = await app.engine.view(lambda t: t.s.scalar(select(func.count()).select_from(
        OutboxMessage).where(OutboxMessage.status != "done")))
    window, rate = send_rate(sends["times"])
    return {"sent": len(sends["times"]), "window": window, "rate": rate, "wall": wall,
            "wall_rate": len(sends["times"]) / wall, "throttled": sends["throttled"],
            "lost": len(users) - got["got"], "dupes": got["dupes"], "left": left,
            "rebooked": service.pacer.rebooked}


# -- (b) presses ---------------------------------------------------------------------
async def drive_presses(tg, users: list[int], seconds: float, *, wait_reply: bool,
                        spacing: float = 0.0, at_once: int = 0) -> dict:
    """Users press Details on their cards until time is up, each press waiting until it
    is handled: ``spacing``, each user once in that many seconds; else ``at_once``
    presses in flight (all ``users`` by default), the users taking turns. The fake
    times them (``bench.telegram_fake``)."""
    return await tg.call("presses", (list(users), seconds, wait_reply, spacing, at_once))


def bare_application(tg, concurrency: int, *, aiohttp_transport: bool):
    """A python-telegram-bot Application whose only handler answers the callback."""
    from telegram.ext import Application, CallbackQueryHandler

    from adapters.telegram.transport import AiohttpRequest

    async def answer_only(update, context) -> None:
        await update.callback_query.answer()

    builder = (Application.builder().token(tg.token).base_url(tg.base_url)
               .concurrent_updates(concurrency).job_queue(None))
    if aiohttp_transport:
        builder = (builder.request(AiohttpRequest(connection_pool_size=concurrency))
                   .get_updates_request(AiohttpRequest(connection_pool_size=1)))
    else:
        builder = builder.connection_pool_size(concurrency)
    application = builder.build()
    application.add_handler(CallbackQueryHandler(answer_only))
    return application


async def polling_round(application, tg, users, seconds: float, *, wait_reply: bool,
                        spacing: float = 0.0, at_once: int = 0) -> dict:
    """Poll with ``application`` (only one poller at a time), warm up, measure, stop polling."""
    await application.updater.start_polling(poll_interval=0, timeout=2)
    try:
        await drive_presses(tg, users, min(0.5, seconds / 5), wait_reply=wait_reply,
                            at_once=at_once or min(len(users), 20))
        return await drive_presses(tg, users, seconds, wait_reply=wait_reply, spacing=spacing,
                                   at_once=at_once)
    finally:
        await application.updater.stop()


def median_run(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in ("rate", "p50", "p99")}


async def press_rounds(tg, service, users, at_once: int, seconds: float, rounds: int,
                       spacing: float) -> dict[str, list[dict]]:
    """Variants take turns, ``rounds`` times, so a busy moment of the machine hits all:
    ``at_once`` presses in flight, each followed by the next as soon as it is answered
    (ours, bare PTB on httpx, bare PTB on our transport), then each of ``users``
    pressing once every ``spacing`` seconds. The users take turns in both: one person
    pressing faster than once a second for long is a flood, which the bot stops
    reading."""
    bare = bare_application(tg, at_once, aiohttp_transport=False)
    fast = bare_application(tg, at_once, aiohttp_transport=True)
    runs: dict[str, list[dict]] = {"ours": [], "bare": [], "fast": [], "ours_paced": [],
                                   "fast_paced": []}
    ours_app = service.application
    await ours_app.updater.stop()  # the service started polling; rounds take turns
    async with bare, fast:
        await bare.start()
        await fast.start()
        try:
            for _ in range(rounds):
                for key, application, reply in (("ours", ours_app, True), ("bare", bare, False),
                                                ("fast", fast, False)):
                    runs[key].append(await polling_round(application, tg, users, seconds,
                                                         wait_reply=reply, at_once=at_once))
                for key, application, reply in (("ours_paced", ours_app, True),
                                                ("fast_paced", fast, False)):
                    runs[key].append(await polling_round(application, tg, users, seconds,
                                                         wait_reply=reply, spacing=spacing))
        finally:
            await bare.stop()
            await fast.stop()
    return runs


async def run(args) -> int:
    from adapters.telegram.limits import Limits
    from bench.telegram_fake import FakeTelegram
    from bench.telegram_three import pacing as proportions
    logging.basicConfig(level=logging.WARNING)
    ceiling = float(args.ceiling)
    pacing = Limits(**proportions(ceiling))
    n = 0 if args.skip_fanout else args.freelancers
    print("bench telegram: python-telegram-bot against the fake Bot API (its own process) on "
          "127.0.0.1, the bot in one process")
    with tempfile.TemporaryDirectory(prefix="gb-bench-tg-") as tmp:
        async with FakeTelegram(ceiling) as tg:
            pressing = args.users + args.press_users
            app, service = await make_app(tg, Path(tmp), pacing, freelancers=max(n, pressing))
            await service.start()
            try:
                users = await seed(app, tg, max(n, pressing))
                if n:
                    print(f"\n(a) fan-out of one new gig to {n:,} matching freelancers; "
                          f"fake ceiling {ceiling:g} msg/s in any sliding second, pacer "
                          f"{pacing.per_second:g} msg/s")
                    a = await fan_out(args, tg, app, service, users)
                    ratio = a["rate"] / ceiling
                    print(f"  sent {a['sent']:,} in {a['window']:.1f} s: {a['rate']:.1f} msg/s "
                          f"= {ratio:.3f} of the ceiling  {mark(ratio >= TARGET_FANOUT)} "
                          f"(target >= {TARGET_FANOUT})")
                    print(f"  end to end from payment: {a['wall']:.1f} s, {a['wall_rate']:.1f} "
                          f"msg/s = {a['wall_rate'] / ceiling:.3f} of the ceiling; slots missed "
                          f"by a busy process and booked again: {a['rebooked']}")
                    print(f"  429 answers: {a['throttled']}  {mark(a['throttled'] == 0)}   "
                          f"lost: {a['lost']}  {mark(a['lost'] == 0)}   duplicates: "
                          f"{a['dupes']}   outbox not done: {a['left']}")
                else:
                    await post_gig(app)
                    await deliver_all(app, tg, users, timeout=60)
                # (b) needs each pressing user to hold a card with a Details button
                pressers = users[:pressing]
                holding = await tg.call("cards", pressers)
                if len(holding) < pressing:
                    raise SystemExit(f"{pressing - len(holding)} users got no gig card; "
                                     "cannot run (b)")
                await tg.call("limits", False)
                service.pacer.limits = Limits(enabled=False)
                spacing = len(pressers) / args.press_rate
                print(f"\n(b) button presses: {pressing} users pressing Details, {args.users} "
                      f"presses at once or {args.press_rate:g} a second; "
                      f"{args.rounds} rounds of {args.seconds:g} s per variant, taking turns; "
                      "flood limits off on both sides")
                runs = await press_rounds(tg, service, pressers, args.users, args.seconds,
                                          args.rounds, spacing)
            finally:
                await service.stop()
                await app.close()
    ours, bare, fast = (median_run(runs[k]) for k in ("ours", "bare", "fast"))
    print(f"\n  {'variant (median of rounds)':<52} {'presses/s':>9} {'p50 ms':>8} "
          f"{'p99 ms':>8}")
    paced = (median_run(runs["ours_paced"]), median_run(runs["fast_paced"]))
    for label, r in (("gigbroker (answer + details message, DB)", ours),
                     ("bare PTB handler, answer only (PTB's httpx)", bare),
                     ("bare PTB handler, answer only (our aiohttp)", fast),
                     (f"gigbroker, paced at {args.press_rate:g} presses/s", paced[0]),
                     (f"bare PTB (our aiohttp), paced at {args.press_rate:g}/s", paced[1])):
        print(f"  {label:<52} {r['rate']:>9.1f} {r['p50']:>8.1f} {r['p99']:>8.1f}")
    for label, key in (("bare PTB", "bare"), ("bare PTB on the same transport", "fast")):
        ratios = [o["rate"] / b["rate"] for o, b in zip(runs["ours"], runs[key]) if b["rate"]]
        ratio = statistics.median(ratios) if ratios else float("nan")
        print(f"  ratio gigbroker / {label}: {ratio:.2f} (rounds: "
              f"{', '.join(f'{r:.2f}' for r in ratios)})  {mark(ratio >= TARGET_PRESS)} "
              f"(target >= {TARGET_PRESS})")
    p99 = paced[0]["p99"]
    rounds = ", ".join(f"{r['p99']:.0f}" for r in runs["ours_paced"])
    print(f"  press -> answer p99 at {paced[0]['rate']:.0f} presses/s: {p99:.0f} ms (rounds: "
          f"{rounds})  "
          f"{mark(p99 <= TARGET_PRESS_P99)} (target <= {TARGET_PRESS_P99} ms; bare PTB "
          f"{paced[1]['p99']:.0f} ms)")
    await more_runs(args, n, ceiling, bare, fast)
    return 0


async def more_runs(args, n: int, ceiling: float, bare: dict, fast: dict) -> None:
    """(a3), (b3) on PostgreSQL with 3 processes, and (c); see bench.telegram_three."""
    from bench import telegram_three as three
    from bench.cluster import postgres_url
    url = postgres_url()
    if args.skip_three:
        pass
    elif url is None:
        print("\n(a3)/(b3) 3 processes: not run; they need PostgreSQL "
              "(set GIGBROKER_BENCH_POSTGRES_URL or GIGBROKER_TEST_POSTGRES_URL)")
    else:
        if n:
            print(f"\n(a3) the same fan-out ({n:,}) by 3 processes on PostgreSQL, one shared "
                  f"budget; fake: {ceiling:g} msg/s in any sliding second")
            a = await three.fan_out_three(url, n, ceiling)
            ratio = a["rate"] / ceiling
            print(f"  sent {a['sent']:,} in {a['window']:.1f} s: {a['rate']:.1f} msg/s = "
                  f"{ratio:.3f} of the ceiling  {mark(ratio >= TARGET_FANOUT)}; 429 answers: "
                  f"{a['throttled']}  {mark(a['throttled'] == 0)}; lost {a['lost']}, "
                  f"duplicates {a['dupes']}")
            print(f"  the shared budget cost {a['budget_statements']:,} statements "
                  f"({a['budget_statements'] / max(a['sent'], 1):.2f} per message)")
        print(f"\n(b3) button presses, {args.users} at once, 3 processes in webhook mode "
              "(updates round-robin), limits off")
        runs = await three.presses_three(url, args.users + args.press_users, args.users,
                                         args.seconds, args.rounds)
        r = median_run(runs)
        print(f"  gigbroker x3 (answer + details message, DB)        {r['rate']:>9.1f} "
              f"{r['p50']:>8.1f} {r['p99']:>8.1f}")
        for label, base in (("bare PTB", bare), ("bare PTB on the same transport", fast)):
            print(f"  ratio gigbroker x3 / {label} (one process): {r['rate'] / base['rate']:.2f}")
    if args.skip_priority or not n:
        return
    print(f"\n(c) {args.users} users pressing Details during a fan-out to {n:,} (one process, "
          "limits on)")
    with tempfile.TemporaryDirectory(prefix="gb-bench-tg-c-") as tmp:
        for label, fifo in (("notifications yield to answers", False),
                            ("first come, first served", True)):
            c = await three.presses_during_fan_out(Path(tmp) / label[:5], n, args.users,
                                                   args.seconds * 2, ceiling, fifo=fifo)
            print(f"  {label:<34} presses/s {c['rate']:>6.1f}   p50 {c['p50']:>7.1f} ms   "
                  f"p99 {c['p99']:>7.1f} ms   429s {c['throttled']}")


def main(args) -> int:
    return asyncio.run(run(args))
