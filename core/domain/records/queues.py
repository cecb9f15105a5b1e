"""Durable work and conversation memory: timers with due times, the outbox of
notifications and payment commands (and each freelancer's hourly push budget),
the platforms' send budgets shared by every process, users' direct-message channels,
the inbox of platform updates not yet processed (and the events a process
has claimed, so no other acts on them), resumable form state, and the platform message ids of cards that are
edited in place."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.domain.clock import utcnow


class Timer(SQLModel, table=True):
    __table_args__ = (Index("ix_timer_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    due_at: datetime
    gig_id: int | None = None
    claim_id: int | None = None
    community_id: int | None = None  # a community's own timer (its weekly summary)
    # A timer is tied to the object version it was set for; a later change makes it obsolete.
    dedup_key: str = Field(max_length=96, unique=True)
    status: str = Field(default="pending", max_length=12)  # pending | done | cancelled
    done_at: datetime | None = None


class OutboxMessage(SQLModel, table=True):
    __table_args__ = (Index("ix_outbox_ready", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)  # notify | payment
    event: str = Field(max_length=48)
    recipient_id: int | None = None
    payload: str = Field(sa_column=Column(Text, nullable=False))
    dedup_key: str = Field(max_length=128, unique=True)
    status: str = Field(default="pending", max_length=12)  # pending | done | dead
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None


class InboundUpdate(SQLModel, table=True):
    """A platform update, stored before the platform is told it arrived (the polling
    offset confirmed, the webhook answered), so a killed process loses none."""

    __table_args__ = (UniqueConstraint("platform", "key"),
                      Index("ix_inbound_unfinished", "platform", "status", "id"),
                      Index("ix_inbound_sender", "platform", "sender", "status"))
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    key: str = Field(max_length=64)  # the platform's id of the update
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=12)  # pending | done | dead
    attempts: int = 0  # processing starts after a restart; a poison update ends dead
    received_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None
    # whose update it is (e.g. "user:42"): one sender's updates are handled in order,
    # by one process at a time, which holds them leased while it handles them
    sender: str | None = Field(default=None, max_length=64)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = None


class ClaimedEvent(SQLModel, table=True):
    """A platform event (a Discord interaction or message) one process has taken: the
    unique key makes every other process that receives the same event leave it."""

    __table_args__ = (UniqueConstraint("platform", "key"),
                      Index("ix_claimedevent_at", "claimed_at"))
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    key: str = Field(max_length=64)  # e.g. "interaction:1234", "message:5678"
    owner: str = Field(max_length=64)
    claimed_at: datetime = Field(default_factory=utcnow)


class PushBudget(SQLModel, table=True):
    """How many "new gig for you" pushes a freelancer got in the current hour, and
    how many matches were held past the cap (one digest goes out for them)."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    window_start: datetime
    sent: int = 0
    held: int = 0


class SendBudget(SQLModel, table=True):
    """One of a platform's rate limits, shared by every process on this database
    (``core.storage.send_budget``): a GCRA bucket whose ``tat`` (the theoretical
    arrival time of the next request, in seconds of the database's clock) each send
    pushes forward; a 429's retry_after pushes it past the pause."""

    key: str = Field(primary_key=True, max_length=96)  # e.g. telegram:global, telegram:chat:42
    tat: float = 0.0


class DirectChannel(SQLModel, table=True):
    """A user's direct-message channel on a platform (Discord's DM channel id), so a
    DM to someone already contacted costs one request, in every process."""

    platform: str = Field(primary_key=True, max_length=16)
    platform_user_id: str = Field(primary_key=True, max_length=64)
    channel_id: str = Field(max_length=64)


class ConversationState(SQLModel, table=True):
    """A half-filled form (or other step-by-step state) of one user on one platform."""

    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    platform_user_id: str = Field(max_length=64)
    form: str = Field(max_length=32)
    step: int = 0
    values_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    context_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 0  # bumped by every save: a save names the version it read (CAS)


class MessageRef(SQLModel, table=True):
    """Where a card lives on a platform, so it can be edited in place."""

    __table_args__ = (UniqueConstraint("platform", "chat_id", "message_id"),)  # one per message
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    card_key: str = Field(max_length=64, index=True)  # e.g. "gig:42"
    chat_id: str = Field(max_length=64)
    message_id: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)
