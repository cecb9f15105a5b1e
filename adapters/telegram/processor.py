"""Updates are handled concurrently across users but in order for each user, and
one user's flood cannot take the slots everyone else needs.

python-telegram-bot's ``concurrent_updates`` runs every update as a task behind a
semaphore that is taken *before* the processor's own code runs; with per-user
locks inside it, a flood of one user's updates would hold every slot while they
wait for that user's lock (measured: another user's /wallet answered after 34 s).
So PTB's semaphore is left wide, and ``PerUserProcessor`` orders each user's
updates first and only then takes one of its ``concurrency`` slots. Before that,
the ``FloodGate`` (bot/flood_gate.py) decides whether the update is read at all:
past a user's budget it is dropped, and the user is told once to slow down. Each
update is handled inside ``InboxQueue.handling`` and reported ``finished`` after, so
the inbox knows which stored updates a restart must still handle."""
from __future__ import annotations

import asyncio
import logging
from contextlib import nullcontext
from typing import Any, Awaitable, Callable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from adapters.telegram.inbox import InboxQueue
from bot.delivery.memory import KeyedLocks
from bot.delivery.platform import Chat, Platform
from bot.delivery.text import plain
from bot.flood_gate import FloodGate, Verdict, slow_down_notice

log = logging.getLogger(__name__)

# PTB's own bound; ours is ``concurrency`` below, taken after the per-user lock
UNBOUNDED = 1_000_000


def update_key(update: object) -> object:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return ("other", id(update))


class PerUserProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64, *, gate: FloodGate | None = None,
                 on_flood: Callable[[Update], Awaitable[None]] | None = None,
                 inbox: InboxQueue | None = None) -> None:
        super().__init__(UNBOUNDED)
        self.concurrency = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks = KeyedLocks()
        self.gate = gate or FloodGate()
        self.on_flood = on_flood  # async (update) -> None: tell the sender to slow down
        self.inbox = inbox  # where updates were stored; told when each is handled

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._process(update, coroutine)
        finally:
            if self.inbox is not None:
                await self.inbox.finished(update)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        verdict = self.gate.admit(key) if key[0] != "other" else Verdict.admit
        if verdict is not Verdict.admit:
            _close(coroutine)
            if verdict is Verdict.warn and self.on_flood is not None \
                    and isinstance(update, Update):
                try:
                    await self.on_flood(update)
                except Exception:  # the notice is a courtesy; never fail the update loop
                    log.warning("could not send the slow-down notice", exc_info=True)
            return
        async with self._locks.hold(key):
            async with self._slots:
                with self.inbox.handling(update) if self.inbox is not None else nullcontext():
                    await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


async def tell_to_slow_down(platform: Platform, update: Update) -> None:
    """The once-per-flood notice: as an alert on a button press, else in the chat."""
    user = update.effective_user
    notice = slow_down_notice(user.language_code if user is not None else None)
    if update.callback_query is not None:
        await update.callback_query.answer(plain(notice.text.spans)[:200], show_alert=True)
    elif update.effective_chat is not None:
        await platform.send(Chat(str(update.effective_chat.id)), notice)


def _close(coroutine: Awaitable[Any]) -> None:
    """A dropped update's handler coroutine is closed, not left un-awaited."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
