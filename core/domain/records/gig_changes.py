"""Changes a client makes to a gig after posting it that need their own rows:
money added later (more slots, a tip), paid through a payment request like
funding, and a gig's repetition every N days."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.domain.clock import utcnow


class GigExtra(SQLModel, table=True):
    """Money added to a funded gig: ``slots`` more slots (rewards + their fee), or a
    tip for the freelancer of an approved claim. Nothing changes on the gig or in
    the ledger until its payment is confirmed (``status`` awaiting_payment -> paid,
    or refunded when it arrives after the gig closed)."""

    id: int | None = Field(default=None, primary_key=True)
    gig_id: int = Field(foreign_key="gig.id", index=True)
    client_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=8)  # slots | tip
    claim_id: int | None = Field(default=None, foreign_key="claim.id")  # a tip's claim
    slots: int = 0
    reward_minor: int  # rewards of the new slots, or the tip
    fee_minor: int = 0  # the platform fee of the new slots (tips carry none)
    currency: str = Field(max_length=3)
    status: str = Field(default="awaiting_payment", max_length=16)
    provider_ref: str | None = Field(default=None, max_length=128, unique=True)
    funding_ref: str | None = Field(default=None, max_length=128)  # the charge that paid it
    created_at: datetime = Field(default_factory=utcnow)
    paid_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.reward_minor + self.fee_minor


class GigRecurrence(SQLModel, table=True):
    """Post a copy of gig ``gig_id`` every ``every_days`` days, as an unpaid gig the
    client pays like any new one, until stopped."""

    __table_args__ = (Index("ix_gigrecurrence_due", "active", "next_at"),)
    id: int | None = Field(default=None, primary_key=True)
    gig_id: int = Field(foreign_key="gig.id", unique=True)
    client_id: int = Field(foreign_key="user.id")
    every_days: int
    next_at: datetime
    active: bool = True
    copies: int = 0
    last_gig_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    stopped_at: datetime | None = None
