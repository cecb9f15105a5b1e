""""Next similar task" (Mechanical Turk's accept-next): after a freelancer delivers
or is approved, the work they could take next with one tap. The next open item
of the same gig when it lets one freelancer take several slots, else the best
match for them (core.matching's feed ranking) among open first-come gigs that
share a skill with it. Read only: the tap claims through the ordinary claim
path, which decides again whether they may."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.domain.records import Claim, Gig, GigMode, Profile, ReputationStats, SLOT_HOLDING_STATES
from core.lifecycle.allowed import take_refusal
from core.lifecycle.queues import item_texts
from core.lifecycle.tx import Tx
from core.matching import ranking

CANDIDATES = 50  # of the freelancer's ranked feed, looked through for a shared skill


@dataclass(frozen=True)
class NextTask:
    """What to offer: ``gig`` (None when nothing fits now), whether it is the same
    gig, the item they would get if they took it now (a queue), and ``cap`` when
    they hold as many live claims as they may (nothing is offered then)."""

    gig: Gig | None
    same_gig: bool = False
    item_no: int | None = None
    item_text: str | None = None
    cap: int | None = None


def _next_item(tx: Tx, gig: Gig) -> tuple[int | None, str | None]:
    if not gig.item_count:
        return None, None
    held = set(tx.s.scalars(select(Claim.slot_no).where(
        Claim.gig_id == gig.id, Claim.status.in_(SLOT_HOLDING_STATES))))
    n = next((n for n in range(1, gig.slots + 1) if n not in held), None)
    return n, item_texts(tx.s, gig.id, [n]).get(n) if n else None


def _takeable(tx: Tx, user_id: int, gig: Gig) -> bool:
    return gig.mode == GigMode.claim and take_refusal(tx, user_id, gig.id) is None


def next_task(tx: Tx, user_id: int, after_gig_id: int) -> NextTask:
    source = tx.gig(after_gig_id)
    stats = tx.s.get(ReputationStats, user_id) or ReputationStats(user_id=user_id)
    profile = tx.s.get(Profile, user_id)
    cap = tx.config.live_claim_cap(profile.max_live_claims if profile else None, stats.approved)
    if stats.live_claims >= cap:
        return NextTask(None, cap=cap)
    if _takeable(tx, user_id, source):
        return NextTask(source, True, *_next_item(tx, source))
    tags = {t for t in source.skills.split(",") if t}
    ranked, _total = ranking.feed(tx.s, user_id, tx.now, limit=CANDIDATES, config=tx.config)
    for gig in ranked:
        if gig.id == source.id or (tags and not tags & set(gig.skills.split(","))):
            continue
        if _takeable(tx, user_id, gig):
            return NextTask(gig, False, *_next_item(tx, gig))
    return NextTask(None)
