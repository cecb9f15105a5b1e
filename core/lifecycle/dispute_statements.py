"""The parties' say in a dispute: each of them (the client who rejected, the
freelancer who disputed) may add one statement with evidence files before the
answer deadline stated when the dispute opened (``Dispute.answer_by``). The
deciders get the whole packet again with the statement in it, the other party is
told; when the time to answer ends with a statement missing, the deciders are
told the packet is complete as it stands."""
from __future__ import annotations

import json

from sqlalchemy import select

from core.domain.errors import (
    InvalidTransition, NotAllowed, NotFound, Plural, ValidationError)
from core.domain.gig_input import clean_text, parse_int
from core.domain.records import Claim, ClaimStatus, Community, Dispute, DisputeStatement
from core.events import DisputeAnswerClosed, DisputeStatementAdded
from core.lifecycle.disputes import deciders_of
from core.lifecycle.tx import Tx

MAX_FILES = 10
FILE_KEYS = ("platform", "file_ref", "name", "kind", "url")


def _dispute_of(tx: Tx, claim: Claim) -> Dispute:
    dispute = tx.s.scalar(select(Dispute).where(Dispute.claim_id == claim.id))
    if dispute is None:
        raise NotFound("Claim #{claim_id} has no dispute.", claim_id=claim.id)
    return dispute


def _evidence(files: list[dict]) -> str:
    if len(files) > MAX_FILES:
        raise ValidationError("files", Plural("Attach at most {n} file.",
                                              "Attach at most {n} files."), n=MAX_FILES)
    kept = [{k: str(f[k]) for k in FILE_KEYS if f.get(k) is not None}
            for f in files if isinstance(f, dict) and f.get("file_ref")]
    return json.dumps(kept)


def may_add_statement(tx: Tx, actor_id: int, claim_id: int, *, lock: bool = False):
    """(claim, gig, dispute, role) when ``actor_id`` may add their statement now;
    otherwise the refusal they read."""
    claim = tx.claim(claim_id, lock=lock)
    gig = tx.gig(claim.gig_id)
    if actor_id == gig.client_id:
        role = "client"
    elif actor_id == claim.freelancer_id:
        role = "freelancer"
    else:
        raise NotAllowed("Only the client and the freelancer of this claim can add a statement.")
    dispute = _dispute_of(tx, claim)
    if claim.status != ClaimStatus.disputed or dispute.status != "open":
        raise InvalidTransition("This dispute is already settled.")
    if dispute.answer_by is not None and dispute.answer_by <= tx.now:
        raise InvalidTransition("The time to add a statement to this dispute is over.")
    if tx.s.scalar(select(DisputeStatement.id).where(DisputeStatement.dispute_id == dispute.id,
                                                     DisputeStatement.author_id == actor_id)):
        raise InvalidTransition("You already added your statement to this dispute; each side "
                                "adds one.")
    return claim, gig, dispute, role


def may_decide(tx: Tx, actor_id: int, claim_id: int) -> Claim:
    """The claim when ``actor_id`` may decide its dispute now (a press of a split
    button is checked again by ``resolve_dispute``)."""
    claim = tx.claim(claim_id, lock=False)
    gig = tx.gig(claim.gig_id)
    if not tx.is_moderator(actor_id, gig.community_id):
        raise NotAllowed("Only a moderator of this board can resolve disputes.")
    if actor_id in (gig.client_id, claim.freelancer_id):
        raise NotAllowed("You are a party to this dispute; another moderator must resolve it.")
    if claim.status != ClaimStatus.disputed:
        raise InvalidTransition("This dispute is already settled.")
    return claim


def add_statement(tx: Tx, actor_id: int, claim_id: int, text: str,
                  files: list[dict] | None = None) -> DisputeStatement:
    claim, gig, dispute, role = may_add_statement(tx, actor_id, claim_id, lock=True)
    text = clean_text(text or "", "statement", max_len=3000)
    evidence = _evidence(files or [])
    if len(text) < 3 and evidence == "[]":
        raise ValidationError("statement", "Write your statement (what happened, in a few "
                              "sentences), with files as evidence if you have them.")
    statement = DisputeStatement(dispute_id=dispute.id, author_id=actor_id, role=role,
                                 text=text, files_json=evidence, created_at=tx.now)
    tx.s.add(statement)
    tx.s.flush()
    tx.audit(actor_id, role, "dispute_statement", gig_id=gig.id, claim_id=claim.id,
             detail=text[:500])
    ids = dict(gig_id=gig.id, claim_id=claim.id, dispute_id=dispute.id, author_role=role)
    other = claim.freelancer_id if role == "client" else gig.client_id
    key = f"statement:{statement.id}"
    tx.emit(DisputeStatementAdded(recipient_id=other, **ids), key=key)
    deciders, as_staff = deciders_of(tx, gig.community_id, (gig.client_id, claim.freelancer_id))
    for mod in deciders:
        tx.emit(DisputeStatementAdded(recipient_id=mod, for_moderator=True, as_staff=as_staff,
                                      **ids), key=key)
    return statement


def close_answer_window(tx: Tx, claim_id: int) -> Dispute | None:
    """Clock: the parties' time to answer is over; tell the deciders what is missing."""
    claim = tx.claim(claim_id)
    dispute = tx.s.scalar(select(Dispute).where(Dispute.claim_id == claim_id))
    if claim.status != ClaimStatus.disputed or dispute is None or dispute.status != "open" \
            or dispute.answer_by is None or dispute.answer_by > tx.now:
        return None
    gig = tx.gig(claim.gig_id)
    given = set(tx.s.scalars(select(DisputeStatement.role).where(
        DisputeStatement.dispute_id == dispute.id)))
    missing = [r for r in ("client", "freelancer") if r not in given]
    tx.audit(None, "system", "dispute_answer_closed", gig_id=gig.id, claim_id=claim.id,
             detail=f"missing={','.join(missing)}")
    if missing:
        deciders, as_staff = deciders_of(tx, gig.community_id,
                                         (gig.client_id, claim.freelancer_id))
        for mod in deciders:
            tx.emit(DisputeAnswerClosed(recipient_id=mod, gig_id=gig.id, claim_id=claim.id,
                                        dispute_id=dispute.id, missing=",".join(missing),
                                        as_staff=as_staff), key=f"dispute:{dispute.id}")
    return dispute


# A board's rule for disputes nobody decides in time: the freelancer's share.
FALLBACK_RULES = {"half": 5000, "freelancer": 10_000, "client": 0}


def set_dispute_rules(tx: Tx, actor_id: int, community_id: int, *,
                      answer_hours: int | None = None, rule: str | None = None) -> Community:
    """A board's moderator sets how long the parties have for their statements and
    the split applied when nobody decides (stated to both sides when a dispute opens)."""
    community = tx.s.get(Community, community_id)
    if community is None:
        raise NotFound("Unknown community.")
    if not tx.is_moderator(actor_id, community_id):
        raise NotAllowed("Only moderators of this board can change its dispute rules.")
    if answer_hours is not None:
        community.dispute_answer_hours = parse_int(answer_hours, "time to answer (hours)",
                                                   minimum=12, maximum=336)
    if rule is not None:
        if rule not in FALLBACK_RULES:
            raise ValidationError("dispute_rule", "The dispute rule is half, freelancer or "
                                  "client.", value=rule)
        community.dispute_fallback_bps = FALLBACK_RULES[rule]
    tx.audit(actor_id, "moderator", "dispute_rules",
             detail=f"community={community_id} answer_hours={answer_hours} rule={rule}")
    return community
