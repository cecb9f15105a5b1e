"""Updates are handled concurrently across users but in order for each user.

python-telegram-bot's ``concurrent_updates`` runs handlers as parallel tasks;
without more care two quick messages of one user (two answers of a form, a
double tap) could overtake each other. ``PerUserProcessor`` runs updates of
different users (or chats, for channel posts) side by side, up to a bound, and
those of one user strictly one after the other, in arrival order."""
from __future__ import annotations

from typing import Any
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.delivery.memory import KeyedLocks


def update_key(update: object) -> object:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return ("other", id(update))


class PerUserProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self._locks.hold(update_key(update)):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
