"""What one person may do now with a claim or a gig, read without writing: asked
before a form's first question (so nobody types a reason for an action that
will be refused) and to show a viewer only the buttons they can use.

The refusals are the ones the transitions raise (same types, same message ids);
the transitions still check again when they run, since state can change between
the question and the answer."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from core.domain.errors import (
    AlreadyClaimed, DomainError, InvalidTransition, NoSlotLeft, NotAllowed, Plural,
)
from core.domain.records import Application, Claim, ClaimStatus, Gig, GigMode
from core.lifecycle.slots import another_slot_refusal, check_eligible
from core.lifecycle.tx import Tx

DOING = {"deliver": "delivered", "withdraw": "withdrawn", "approve": "approved",
         "reject": "rejected", "revise": "sent back for a revision", "dispute": "disputed"}
_CLIENT_ACTIONS = {"approve", "reject", "revise"}
_STATES = {
    "deliver": (ClaimStatus.active, ClaimStatus.revision_requested),
    "withdraw": (ClaimStatus.active, ClaimStatus.revision_requested),
    "approve": (ClaimStatus.delivered,), "reject": (ClaimStatus.delivered,),
    "revise": (ClaimStatus.delivered,), "dispute": (ClaimStatus.rejected,),
}
CLAIM_ACTIONS = tuple(_STATES)


def claim_refusal(claim: Claim, gig: Gig, actor_id: int, action: str) -> DomainError | None:
    """Why ``actor_id`` may not do ``action`` (a key of ``DOING``) on this claim now,
    or None when they may."""
    if action not in _STATES:
        raise ValueError(f"unknown claim action {action!r}")
    if action in _CLIENT_ACTIONS:
        if gig.client_id != actor_id:
            return NotAllowed("Only the client who posted this gig can do that.")
    elif claim.freelancer_id != actor_id:
        if action == "dispute":
            return NotAllowed("Only the freelancer whose delivery was rejected can dispute it.")
        return NotAllowed("Only the freelancer who claimed this slot can do that.")
    if claim.status not in _STATES[action]:
        return InvalidTransition("Claim #{claim_id} is {state}; it cannot be {doing} now.",
                                 claim_id=claim.id, state=claim.status.replace("_", " "),
                                 doing=DOING[action], status=claim.status)
    if action == "revise" and claim.revisions_used >= gig.max_revisions:
        return InvalidTransition(Plural(
            "The {max_revisions} revision allowed is used; approve or reject this delivery.",
            "All {max_revisions} revisions are used; approve or reject this delivery.",
            count="max_revisions"), max_revisions=gig.max_revisions, limit=gig.max_revisions)
    return None


def claim_actions(claim: Claim, gig: Gig, actor_id: int) -> frozenset[str]:
    return frozenset(a for a in CLAIM_ACTIONS if claim_refusal(claim, gig, actor_id, a) is None)


def check_claim_action(tx: Tx, actor_id: int, claim_id: int, action: str) -> Claim:
    claim = tx.claim(claim_id, lock=False)
    refusal = claim_refusal(claim, tx.gig(claim.gig_id), actor_id, action)
    if refusal is not None:
        raise refusal
    return claim


def take_refusal(tx: Tx, actor_id: int, gig_id: int) -> DomainError | None:
    """Why this person may not claim (or apply for) a slot of this gig now, or None."""
    try:
        facts = check_eligible(tx, gig_id, actor_id)
    except DomainError as exc:
        return exc
    refusal = another_slot_refusal(facts)
    if refusal is not None:
        return refusal
    if facts.slots - facts.slots_live - facts.slots_settled <= 0:
        return NoSlotLeft("No slot left on gig #{gig_id}.", gig_id=facts.id)
    if facts.mode == GigMode.apply:
        existing = tx.s.scalar(select(Application).where(
            Application.gig_id == gig_id, Application.freelancer_id == actor_id))
        if existing is not None:
            if existing.status == "pending":
                return AlreadyClaimed("You already applied to gig #{gig_id}.", gig_id=gig_id)
            return InvalidTransition("Your application to gig #{gig_id} was {state}.",
                                     gig_id=gig_id, state=existing.status)
    return None


@dataclass(frozen=True)
class ViewerActions:
    """What one viewer can do on one gig: take a slot (claim or apply, by the gig's
    mode) and, per claim id, which claim actions (``CLAIM_ACTIONS``)."""

    gig_id: int
    can_take: bool
    claims: dict[int, frozenset[str]] = field(default_factory=dict)

    def on(self, claim_id: int) -> frozenset[str]:
        return self.claims.get(claim_id, frozenset())


def viewer_actions(tx: Tx, actor_id: int, gig_id: int, *, gig: Gig | None = None,
                   claims: list[Claim] | None = None) -> ViewerActions:
    """``gig``, ``claims``: the gig and its claims when the caller has just read them."""
    gig = gig if gig is not None else tx.gig(gig_id)
    if claims is None:
        claims = tx.s.scalars(select(Claim).where(Claim.gig_id == gig_id)).all()
    mine = {c.id: claim_actions(c, gig, actor_id) for c in claims
            if actor_id in (c.freelancer_id, gig.client_id)}
    return ViewerActions(gig_id, take_refusal(tx, actor_id, gig_id) is None, mine)
