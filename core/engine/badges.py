"""Engine methods for badges (core.lifecycle.badges): a community's badges and
who holds them, taking one back, and what the delivery layer reports about the
platform role that goes with a badge."""
from __future__ import annotations

from core.domain.errors import NotFound
from core.domain.records import Community, CommunityBadge, MemberBadge
from core.engine.base import EngineBase
from core.lifecycle import badges
from core.lifecycle.badges import BadgeHeld, BoardBadge
from core.lifecycle.card_refs import platform_identity
from core.ports.notifications import RoleChange


class BadgeWrites(EngineBase):
    async def define_badge(self, actor_id: int, community_id: int, skill: str,
                           role_id: str | None = None, *,
                           platform_admin: bool = False) -> tuple[CommunityBadge, int]:
        """Set up the community's badge for ``skill`` (moderators), with the role it
        gives on Discord; returns it and how many holders' roles were queued again."""
        return await self.tx(lambda t: badges.define_badge(
            t, actor_id, community_id, skill, role_id, platform_admin=platform_admin))

    async def revoke_badge(self, actor_id: int, community_id: int, target_id: int, skill: str,
                           reason: str = "") -> MemberBadge:
        return await self.tx(lambda t: badges.revoke(t, actor_id, community_id, target_id,
                                                     skill, reason))

    async def community(self, community_id: int) -> Community:
        """The community (NotFound when there is none)."""
        def read(t):
            community = t.s.get(Community, community_id)
            if community is None:
                raise NotFound("Unknown community.")
            return community
        return await self.view(read)

    async def badges_of(self, user_id: int) -> list[BadgeHeld]:
        """The badges this person holds, per community."""
        return await self.view(lambda t: badges.badges_of(t, user_id))

    async def board_badges(self, community_id: int) -> list[BoardBadge]:
        return await self.view(lambda t: badges.board_badges(t, community_id))

    async def role_change_place(self, change: RoleChange) -> tuple[str, str, str | None] | None:
        """(platform, community's platform id, the member's id there) of a role change,
        or None when the community is gone."""
        def read(t):
            community = t.s.get(Community, change.community_id)
            if community is None:
                return None
            return (community.platform, community.platform_id,
                    platform_identity(t, change.user_id, community.platform))
        return await self.view(read)

    async def role_change_done(self, change: RoleChange) -> None:
        await self.tx(lambda t: badges.role_change_done(t, change.member_badge_id, change.grant))

    async def role_change_refused(self, change: RoleChange, problem: str, *,
                                  role_name: str = "", bot_role_name: str = "") -> bool:
        """The platform refused the role for good; True when the moderators were told."""
        return await self.tx(lambda t: badges.role_change_refused(
            t, change.member_badge_id, problem, grant=change.grant, role_name=role_name,
            bot_role_name=bot_role_name))
