"""Where each reply to an incoming event goes, on every platform.

- Another person (``to_user``): their private chat on this platform, if they
  have an identity here (silently skipped when they cannot be reached).
- A board (``to_board``): the community's board chat, when it lives here.
- A form, on a platform with modals: opened by the exchange (a modal, or a
  button that opens one).
- A public reply: in the chat the event came from. A card sent there is
  remembered, so it is edited in place on every change (in a private chat only
  with ``cards_in_direct_chats``).
- A private reply (``private``, an alert, or to the actor themselves):
  ephemeral in place when the exchange can (Discord interactions); in the chat
  itself when that is the actor's private chat, or when the chat speaks as
  itself (a channel post); otherwise in the actor's private chat. If that is
  refused, on a platform where the user must open the private chat first
  (``dm_needs_start``) the chat gets one short message naming them with a link
  that opens it; with ``ack`` a private answer is announced in the group.

A failure to deliver one reply is logged and counted; the others still go."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.conversation import Button, Reply, Rich, TargetKind
from bot.delivery.cards import LiveCards, gig_of_card
from bot.delivery.platform import (
    Chat, Exchange, Platform, Posted, RecipientNotStarted, RecipientUnreachable,
)
from bot.texts import translator
from core.api import Engine

log = logging.getLogger(__name__)
REFUSED = (RecipientNotStarted, RecipientUnreachable)


@dataclass
class Routed:
    """What became of a list of replies."""

    sent: list[Posted] = field(default_factory=list)
    to_dm: list[Reply] = field(default_factory=list)  # private replies that reached the DM
    dm_refused: bool = False  # the actor's private chat could not be written to
    failed: int = 0


def gig_of(replies: list[Reply], hint: int | None) -> int | None:
    """The gig a link to the private chat should open: the first card's, else ``hint``."""
    for reply in replies:
        gig_id = gig_of_card(reply.card_key)
        if gig_id is not None:
            return gig_id
    return hint


class ReplyRouter:
    def __init__(self, engine: Engine, platform: Platform, cards: LiveCards) -> None:
        self.engine = engine
        self.platform = platform
        self.cards = cards

    async def deliver(self, exchange: Exchange, replies: list[Reply], *,
                      ack: bool = False) -> Routed:
        out = Routed()
        for reply in replies:
            try:
                await self._one(exchange, reply, out)
            except Exception as exc:  # noqa: BLE001 - one failed reply does not stop the rest
                out.failed += 1
                log.warning("could not deliver a reply in %s chat %s: %r", self.platform.name,
                            exchange.origin.chat.id, exc)
        origin = exchange.origin
        if not origin.direct and origin.speaker_id is not None:
            if out.dm_refused and self.platform.capabilities.dm_needs_start:
                await self._say(exchange, self._ask_to_start(exchange, gig_of(replies,
                                                                              origin.gig_id)))
            elif ack and out.to_dm:
                _ = translator(origin.actor.locale)
                await self._say(exchange, Reply(Rich().add("📬 ").add(_(
                    "{name}, I sent you a private message.", name=origin.actor.display_name))))
        await exchange.finish()
        return out

    async def _one(self, exchange: Exchange, reply: Reply, out: Routed) -> None:
        origin = exchange.origin
        target = reply.target
        if target.kind == TargetKind.board:
            await self._to_board(target.community_id, reply, out)
            return
        if target.kind == TargetKind.user and target.user_id != origin.actor.user_id:
            await self._to_person(target.user_id, reply, out)
            return
        if reply.form is not None and self.platform.capabilities.modals:
            await exchange.open_form(reply)
            return
        private = target.kind == TargetKind.user or reply.private or reply.alert
        if private and exchange.ephemeral:
            out.sent += await exchange.answer(reply, private=True)
            return
        if origin.direct or not private or origin.speaker_id is None:
            sent = await exchange.answer(reply, private=False)
            out.sent += sent
            await self.cards.remember_sent(reply, sent, direct=origin.direct)
            return
        if out.dm_refused:
            return
        try:
            sent = await self.platform.send_direct(origin.speaker_id, reply)
        except REFUSED as exc:
            log.info("%s user %s cannot be messaged privately: %s", self.platform.name,
                     origin.speaker_id, exc)
            out.dm_refused = True
            return
        out.sent += sent
        out.to_dm.append(reply)
        await self.cards.remember_sent(reply, sent, direct=True)

    async def _to_person(self, user_id: int | None, reply: Reply, out: Routed) -> None:
        puid = await self.engine.platform_identity(user_id, self.platform.name) \
            if user_id is not None else None
        if puid is None:
            log.info("user %s has no %s identity; reply not sent", user_id, self.platform.name)
            return
        try:
            sent = await self.platform.send_direct(puid, reply)
        except REFUSED as exc:
            log.info("user %s cannot be messaged on %s: %s", user_id, self.platform.name, exc)
            return
        out.sent += sent
        await self.cards.remember_sent(reply, sent, direct=True)

    async def _to_board(self, community_id: int | None, reply: Reply, out: Routed) -> None:
        chat = await self.engine.board_chat(community_id, self.platform.name) \
            if community_id is not None else None
        if chat is None:
            log.info("community %s has no %s board; reply not posted", community_id,
                     self.platform.name)
            return
        sent = await self.platform.send(Chat(chat), reply)
        out.sent += sent
        await self.cards.remember_sent(reply, sent, direct=False)

    def _ask_to_start(self, exchange: Exchange, gig_id: int | None) -> Reply:
        origin = exchange.origin
        _ = translator(origin.actor.locale)
        name = origin.actor.display_name
        text = Rich().link(name, origin.mention_url) if origin.mention_url else Rich().bold(name)
        text.add(", ").add(_("I can only answer you in a private chat. Tap the button, press "
                             "Start, then try again there."))
        link = self.platform.start_link(gig_id)
        buttons = [[Button(_("Open a private chat"), url=link)]] if link else []
        return Reply(text, buttons=buttons)

    async def _say(self, exchange: Exchange, reply: Reply) -> None:
        try:
            await exchange.answer(reply, private=False)
        except Exception as exc:  # noqa: BLE001 - a courtesy message only
            log.warning("could not post in %s chat %s: %r", self.platform.name,
                        exchange.origin.chat.id, exc)
