"""Engine writes for the inbox of platform updates (``core.lifecycle.inbox``): an
adapter stores each update before confirming it, finishes it once processed, and
on start takes what a killed process left unfinished. Several processes: one
sender's updates are leased to one process at a time (``take_sender_inbound``), and
Discord events are claimed once (``claim_event``)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

from core.engine.base import EngineBase
from core.lifecycle import claimed_events, inbox

KEEP_FINISHED = timedelta(days=2)  # Telegram gives up re-sending an update within a day


class IntakeWrites(EngineBase):
    @property
    def shared_database(self) -> bool:
        """True on PostgreSQL, where several processes may run on one database (a SQLite
        file serves one process)."""
        return self.db.dialect == "postgresql"

    async def store_inbound(self, platform: str, updates: list[tuple]) -> set[str]:
        """Store ``(key, payload[, sender])`` tuples in one transaction; the keys that
        were new (the others are repeats of updates already stored)."""
        return await self.tx(lambda t: inbox.store_inbound(t, platform, updates))

    async def take_sender_inbound(self, platform: str, sender: str | None, owner: str,
                                  lease_for: timedelta, *, key: str | None = None,
                                  finished: list[str] | None = None
                                  ) -> list[tuple[str, str]] | None:
        """Lease a sender's pending updates, oldest first (``None``: another process
        holds them now and takes the rest after), after finishing ``finished``."""
        return await self.tx(lambda t: inbox.take_sender(t, platform, sender, owner,
                                                         lease_for, key=key,
                                                         finished=finished),
                             finishes_update=False)

    async def renew_inbound(self, platform: str, owner: str, keys: list[str],
                            lease_for: timedelta) -> int:
        return await self.tx(lambda t: inbox.renew_inbound(t, platform, owner, keys,
                                                           lease_for), finishes_update=False)

    async def ready_inbound(self, platform: str, *,
                            older_than: float = 0.0) -> list[tuple[str | None, str]]:
        """``(sender, key)`` of senders whose pending updates (stored at least
        ``older_than`` seconds ago) nobody holds."""
        return await self.view(lambda t: inbox.ready_senders(
            t, platform, received_before=t.now - timedelta(seconds=older_than)))

    async def claim_event(self, platform: str, key: str, owner: str) -> bool:
        """True for the one process that claims this event first (any other leaves it)."""
        return await self.tx(lambda t: claimed_events.claim_event(t, platform, key, owner),
                             finishes_update=False)

    @contextmanager
    def handling_inbound(self, platform: str, key: str,
                         owner: str | None = None) -> Iterator[None]:
        """While the current task handles this update, its first committed write
        finishes it too; with the ``owner`` that leased it, only while that owner
        still holds it (see ``core.lifecycle.inbox``)."""
        token = inbox.HANDLING.set((platform, key, owner))
        try:
            yield
        finally:
            inbox.HANDLING.reset(token)

    async def finish_inbound(self, platform: str, *keys: str, owner: str | None = None) -> None:
        """These updates are handled (those a write already finished stay as they are;
        with ``owner``, those another process took over stay its own)."""
        if keys:
            await self.tx(lambda t: inbox.finish_inbound(t, platform, *keys, owner=owner))

    async def take_unfinished_inbound(self, platform: str) -> list[tuple[str, str]]:
        """``(key, payload)`` stored by an earlier process and never finished."""
        return await self.tx(lambda t: inbox.take_unfinished(t, platform))

    async def prune_inbound(self) -> int:
        """Forget finished updates and claimed events older than two days."""
        return await self.tx(lambda t: inbox.prune_inbound(t, t.now - KEEP_FINISHED)
                             + claimed_events.prune_claimed(t, t.now - KEEP_FINISHED))
