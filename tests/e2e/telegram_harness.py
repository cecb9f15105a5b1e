"""Shared harness for the Telegram end-to-end tests.

The real python-telegram-bot ``Application`` (built by ``TelegramService``, as
``gigbroker run`` does) talks HTTP to ``FakeTelegram`` on 127.0.0.1; the app
runs on a SQLite file in ``tmp_path`` with the sandbox provider and an
``OffsetClock`` (real time that tests can move forward). Nothing sleeps:
``settle()`` waits until the fake has handed out every update, the
Application has processed them, and the outbox (notifications, board cards)
is drained, repeating until nothing moves.

Import the fixtures in a test module with ``from tests.e2e.telegram_harness import
tg, harness  # noqa: F401`` (``hooked``: the same in webhook mode)."""
from __future__ import annotations

import asyncio
import shutil
import socket
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from adapters.telegram.limits import Limits
from adapters.telegram.service import TelegramService
from bot.runtime.app import App
from bot.runtime.http import HttpServer
from bot.runtime.settings import Settings
from core.domain.clock import OffsetClock
from core.domain.records import Gig
from core.workers.timers import run_due_timers
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_models import MessageRecord

CLIENT, ANA, BEN, CAT = 1001, 1002, 1003, 1004
GROUP = -1001000000001
# Telegram's per-chat limits (1 msg/s, 20/min in a group) would make every scripted
# step wait; the tests scale them by 10 on both sides, the fake's and the pacer's, so
# pacing stays exercised (test_telegram_limits checks the real figures).
SPEEDUP = 10.0
TEST_LIMITS = Limits(chat_per_second=1.0 * SPEEDUP, group_per_minute=20.0 * SPEEDUP)
ONE_LINER = ('/post title="Logo in SVG" reward=25 currency=usd slots=2 skills=design,svg '
             'deliver_in=2d')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Harness:
    tg: FakeTelegram
    tmp_path: object
    webhook: bool = False
    limits: Limits | None = None
    template: object | None = None  # a migrated database file to start from
    app: App | None = None
    service: TelegramService | None = None
    http: HttpServer | None = None
    port: int = 0

    def __post_init__(self) -> None:
        self.clock = OffsetClock()
        self.port = free_port()
        if self.limits is None:
            self.limits = TEST_LIMITS
            self.tg.rate_limits.chat_per_second = TEST_LIMITS.chat_per_second
            self.tg.rate_limits.group_per_minute = TEST_LIMITS.group_per_minute

    # -- lifecycle -------------------------------------------------------------
    def settings(self) -> Settings:
        url = f"http://127.0.0.1:{self.port}/telegram/hook" if self.webhook else None
        return Settings(database_url=f"sqlite:///{self.tmp_path / 'gigbroker.db'}",
                        telegram_bot_token=self.tg.token,
                        telegram_api_base_url=self.tg.base_url,
                        telegram_webhook_url=url, telegram_webhook_secret=None,
                        discord_bot_token=None, stripe_secret_key=None,
                        http_host="127.0.0.1", http_port=self.port,
                        public_base_url=f"http://127.0.0.1:{self.port}")

    async def start(self) -> Harness:
        settings = self.settings()
        db = self.tmp_path / "gigbroker.db"
        if self.template is not None and not db.exists():
            shutil.copyfile(self.template, db)  # migrations ran once per session
        self.app = App(settings, clock=self.clock)
        await self.app.prepare()
        self.http = HttpServer(self.app, settings.http_host, settings.http_port)
        self.service = TelegramService(self.app, settings, self.http, limits=self.limits,
                                       polling_timeout=5)
        await self.http.start()
        await self.service.start()
        return self

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.stop()
        if self.http is not None:
            await self.http.stop()
        if self.app is not None:
            await self.app.close()
        self.service = self.http = self.app = None

    async def restart(self) -> None:
        """A new process: new App, Application and HTTP server on the same database."""
        await self.stop()
        await self.start()

    @property
    def engine(self):
        return self.app.engine

    # -- waiting -----------------------------------------------------------------
    async def settle(self, timeout: float = 10.0, *, drain: bool = True) -> None:
        """Until every injected update is processed and the outbox has nothing due
        (``drain=False``: leave the outbox alone)."""
        application = self.service.application
        for _ in range(100):
            if self.webhook:
                if self.tg.pending_updates:
                    await self.tg.deliver_webhook()
            else:
                await self.tg.wait_for(lambda: not self.tg.pending_updates, timeout,
                                       what="the bot to fetch its updates")
            await asyncio.wait_for(application.update_queue.join(), timeout)
            if not drain:
                return
            await run_due_timers(self.engine)
            moved = await self.app.outbox.drain()
            if not moved and not self.tg.pending_updates and application.update_queue.empty():
                return
        raise AssertionError("the bot never settled")

    # -- acting as users -----------------------------------------------------------
    async def say(self, user: int, text: str | None = None, chat: int | None = None,
                  **kw) -> MessageRecord:
        """``user`` writes ``text`` (or sends a file) in ``chat`` (their DM by default)."""
        message = self.tg.inject_message(user, chat, text, **kw)
        await self.settle()
        return message

    async def press(self, user: int, message: MessageRecord, label: str):
        query = self.tg.click(user, message, label)
        await self.settle()
        return self.tg.answer_for(query)

    def texts(self, chat: int) -> list[str]:
        return [m.text or m.caption or "" for m in self.tg.messages_to(chat)]

    def last(self, chat: int, contains: str) -> MessageRecord:
        found = [m for m in self.tg.messages_to(chat) if contains in (m.text or m.caption or "")]
        assert found, f"no bot message containing {contains!r} in {chat}: {self.texts(chat)}"
        return found[-1]

    async def onboard(self, user: int, name: str, *, skills: str = "design, svg",
                      payouts: bool = True) -> None:
        """/start, the profile form, and (sandbox) payouts on."""
        self.tg.add_user(user, name, username=name.lower())
        await self.say(user, "/start")
        assert "Skills" in self.texts(user)[-1] or "skills" in self.texts(user)[-1]
        for answer in (skills, "0", "UTC", "any"):
            await self.say(user, answer)
        assert any("Profile saved" in t for t in self.texts(user)), self.texts(user)
        if payouts:
            await self.say(user, "/payout")

    async def freelancer(self, user: int, name: str, *, skills: str = "design,svg") -> None:
        """A freelancer in one message: /profile with key=value (no /start, no payouts)."""
        self.tg.add_user(user, name, username=name.lower())
        await self.say(user, f"/profile skills={skills} hours=any")

    async def client(self, user: int = CLIENT, name: str = "Carla") -> None:
        self.tg.add_user(user, name, username=name.lower())
        await self.say(user, "/start")
        await self.say(user, "/cancel")

    async def board(self, admin: int = CLIENT, chat: int = GROUP, title: str = "Design Guild"):
        self.tg.add_chat(chat, "supergroup", title)
        self.tg.set_admins(chat, [admin, self.tg.bot_id])
        await self.say(admin, "/board", chat)
        assert "gig board" in self.texts(chat)[-1], self.texts(chat)

    async def funded_gig(self, client: int = CLIENT, chat: int | None = GROUP,
                         command: str = ONE_LINER) -> int:
        """Post a gig with the one-liner (in the group by default) and pay for it."""
        await self.say(client, command, chat)
        preview = self.last(client, "Preview")
        await self.press(client, preview, "Pay")
        return await self.engine.view(lambda t: t.s.scalar(select(func.max(Gig.id))))

    def card(self, gig_id: int, chat: int = GROUP) -> MessageRecord:
        return self.last(chat, f"#{gig_id} ")


@pytest.fixture
async def tg():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def harness(tg, tmp_path, migrated_db):
    h = Harness(tg, tmp_path, template=migrated_db)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()
        assert not tg.server_errors, tg.server_errors


@pytest.fixture
async def hooked(tg, tmp_path, migrated_db):
    """The app in webhook mode: Telegram POSTs updates to its HTTP server."""
    h = Harness(tg, tmp_path, webhook=True, template=migrated_db)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()
