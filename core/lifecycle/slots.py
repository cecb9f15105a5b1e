"""Taking a slot: claim one (first come, first served), or apply and be picked by
the client. Eligibility is the same check for both.

Claiming is the hottest write in the product (a popular gig meets a burst of
presses), so its statements are built once, run on the session's connection
(no ORM load or flush) and kept to eight: count the claim against the
freelancer, load every fact the checks need in one SELECT, grab the slot,
pick its number, insert the claim, its timers, its audit event and its
notifications."""
from __future__ import annotations

from sqlalchemy import and_, bindparam, exists, insert, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row

from core.domain.gig_input import clean_text
from core.domain.errors import (
    AlreadyClaimed, Banned, ClaimLimitReached, InvalidTransition, NoSlotLeft, NotAllowed,
    NotFound, Plural,
)
from core.events import (
    ApplicationAccepted, ApplicationClosed, ApplicationDeclined, ApplicationReceived,
    QueueWorkStarted, SlotClaimConfirmed, SlotClaimed,
)
from core.lifecycle.badges import refuse_without_badge
from core.lifecycle.tx import Tx, one_of
from core.domain.records import (
    LIVE_CLAIM_STATES, SLOT_HOLDING_STATES, Application, Block, Claim, ClaimStatus, Community,
    CommunityMember, Gig, GigMode, GigStatus, Profile, ReputationStats, User,
    WORKING_CLAIM_STATES,
)

_claim, _gig, _user = Claim.__table__.c, Gig.__table__.c, User.__table__.c
_stats, _block = ReputationStats.__table__.c, Block.__table__.c
_member, _community = CommunityMember.__table__.c, Community.__table__.c
_USER, _GIG = bindparam("user_id"), bindparam("gig_id")


def _count_live_claim(dml):
    """Add one to the freelancer's live-claim counter (creating their stats row on a
    first claim) and return it. On PostgreSQL the row lock serialises one
    freelancer's claims, so the count and the checks after it cannot race. A user
    who does not exist gets no row back."""
    table = ReputationStats.__table__
    return (dml(table)
            .from_select(["user_id", "live_claims"],
                         select(_user.id, literal(1)).where(_user.id == _USER))
            .on_conflict_do_update(index_elements=["user_id"],
                                   set_={"live_claims": _stats.live_claims + 1})
            .returning(_stats.approved, _stats.live_claims))


_COUNT_LIVE_CLAIM = {"sqlite": _count_live_claim(sqlite.insert),
                     "postgresql": _count_live_claim(postgresql.insert)}

# Everything the eligibility and claim checks read, in one round trip.
_FACTS = (
    select(
        _gig.id, _gig.client_id, _gig.community_id, _gig.status, _gig.mode, _gig.slots,
        _gig.slots_live, _gig.slots_settled, _gig.deliver_seconds, _gig.repeat, _gig.item_count,
        _gig.requires_badge, _gig.qualifies_skill,
        select(_user.banned).where(_user.id == _USER).scalar_subquery().label("banned"),
        exists().where(or_(and_(_block.blocker_id == _gig.client_id, _block.blocked_id == _USER),
                           and_(_block.blocker_id == _USER, _block.blocked_id == _gig.client_id)))
        .label("blocked"),
        select(_member.role).where(_member.community_id == _gig.community_id,
                                   _member.user_id == _USER).scalar_subquery().label("role"),
        _community.visibility, _community.name.label("community_name"),
        exists().where(_claim.gig_id == _gig.id, _claim.freelancer_id == _USER,
                       one_of(_claim.status, LIVE_CLAIM_STATES)).label("holds_slot"),
        exists().where(_claim.gig_id == _gig.id, _claim.freelancer_id == _USER,
                       one_of(_claim.status, SLOT_HOLDING_STATES)).label("did_slot"),
        exists().where(_claim.gig_id == _gig.id, _claim.freelancer_id == _USER,
                       one_of(_claim.status, WORKING_CLAIM_STATES)).label("working"),
        select(Profile.__table__.c.max_live_claims).where(Profile.__table__.c.user_id == _USER)
        .scalar_subquery().label("profile_cap"),
    )
    .select_from(Gig.__table__.outerjoin(Community.__table__, _community.id == _gig.community_id))
    .where(_gig.id == _GIG)
)
# The single-winner slot grab; it also bumps the card version (see Tx.card_changed).
_GRAB_SLOT = (update(Gig.__table__)
              .where(_gig.id == _GIG, _gig.status == GigStatus.open,
                     _gig.slots - _gig.slots_live - _gig.slots_settled > 0)
              .values(slots_live=_gig.slots_live + 1, version=_gig.version + 1)
              .returning(_gig.version))
_HELD_SLOTS = select(_claim.slot_no).where(_claim.gig_id == _GIG,
                                           one_of(_claim.status, SLOT_HOLDING_STATES))
_INSERT_CLAIM = insert(Claim.__table__).returning(_claim.id)


def eligibility(tx: Tx, gig_id: int, user_id: int) -> Row:
    """The facts about this gig and this freelancer that decide whether they may
    take work on it; raises ``NotFound`` for an unknown gig or user."""
    facts = tx.conn.execute(_FACTS, {"gig_id": gig_id, "user_id": user_id}).first()
    if facts is None:
        raise NotFound("There is no gig #{gig_id}.", gig_id=gig_id)
    if facts.banned is None:
        raise NotFound("Unknown user #{user_id}.", user_id=user_id)
    return facts


def check_eligible(tx: Tx, gig_id: int, user_id: int) -> Row:
    """May this freelancer take work on this gig at all? (Not about free slots.)"""
    facts = eligibility(tx, gig_id, user_id)
    _refuse_ineligible(facts, user_id)
    if facts.requires_badge or facts.qualifies_skill:
        refuse_without_badge(tx, facts, user_id)
    return facts


def _refuse_ineligible(facts: Row, user_id: int) -> None:
    if facts.banned:
        raise Banned("Your account cannot take gigs. Contact support if this is a mistake.")
    if facts.client_id == user_id:
        raise NotAllowed("This is your own gig; you cannot take it.")
    if facts.status != GigStatus.open:
        raise InvalidTransition("Gig #{gig_id} is {state}, not open.", gig_id=facts.id,
                                state=facts.status.replace("_", " "), status=facts.status)
    if facts.community_id is not None:
        if facts.role == "banned":
            raise Banned("You are banned from {community}.", community=facts.community_name)
        if facts.visibility == "members" and facts.role is None:
            raise NotAllowed("Gig #{gig_id} is for members of {community} only.",
                             gig_id=facts.id, community=facts.community_name)
    if facts.blocked:
        raise NotAllowed("You cannot take gigs from this client.")


def another_slot_refusal(facts: Row) -> AlreadyClaimed | None:
    """Why this freelancer may not take (another) slot of this gig, from what they
    already hold on it. Without repeat: one slot per freelancer, ever (the
    Mechanical Turk rule for a multi-slot gig). With repeat: one at a time, the
    next once the one they are working on is delivered."""
    if facts.repeat:
        if facts.working:
            return AlreadyClaimed("You are still working on a slot of gig #{gig_id}; deliver "
                                  "it first, then take the next.", gig_id=facts.id)
        return None
    if facts.holds_slot:
        return AlreadyClaimed("You already hold a slot on gig #{gig_id}.", gig_id=facts.id)
    if facts.did_slot:
        return AlreadyClaimed("You already did a slot of gig #{gig_id}; it takes one slot per "
                              "freelancer (its client can allow more with repeat=yes).",
                              gig_id=facts.id)
    return None


def _refuse_over_cap(tx: Tx, facts: Row, approved: int, live_with_this: int) -> None:
    cap = tx.config.live_claim_cap(facts.profile_cap, approved)
    count = live_with_this - 1
    if count < cap:
        return
    if approved == 0:
        raise ClaimLimitReached(Plural(
            "You hold {count} live claim, your limit is {cap}. Deliver or withdraw one "
            "first. New freelancers start with one at a time.",
            "You hold {count} live claims, your limit is {cap}. Deliver or withdraw one "
            "first. New freelancers start with one at a time.", count="count"),
            count=count, cap=cap, limit=cap)
    raise ClaimLimitReached(Plural(
        "You hold {count} live claim, your limit is {cap}. Deliver or withdraw one first.",
        "You hold {count} live claims, your limit is {cap}. Deliver or withdraw one first.",
        count="count"), count=count, cap=cap, limit=cap)


def _take_slot(tx: Tx, user_id: int, gig_id: int, role: str, *, by_claim: bool) -> Claim:
    """Give this freelancer the lowest free slot of the gig. Any refusal raises and
    the transaction (counter included) rolls back."""
    counted = tx.conn.execute(_COUNT_LIVE_CLAIM[tx.dialect], {"user_id": user_id}).first()
    if counted is None:
        raise NotFound("Unknown user #{user_id}.", user_id=user_id)
    facts = check_eligible(tx, gig_id, user_id)
    if by_claim and facts.mode == GigMode.apply:
        raise InvalidTransition("Gig #{gig_id} takes applications: press Apply and the client "
                                "will pick.", gig_id=facts.id)
    refusal = another_slot_refusal(facts)
    if refusal is not None:
        raise refusal
    _refuse_over_cap(tx, facts, counted.approved, counted.live_claims)
    version = tx.conn.execute(_GRAB_SLOT, {"gig_id": gig_id}).scalar()
    if version is None:
        # English says "all 1 are taken" too (tests/integration/test_conversation_hostile.py)
        raise NoSlotLeft(Plural("No slot left on gig #{gig_id}: all {slots} are taken.",
                                "No slot left on gig #{gig_id}: all {slots} are taken.",
                                count="slots"), gig_id=facts.id, slots=facts.slots)
    held = set(tx.conn.execute(_HELD_SLOTS, {"gig_id": gig_id}).scalars())
    slot_no = next(n for n in range(1, facts.slots + 1) if n not in held)
    row = dict(gig_id=gig_id, freelancer_id=user_id, slot_no=slot_no,
               status=ClaimStatus.active.value, claimed_at=tx.now,
               deadline_at=tx.deadline(facts.deliver_seconds), revisions_used=0, paid_minor=0,
               version=1)
    # The caller gets a plain Claim with the values written; no ORM flush needed.
    claim = Claim(id=tx.conn.execute(_INSERT_CLAIM, row).scalar_one(), **row)
    tx.schedule_with_reminders("claim_deadline", "deadline_reminder", claim.deadline_at,
                               f"claim:{claim.id}:v1", gig_id=gig_id, claim_id=claim.id)
    tx.audit(user_id, role, "claim", gig_id=gig_id, claim_id=claim.id, to_state=claim.status,
             detail=f"slot={slot_no}")
    if facts.item_count and not facts.did_slot:  # a queue: the client hears of a worker once
        tx.emit(QueueWorkStarted(recipient_id=facts.client_id, gig_id=gig_id, claim_id=claim.id,
                                 freelancer_id=user_id, item_no=slot_no, items=facts.item_count),
                key=f"claim:{claim.id}")
    elif not facts.did_slot:  # later slots of a repeat gig show on its card
        tx.emit(SlotClaimed(recipient_id=facts.client_id, gig_id=gig_id, claim_id=claim.id,
                            freelancer_id=user_id), key=f"claim:{claim.id}")
    tx.emit(SlotClaimConfirmed(recipient_id=user_id, gig_id=gig_id, claim_id=claim.id,
                               deadline_at=claim.deadline_at.isoformat()), key=f"claim:{claim.id}")
    tx.card_version_changed(gig_id, facts.community_id, version)
    return claim


def claim_slot(tx: Tx, user_id: int, gig_id: int) -> Claim:
    return _take_slot(tx, user_id, gig_id, "freelancer", by_claim=True)


def apply(tx: Tx, user_id: int, gig_id: int, pitch: str) -> Application:
    facts = check_eligible(tx, gig_id, user_id)
    if facts.mode != GigMode.apply:
        raise InvalidTransition("Gig #{gig_id} is first come, first served: press Claim.",
                                gig_id=gig_id)
    if facts.slots - facts.slots_live - facts.slots_settled <= 0:
        raise NoSlotLeft("No slot left on gig #{gig_id}.", gig_id=gig_id)
    pitch = clean_text(pitch, "pitch", max_len=1000)
    existing = tx.s.scalar(select(Application).where(Application.gig_id == gig_id,
                                                     Application.freelancer_id == user_id))
    if existing is not None:
        if existing.status == "pending":
            raise AlreadyClaimed("You already applied to gig #{gig_id}.", gig_id=gig_id)
        raise InvalidTransition("Your application to gig #{gig_id} was {state}.", gig_id=gig_id,
                                state=existing.status)
    app = Application(gig_id=gig_id, freelancer_id=user_id, pitch=pitch, created_at=tx.now)
    tx.s.add(app)
    tx.s.flush()
    tx.audit(user_id, "freelancer", "apply", gig_id=gig_id, detail=f"application={app.id}")
    tx.emit(ApplicationReceived(recipient_id=facts.client_id, gig_id=gig_id,
                                application_id=app.id, freelancer_id=user_id, pitch=pitch),
            key=f"app:{app.id}")
    return app


def decide_application(tx: Tx, actor_id: int, application_id: int, accept: bool) -> Application:
    app = tx.s.get(Application, application_id)
    if app is None:
        raise NotFound("There is no application #{application_id}.",
                       application_id=application_id)
    gig = tx.gig(app.gig_id)
    if gig.client_id != actor_id:
        raise NotAllowed("Only the client who posted this gig picks applicants.")
    if app.status != "pending":
        raise InvalidTransition("That application was already {state}.", state=app.status)
    if accept:
        _take_slot(tx, app.freelancer_id, gig.id, "client", by_claim=False)
    app.status = "accepted" if accept else "declined"
    tx.audit(actor_id, "client", "accept" if accept else "decline", gig_id=gig.id,
             detail=f"application={app.id}")
    answer = ApplicationAccepted if accept else ApplicationDeclined
    tx.emit(answer(recipient_id=app.freelancer_id, gig_id=gig.id, application_id=app.id),
            key=f"app:{app.id}")
    if accept and not tx.s.scalar(_FREE_SLOTS, {"gig_id": gig.id}):
        close_pending_applications(tx, gig.id, reason="filled")
    return app


_FREE_SLOTS = select(_gig.slots - _gig.slots_live - _gig.slots_settled).where(_gig.id == _GIG)


def close_pending_applications(tx: Tx, gig_id: int, *, reason: str) -> int:
    """The gig takes nobody else (``filled``: its slots are taken; ``closed``: it was
    cancelled or expired): every pending application closes and its applicant is told,
    rather than waiting for an answer that cannot come."""
    apps = list(tx.s.scalars(select(Application).where(Application.gig_id == gig_id,
                                                       Application.status == "pending")))
    for app in apps:
        app.status = "closed"
        tx.emit(ApplicationClosed(recipient_id=app.freelancer_id, gig_id=gig_id,
                                  application_id=app.id, reason=reason), key=f"app:{app.id}")
    if apps:
        tx.audit(None, "system", "close_applications", gig_id=gig_id,
                 detail=f"{reason} applications={','.join(str(a.id) for a in apps)}")
    return len(apps)
