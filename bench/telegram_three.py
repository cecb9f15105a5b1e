"""The 3-process and priority runs of ``python -m bench telegram`` (see bench.telegram).

(a3) the fan-out of (a) delivered by 3 processes on one PostgreSQL, each with its
     own outbox worker and PTB Application, their pacers booking in the shared
     send budget, against a fake whose global limit is a sliding 1 s window;
(b3) the presses of (b) with 3 processes in webhook mode, the updates spread
     round-robin over them (flood limits off, as in (b));
(c)  presses during a fan-out, one process, limits on: 20 users press Details
     while 2,000 notifications go out at the ceiling. Notifications book only near
     slots, so the answers overtake them; the same run with notifications booking
     like answers (first come, first served) is the comparison."""
from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from pathlib import Path

from bench.cluster import reset_schema, start_nodes, stop_nodes


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pacing(ceiling: float) -> dict:
    """The pacer at Telegram's proportions: 28 of 30 in any second, no burst."""
    return {"per_second": ceiling * 28 / 30, "burst": 1}


async def _app_on(url: str, tg, freelancers: int):
    from bot.runtime.app import App
    from bot.runtime.settings import Settings
    settings = Settings(_env_file=None, database_url=url, telegram_bot_token=tg.token,
                        telegram_api_base_url=tg.base_url, telegram_webhook_url=None,
                        discord_bot_token=None, stripe_secret_key=None)
    app = App(settings)
    await app.prepare()
    app.engine.config = dataclasses.replace(app.engine.config,
                                            match_notify_limit=max(freelancers, 1))
    return app


def _node_config(url: str, tg, ceiling: float, n: int, *, hook: str | None = None,
                 port: int = 0, limits: dict | None = None) -> dict:
    return {"url": url, "telegram_token": tg.token, "telegram_base": tg.base_url,
            "hook": hook, "port": port, "limits": limits or pacing(ceiling),
            "engine": {"match_notify_limit": max(n, 1)}}


async def fan_out_three(watched, rate_limits, url: str, n: int, ceiling: float) -> dict:
    from bench.telegram import post_gig, seed
    async with watched(rate_limits=rate_limits(global_per_second=ceiling)) as tg:
        await reset_schema(url)
        app = await _app_on(url, tg, n)
        try:
            users = await seed(app, tg, n)
            tg.user_started(10)
            nodes = await start_nodes("telegram", [_node_config(url, tg, ceiling, n)] * 3)
            try:
                t0 = time.perf_counter()
                await post_gig(app)
                deadline = t0 + 60 + 2 * n / ceiling
                while time.perf_counter() < deadline:
                    got = sum(1 for u in users if any("New gig for you" in (m.text or "")
                                                      for m in tg.messages_to(u)))
                    if got >= n:
                        break
                    await asyncio.sleep(0.5)
                wall = time.perf_counter() - t0
            finally:
                figures = await stop_nodes(nodes)
        finally:
            await app.close()
        sends = [e for e in tg.accepted_sends if e.chat_id in set(users)]
        counts = [sum(1 for m in tg.messages_to(u) if "New gig for you" in (m.text or ""))
                  for u in users]
        window = sends[-1].at - sends[0].at if len(sends) > 1 else float("nan")
        return {"sent": len(sends), "window": window,
                "rate": (len(sends) - 1) / window if len(sends) > 1 else 0.0, "wall": wall,
                "throttled": len(tg.throttled), "lost": sum(1 for c in counts if c == 0),
                "dupes": sum(c - 1 for c in counts if c > 1), **figures}


async def presses_three(watched, rate_limits, url: str, users: int, seconds: float,
                        rounds: int) -> list[dict]:
    from bench.telegram import drive_presses, post_gig, seed
    async with watched(rate_limits=rate_limits(enabled=False)) as tg:
        await reset_schema(url)
        app = await _app_on(url, tg, users)
        ports = [free_port() for _ in range(3)]
        hooks = [f"http://127.0.0.1:{p}/telegram/hook" for p in ports]
        off = {"enabled": False}
        nodes = []
        try:
            ids = await seed(app, tg, users)
            nodes = await start_nodes("telegram", [
                _node_config(url, tg, 30, users, hook=h, port=p, limits=off)
                for h, p in zip(hooks, ports)])
            stop = asyncio.Event()
            pump = asyncio.create_task(_round_robin(tg, hooks, stop))
            await post_gig(app)
            cards: dict = {}
            for _ in range(300):
                cards = {u: next((m for m in tg.messages_to(u) if m.buttons), None) for u in ids}
                if all(cards.values()):
                    break
                await asyncio.sleep(0.2)
            await drive_presses(tg, cards, min(0.5, seconds / 5), wait_reply=True)  # warm up
            runs = [await drive_presses(tg, cards, seconds, wait_reply=True)
                    for _ in range(rounds)]
            stop.set()
            await pump
            return runs
        finally:
            if nodes:
                await stop_nodes(nodes)
            await app.close()


async def _round_robin(tg, hooks: list[str], stop: asyncio.Event) -> None:
    """The load balancer: each queued update to the next process."""
    turn = itertools.cycle(hooks)
    pending: set[asyncio.Task] = set()
    while not stop.is_set():
        while tg._updates:
            task = asyncio.create_task(tg.post_webhook_update(tg._updates.popleft(),
                                                              url=next(turn)))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.sleep(0.002)
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


async def presses_during_fan_out(watched, rate_limits, directory: Path, n: int, users: int,
                                 seconds: float, ceiling: float, *, fifo: bool) -> dict:
    """(c): one process on SQLite, limits on; ``fifo``: notifications book like answers."""
    from adapters.telegram.limits import BULK, Limits
    from bench.telegram import drive_presses, make_app, post_gig, seed
    async with watched(rate_limits=rate_limits(global_per_second=ceiling)) as tg:
        directory.mkdir(parents=True, exist_ok=True)
        limits = Limits(**pacing(ceiling))
        app, service = await make_app(tg, directory, limits, freelancers=n + users)
        await service.start()
        stop = asyncio.Event()
        try:
            if fifo:
                service.notifier.policy = dataclasses.replace(BULK, bulk=False)
            ids = await seed(app, tg, users)
            await post_gig(app)  # the pressers' cards first
            while await app.outbox.drain():
                pass
            cards = {u: next(m for m in tg.messages_to(u) if m.buttons) for u in ids}
            from core.domain.gig_input import GigDraft
            from core.lifecycle import people

            def more(t):  # others, with a skill the pressers lack
                for uid in range(300_000, 300_000 + n):
                    user = people.resolve_identity(t, "telegram", str(uid), f"Late {uid}")
                    people.update_profile(t, user.id, {"skills": "icons", "hours": "any"})
            await app.engine.tx(more)
            for uid in range(300_000, 300_000 + n):
                tg.user_started(uid)
            client = await app.engine.resolve_user("telegram", "10", "Client")
            gig = await app.engine.post_gig(client.id, GigDraft.parse(
                {"title": "Icon set", "reward": "25", "currency": "usd", "skills": "icons"}))
            await app.engine.start_funding(client.id, gig.id)  # the fan-out they compete with
            worker = asyncio.create_task(app.outbox.run_forever(stop, idle=0.05))
            await asyncio.sleep(2.0)  # the fan-out at full speed
            # one press per user every 1.2 s: Telegram's 1/s per chat is not what is measured
            result = await drive_presses(tg, cards, seconds, wait_reply=True, spacing=1.2)
            stop.set()
            await worker
            result["throttled"] = len(tg.throttled)
            return result
        finally:
            stop.set()
            await service.stop()
            await app.close()
