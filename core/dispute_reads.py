"""What a moderator reads to decide a dispute: the gig, the claim with its
timestamps (claimed, delivered, rejected), the client's rejection reason, the
freelancer's dispute reason, every delivery revision in order, each party's one
statement with its evidence, both parties' history (completed work, disputes won
and lost) and the rule that settles the dispute if nobody decides by its deadline."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select

from core.domain.errors import NotAllowed, NotFound
from core.domain.records import (
    AuditEvent, Claim, ClaimStatus, Delivery, Dispute, DisputeStatement, Gig, User,
)

DONE = (ClaimStatus.approved, ClaimStatus.auto_approved)


@dataclass(frozen=True)
class DeliveryRevision:
    revision_no: int
    at: datetime
    text: str
    links: list[str]
    file_names: list[str]
    files: list[dict] = field(default_factory=list)  # the platform file references


@dataclass(frozen=True)
class PartyStatement:
    role: str  # client | freelancer
    name: str
    at: datetime
    text: str
    files: list[dict]


@dataclass(frozen=True)
class PartyHistory:
    """Someone's record before this dispute: work approved (as freelancer or client)
    and disputes settled, from their side (won: more than half went their way)."""
    completed: int
    won: int
    lost: int
    split: int


@dataclass(frozen=True)
class DisputePacket:
    gig: Gig
    claim: Claim
    dispute: Dispute
    client_name: str
    freelancer_name: str
    deliveries: list[DeliveryRevision]
    revision_requests: list[tuple[datetime, str]]  # when the client asked, and what
    statements: list[PartyStatement] = field(default_factory=list)
    client_history: PartyHistory | None = None
    freelancer_history: PartyHistory | None = None

    def statement_of(self, role: str) -> PartyStatement | None:
        return next((st for st in self.statements if st.role == role), None)

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
                         [str(f.get("name") or "file") for f in json.loads(d.files_json or "[]")],
                         json.loads(d.files_json or "[]"))
        for d in tx.s.scalars(select(Delivery).where(Delivery.claim_id == claim_id)
                              .order_by(Delivery.id))]
    # The client's revision notes are kept in the audit trail (request_revision).
    asks = [(a.at, a.detail) for a in tx.s.scalars(
        select(AuditEvent).where(AuditEvent.claim_id == claim_id,
                                 AuditEvent.action == "request_revision").order_by(AuditEvent.id))]
    names = {gig.client_id: tx.s.get(User, gig.client_id).display_name,
             claim.freelancer_id: tx.s.get(User, claim.freelancer_id).display_name}
    statements = [PartyStatement(st.role, names.get(st.author_id, "?"), st.created_at, st.text,
                                 json.loads(st.files_json or "[]"))
                  for st in tx.s.scalars(select(DisputeStatement).where(
                      DisputeStatement.dispute_id == dispute.id).order_by(DisputeStatement.id))]
    return DisputePacket(gig=gig, claim=claim, dispute=dispute,
                         client_name=names[gig.client_id],
                         freelancer_name=names[claim.freelancer_id],
                         deliveries=deliveries, revision_requests=asks, statements=statements,
                         client_history=party_history(tx.s, gig.client_id, claim.id),
                         freelancer_history=party_history(tx.s, claim.freelancer_id, claim.id))


def party_history(s, user_id: int, except_claim: int | None = None) -> PartyHistory:
    """``user_id``'s completed work and settled disputes (other than ``except_claim``'s)."""
    mine = or_(Gig.client_id == user_id, Claim.freelancer_id == user_id)
    other = Claim.id != except_claim if except_claim is not None else True
    completed = s.scalar(select(func.count()).select_from(Claim).join(Gig, Gig.id == Claim.gig_id)
                         .where(mine, other, Claim.status.in_(DONE))) or 0
    won = lost = split = 0
    for client_id, share, reward in s.execute(
            select(Gig.client_id, Dispute.freelancer_share_minor, Gig.reward_minor)
            .select_from(Dispute).join(Claim, Claim.id == Dispute.claim_id)
            .join(Gig, Gig.id == Claim.gig_id)
            .where(mine, other, Dispute.status == "resolved")):
        mine_part = reward - (share or 0) if client_id == user_id else (share or 0)
        if mine_part * 2 > reward:
            won += 1
        elif mine_part * 2 < reward:
            lost += 1
        else:
            split += 1
    return PartyHistory(completed=int(completed), won=won, lost=lost, split=split)
