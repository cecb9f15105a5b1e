"""Telegram updates are stored before Telegram is told they arrived.

Polling: PTB's Updater puts a fetched batch into the Application's update queue
one update at a time, then confirms the batch with the offset of its next
getUpdates. ``InboxQueue.put`` only collects; the batch is stored in one
transaction (``Engine.store_inbound``, keyed on ``update_id``) and only then queued
for processing; and the getUpdates request itself (``StoreBeforeConfirm``) waits
until everything collected is stored, retrying while the database is down, so no
update is confirmed before it is stored. Webhook: the endpoint awaits ``stored()``
before it answers Telegram. A repeat of a stored update is not queued again.

An update is finished by the first write its handling commits (the engine does it
in that transaction, so a kill after it never handles the update twice), or by the
processor once handled; on start, ``replay`` queues what
a killed (or stopped) process had stored but not finished, oldest first.

Each update is stored with its sender (``turns.sender_of``). A process without the
worker role (``process_here=False``) only stores: workers take what it stored
(``turns``); on PostgreSQL ``replay`` is left to the workers' polling too (which
leaves a fresh update a moment to the process that stored it)."""
from __future__ import annotations

import asyncio
import json
import logging
from contextlib import AbstractContextManager, nullcontext

from telegram import Bot, Update
from telegram.request import BaseRequest

from adapters.telegram.sender import PLATFORM
from adapters.telegram.turns import sender_of
from core.api import Engine

log = logging.getLogger(__name__)

RETRY_FIRST, RETRY_MAX = 0.5, 30.0  # seconds, while the database refuses the batch


class InboxQueue(asyncio.Queue):
    def __init__(self, engine: Engine, *, process_here: bool = True) -> None:
        super().__init__()
        self.engine = engine
        self.process_here = process_here  # False: store only (workers handle them)
        self._collected: list[Update] = []
        self._storing = asyncio.Lock()
        self._flusher: asyncio.Task | None = None
        self._done: list[str] = []
        self._finisher: asyncio.Task | None = None

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):
            await super().put(item)  # PTB's own stop signal
            return
        self._collected.append(item)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._store_soon())

    async def _store_soon(self) -> None:
        try:
            await self.stored()
        except Exception:  # the next getUpdates (or webhook answer) retries
            log.warning("could not store incoming updates yet", exc_info=True)

    async def stored(self) -> None:
        """Store what was collected (one transaction) and queue the new ones."""
        async with self._storing:
            while self._collected:
                batch = list(self._collected)
                new = await self.engine.store_inbound(PLATFORM, [
                    (str(u.update_id), json.dumps(u.to_dict(), separators=(",", ":")),
                     sender_of(u)) for u in batch])
                del self._collected[:len(batch)]
                for update in batch:
                    if str(update.update_id) in new:
                        new.discard(str(update.update_id))
                        if self.process_here:
                            await super().put(update)
                    else:
                        log.info("update %s arrived again: already stored, not queued twice",
                                 update.update_id)

    async def stored_or_wait(self) -> None:
        """``stored()``, retried with backoff until the database takes the batch."""
        delay = RETRY_FIRST
        while True:
            try:
                await self.stored()
                return
            except Exception:
                log.warning("incoming updates not stored; Telegram is not told they arrived "
                            "until they are (retry in %.1f s)", delay, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)

    def handling(self, update: object) -> AbstractContextManager:
        """Around the handling of ``update``: its first committed write finishes it."""
        if isinstance(update, Update):
            return self.engine.handling_inbound(PLATFORM, str(update.update_id))
        return nullcontext()

    async def finished(self, update: object) -> None:
        """The processor is done with ``update`` (handled, refused or dropped). Marked in
        batches off the update's path: a flood's dropped updates cost one write, not
        one each (a kill before the batch is written re-reads only harmless ones: an
        update whose handling wrote something was finished by that write)."""
        if isinstance(update, Update):
            self._done.append(str(update.update_id))
            if self._finisher is None or self._finisher.done():
                self._finisher = asyncio.ensure_future(self._finish_batch())

    async def _finish_batch(self) -> None:
        await asyncio.sleep(0)  # let the updates finishing right now join the batch
        while self._done:
            keys, self._done = self._done, []
            try:
                await self.engine.finish_inbound(PLATFORM, *keys)
            except Exception:
                log.warning("could not mark %d update(s) handled", len(keys), exc_info=True)

    async def replay(self, bot: Bot) -> int:
        """Queue what an earlier process stored and never finished; how many. (Several
        processes: the workers' polling takes those, once their lease ends.)"""
        if self.engine.shared_database or not self.process_here:
            return 0
        unfinished = await self.engine.take_unfinished_inbound(PLATFORM)
        for key, payload in unfinished:
            try:
                update = Update.de_json(json.loads(payload), bot)
            except (ValueError, TypeError, KeyError):
                log.warning("stored update %s cannot be read back: skipped", key)
                await self.engine.finish_inbound(PLATFORM, key)
                continue
            await super().put(update)
        if unfinished:
            log.info("%d update(s) left unfinished by an earlier process: processing them",
                     len(unfinished))
        return len(unfinished)


class StoreBeforeConfirm(BaseRequest):
    """The getUpdates transport: each request (which confirms the batch before it)
    goes out only once that batch is stored."""

    def __init__(self, inner: BaseRequest, inbox: InboxQueue) -> None:
        self.inner = inner
        self.inbox = inbox

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url, method, request_data=None, read_timeout=BaseRequest.DEFAULT_NONE,
                         write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE):
        await self.inbox.stored_or_wait()
        return await self.inner.do_request(url, method, request_data, read_timeout,
                                           write_timeout, connect_timeout, pool_timeout)
