"""Several ``gigbroker run`` processes in one test: each is the real runner
(``bot.runtime.runner.run``) with its roles, its own App, HTTP port and
Telegram service, against the fake Telegram and one database (PostgreSQL when
``GIGBROKER_TEST_POSTGRES_URL`` is set, for the tests that need several processes
on one server; a SQLite file otherwise)."""
from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from adapters.telegram import service as telegram_service
from adapters.telegram.limits import Pacer
from bot.runtime.app import App
from bot.runtime.roles import Roles, parse_roles
from bot.runtime.runner import run
from bot.runtime.settings import Settings
from core.domain.clock import OffsetClock
from core.storage.db import Database
from core.storage.migrate import upgrade
from tests.e2e.telegram_harness import TEST_LIMITS, free_port

PG_URL = os.environ.get("GIGBROKER_TEST_POSTGRES_URL")


async def fresh_postgres() -> str:
    db = Database(PG_URL)
    await db.drop_schema()
    await db.dispose()
    await asyncio.to_thread(upgrade, PG_URL)
    return PG_URL


def sqlite_copy(template: Path, tmp: Path) -> str:
    shutil.copyfile(template, tmp / "gigbroker.db")
    return f"sqlite:///{tmp / 'gigbroker.db'}"


def fast_pacing(monkeypatch, tg) -> None:
    """Telegram's per-chat limits scaled by 10 on both sides (as the harness does)."""
    tg.rate_limits.chat_per_second = TEST_LIMITS.chat_per_second
    tg.rate_limits.group_per_minute = TEST_LIMITS.group_per_minute
    monkeypatch.setattr(telegram_service, "Pacer", lambda limits=None, **kw: Pacer(
        limits or TEST_LIMITS, **kw))


@dataclass
class Process:
    tg: object
    database_url: str
    roles: Roles
    hook_port: int | None = None  # the web process's port (Telegram posts there)
    port: int = field(default_factory=free_port)
    app: App | None = None
    task: asyncio.Task | None = None
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def of(cls, tg, database_url: str, roles: str, **kw) -> "Process":
        return cls(tg, database_url, parse_roles(roles), **kw)

    def settings(self) -> Settings:
        hook = self.hook_port or self.port
        return Settings(_env_file=None, database_url=self.database_url,
                        telegram_bot_token=self.tg.token, telegram_api_base_url=self.tg.base_url,
                        telegram_webhook_url=f"http://127.0.0.1:{hook}/telegram/hook",
                        http_host="127.0.0.1", http_port=self.port,
                        public_base_url=f"http://127.0.0.1:{self.port}")

    async def start(self) -> "Process":
        settings = self.settings()
        self.app = App(settings, clock=OffsetClock())
        self.task = asyncio.create_task(run(settings, stop=self.stopping, app=self.app,
                                            roles=self.roles))
        await self.until_serving()
        return self

    async def until_serving(self, timeout: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.task.done():
                self.task.result()  # raises what stopped it
                raise AssertionError("the process ended at start")
            try:
                status, body = await self.health()
                if "telegram" in body and body["telegram"].startswith("running"):
                    return
            except aiohttp.ClientError:
                pass
            assert loop.time() < deadline, "the process did not start"
            await asyncio.sleep(0.05)

    async def health(self) -> tuple[int, dict]:
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{self.port}/healthz") as resp:
            return resp.status, await resp.json()

    @property
    def hook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram/hook"

    async def stop(self) -> None:
        if self.task is not None:
            self.stopping.set()
            await asyncio.wait_for(self.task, 20)
            self.task = None
