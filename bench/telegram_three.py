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


async def fan_out_three(url: str, n: int, ceiling: float) -> dict:
    from bench.telegram import FIRST_USER, MATCHED, post_gig, seed, send_rate
    from bench.telegram_fake import FakeTelegram
    async with FakeTelegram(ceiling) as tg:
        await reset_schema(url)
        app = await _app_on(url, tg, n)
        try:
            users = await seed(app, tg, n)
            await tg.call("started", [10])
            nodes = await start_nodes("telegram", [_node_config(url, tg, ceiling, n)] * 3)
            try:
                await tg.call("mark")
                t0 = time.perf_counter()
                await post_gig(app)
                deadline = t0 + 60 + 2 * n / ceiling
                got = {"got": 0, "dupes": 0}
                while got["got"] < n and time.perf_counter() < deadline:
                    await asyncio.sleep(0.5)
                    got = await tg.call("delivered", (users, MATCHED))
                wall = time.perf_counter() - t0
            finally:
                figures = await stop_nodes(nodes)
            sends = await tg.call("sends", FIRST_USER)
        finally:
            await app.close()
        window, rate = send_rate(sends["times"])
        return {"sent": len(sends["times"]), "window": window, "rate": rate, "wall": wall,
                "throttled": sends["throttled"], "lost": n - got["got"], "dupes": got["dupes"],
                **figures}


async def presses_three(url: str, users: int, at_once: int, seconds: float,
                        rounds: int) -> list[dict]:
    from bench.telegram import drive_presses, post_gig, seed
    from bench.telegram_fake import FakeTelegram
    async with FakeTelegram() as tg:
        await tg.call("limits", False)
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
            await tg.call("round_robin", hooks)
            await post_gig(app)
            for _ in range(300):
                if len(await tg.call("cards", ids)) == len(ids):
                    break
                await asyncio.sleep(0.2)
            await drive_presses(tg, ids, min(0.5, seconds / 5), wait_reply=True,
                                at_once=at_once)  # warm up
            runs = [await drive_presses(tg, ids, seconds, wait_reply=True, at_once=at_once)
                    for _ in range(rounds)]
            await tg.call("round_robin", None)
            return runs
        finally:
            if nodes:
                await stop_nodes(nodes)
            await app.close()


async def presses_during_fan_out(directory: Path, n: int, users: int, seconds: float,
                                 ceiling: float, *, fifo: bool) -> dict:
    """(c): one process on SQLite, limits on; ``fifo``: notifications book like answers."""
    from adapters.telegram.limits import BULK, Limits
    from bench.telegram import deliver_all, drive_presses, make_app, post_gig, seed
    from bench.telegram_fake import FakeTelegram
    async with FakeTelegram(ceiling) as tg:
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
            await deliver_all(app, tg, ids, timeout=60)
            from core.domain.gig_input import GigDraft
            from core.lifecycle import people

            late = list(range(300_000, 300_000 + n))

            def more(t):  # others, with a skill the pressers lack
                for uid in late:
                    user = people.resolve_identity(t, "telegram", str(uid), f"Late {uid}")
                    people.update_profile(t, user.id, {"skills": "icons", "hours": "any"})
            await app.engine.tx(more)
            await tg.call("started", late)
            await tg.call("mark")
            client = await app.engine.resolve_user("telegram", "10", "Client")
            gig = await app.engine.post_gig(client.id, GigDraft.parse(
                {"title": "Icon set", "reward": "25", "currency": "usd", "skills": "icons"}))
            await app.engine.start_funding(client.id, gig.id)  # the fan-out they compete with
            worker = asyncio.create_task(app.outbox.run_forever(stop, idle=0.05))
            await asyncio.sleep(2.0)  # the fan-out at full speed
            # one press per user every 1.2 s: Telegram's 1/s per chat is not what is measured
            result = await drive_presses(tg, ids, seconds, wait_reply=True, spacing=1.2)
            stop.set()
            await worker
            result["throttled"] = (await tg.call("sends", 0))["throttled"]
            return result
        finally:
            stop.set()
            await service.stop()
            await app.close()
