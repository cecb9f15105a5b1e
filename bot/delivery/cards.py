"""Card keys and live cards.

A card (a gig's card, ``gig:<id>``) is one message that is edited in place as
its subject changes. It may be shown by several messages at once: the board's
card, a ``/gig N`` answered in a group (or in the board itself), a DM on a
platform with ``cards_in_direct_chats``; on every platform. Each message is a
reference (``core.api.MessageRef``, one per message) and every change edits
all of them. A message that is gone is forgotten; the board's card is posted
again. Concurrent changes of one card are serialised by a per-card lock and
coalesced: while one edit round runs, later versions collapse into one more
round with the newest."""
from __future__ import annotations

import logging

from bot.conversation import Reply
from bot.delivery.memory import KeyedLocks
from bot.delivery.outcomes import raise_for_outbox
from bot.delivery.platform import Chat, MessageGone, Platform, Posted, RecipientUnreachable
from core.api import Engine

log = logging.getLogger(__name__)

THREAD_SUFFIX = "/thread"


def gig_card_key(gig_id: int) -> str:
    return f"gig:{gig_id}"


def gig_of_card(card_key: str | None) -> int | None:
    """``gig:42`` (or ``gig:42/thread``) -> 42; None for any other key."""
    kind, _, ident = (card_key or "").partition(":")
    ident = ident.removesuffix(THREAD_SUFFIX)
    return int(ident) if kind == "gig" and ident.isdigit() else None


def thread_key(card_key: str) -> str:
    """The reference key of a card's discussion thread (``capabilities.threads``)."""
    return card_key + THREAD_SUFFIX


class LiveCards:
    """The cards of one platform: remembering, editing and posting them."""

    def __init__(self, engine: Engine, platform: Platform) -> None:
        self.engine = engine
        self.platform = platform
        self._locks = KeyedLocks()
        self._latest: dict[str, tuple] = {}

    @property
    def name(self) -> str:
        return self.platform.name

    async def remember(self, card_key: str, message: Posted) -> None:
        await self.engine.remember_card(self.name, card_key, message.chat_id, message.message_id)

    async def remember_sent(self, reply: Reply, sent: list[Posted], *, direct: bool) -> None:
        """A reply was sent: if it is a card, its (first) message shows it from now on."""
        if not reply.card_key or not sent:
            return
        if direct and not self.platform.capabilities.cards_in_direct_chats:
            return
        await self.remember(reply.card_key, sent[0])

    async def show(self, card_key: str, reply: Reply, *, board: str | None,
                   listed: bool = True, closed: bool = False) -> None:
        """Edit every message showing ``card_key``; post it on ``board`` if it is not
        there (and ``listed``). ``closed``: the subject is over (threads are closed).
        Raises what the outbox understands (``RetryLater`` for rate limits)."""
        self._latest[card_key] = (reply, board, listed, closed)
        async with self._locks.hold(card_key):
            latest = self._latest.pop(card_key, None)
            if latest is None:
                return  # a call queued after ours already showed a newer version
            try:
                await self._show(card_key, *latest)
            except Exception as exc:  # noqa: BLE001 - mapped for the outbox
                self._latest.setdefault(card_key, latest)
                raise_for_outbox(exc)

    async def _show(self, card_key: str, reply: Reply, board: str | None, listed: bool,
                    closed: bool) -> None:
        refs = await self.engine.card_refs(self.name, card_key)
        if not refs and not board:
            return  # not shown anywhere on this platform
        on_board = False
        for ref in refs:
            message = Posted(ref.chat_id, ref.message_id)
            try:
                await self.platform.edit(message, reply)
            except MessageGone as exc:
                log.info("card %s message %s in %s is gone: %s", card_key, ref.message_id,
                         ref.chat_id, exc)
                await self.engine.forget_card(self.name, card_key, ref.chat_id, ref.message_id)
                continue
            except RecipientUnreachable as exc:
                log.warning("cannot edit card %s in %s: %s", card_key, ref.chat_id, exc)
            on_board = on_board or ref.chat_id == board
        if board and not on_board and listed:
            await self.post(card_key, reply, board)
        if closed and self.platform.capabilities.threads:
            await self.platform.card_closed(card_key)

    async def post(self, card_key: str, reply: Reply, chat_id: str) -> Posted | None:
        """Post the card on a board and remember it."""
        try:
            sent = await self.platform.send(Chat(chat_id), reply)
        except RecipientUnreachable as exc:
            log.warning("cannot post card %s on board %s: %s", card_key, chat_id, exc)
            return None
        if not sent:
            return None
        await self.remember(card_key, sent[0])
        if self.platform.capabilities.threads:
            await self.platform.card_posted(card_key, sent[0], reply)
        return sent[0]
