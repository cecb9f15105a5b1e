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
the inbox knows which stored updates a restart must still handle.

On PostgreSQL (several processes) the in-process lock is not enough: with
``turns`` set, an update is handled through ``turns.SenderTurns``, which leases
the sender's stored updates in the database and handles them in their order;
``run_polled`` is the same for what a worker found waiting in the inbox."""
from __future__ import annotations

import asyncio
import logging
from contextlib import nullcontext
from typing import Any, Awaitable, Callable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from adapters.telegram.inbox import InboxQueue
from adapters.telegram.turns import SenderTurns, sender_of
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
        self.turns: SenderTurns | None = None  # several processes: order via the database

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        handled_by_turns = False
        try:
            handled_by_turns = await self._process(update, coroutine)
        finally:
            # ``turns`` finishes what it handles (and leaves what another process holds)
            if self.inbox is not None and not handled_by_turns:
                await self.inbox.finished(update)

    async def run_polled(self, sender: str | None, key: str) -> None:
        """A worker found ``sender``'s updates waiting in the inbox: handle them here,
        in order, behind the same per-user lock and slots as the updates received here."""
        if self.turns is None:
            return
        lock = _lock_key(sender, key)
        async with self._locks.hold(lock):
            async with self._slots:
                await self.turns.drain(sender, key=None if sender else key)

    async def _process(self, update: object, coroutine: Awaitable[Any]) -> bool:
        """Handle (or drop) ``update``; True when ``turns`` took care of finishing it."""
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
            return False
        async with self._locks.hold(key):
            async with self._slots:
                if self.turns is not None and isinstance(update, Update):
                    _close(coroutine)
                    await self.turns.drain(sender_of(update), update)
                    return True
                with self.inbox.handling(update) if self.inbox is not None else nullcontext():
                    await coroutine
        return False

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _lock_key(sender: str | None, key: str) -> object:
    """The in-process lock key of a stored sender (as ``update_key`` gives it)."""
    if sender and ":" in sender:
        kind, _, ident = sender.partition(":")
        try:
            return (kind, int(ident))
        except ValueError:
            return (kind, ident)
    return ("update", key)


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
