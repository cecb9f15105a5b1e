"""The notification port: what the outbox worker hands to whoever delivers
notifications to people and boards (the conversation layer's delivery layer),
and the platform effects that go the same way (``RoleChange``: give or take a
member's role on the community's platform),
how that side asks for a later retry, and how it says a notification can never
be delivered (``Undeliverable``: the outbox keeps it as a dead letter)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.events import Event


@dataclass(frozen=True)
class RoleChange:
    """A platform effect, not a message: give (``grant``) or take back the role
    ``role_id`` of member ``user_id`` in community ``community_id`` (a badge's role).
    The dispatcher reports the outcome with ``Engine.role_change_done`` or
    ``Engine.role_change_refused``; any other failure is retried by the outbox."""
    community_id: int
    user_id: int
    role_id: str
    grant: bool
    badge_id: int
    member_badge_id: int


@dataclass(frozen=True)
class Notification:
    id: int
    event: str
    recipient_id: int | None  # None: not a person (a board card update)
    data: dict[str, Any]
    dedup_key: str
    created_at: datetime
    happened: Event | None = None  # the typed domain event ``event``/``data`` describe
    effect: RoleChange | None = None  # a platform effect instead of a message


class NotificationDispatcher(Protocol):
    async def deliver(self, note: Notification) -> None:
        """Deliver or raise (the worker retries). Must tolerate duplicates by dedup_key."""


class RetryLater(Exception):
    """A dispatcher asks to be tried again after ``seconds`` (e.g. a platform 429)."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds}s")
        self.seconds = seconds


class Undeliverable(Exception):
    """A dispatcher cannot deliver this notification at all (e.g. no renderer knows
    its event): the worker puts it in the dead-letter state at once, no retries."""
