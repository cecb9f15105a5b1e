"""``ChatDispatcher``: the outbox's notification port, delivering core's
notifications through the running platforms. A person's notification is
rendered in their language and goes to each platform where they have an
identity (none running here: retried later, for another process or this one once
the adapter is back, never dropped); a gig card change re-renders the card and edits every message that
shows it, on every platform, posting it on its community's board when it is
not there yet (``bot.delivery.cards``); a badge's role is given or taken on
the community's platform (``bot.delivery.roles``).

A card is rendered from the gig as it is now, so changes of one card that queue
up while it is being refreshed (read, rendered, edited: the edit may wait for
the platform's rate limit) are served by one more refresh with the latest state
(``memory.LatestOnly``): ten claims on one gig in quick succession give one or
two edits, not ten, and no change is left unshown."""
from __future__ import annotations

import logging

from bot import renderers
from bot.delivery.cards import gig_card_key
from bot.delivery.memory import LatestOnly
from bot.delivery.platform import Platform
from bot.delivery.roles import apply_role_change
from bot.delivery.service import PlatformDelivery
from bot.texts import translator
from bot.texts.reader import Reader, reading_as
from core.api import (
    Engine, GigCardChanged, GigStatus, Notification, RetryLater, WeeklySummaryDue,
)

log = logging.getLogger(__name__)

CLOSED = (GigStatus.completed, GigStatus.cancelled, GigStatus.expired)
NOT_LISTED = (GigStatus.draft, GigStatus.awaiting_funding)
BOARD_EVENTS = (WeeklySummaryDue.type_name,)  # posted to a community's board, no recipient
NOT_SERVED_RETRY = 30.0  # seconds: a recipient whose platforms no adapter here serves


class ChatDispatcher:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.adapters: dict[str, PlatformDelivery] = {}
        self.card_refreshes = LatestOnly()

    def register(self, delivery: PlatformDelivery | Platform) -> PlatformDelivery:
        """Deliver through this platform from now on. A ``Platform`` that carries its
        own ``PlatformDelivery`` (as ``.delivery``) brings it; any other is wrapped."""
        if not isinstance(delivery, PlatformDelivery):
            own = getattr(delivery, "delivery", None)
            delivery = own if isinstance(own, PlatformDelivery) else PlatformDelivery(
                self.engine, delivery)
        self.adapters[delivery.name] = delivery
        return delivery

    def unregister(self, delivery: PlatformDelivery) -> None:
        if self.adapters.get(delivery.name) is delivery:
            del self.adapters[delivery.name]

    async def deliver(self, note: Notification) -> None:
        if note.effect is not None:  # a platform effect (a badge's role), not a message
            await apply_role_change(self.engine, self.adapters, note.effect)
            return
        if note.event == GigCardChanged.type_name:
            await self._card(note)
            return
        if note.event in BOARD_EVENTS:
            await self._board(note)
            return
        if note.recipient_id is None:
            return
        async with self.engine.reading():  # the recipient and the render: one connection
            recipient = await self.engine.recipient(note.recipient_id)
            targets = [(platform, puid) for platform, ids in (
                recipient.identities.items() if recipient else ()) if platform in self.adapters
                for puid in ids]
            replies: dict[str, object] = {}
            for platform, _puid in targets:
                if platform not in replies:  # rendered for the recipient, as the platform shows it
                    with reading_as(Reader(recipient.locale, recipient.timezone, platform,
                                           now=self.engine.clock.now)):
                        replies[platform] = await renderers.render(
                            self.engine, note, translator(recipient.locale))
        if not targets:
            if recipient is not None and recipient.identities:
                # Another process may serve that platform (or this one will, once it is
                # up again): try later, and in the end keep it as a dead letter, never
                # mark it done unsent.
                raise RetryLater(NOT_SERVED_RETRY, "no running adapter here serves {} for "
                                 "user {}".format(", ".join(sorted(recipient.identities)),
                                                  note.recipient_id))
            log.info("user %s has no chat identity: %s not sent", note.recipient_id, note.event)
            return
        for platform, puid in targets:
            if replies[platform] is None:
                continue
            await self.adapters[platform].notify(puid, replies[platform],
                                                 dedup_key=note.dedup_key)

    def _for_board(self, language: str, platform: str) -> Reader:
        """A board's members read its cards: its language, UTC named (on Discord each
        member's own time)."""
        return Reader(language, "UTC", platform, now=self.engine.clock.now)

    async def _board(self, note: Notification) -> None:
        language = await self.engine.community_language(note.data["community_id"])
        for name, delivery in list(self.adapters.items()):
            with reading_as(self._for_board(language, name)):
                reply = await renderers.render(self.engine, note, translator(language))
            await delivery.post_to_board(note.data["community_id"], reply,
                                         dedup_key=note.dedup_key)

    async def _card(self, note: Notification) -> None:
        gig_id = note.data["gig_id"]
        await self.card_refreshes.run(gig_id, lambda: self._refresh_card(gig_id, note))

    async def _refresh_card(self, gig_id: int, note: Notification) -> None:
        """The card as the gig is now (the renderer reads it; only ``gig_id`` of the
        note counts), on every platform."""
        subject = await self.engine.card_subject(gig_id)
        if subject is None or subject.gig.funded_at is None:
            return  # never public: nothing to show or update
        status = subject.gig.status
        for name, delivery in list(self.adapters.items()):
            with reading_as(self._for_board(subject.language, name)):
                reply = await renderers.render(self.engine, note, translator(subject.language))
            board = subject.board_chat_id if subject.board_platform == name else None
            await delivery.cards.show(gig_card_key(gig_id), reply, board=board,
                                      listed=status not in NOT_LISTED, closed=status in CLOSED)
