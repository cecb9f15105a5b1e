"""Engine methods for communities and their boards: board setup, membership and
roles as platforms report them, visibility and moderation (bans, the dispute
packet a moderator decides from)."""
from __future__ import annotations

from typing import Iterable

from core.dispute_reads import DisputePacket, dispute_packet
from core.domain.records import Community
from core.engine.base import EngineBase
from core.lifecycle import people


class BoardWrites(EngineBase):
    async def enter_community(self, platform: str, platform_id: str, name: str, *,
                              member_id: int | None = None, role_ids: Iterable[str] = (),
                              platform_admin: bool = False) -> Community:
        """Someone acts in a platform's group or server: the community (recorded on
        first sight) and, when the platform vouches for it, their membership. The
        common case, nothing to record, needs no write transaction."""
        role_ids = tuple(role_ids)
        known = await self.view(lambda t: people.known_community(
            t, platform, platform_id, member_id=member_id, role_ids=role_ids,
            platform_admin=platform_admin))
        if known is not None:
            return known
        return await self.tx(lambda t: people.enter_community(
            t, platform, platform_id, name, member_id=member_id, role_ids=role_ids,
            platform_admin=platform_admin), finishes_update=False)

    async def leave_community(self, platform: str, platform_id: str, user_id: int) -> bool:
        """The platform reports that this user left the community (or was removed):
        their membership ends (a ban stays). True when there was one."""
        return await self.tx(lambda t: people.leave_community(t, platform, str(platform_id),
                                                              user_id))

    async def member_standing(self, platform: str, platform_id: str,
                              user_id: int) -> tuple[str | None, str | None]:
        """(visibility, role) of this user in the community: whether a platform check
        of their membership is worth making (members-only, not known yet)."""
        return await self.view(lambda t: people.member_standing(t, platform, str(platform_id),
                                                                user_id))

    async def configure_board(self, actor_id: int, community_id: int, *,
                              board_channel_id: str | None, visibility: str | None = None,
                              moderator_role_id: str | None = None, fee_bps: int | None = None,
                              dispute_decide_hours: int | None = None,
                              language: str | None = None, languages: tuple[str, ...] = ("en",),
                              platform_admin: bool = False) -> Community:
        """``language``: of the board's cards (one of ``languages``)."""
        return await self.tx(lambda t: people.configure_board(
            t, actor_id, community_id, board_channel_id=board_channel_id, visibility=visibility,
            moderator_role_id=moderator_role_id, fee_bps=fee_bps,
            dispute_decide_hours=dispute_decide_hours, language=language, languages=languages,
            platform_admin=platform_admin))

    async def board_to_post_on(self, user_id: int, ref: str) -> Community:
        """The board ``ref`` (number or name) this user may post a gig to from a
        private chat (a channel's board, say)."""
        return await self.view(lambda t: people.board_to_post_on(t, user_id, ref))

    async def ban(self, actor_id: int, community_id: int, target_id: int,
                  reason: str = "") -> None:
        await self.tx(lambda t: people.ban(t, actor_id, community_id, target_id, reason))

    async def dispute_packet(self, claim_id: int, viewer_id: int | None = None) -> DisputePacket:
        """Everything a moderator needs to decide the dispute on this claim."""
        return await self.view(lambda t: dispute_packet(t, claim_id, viewer_id))
