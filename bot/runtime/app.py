"""The composition root: builds the database, payment provider, engine,
conversation service, notification dispatcher and workers from settings, and
starts the adapters whose tokens are set. Only this module (and the CLI)
import adapters, lazily."""
from __future__ import annotations

import asyncio
import logging

from bot.delivery.dispatcher import ChatDispatcher
from bot.service import Conversation
from bot.runtime.settings import Settings
from core.api import Clock
from core.api import EngineConfig
from core.api import Database
from core.api import Engine
from core.api import keep_index_fresh, prune_match_log
from core.api import OutboxWorker
from core.api import PaymentProvider
from core.api import run_due_timers

log = logging.getLogger(__name__)


def make_provider(settings: Settings, db: Database) -> PaymentProvider:
    if settings.stripe_secret_key:
        from adapters.stripe import StripeProvider
        return StripeProvider(settings, db)
    from adapters.sandbox import SandboxProvider
    return SandboxProvider(db)


class App:
    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 provider: PaymentProvider | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.database_url, pool_size=settings.database_pool_size,
                           max_overflow=settings.database_max_overflow)
        self.provider = provider or make_provider(settings, self.db)
        self.engine = Engine(self.db, self.provider, clock=clock,
                             config=EngineConfig(fee_bps=settings.fee_bps))
        self.conversation = Conversation(self.engine, public_base_url=settings.public_base_url)
        self.dispatcher = ChatDispatcher(self.engine)
        self.outbox = OutboxWorker(self.engine, self.dispatcher)
        self._tasks: list[asyncio.Task] = []

    async def prepare(self) -> None:
        """Bring the schema up to date (Alembic), load the match index, mark staff users."""
        await asyncio.to_thread(upgrade_schema, self.settings.database_url)
        await keep_index_fresh(self.engine)
        if self.settings.staff_user_ids:
            await self.engine.grant_staff(self.settings.staff_user_ids)

    async def tick(self) -> None:
        """One round of background work: fire due timers, record payments a crash
        left unrecorded, then drain the outbox."""
        await run_due_timers(self.engine)
        await self.engine.recover_unrecorded_payments()
        await self.outbox.drain()

    async def run_workers(self, stop: asyncio.Event, *, clock_every: float = 5.0) -> None:
        async def clock_loop():
            while not stop.is_set():
                try:
                    await run_due_timers(self.engine)
                    await self.engine.recover_unrecorded_payments()
                    await prune_match_log(self.engine)
                    await self.engine.prune_inbound()  # finished updates older than 2 days
                    await keep_index_fresh(self.engine)
                except Exception:  # noqa: BLE001 - keep the clock alive
                    log.exception("clock worker round failed")
                try:
                    await asyncio.wait_for(stop.wait(), clock_every)
                except asyncio.TimeoutError:
                    pass
        await asyncio.gather(clock_loop(), self.outbox.run_forever(stop))

    async def close(self) -> None:
        await self.db.dispose()


def upgrade_schema(url: str) -> None:
    from core.api import upgrade_database as upgrade
    upgrade(url)
