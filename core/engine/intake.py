"""Engine writes for the inbox of platform updates (``core.lifecycle.inbox``): an
adapter stores each update before confirming it, finishes it once processed, and
on start takes what a killed process left unfinished."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

from core.engine.base import EngineBase
from core.lifecycle import inbox

KEEP_FINISHED = timedelta(days=2)  # Telegram gives up re-sending an update within a day


class IntakeWrites(EngineBase):
    async def store_inbound(self, platform: str, updates: list[tuple[str, str]]) -> set[str]:
        """Store ``(key, payload)`` pairs in one transaction; the keys that were new
        (the others are repeats of updates already stored)."""
        return await self.tx(lambda t: inbox.store_inbound(t, platform, updates))

    @contextmanager
    def handling_inbound(self, platform: str, key: str) -> Iterator[None]:
        """While the current task handles this update, its first committed write
        finishes it too (see ``core.lifecycle.inbox``)."""
        token = inbox.HANDLING.set((platform, key))
        try:
            yield
        finally:
            inbox.HANDLING.reset(token)

    async def finish_inbound(self, platform: str, *keys: str) -> None:
        """These updates are handled (those a write already finished stay as they are)."""
        if keys:
            await self.tx(lambda t: inbox.finish_inbound(t, platform, *keys))

    async def take_unfinished_inbound(self, platform: str) -> list[tuple[str, str]]:
        """``(key, payload)`` stored by an earlier process and never finished."""
        return await self.tx(lambda t: inbox.take_unfinished(t, platform))

    async def prune_inbound(self) -> int:
        return await self.tx(lambda t: inbox.prune_inbound(t, t.now - KEEP_FINISHED))
