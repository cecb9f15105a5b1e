"""Delivers core's notifications through the running chat adapters: a person's
notification goes to each platform where they have an identity, rendered in
their language; a gig card change re-renders the card on its board and edits
every message that shows it (message ids remembered in ``MessageRef``)."""
from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import select

from bot import notifications
from bot.cards import gig_key
from bot.conversation import Reply
from bot.texts import translator
from core.api import Engine
from core.domain.records import Community, Gig, Identity, MessageRef, User
from core.api import Notification

log = logging.getLogger(__name__)


class ChatAdapter(Protocol):
    platform: str

    async def send_to_user(self, platform_user_id: str, reply: Reply, *, dedup_key: str) -> None:
        """DM a user (raise to retry; ``core.workers.outbox.RetryLater`` to pick the delay)."""

    async def show_card(self, card_key: str, reply: Reply, *, board_chat_id: str | None) -> None:
        """Post the card on ``board_chat_id`` if it is not there yet, and edit every
        message of this platform that shows ``card_key``."""


class ChatDispatcher:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.adapters: dict[str, ChatAdapter] = {}

    def register(self, adapter: ChatAdapter) -> None:
        self.adapters[adapter.platform] = adapter

    async def deliver(self, note: Notification) -> None:
        if note.event == "gig.card_changed":
            await self._card(note)
            return
        if note.recipient_id is None:
            return

        def load(t):
            user = t.s.get(User, note.recipient_id)
            idents = list(t.s.scalars(select(Identity).where(Identity.user_id == note.recipient_id)))
            return user, idents
        user, idents = await self.engine.view(load)
        targets = [i for i in idents if i.platform in self.adapters]
        if not targets:
            log.info("no running adapter reaches user %s for %s", note.recipient_id, note.event)
            return
        reply = await notifications.render(self.engine, note, translator(user.locale))
        if reply is None:
            return
        for ident in targets:
            await self.adapters[ident.platform].send_to_user(ident.platform_user_id, reply,
                                                             dedup_key=note.dedup_key)

    async def _card(self, note: Notification) -> None:
        gig_id = note.data["gig_id"]

        def load(t):
            gig = t.s.get(Gig, gig_id)
            community = t.s.get(Community, gig.community_id) if gig.community_id else None
            return gig, community
        gig, community = await self.engine.view(load)
        if gig.funded_at is None:
            return  # never public: nothing to show or update
        reply = await notifications.render(self.engine, note, translator("en"))
        for platform, adapter in self.adapters.items():
            board = None
            if community is not None and community.platform == platform:
                board = community.board_channel_id
            await adapter.show_card(gig_key(gig_id), reply, board_chat_id=board)


async def remember_card(engine: Engine, platform: str, card_key: str, chat_id: str,
                        message_id: str) -> None:
    def save(t):
        ref = t.s.scalar(select(MessageRef).where(MessageRef.platform == platform,
                                                  MessageRef.card_key == card_key,
                                                  MessageRef.chat_id == chat_id))
        if ref is None:
            t.s.add(MessageRef(platform=platform, card_key=card_key, chat_id=chat_id,
                               message_id=message_id, updated_at=t.now))
        else:
            ref.message_id, ref.updated_at = message_id, t.now
    await engine.tx(save)


async def card_refs(engine: Engine, platform: str, card_key: str) -> list[MessageRef]:
    return await engine.view(lambda t: list(t.s.scalars(select(MessageRef).where(
        MessageRef.platform == platform, MessageRef.card_key == card_key))))
