"""People and places: users, their platform identities, profiles, communities,
memberships and blocks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.domain.clock import utcnow


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(max_length=64)
    locale: str = Field(default="en", max_length=8)
    # True once the user picked a language (/settings locale=); until then ``locale``
    # follows the language their platform reports
    locale_chosen: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    # Set by the payment provider once this user can receive payouts.
    payout_account: str | None = Field(default=None, max_length=64)
    payouts_enabled: bool = False
    flagged: bool = False  # e.g. a chargeback after release
    banned: bool = False  # platform-wide ban
    staff: bool = False  # platform moderators: resolve disputes of gigs outside communities


class Identity(SQLModel, table=True):
    """One platform account (telegram user 123, discord user 456) -> one user."""

    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    platform_user_id: str = Field(max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    username: str | None = Field(default=None, max_length=64)
    started: bool = False  # the platform lets us DM them (Telegram: /start pressed)
    # when the platform says the account was made (Discord: from its snowflake id)
    account_created_at: datetime | None = None


class LinkCode(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=16)
    user_id: int = Field(foreign_key="user.id")
    expires_at: datetime
    used_at: datetime | None = None


class Profile(SQLModel, table=True):
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    skills: str = Field(default="", max_length=512)  # normalised, comma-separated
    min_reward_minor: int = 0
    min_reward_currency: str = Field(default="usd", max_length=3)
    timezone: str = Field(default="UTC", max_length=48)
    work_start_hour: int = 0  # local hour, inclusive
    work_end_hour: int = 24  # local hour, exclusive; start > end wraps midnight
    max_live_claims: int = 3
    portfolio: str = Field(default="", max_length=1024)
    bio: str = Field(default="", max_length=1024)
    notify_new_gigs: bool = True
    notify_all_gigs: bool = False  # every new gig, not only those matching their skills
    auto_receipts: bool = True  # a PDF receipt in chat for every payment, payout, refund
    onboarded: bool = False


class MatchChange(SQLModel, table=True):
    """Append-only log of users whose matching data changed (profile, reputation
    stats, ban). Database triggers write it, so no code path can forget to; each
    process's match index reads it to refresh only what changed. Pruned to the
    most recent rows by the clock worker."""

    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused after a prune
    id: int | None = Field(default=None, primary_key=True)
    user_id: int


class ReputationStats(SQLModel, table=True):
    """Derived from ratings and claim history; rebuilt by ``reputation.recompute``.
    Kept so ranking 100k profiles does not aggregate history on every gig."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    rating_sum: int = 0
    rating_count: int = 0
    approved: int = 0
    on_time: int = 0
    late_or_abandoned: int = 0
    disputes_lost: int = 0
    live_claims: int = 0


class Community(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("platform", "platform_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    platform_id: str = Field(max_length=64)  # guild id / group chat id
    name: str = Field(max_length=100)
    board_channel_id: str | None = Field(default=None, max_length=64)
    moderator_role_id: str | None = Field(default=None, max_length=64)
    visibility: str = Field(default="public", max_length=16)  # public | members
    fee_bps: int | None = None
    min_hourly_rate_minor: int | None = None  # fair-pay floor, off unless set
    deliver_hours: int | None = None
    review_hours: int | None = None
    dispute_hours: int | None = None
    dispute_decide_hours: int | None = None  # a dispute left undecided this long is settled
    dispute_answer_hours: int | None = None  # the time the parties have for their statements
    dispute_fallback_bps: int | None = None  # the freelancer's share when nobody decides
    listing_days: int | None = None
    max_revisions: int | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id")
    language: str = Field(default="en", max_length=8)  # of the board's cards and posts


class CommunityMember(SQLModel, table=True):
    community_id: int = Field(foreign_key="community.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    role: str = Field(default="member", max_length=16)  # member | moderator | banned


class Block(SQLModel, table=True):
    blocker_id: int = Field(foreign_key="user.id", primary_key=True)
    blocked_id: int = Field(foreign_key="user.id", primary_key=True)
