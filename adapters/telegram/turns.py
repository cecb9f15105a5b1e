"""One sender's Telegram updates, in order, across processes (PostgreSQL).

Several processes store updates (webhook behind a load balancer, or a web process
that only stores them); whichever handles a sender's update first leases all of
that sender's pending updates in the database (``Engine.take_sender_inbound``:
an advisory lock per sender, the lease renewed while handling), handles them oldest
first, and takes again (finishing the batch in the same transaction) until none is
left; an update whose handling wrote something was finished by that write already. Another
process that gets the same sender's next update meanwhile finds it leased and
leaves it to the holder, so a person's quick successive form answers land in the
right fields whichever process received them. A worker polls for senders whose
updates nobody holds (``poll``): what a web-only process stored, and what a killed
process held once its lease ended."""
from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Awaitable, Callable

from telegram import Bot, Update

from adapters.telegram.sender import PLATFORM
from core.api import Engine

log = logging.getLogger(__name__)

# short, so a killed process's updates pass to another in time to answer a press
# (Telegram drops an answer to a button after about 15 s); renewed while handling
LEASE_SECONDS = 8.0
POLL_EVERY = 0.25  # seconds between a worker's looks for updates nobody holds
LOCAL_GRACE = 2.0  # seconds a process that stored an update has to take it itself


def sender_of(update: object) -> str | None:
    """Whose update it is: ``user:ID`` (or ``chat:ID`` for a channel post)."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return f"user:{update.effective_user.id}"
        if update.effective_chat is not None:
            return f"chat:{update.effective_chat.id}"
    return None


class SenderTurns:
    def __init__(self, engine: Engine, owner: str, handle: Callable[[Update], Awaitable[None]],
                 bot: Callable[[], Bot], *, lease_seconds: float = LEASE_SECONDS) -> None:
        self.engine = engine
        self.owner = owner
        self.handle = handle
        self.bot = bot
        self.lease_for = timedelta(seconds=lease_seconds)
        self.renew_every = lease_seconds / 4
        self.handled = 0

    async def drain(self, sender: str | None, local: Update | None = None, *,
                    key: str | None = None) -> int:
        """Handle ``sender``'s pending updates (without a sender: the update ``key``)
        while this process can lease them; how many were handled here."""
        if sender is None and key is None and local is not None:
            key = str(local.update_id)
        handled, done = 0, []
        while True:
            batch = await self.engine.take_sender_inbound(PLATFORM, sender, self.owner,
                                                          self.lease_for, key=key,
                                                          finished=done)
            if not batch:
                return handled  # none left, or another process holds them
            renewer = asyncio.ensure_future(self._renew([k for k, _ in batch]))
            done = []
            try:
                for k, payload in batch:
                    update = local if local is not None and str(local.update_id) == k \
                        else self._parse(k, payload)
                    try:
                        if update is not None:
                            # the handler's first write finishes the update with it
                            with self.engine.handling_inbound(PLATFORM, k, self.owner):
                                await self.handle(update)
                    except Exception:  # noqa: BLE001 - PTB reports handler errors itself
                        log.exception("handling Telegram update %s failed", k)
                    done.append(k)  # finished with the next take (one write per batch)
                    handled += 1
                    self.handled += 1
            finally:
                renewer.cancel()
            if sender is None:
                await self.engine.finish_inbound(PLATFORM, *done, owner=self.owner)
                return handled

    def _parse(self, key: str, payload: str) -> Update | None:
        try:
            return Update.de_json(json.loads(payload), self.bot())
        except (ValueError, TypeError, KeyError):
            log.warning("stored update %s cannot be read back: skipped", key)
            return None

    async def _renew(self, keys: list[str]) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                await self.engine.renew_inbound(PLATFORM, self.owner, keys, self.lease_for)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.warning("could not renew the lease on Telegram updates", exc_info=True)


async def poll(turns: SenderTurns, run: Callable[[str | None, str], Awaitable[None]],
               stop: asyncio.Event, *, grace: float = 0.0, every: float = POLL_EVERY) -> None:
    """Until ``stop``: find senders whose pending updates nobody holds (received at
    least ``grace`` seconds ago) and hand each to ``run(sender, key)`` once at a time."""
    running: dict[str, asyncio.Task] = {}
    while not stop.is_set():
        try:
            ready = await turns.engine.ready_inbound(PLATFORM, older_than=grace)
        except Exception:  # noqa: BLE001 - the database is back at the next round
            log.warning("could not look for stored Telegram updates", exc_info=True)
            ready = []
        for sender, key in ready:
            tag = sender or f"update:{key}"
            if tag in running and not running[tag].done():
                continue
            running[tag] = asyncio.ensure_future(run(sender, key))
        for tag in [t for t, task in running.items() if task.done()]:
            del running[tag]
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass
    for task in running.values():
        task.cancel()
