"""Several real ``gigbroker run`` processes in Telegram webhook mode on one
PostgreSQL, in front of one ``FakeTelegram``, for the multi-process tests.

``Cluster`` starts the processes (each its own HTTP port, all on the same
database and bot token; they migrate under the advisory lock), and plays the
load balancer in front of them: ``pump()`` takes each update the fake has queued
and POSTs it to the next process in turn (round-robin); a process that does not
answer 2xx (killed, restarting) is skipped and the update goes to the next one,
as Telegram retries an update its webhook did not confirm. ``kill(i)`` is
SIGKILL; ``restart(i)`` starts process ``i`` again on its port."""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.e2e.telegram_harness import free_port
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ("DATABASE_URL", "TELEGRAM_", "DISCORD_", "STRIPE_", "HTTP_", "PUBLIC_BASE_URL",
         "LOG_", "METRICS_", "GIGBROKER_")


@dataclass
class Node:
    port: int
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def hook(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram/hook"


@dataclass
class Cluster:
    tg: FakeTelegram
    database_url: str
    tmp: Path
    size: int = 3
    nodes: list[Node] = field(default_factory=list)
    posted: dict[int, int] = field(default_factory=dict)  # update_id -> node that took it
    queries: dict[str, int] = field(default_factory=dict)  # callback query id -> node
    query_of: dict[int, str] = field(default_factory=dict)  # update_id -> callback query id
    killed_pids: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.nodes = [Node(free_port()) for _ in range(self.size)]
        self._turn = itertools.cycle(range(self.size))
        self._pumping: asyncio.Task | None = None
        self._stop = asyncio.Event()

    def env(self, node: Node) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(CLEAN)}
        env.update(DATABASE_URL=self.database_url, TELEGRAM_BOT_TOKEN=self.tg.token,
                   TELEGRAM_API_BASE_URL=self.tg.base_url, TELEGRAM_WEBHOOK_URL=node.hook,
                   HTTP_HOST="127.0.0.1", HTTP_PORT=str(node.port), LOG_LEVEL="WARNING",
                   PUBLIC_BASE_URL=f"http://127.0.0.1:{node.port}",
                   DATABASE_POOL_SIZE="5", DATABASE_MAX_OVERFLOW="5",
                   PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        return env

    def _spawn(self, i: int) -> None:
        node = self.nodes[i]
        node.log = self.tmp / f"node{i}.log"
        with open(node.log, "ab") as log:
            node.proc = subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "run"],
                                         cwd=self.tmp, env=self.env(node),
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log)

    async def _ready(self, i: int, timeout: float = 60.0) -> None:
        node = self.nodes[i]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with aiohttp.ClientSession() as session:
            while loop.time() < deadline:
                if node.proc.poll() is not None:
                    raise AssertionError(f"node {i} exited: {self.log_of(i)[-3000:]}")
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with session.get(f"http://127.0.0.1:{node.port}/healthz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise AssertionError(f"node {i} never became healthy: {self.log_of(i)[-3000:]}")

    async def start(self) -> "Cluster":
        for i in range(self.size):
            self._spawn(i)
        await asyncio.gather(*(self._ready(i) for i in range(self.size)))
        await self.tg.wait_for(lambda: self.tg.webhook.url, 30, what="a webhook to be set")
        self._pumping = asyncio.create_task(self._pump_forever())
        return self

    def kill(self, i: int) -> None:
        self.killed_pids.add(self.nodes[i].proc.pid)
        self.nodes[i].proc.send_signal(signal.SIGKILL)
        self.nodes[i].proc.wait(10)

    async def restart(self, i: int) -> None:
        self._spawn(i)
        await self._ready(i)

    def handled_by_killed(self, handlers: dict[str, str | None]) -> set[str]:
        """The callback queries whose update a killed process handled last, from
        ``handlers`` (update key -> the inbox lease owner, ``host:pid:...``): the
        process that stored an update is not always the one that handles it."""
        pids = {str(pid) for pid in self.killed_pids}
        return {self.query_of[int(key)] for key, owner in handlers.items()
                if owner and owner.split(":")[1:2] and owner.split(":")[1] in pids
                and int(key) in self.query_of}

    def who_handled(self, queries: set[str], handlers: dict[str, str | None]) -> list[str]:
        """For a failure message: each query's update, the node it was posted to and
        the owner that handled it, with every node's pid."""
        updates = {q: u for u, q in self.query_of.items()}
        return [f"{q}: update {updates.get(q)} posted to node {self.queries.get(q)}, handled "
                f"by {handlers.get(str(updates.get(q)))}" for q in sorted(queries)] + [
            f"pids: {[n.proc.pid if n.proc else None for n in self.nodes]}, "
            f"killed {sorted(self.killed_pids)}"]

    def log_of(self, i: int) -> str:
        log = self.nodes[i].log
        return log.read_text(errors="replace") if log and log.exists() else ""

    # -- the load balancer ----------------------------------------------------------
    async def _post(self, update: dict) -> None:
        for attempt in range(200):
            i = next(self._turn)
            if self.nodes[i].proc is None or self.nodes[i].proc.poll() is not None:
                continue
            status = await self.tg.post_webhook_update(update, url=self.nodes[i].hook)
            if 200 <= status < 300:
                self.posted[update["update_id"]] = i
                if "callback_query" in update:
                    self.queries[update["callback_query"]["id"]] = i
                    self.query_of[update["update_id"]] = update["callback_query"]["id"]
                return
            await asyncio.sleep(0.02 * min(attempt, 10))
        raise AssertionError(f"no process took update {update['update_id']}")

    async def _pump_forever(self) -> None:
        while not self._stop.is_set():
            if self.tg._updates:
                await self._post(self.tg._updates.popleft())
            else:
                await asyncio.sleep(0.005)

    async def stop(self) -> None:
        self._stop.set()
        if self._pumping is not None:
            with contextlib.suppress(Exception):
                await self._pumping
        for node in self.nodes:
            if node.proc is not None and node.proc.poll() is None:
                node.proc.send_signal(signal.SIGTERM)
        for node in self.nodes:
            if node.proc is not None:
                try:
                    await asyncio.to_thread(node.proc.wait, 15)
                except subprocess.TimeoutExpired:
                    node.proc.kill()
