"""What a moderator reads to decide a dispute: the gig, the claim with its
timestamps (claimed, delivered, rejected), the client's rejection reason, the
freelancer's dispute reason, every delivery revision in order, and the rule that
settles the dispute if nobody decides by its deadline."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.domain.errors import NotAllowed, NotFound
from core.domain.records import AuditEvent, Claim, Delivery, Dispute, Gig, User


@dataclass(frozen=True)
class DeliveryRevision:
    revision_no: int
    at: datetime
    text: str
    links: list[str]
    file_names: list[str]


@dataclass(frozen=True)
class DisputePacket:
    gig: Gig
    claim: Claim
    dispute: Dispute
    client_name: str
    freelancer_name: str
    deliveries: list[DeliveryRevision]
    revision_requests: list[tuple[datetime, str]]  # when the client asked, and what

    @property
    def fallback_client_share(self) -> int:
        return self.gig.reward_minor - (self.dispute.fallback_share_minor or 0)


def dispute_packet(tx, claim_id: int, viewer_id: int | None = None) -> DisputePacket:
    """The whole dispute of ``claim_id``; ``viewer_id`` (when given) must be able to
    decide it or be a party to it."""
    claim = tx.claim(claim_id, lock=False)
    gig = tx.s.get(Gig, claim.gig_id)
    dispute = tx.s.scalar(select(Dispute).where(Dispute.claim_id == claim_id))
    if dispute is None:
        raise NotFound("Claim #{claim_id} has no dispute.", claim_id=claim_id)
    if viewer_id is not None and viewer_id not in (gig.client_id, claim.freelancer_id) \
            and not tx.is_moderator(viewer_id, gig.community_id):
        raise NotAllowed("Only moderators and the two parties can read a dispute.")
    deliveries = [
        DeliveryRevision(d.revision_no, d.created_at, d.text,
                         [u for u in d.links.split("\n") if u],
                         [str(f.get("name") or "file") for f in json.loads(d.files_json or "[]")])
        for d in tx.s.scalars(select(Delivery).where(Delivery.claim_id == claim_id)
                              .order_by(Delivery.id))]
    # The client's revision notes are kept in the audit trail (request_revision).
    asks = [(a.at, a.detail) for a in tx.s.scalars(
        select(AuditEvent).where(AuditEvent.claim_id == claim_id,
                                 AuditEvent.action == "request_revision").order_by(AuditEvent.id))]
    return DisputePacket(gig=gig, claim=claim, dispute=dispute,
                         client_name=tx.s.get(User, gig.client_id).display_name,
                         freelancer_name=tx.s.get(User, claim.freelancer_id).display_name,
                         deliveries=deliveries, revision_requests=asks)
