"""Gigs and the work on them: claims (one slot each), applications, deliveries,
disputes, ratings and the audit trail of every transition."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from core.domain.clock import utcnow
from core.domain.money import Price


class GigStatus(StrEnum):
    draft = "draft"
    awaiting_funding = "awaiting_funding"
    open = "open"
    completed = "completed"
    cancelled = "cancelled"
    expired = "expired"


class GigMode(StrEnum):
    claim = "claim"  # first come, first served
    apply = "apply"  # the client picks among applicants


class ClaimStatus(StrEnum):
    active = "active"
    delivered = "delivered"
    revision_requested = "revision_requested"
    approved = "approved"
    auto_approved = "auto_approved"
    rejected = "rejected"
    disputed = "disputed"
    resolved = "resolved"
    refunded = "refunded"  # rejected and not disputed in time
    withdrawn = "withdrawn"
    abandoned = "abandoned"


LIVE_CLAIM_STATES = (
    ClaimStatus.active, ClaimStatus.delivered, ClaimStatus.revision_requested,
    ClaimStatus.rejected, ClaimStatus.disputed,
)
# States in which a claim occupies its slot number for good or for now.
SLOT_HOLDING_STATES = LIVE_CLAIM_STATES + (
    ClaimStatus.approved, ClaimStatus.auto_approved, ClaimStatus.resolved, ClaimStatus.refunded,
)
# States in which a freelancer is working on a slot (not waiting for the client).
WORKING_CLAIM_STATES = (ClaimStatus.active, ClaimStatus.revision_requested)
_active_sql = f"'{ClaimStatus.active.value}'"
_holding_sql = ", ".join(f"'{s.value}'" for s in SLOT_HOLDING_STATES)


class Gig(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    community_id: int | None = Field(default=None, foreign_key="community.id", index=True)
    title: str = Field(max_length=120)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    skills: str = Field(default="", max_length=512)
    currency: str = Field(max_length=3)
    reward_minor: int  # per slot
    fee_per_slot: int = 0
    slots: int = 1
    slots_live: int = 0  # slots held by a live claim
    slots_settled: int = 0  # slots paid, refunded or split: no longer in escrow
    mode: str = Field(default=GigMode.claim, max_length=8)
    deliver_seconds: int = 24 * 3600
    review_seconds: int = 72 * 3600
    dispute_seconds: int = 72 * 3600
    listing_seconds: int = 7 * 24 * 3600
    max_revisions: int = 2
    estimated_minutes: int | None = None
    # One freelancer may take several slots (one at a time); without it a multi-slot
    # gig takes N different freelancers, one slot each. A queue of items has it on
    # unless the client said repeat=no.
    repeat: bool = False
    item_count: int = 0  # a queue: how many items (GigItem rows); 0 for N identical slots
    # Badges (core.lifecycle.badges): approving a claim of a qualification gig grants
    # the community's badge for ``qualifies_skill``; only holders of the community's
    # ``requires_badge`` badge may claim or apply.
    qualifies_skill: str | None = Field(default=None, max_length=32)
    requires_badge: str | None = Field(default=None, max_length=32)
    status: str = Field(default=GigStatus.awaiting_funding, max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    funded_at: datetime | None = None
    expires_at: datetime | None = None
    closed_at: datetime | None = None
    funding_ref: str | None = Field(default=None, max_length=128)  # provider charge/payment id
    version: int = 1  # bumps on every change: buttons carry it to spot stale presses

    @property
    def slots_open(self) -> int:
        return self.slots - self.slots_live - self.slots_settled

    @property
    def price(self) -> Price:
        """What funding this gig costs the client (rewards + fees of every slot)."""
        return Price(self.reward_minor, self.slots, self.fee_per_slot, self.currency)


class Claim(SQLModel, table=True):
    __table_args__ = (
        # A freelancer works on at most one slot of a gig at a time (on a gig without
        # repeat the claim path allows one slot per freelancer at all); a slot has at
        # most one holder.
        Index("uq_claim_active_per_freelancer", "gig_id", "freelancer_id", unique=True,
              sqlite_where=text(f"status IN ({_active_sql})"),
              postgresql_where=text(f"status IN ({_active_sql})")),
        Index("uq_claim_slot_holder", "gig_id", "slot_no", unique=True,
              sqlite_where=text(f"status IN ({_holding_sql})"),
              postgresql_where=text(f"status IN ({_holding_sql})")),
    )
    id: int | None = Field(default=None, primary_key=True)
    gig_id: int = Field(foreign_key="gig.id", index=True)
    freelancer_id: int = Field(foreign_key="user.id", index=True)
    slot_no: int
    status: str = Field(default=ClaimStatus.active, max_length=20)
    claimed_at: datetime = Field(default_factory=utcnow)
    deadline_at: datetime
    delivered_at: datetime | None = None
    review_due_at: datetime | None = None
    revisions_used: int = 0
    rejected_at: datetime | None = None
    reject_reason: str | None = Field(default=None, max_length=1000)
    dispute_due_at: datetime | None = None
    settled_at: datetime | None = None
    paid_minor: int = 0  # what the freelancer got for this slot
    version: int = 1


class Application(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("gig_id", "freelancer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    gig_id: int = Field(foreign_key="gig.id", index=True)
    freelancer_id: int = Field(foreign_key="user.id")
    pitch: str = Field(default="", max_length=1000)
    status: str = Field(default="pending", max_length=16)  # pending|accepted|declined|closed|withdrawn
    created_at: datetime = Field(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    revision_no: int = 0
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    links: str = Field(default="", max_length=2000)  # newline-separated
    files_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    created_at: datetime = Field(default_factory=utcnow)


class Dispute(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", unique=True)
    opened_by: int = Field(foreign_key="user.id")
    reason: str = Field(default="", max_length=2000)
    status: str = Field(default="open", max_length=16)  # open | resolved
    resolver_id: int | None = Field(default=None, foreign_key="user.id")
    freelancer_share_minor: int | None = None
    note: str = Field(default="", max_length=2000)
    opened_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    # Stated when the dispute opens: past ``decide_by`` with no moderator's decision,
    # the clock settles it giving the freelancer ``fallback_share_minor``.
    decide_by: datetime | None = None
    fallback_share_minor: int | None = None
    # Until then each party may add one statement with evidence (DisputeStatement).
    answer_by: datetime | None = None


class DisputeStatement(SQLModel, table=True):
    """A party's one statement on a dispute, with its evidence files (platform file
    references, like a delivery's)."""

    __table_args__ = (UniqueConstraint("dispute_id", "author_id"),)
    id: int | None = Field(default=None, primary_key=True)
    dispute_id: int = Field(foreign_key="dispute.id")
    author_id: int = Field(foreign_key="user.id")
    role: str = Field(max_length=16)  # client | freelancer
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    files_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    created_at: datetime = Field(default_factory=utcnow)


class Rating(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("claim_id", "rater_id"),)
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id")
    rater_id: int = Field(foreign_key="user.id")
    ratee_id: int = Field(foreign_key="user.id", index=True)
    stars: int
    comment: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = None  # None: the system clock
    actor_role: str = Field(max_length=16)
    action: str = Field(max_length=32)
    gig_id: int | None = Field(default=None, index=True)
    claim_id: int | None = None
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str | None = Field(default=None, max_length=20)
    detail: str = Field(default="", max_length=2000)
