"""Core's domain events: what happened, as frozen dataclasses with typed fields,
queued in the transaction with ``Tx.emit`` and delivered by the outbox to the
conversation layer's renderers. Each event carries its recipient (None: not a
person, e.g. a board card) and what its renderer needs: ids, amounts in minor
units, currency, reasons. ``type_name`` is the stable name stored in the outbox
row's ``event`` column (the fields go to ``payload`` as JSON); ``EVENT_TYPES``
maps those names back to the classes."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

EVENT_TYPES: dict[str, type["Event"]] = {}


@dataclass(frozen=True, kw_only=True)
class Event:
    type_name: ClassVar[str] = ""
    recipient_id: int | None

    def __init_subclass__(cls, *, type_name: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if type_name:
            if type_name in EVENT_TYPES:
                raise TypeError(f"event type {type_name!r} registered twice")
            cls.type_name = type_name
            EVENT_TYPES[type_name] = cls

    def payload(self) -> dict[str, Any]:
        """The fields the outbox stores as JSON (the recipient has its own column)."""
        data = asdict(self)
        del data["recipient_id"]
        return data

    def dedup_key(self, key: str) -> str:
        """Unique per event, recipient and cause (``key``)."""
        return f"{self.type_name}:{self.recipient_id}:{key}"


def event_from(type_name: str, recipient_id: int | None, payload: dict[str, Any]) -> Event:
    """Rebuild an event from its outbox row; KeyError for an unknown type name."""
    cls = EVENT_TYPES[type_name]
    known = {f.name for f in fields(cls)}
    return cls(recipient_id=recipient_id, **{k: v for k, v in payload.items() if k in known})


# -- gigs ----------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class GigOpened(Event, type_name="gig.opened"):
    gig_id: int


@dataclass(frozen=True, kw_only=True)
class GigMatched(Event, type_name="gig.matched"):
    gig_id: int
    score: float


@dataclass(frozen=True, kw_only=True)
class GigPushesHeld(Event, type_name="gig.pushes_held"):
    """More gigs matched this freelancer in an hour than ``per_hour`` pushes; the rest
    were held, and this one digest goes out when the hour ends."""

    per_hour: int


@dataclass(frozen=True, kw_only=True)
class GigClosed(Event):
    """A gig closed before all its slots were done (cancelled or expired)."""
    gig_id: int
    refunded_slots: int
    refund_minor: int
    live_claims: int


@dataclass(frozen=True, kw_only=True)
class GigCancelled(GigClosed, type_name="gig.cancelled"):
    pass


@dataclass(frozen=True, kw_only=True)
class GigExpired(GigClosed, type_name="gig.expired"):
    pass


@dataclass(frozen=True, kw_only=True)
class LatePaymentRefunded(Event, type_name="gig.payment_refunded"):
    gig_id: int
    amount_minor: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class GigCompleted(Event, type_name="gig.completed"):
    gig_id: int


@dataclass(frozen=True, kw_only=True)
class GigCardChanged(Event, type_name="gig.card_changed"):
    """Boards and chats showing this gig's card should re-render it (no recipient)."""
    gig_id: int
    community_id: int | None
    version: int

    def dedup_key(self, key: str) -> str:
        return key


# -- slots, claims, deliveries -------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class SlotClaimed(Event, type_name="claim.created"):
    """To the client: someone claimed a slot of their gig."""
    gig_id: int
    claim_id: int
    freelancer_id: int


@dataclass(frozen=True, kw_only=True)
class SlotClaimConfirmed(Event, type_name="claim.confirmed"):
    """To the freelancer: the slot is theirs, deliver by ``deadline_at`` (ISO 8601)."""
    gig_id: int
    claim_id: int
    deadline_at: str


@dataclass(frozen=True, kw_only=True)
class QueueWorkStarted(Event, type_name="queue.work_started"):
    """To the client: a freelancer took their first item of a queue gig (item
    ``item_no`` of ``items``); the items they take after it show on the gig's card
    rather than in one message each."""
    gig_id: int
    claim_id: int
    freelancer_id: int
    item_no: int
    items: int


@dataclass(frozen=True, kw_only=True)
class ApplicationReceived(Event, type_name="application.received"):
    gig_id: int
    application_id: int
    freelancer_id: int
    pitch: str = ""  # what the applicant wrote, shown to the client with their reputation


@dataclass(frozen=True, kw_only=True)
class ApplicationAccepted(Event, type_name="application.accepted"):
    gig_id: int
    application_id: int


@dataclass(frozen=True, kw_only=True)
class ApplicationDeclined(Event, type_name="application.declined"):
    gig_id: int
    application_id: int


@dataclass(frozen=True, kw_only=True)
class ApplicationClosed(Event, type_name="application.closed"):
    """A pending application ends unpicked: the slots filled (``filled``) or the gig
    stopped taking anyone (``closed``)."""
    gig_id: int
    application_id: int
    reason: str = "filled"


@dataclass(frozen=True, kw_only=True)
class DeliverySubmitted(Event, type_name="delivery.submitted"):
    gig_id: int
    claim_id: int
    delivery_id: int
    freelancer_id: int
    revision_no: int


@dataclass(frozen=True, kw_only=True)
class RevisionRequested(Event, type_name="revision.requested"):
    gig_id: int
    claim_id: int
    note: str | None
    revisions_left: int


@dataclass(frozen=True, kw_only=True)
class ClaimApproved(Event, type_name="claim.approved"):
    gig_id: int
    claim_id: int
    amount_minor: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class ClaimAutoApproved(ClaimApproved, type_name="claim.auto_approved"):
    """The review window ran out: approved without the client."""


@dataclass(frozen=True, kw_only=True)
class ClaimRejected(Event, type_name="claim.rejected"):
    gig_id: int
    claim_id: int
    reason: str | None
    dispute_due_at: str


@dataclass(frozen=True, kw_only=True)
class SlotRefunded(Event, type_name="claim.refunded"):
    gig_id: int
    claim_id: int
    amount_minor: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class ClaimAbandoned(Event, type_name="claim.abandoned"):
    gig_id: int
    claim_id: int


@dataclass(frozen=True, kw_only=True)
class ClaimWithdrawn(Event, type_name="claim.withdrawn"):
    gig_id: int
    claim_id: int


@dataclass(frozen=True, kw_only=True)
class DeadlineReminderDue(Event, type_name="reminder.deadline"):
    gig_id: int
    claim_id: int
    due_at: str


@dataclass(frozen=True, kw_only=True)
class ReviewReminderDue(Event, type_name="reminder.review"):
    gig_id: int
    claim_id: int
    due_at: str


# -- disputes, ratings, moderation --------------------------------------------

@dataclass(frozen=True, kw_only=True)
class DisputeOpened(Event, type_name="dispute.opened"):
    gig_id: int
    claim_id: int
    dispute_id: int
    for_moderator: bool = False
    # The rule stated up front: undecided by ``decide_by`` (ISO time), the freelancer
    # gets ``fallback_share`` and the client the rest.
    decide_by: str | None = None
    fallback_share: int | None = None
    as_staff: bool = False  # no moderator of the board can act: platform staff decide
    answer_by: str | None = None  # ISO time: until then each party may add one statement


@dataclass(frozen=True, kw_only=True)
class DisputeStatementAdded(Event, type_name="dispute.statement_added"):
    """A party added their statement: to the other party, and to the deciders (who
    get the whole packet again, with the statement in it)."""
    gig_id: int
    claim_id: int
    dispute_id: int
    author_role: str  # client | freelancer
    for_moderator: bool = False
    as_staff: bool = False


@dataclass(frozen=True, kw_only=True)
class DisputeAnswerClosed(Event, type_name="dispute.answer_closed"):
    """To the deciders: the parties' time to answer is over (``missing``: the roles,
    comma-separated, that added no statement); the packet is complete."""
    gig_id: int
    claim_id: int
    dispute_id: int
    missing: str = ""
    as_staff: bool = False


@dataclass(frozen=True, kw_only=True)
class DisputeResolved(Event, type_name="dispute.resolved"):
    gig_id: int
    claim_id: int
    freelancer_share: int
    client_share: int
    currency: str
    note: str | None
    by_deadline: bool = False  # nobody decided in time: settled by the stated rule


@dataclass(frozen=True, kw_only=True)
class RatingReceived(Event, type_name="rating.received"):
    gig_id: int
    claim_id: int
    stars: int


@dataclass(frozen=True, kw_only=True)
class MemberBanned(Event, type_name="member.banned"):
    community_id: int


@dataclass(frozen=True, kw_only=True)
class WeeklySummaryDue(Event, type_name="board.weekly_summary"):
    """To a board (no recipient): its weekly summary is due (core.lifecycle.board_summary)."""
    community_id: int
    week_of: str  # the ISO date it fired


# -- money ---------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class MoneySent(Event):
    gig_id: int | None
    claim_id: int | None
    amount_minor: int
    currency: str
    ref: str | None


@dataclass(frozen=True, kw_only=True)
class ReceiptIssued(Event, type_name="receipt.issued"):
    """Money moved for the recipient (they paid, were paid out or refunded): their PDF
    receipt of ledger entry ``entry_id``, sent unless they turned automatic receipts off."""
    gig_id: int
    entry_id: int
    kind: str  # payment | payout | refund


@dataclass(frozen=True, kw_only=True)
class PayoutSent(MoneySent, type_name="payout.sent"):
    pass


@dataclass(frozen=True, kw_only=True)
class RefundSent(MoneySent, type_name="refund.sent"):
    pass


@dataclass(frozen=True, kw_only=True)
class PayoutsUnlocked(Event, type_name="payout.unlocked"):
    transfers: int


@dataclass(frozen=True, kw_only=True)
class PayoutFailed(Event, type_name="payout.failed"):
    reason: str
    amount_minor: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class PayoutsDisabled(Event, type_name="payout.disabled"):
    pass


@dataclass(frozen=True, kw_only=True)
class PayoutReversed(Event, type_name="payout.reversed"):
    gig_id: int
    amount_minor: int
    currency: str
    for_moderator: bool = False
    freelancer_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ExternalRefundMade(Event, type_name="refund.external"):
    gig_id: int
    amount_minor: int
    currency: str
    slots: int


@dataclass(frozen=True, kw_only=True)
class RefundNeedsDecision(Event, type_name="refund.adjustment"):
    """Staff: a refund made outside gigbroker exceeds the unclaimed slots."""
    gig_id: int
    amount_minor: int
    currency: str
    ref: str
    for_moderator: bool = True


@dataclass(frozen=True, kw_only=True)
class ChargebackOpened(Event, type_name="payment.chargeback"):
    gig_id: int
    amount_minor: int
    currency: str
    owed: int
    client_id: int
    for_moderator: bool = True


@dataclass(frozen=True, kw_only=True)
class PaymentUnallocated(Event, type_name="payment.unallocated"):
    gig_id: int
    amount_minor: int
    currency: str
    reason: str
    for_moderator: bool = True


# -- a live gig managed by its client (core.lifecycle.gig_changes) -------------------

@dataclass(frozen=True, kw_only=True)
class GigEdited(Event, type_name="gig.edited"):
    """To someone who applied: the client changed the title or description."""
    gig_id: int


@dataclass(frozen=True, kw_only=True)
class SlotsAdded(Event, type_name="gig.slots_added"):
    """To the client: the payment for ``added`` more slots arrived; they are open."""
    gig_id: int
    added: int
    slots: int
    amount_minor: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class ExtraPaymentRefunded(Event, type_name="gig.extra_refunded"):
    """To the client: a payment for more slots or a tip came after the gig (or the
    claim) could no longer take it, so all of it goes back."""
    gig_id: int
    kind: str  # slots | tip
    amount_minor: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class DeadlineExtended(Event, type_name="claim.deadline_extended"):
    """To the freelancer: the client gave them until ``deadline_at`` (ISO 8601)."""
    gig_id: int
    claim_id: int
    deadline_at: str


@dataclass(frozen=True, kw_only=True)
class TipReceived(Event, type_name="claim.tip_received"):
    """To the freelancer: the client tipped them for an approved claim."""
    gig_id: int
    claim_id: int
    amount_minor: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class TipSent(Event, type_name="claim.tip_sent"):
    """To the client: their tip was paid and is on its way to the freelancer."""
    gig_id: int
    claim_id: int
    freelancer_id: int
    amount_minor: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class RecurringGigPosted(Event, type_name="gig.recurring_posted"):
    """To the client: the next copy of a recurring gig is posted and waits for payment."""
    gig_id: int
    source_gig_id: int
    every_days: int


# -- badges (core.lifecycle.badges) ------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class BadgeEarned(Event, type_name="badge.earned"):
    """To the freelancer: their approved qualification gig earned them the
    community's ``skill`` badge (and, with ``role``, its platform role)."""
    community_id: int
    skill: str
    gig_id: int
    claim_id: int
    role: bool = False


@dataclass(frozen=True, kw_only=True)
class BadgeRevoked(Event, type_name="badge.revoked"):
    """To the freelancer: a moderator took the community's ``skill`` badge back."""
    community_id: int
    skill: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class BadgeRoleRefused(Event, type_name="badge.role_refused"):
    """To the community's moderators, once until it works again: the platform
    refused to give (or take back) the badge's role. ``problem``: missing_permissions
    (the bot lacks Manage Roles or its role is not above ``role_name``) or
    unknown_role (the role was deleted)."""
    community_id: int
    skill: str
    problem: str
    role_name: str = ""
    bot_role_name: str = ""
    member_name: str = ""
    removing: bool = False  # taking the role back (a revoked badge), not giving it
    for_moderator: bool = True
