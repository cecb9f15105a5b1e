"""The composition root: builds the database, payment provider, engine,
conversation service, notification dispatcher and workers from settings, and
starts the adapters whose tokens are set. Only this module (and the CLI)
import adapters, lazily."""
from __future__ import annotations

import asyncio
import logging
import time

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
NOT_NOTIFY = ("payment", "match")  # what a process without any chat adapter delivers
STALLED_ROUNDS = 12  # clock rounds without a finished one: /healthz says the workers stalled


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
        self.outbox = OutboxWorker(self.engine, self.dispatcher, serves=self.outbox_channels)
        self._tasks: list[asyncio.Task] = []
        self.workers_state = "not running"
        self.last_clock_round: float | None = None
        self.clock_every = 5.0

    def outbox_channels(self) -> tuple[str, ...] | None:
        """The outbox channels this process can deliver: ``notify`` only with a chat
        adapter registered (a recipient on a platform served nowhere is retried)."""
        return None if self.dispatcher.adapters else NOT_NOTIFY

    def worker_health(self) -> tuple[bool, str]:
        """(up, what /healthz shows) for the clock and outbox workers."""
        if self.workers_state != "running":
            return False, self.workers_state
        served = ", ".join(sorted(self.dispatcher.adapters)) or "no chat platform"
        text = f"clock and outbox running (notifications to {served})"
        if self.last_clock_round is not None:
            ago = time.monotonic() - self.last_clock_round
            if ago > STALLED_ROUNDS * self.clock_every:
                return False, f"clock stalled: last round {ago:.0f} s ago"
        return True, text

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
        self.clock_every = clock_every
        self.workers_state = "running"
        self.last_clock_round = time.monotonic()

        async def clock_loop():
            while not stop.is_set():
                try:
                    await run_due_timers(self.engine)
                    await self.engine.recover_unrecorded_payments()
                    await prune_match_log(self.engine)
                    await self.engine.prune_inbound()  # finished updates older than 2 days
                    await self.engine.prune_send_budget()  # limits idle for a day
                    await keep_index_fresh(self.engine)
                    self.last_clock_round = time.monotonic()
                except Exception:  # noqa: BLE001 - keep the clock alive
                    log.exception("clock worker round failed")
                try:
                    await asyncio.wait_for(stop.wait(), clock_every)
                except asyncio.TimeoutError:
                    pass
        try:
            await asyncio.gather(clock_loop(), self.outbox.run_forever(stop))
        finally:
            self.workers_state = "stopped"

    async def close(self) -> None:
        await self.db.dispose()


def upgrade_schema(url: str) -> None:
    from core.api import upgrade_database as upgrade
    upgrade(url)
