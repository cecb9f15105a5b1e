"""The engine's base: the database, payment provider, clock and config it runs
on, and the two ways a unit of work runs (``tx`` writes, ``view`` reads). Every
engine method is one such unit; nothing outside core/ calls ``tx``/``view``."""
from __future__ import annotations

from typing import AsyncContextManager, Callable, TypeVar

from sqlalchemy.orm import Session

from core.domain.clock import Clock, SystemClock
from core.domain.config import EngineConfig
from core.lifecycle import inbox
from core.lifecycle.tx import Tx
from core.ports.payments import PaymentProvider
from core.storage.db import Database

T = TypeVar("T")


class EngineBase:
    def __init__(self, db: Database, provider: PaymentProvider, *, clock: Clock | None = None,
                 config: EngineConfig | None = None) -> None:
        self.db = db
        self.provider = provider
        self.clock = clock or SystemClock()
        self.config = config or EngineConfig()

    async def tx(self, fn: Callable[[Tx], T], *, finishes_update: bool = True) -> T:
        """Run ``fn`` in one write transaction with a fresh ``Tx``. While a platform
        update is being handled (``core.lifecycle.inbox.HANDLING``), the transaction
        also marks it finished, so a restart never handles it twice; writes that only
        recognise who and where (a new user, a community seen) pass
        ``finishes_update=False``: the update's own action is still to come."""
        handling = inbox.HANDLING.get() if finishes_update else None
        return await self.db.write(self._unit(fn, handling=handling))

    async def view(self, fn: Callable[[Tx], T]) -> T:
        return await self.db.read(self._unit(fn))

    def reading(self) -> AsyncContextManager[None]:
        """The engine's reads inside (``async with engine.reading():``) share one
        connection and transaction: for several reads that belong together, such as
        rendering one notification; never around a write or a wait."""
        return self.db.reading()

    def _unit(self, fn: Callable[[Tx], T], *,
              handling: tuple[str, str] | None = None) -> Callable[[Session], T]:
        now = self.clock.now()

        def run(session: Session) -> T:
            tx = Tx(session, now, self.config)
            result = fn(tx)
            if handling is not None:
                inbox.finish_handled(tx, *handling)
            tx.finish()
            return result
        return run
