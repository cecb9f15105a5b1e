"""Badges: a community's mark that a member proved a skill, earned by having a
qualification gig approved. ``CommunityBadge`` is the badge a community offers
for a skill (on Discord with the role it gives); ``MemberBadge`` is one member
holding it (revoked by a moderator keeps the row, with who and why)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.domain.clock import utcnow


class CommunityBadge(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "skill"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    skill: str = Field(max_length=32)  # a normalised skill tag
    role_id: str | None = Field(default=None, max_length=64)  # Discord: the role it gives
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    # The platform refused to give the role (missing permission, role gone): the
    # moderators were told once; cleared when a role change succeeds again.
    role_problem: str | None = Field(default=None, max_length=32)
    role_problem_at: datetime | None = None


class MemberBadge(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("badge_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    badge_id: int = Field(foreign_key="communitybadge.id")
    user_id: int = Field(foreign_key="user.id", index=True)
    gig_id: int | None = Field(default=None, foreign_key="gig.id")  # the qualification gig
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    granted_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    revoked_by: int | None = Field(default=None, foreign_key="user.id")
    revoke_reason: str = Field(default="", max_length=500)
    role_synced: bool = False  # the platform role matches (given, or taken back)
