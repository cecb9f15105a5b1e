"""Engine methods the delivery layer (``bot.delivery``) needs: card references
(which platform messages show a card), a recipient's identities, a
community's board chat, the gig behind a card, and releasing held
notifications. Each is one transaction delegating to ``core.lifecycle.card_refs``
(held notifications: ``core.workers.outbox.retry_now``)."""
from __future__ import annotations

from core.domain.records import Community, MessageRef
from core.engine.base import EngineBase
from core.lifecycle import card_refs as refs
from core.workers.outbox import retry_now


class DeliveryWrites(EngineBase):
    # -- card references ----------------------------------------------------------
    async def remember_card(self, platform: str, card_key: str, chat_id: str,
                            message_id: str) -> None:
        """``message_id`` in ``chat_id`` shows ``card_key`` (edit it on every change)."""
        await self.tx(lambda t: refs.remember_card(t, platform, card_key, str(chat_id),
                                                   str(message_id)))

    async def forget_card(self, platform: str, card_key: str, chat_id: str,
                          message_id: str | None = None) -> int:
        return await self.tx(lambda t: refs.forget_card(
            t, platform, card_key, str(chat_id), None if message_id is None else str(message_id)))

    async def card_refs(self, platform: str, card_key: str) -> list[MessageRef]:
        return await self.view(lambda t: refs.card_refs(t, platform, card_key))

    async def card_in_chat(self, platform: str, chat_id: str, key_suffix: str = "") -> str | None:
        return await self.view(lambda t: refs.card_in_chat(t, platform, str(chat_id), key_suffix))

    async def card_subject(self, gig_id: int) -> refs.CardSubject | None:
        return await self.view(lambda t: refs.card_subject(t, gig_id))

    # -- recipients ---------------------------------------------------------------
    async def recipient(self, user_id: int) -> refs.Recipient | None:
        return await self.view(lambda t: refs.recipient(t, user_id))

    async def user_timezone(self, user_id: int) -> str:
        """The time zone of the user's profile (UTC without one)."""
        return await self.view(lambda t: refs.timezone_of(t, user_id))

    async def community_language(self, community_id: int) -> str:
        """The language of a community's board (``/board language=``)."""
        return await self.view(lambda t: refs.community_language(t, community_id))

    async def platform_identity(self, user_id: int, platform: str) -> str | None:
        """The user's id on ``platform`` (their first identity there), if any."""
        return await self.view(lambda t: refs.platform_identity(t, user_id, platform))

    async def board_chat(self, community_id: int, platform: str) -> str | None:
        return await self.view(lambda t: refs.board_chat(t, community_id, platform))

    async def ensure_board(self, platform: str, platform_id: str, name: str,
                           board_chat_id: str) -> Community:
        return await self.tx(lambda t: refs.ensure_board(t, platform, platform_id, name,
                                                         board_chat_id))

    async def release_held_notifications(self, user_id: int) -> int:
        return await self.tx(lambda t: retry_now(t, user_id))
