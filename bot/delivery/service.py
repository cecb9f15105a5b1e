"""One platform's delivery: its live cards, its reply router, and notifications
to a person's private chat there (deduplicated by the outbox's dedup key,
resumed where a partly sent reply stopped, outcomes mapped for the outbox).

An adapter builds one ``PlatformDelivery`` around its ``Platform`` and hands
it to the ``ChatDispatcher``; its inbound handlers answer events through
``replies``. ``interactive``: the same platform tuned for answering people now
(e.g. a shorter wait on rate limits), used for replies; notifications and
cards use ``platform``."""
from __future__ import annotations

import logging

from bot.texts.reader import declare_native_timestamps
from bot.conversation import Reply
from bot.delivery.cards import LiveCards
from bot.delivery.memory import DeliveryLog
from bot.delivery.outcomes import for_outbox, raise_for_outbox
from bot.delivery.platform import Chat, Platform, RecipientNotStarted, RecipientUnreachable
from bot.delivery.routing import ReplyRouter
from core.api import Engine

log = logging.getLogger(__name__)


class PlatformDelivery:
    def __init__(self, engine: Engine, platform: Platform, *,
                 interactive: Platform | None = None) -> None:
        self.engine = engine
        self.platform = platform
        if getattr(platform.capabilities, "native_timestamps", False):
            declare_native_timestamps(platform.name)
        self.cards = LiveCards(engine, platform)
        self.replies = ReplyRouter(engine, interactive or platform, self.cards)
        self.log = DeliveryLog()
        self.sent = 0
        self.held = 0  # notifications waiting for the user to open the private chat
        self.dropped = 0  # notifications that can never reach the user here

    @property
    def name(self) -> str:
        return self.platform.name

    async def notify(self, user_id: str, reply: Reply, *, dedup_key: str) -> None:
        """A notification to platform user ``user_id``'s private chat (raise to retry)."""
        key = (user_id, dedup_key)
        progress = self.log.progress(key)
        if progress is None:
            return  # delivered already
        try:
            sent = await self.platform.send_direct(user_id, reply, progress=progress)
        except RecipientNotStarted as exc:
            self.held += 1
            raise for_outbox(exc) from None
        except RecipientUnreachable as exc:
            self.dropped += 1
            log.info("dropping %s for %s user %s: %s", dedup_key, self.name, user_id, exc)
            self.log.done(key)
            return
        except Exception as exc:  # noqa: BLE001 - mapped for the outbox
            raise_for_outbox(exc)
        self.log.done(key)
        self.sent += 1
        await self.cards.remember_sent(reply, sent, direct=True)

    async def post_to_board(self, community_id: int, reply: Reply, *, dedup_key: str) -> None:
        """A post of the community's own (its weekly summary) on its board, if the
        board lives on this platform (raise to retry)."""
        chat = await self.engine.board_chat(community_id, self.name)
        key = (f"board:{community_id}", dedup_key)
        progress = self.log.progress(key)
        if chat is None or progress is None:
            return  # not here, or delivered already
        try:
            await self.platform.send(Chat(chat), reply, progress=progress)
        except RecipientUnreachable as exc:
            log.info("dropping %s for the %s board %s: %s", dedup_key, self.name, chat, exc)
        except Exception as exc:  # noqa: BLE001 - mapped for the outbox
            raise_for_outbox(exc)
        self.log.done(key)
