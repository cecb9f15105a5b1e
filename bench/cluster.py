"""Several bot processes on one PostgreSQL for the benchmarks' 3-process runs.

Each ``Node`` is a child process (multiprocessing, spawn) running the real app
on the shared database: its outbox worker, and the Telegram service (its pacer
booking in the shared send budget) or the Discord service. The parent keeps
the fake platform and measures what it saw. Commands travel over a pipe:
``start`` (returns when the service is up), ``cpu`` (the CPU seconds the process
has used so far, to measure a window), ``stop`` (returns the process's figures:
429s seen, seconds waited in the pacer, statements the send budget cost, CPU).
A Discord node runs the shards ``shard_ids`` of ``shard_count`` when given."""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def postgres_url() -> str | None:
    """Where the 3-process runs go: GIGBROKER_BENCH_POSTGRES_URL, else the tests' URL."""
    return os.environ.get("GIGBROKER_BENCH_POSTGRES_URL") or \
        os.environ.get("GIGBROKER_TEST_POSTGRES_URL")


async def reset_schema(url: str) -> None:
    from bot.runtime.app import upgrade_schema
    from core.api import Database
    db = Database(url)
    try:
        await db.drop_schema()
    finally:
        await db.dispose()
    await asyncio.to_thread(upgrade_schema, url)


def _cpu_seconds() -> float:
    """CPU seconds this process (every thread) has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- the child ------------------------------------------------------------------------
def _child(conn, kind: str, config: dict) -> None:
    sys.path.insert(0, str(ROOT))
    import logging
    logging.basicConfig(level=logging.ERROR)
    for noisy in ("discord", "adapters", "bot", "core", "telegram", "httpx"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    asyncio.run(_serve(conn, kind, config))


async def _serve(conn, kind: str, config: dict) -> None:
    import dataclasses

    from bot.runtime.app import App
    from bot.runtime.settings import Settings

    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()
    loop.add_reader(conn.fileno(), lambda: inbox.put_nowait(conn.recv()))
    settings = Settings(_env_file=None, database_url=config["url"], stripe_secret_key=None,
                        telegram_bot_token=config.get("telegram_token"),
                        telegram_api_base_url=config.get("telegram_base", "http://127.0.0.1/bot"),
                        telegram_webhook_url=config.get("hook"),
                        discord_bot_token=config.get("discord_token"),
                        discord_api_base_url=config.get("discord_base", "http://127.0.0.1/api"),
                        discord_dev_guild_ids=config.get("guilds", []),
                        discord_gateway_url=config.get("discord_gateway"),
                        discord_shard_ids=config.get("shard_ids", []),
                        discord_shard_count=config.get("shard_count"),
                        http_host="127.0.0.1", http_port=config.get("port", 0),
                        database_pool_size=5, database_max_overflow=5)
    app = App(settings)
    await app.prepare()
    app.engine.config = dataclasses.replace(app.engine.config, **config.get("engine", {}))
    service, http = await (_telegram(app, settings, config) if kind == "telegram"
                           else _discord(app, settings, config))
    stop = asyncio.Event()
    worker = asyncio.create_task(app.outbox.run_forever(stop, idle=0.05))
    conn.send("ready")
    while (command := await inbox.get()) != "stop":
        if command == "cpu":
            conn.send(_cpu_seconds())
    stop.set()
    await worker
    pacer = service.pacer
    budget = app.engine.send_budget()
    figures = {"retries": getattr(pacer, "retries", 0), "waited": round(pacer.waited, 2),
               "budget_statements": getattr(budget, "statements", 0),
               "rebooked": getattr(pacer, "rebooked", 0),
               "cpu_seconds": round(_cpu_seconds(), 1)}
    await service.stop()
    if http is not None:
        await http.stop()
    await app.close()
    loop.remove_reader(conn.fileno())
    conn.send(figures)


async def _telegram(app, settings, config):
    from adapters.telegram.limits import Limits
    from adapters.telegram.service import TelegramService
    from bot.runtime.http import HttpServer

    limits = Limits(**config["limits"])
    if settings.telegram_webhook_url:
        http = HttpServer(app, settings.http_host, settings.http_port)
        service = TelegramService(app, settings, http, limits=limits)
        await http.start()
        await service.start()
        return service, http
    service = TelegramService(app, settings, None, limits=limits)
    await service.application.initialize()
    await service.application.start()
    app.dispatcher.register(service.delivery)
    return service, None


async def _discord(app, settings, config):
    from adapters.discord.client import GigClient
    from adapters.discord.pacing import Pacer
    from adapters.discord.service import DiscordService

    class FastClient(GigClient):
        async def before_identify_hook(self, shard_id, *, initial=False):  # noqa: ANN001
            return None

    service = DiscordService(app, settings, pacer=Pacer(config["ceiling"], 1.0),
                             client_class=FastClient, guild_ready_timeout=0.05)
    await service.start()
    await service.wait_until_ready(60)
    return service, None


# -- the parent -----------------------------------------------------------------------
class Node:
    def __init__(self, kind: str, config: dict) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_child, args=(child, kind, config), daemon=True)
        self.proc.start()

    async def _recv(self, timeout: float):
        loop = asyncio.get_running_loop()
        ready = await loop.run_in_executor(None, self.conn.poll, timeout)
        if not ready:
            raise RuntimeError("a bench process did not answer")
        return self.conn.recv()

    async def ready(self, timeout: float = 120.0) -> None:
        assert await self._recv(timeout) == "ready"

    async def cpu(self) -> float:
        """The CPU seconds the process has used so far (all its threads)."""
        self.conn.send("cpu")
        return await self._recv(30)

    async def stop(self) -> dict:
        try:
            self.conn.send("stop")
            return await self._recv(60)
        finally:
            self.proc.join(10)
            if self.proc.is_alive():
                self.proc.kill()


async def start_nodes(kind: str, configs: list[dict]) -> list[Node]:
    nodes = [Node(kind, c) for c in configs]
    try:
        await asyncio.gather(*(n.ready() for n in nodes))
    except BaseException:
        for n in nodes:
            n.proc.kill()
        raise
    return nodes


async def stop_nodes(nodes: list[Node]) -> dict:
    figures = await asyncio.gather(*(n.stop() for n in nodes), return_exceptions=True)
    total = {"retries": 0, "waited": 0.0, "budget_statements": 0, "rebooked": 0,
             "cpu_seconds": 0.0}
    for f in figures:
        if isinstance(f, dict):
            for k in total:
                total[k] += f.get(k, 0)
    return total
