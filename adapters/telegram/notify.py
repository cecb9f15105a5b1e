"""Telegram as a chat adapter of ``bot.dispatch.ChatDispatcher``: core's
notifications to a user's private chat, and gig cards on boards edited in place.

Outcomes a notification can have, and what the outbox is told:
- sent: done (a reply sent in parts remembers how far it got, so a retry
  resumes instead of repeating parts);
- 429 beyond what the pacer may wait: ``RetryLater(retry_after)``;
- the user never started the bot: ``RetryLater`` (held until they do; /start
  makes their held notifications due at once, see ``handlers``);
- blocked / deactivated / unknown chat: dropped with a log line (retrying
  cannot help);
- anything else: raised, so the outbox retries with backoff.

Cards: the first time a gig's card is shown it is posted on the community's
board and its message id remembered (``bot.dispatch.remember_card``); every
later change edits each remembered message ("message is not modified" is
fine; a deleted message is forgotten, and re-posted if it was the board's).
One lock per card keeps two concurrent updates from posting it twice."""
from __future__ import annotations

import logging
from collections import OrderedDict

from sqlalchemy import delete
from telegram.error import BadRequest, RetryAfter, TelegramError

from adapters.telegram.limits import BULK, retry_seconds
from adapters.telegram.locks import KeyedLocks
from adapters.telegram.sender import PLATFORM, Sender, not_started, unreachable
from bot.conversation import Reply
from bot.dispatch import card_refs, remember_card
from core.api import Engine
from core.domain.records import MessageRef
from core.api import RetryLater

log = logging.getLogger(__name__)

NOT_STARTED_RETRY = 1800.0  # seconds; /start releases held notifications sooner


class TelegramNotifier:
    platform = PLATFORM

    def __init__(self, engine: Engine, sender: Sender) -> None:
        self.engine = engine
        self.sender = sender
        self._progress: OrderedDict[str, int] = OrderedDict()  # dedup key -> parts sent
        self._card_locks = KeyedLocks()
        self.policy = BULK  # how long a notification may wait on a 429 before the outbox retries
        self.sent = 0
        self.held = 0

    # -- notifications ---------------------------------------------------------
    async def send_to_user(self, platform_user_id: str, reply: Reply, *, dedup_key: str) -> None:
        if not platform_user_id.isdigit():  # a chat acting as itself (channel, anonymous admin)
            log.info("no private chat for %s; dropping %s", platform_user_id, dedup_key)
            return
        done = self._progress.get(dedup_key, 0)

        def progress(n: int) -> None:
            self._progress[dedup_key] = n
            self._progress.move_to_end(dedup_key)
            while len(self._progress) > 10_000:
                self._progress.popitem(last=False)
        try:
            await self.sender.send(int(platform_user_id), reply, single=False, policy=self.policy,
                                   skip=done, on_part=progress)
        except RetryAfter as exc:
            raise RetryLater(retry_seconds(exc) + 0.5,
                             f"telegram flood control: retry after {retry_seconds(exc)}s") from None
        except TelegramError as exc:
            if not_started(exc):
                self.held += 1
                raise RetryLater(NOT_STARTED_RETRY, "user has not started the bot") from None
            gone = isinstance(exc, BadRequest) and "chat not found" in str(exc).lower()
            if unreachable(exc) or gone:
                log.info("dropping %s for telegram user %s: %s", dedup_key, platform_user_id, exc)
                self._progress.pop(dedup_key, None)
                return
            raise
        self._progress.pop(dedup_key, None)
        self.sent += 1

    # -- cards ------------------------------------------------------------------
    async def show_card(self, card_key: str, reply: Reply, *, board_chat_id: str | None) -> None:
        try:
            async with self._card_locks.hold(card_key):
                await self._show_card(card_key, reply, board_chat_id)
        except RetryAfter as exc:
            raise RetryLater(retry_seconds(exc) + 0.5,
                             f"telegram flood control: retry after {retry_seconds(exc)}s") from None

    async def _show_card(self, card_key: str, reply: Reply, board_chat_id: str | None) -> None:
        refs = await card_refs(self.engine, PLATFORM, card_key)
        shown = {r.chat_id for r in refs}
        for ref in refs:
            if await self.sender.edit(ref.chat_id, ref.message_id, reply, policy=self.policy):
                continue
            await self.forget(card_key, ref.chat_id)
            shown.discard(ref.chat_id)
        if board_chat_id and board_chat_id not in shown:
            await self.post_card(card_key, reply, board_chat_id)

    async def post_card(self, card_key: str, reply: Reply, chat_id: str) -> None:
        try:
            sent = await self.sender.send(int(chat_id), reply, single=True, policy=self.policy)
        except TelegramError as exc:
            if unreachable(exc) or isinstance(exc, BadRequest):  # gone, or no right to post
                log.warning("cannot post card %s on board %s: %s", card_key, chat_id, exc)
                return
            raise
        if sent:
            await remember_card(self.engine, PLATFORM, card_key, str(chat_id),
                                str(sent[0].message_id))

    async def forget(self, card_key: str, chat_id: str) -> None:
        await self.engine.tx(lambda t: t.s.execute(delete(MessageRef).where(
            MessageRef.platform == PLATFORM, MessageRef.card_key == card_key,
            MessageRef.chat_id == str(chat_id))))
