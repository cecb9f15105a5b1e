"""Badges and qualification gigs: a community offers a badge for a skill
(``define_badge``, on Discord with a role it gives); a moderator posts a
qualification gig for it (``qualifies=``); approving a claim of that gig grants
the freelancer the badge in the same transaction (``grant_for_approval``, the
review window's auto-approval too), once; gigs can require it to claim or apply
(``refuse_without_badge``); a moderator can take it back (``revoke``).

The platform role is a platform effect: a ``platform`` outbox row written with
the grant or revocation, carried out by the delivery layer after commit and
reported back with ``role_change_done`` / ``role_change_refused`` (the
moderators are told once what to fix)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from sqlalchemy import select

from core.domain.errors import (
    BadgeRequired, InvalidTransition, NotAllowed, NotFound, ValidationError,
)
from core.domain.gig_input import GigDraft, clean_text, read_badge
from core.domain.records import (
    Community, CommunityBadge, Gig, GigStatus, MemberBadge, User,
)
from core.events import BadgeEarned, BadgeRevoked, BadgeRoleRefused
from core.lifecycle.tx import Tx

ROLE_PROBLEMS = ("missing_permissions", "unknown_role")
QUALIFICATION_GIGS_SHOWN = 3
REFUSAL_GIGS, REFUSAL_TITLE = 2, 32  # qualification gigs named in a refusal, title length


def _short(title: str) -> str:
    return title if len(title) <= REFUSAL_TITLE else title[:REFUSAL_TITLE - 1].rstrip() + "…"


@dataclass(frozen=True)
class BadgeHeld:
    """A badge someone holds, as profiles and claim notes show it."""
    community_id: int
    community: str
    skill: str
    granted_at: datetime


@dataclass(frozen=True)
class BoardBadge:
    """A community's badge with how many hold it and its open qualification gigs."""
    badge: CommunityBadge
    holders: int
    qualification_gigs: list[tuple[int, str]]


def find_badge(tx: Tx, community_id: int, skill: str) -> CommunityBadge | None:
    return tx.s.scalar(select(CommunityBadge).where(CommunityBadge.community_id == community_id,
                                                    CommunityBadge.skill == skill))


def holds(tx: Tx, user_id: int, community_id: int, skill: str) -> bool:
    return tx.s.scalar(
        select(MemberBadge.id).join(CommunityBadge, CommunityBadge.id == MemberBadge.badge_id)
        .where(CommunityBadge.community_id == community_id, CommunityBadge.skill == skill,
               MemberBadge.user_id == user_id, MemberBadge.revoked_at.is_(None))) is not None


def _community(tx: Tx, community_id: int) -> Community:
    community = tx.s.get(Community, community_id)
    if community is None:
        raise NotFound("Unknown community.")
    return community


def _queue_role(tx: Tx, badge: CommunityBadge, held: MemberBadge, *, grant: bool) -> None:
    """Write the platform effect (give or take the badge's role) with the change."""
    if not badge.role_id:
        return
    # each change is its own effect (given, taken, given again after a fix)
    tx.enqueue("platform", "member.role", f"role:{held.id}:{'grant' if grant else 'revoke'}:"
               f"{badge.role_id}:{uuid4().hex}", held.user_id,
               dict(community_id=badge.community_id, user_id=held.user_id,
                    role_id=badge.role_id, grant=grant, badge_id=badge.id,
                    member_badge_id=held.id))


def define_badge(tx: Tx, actor_id: int, community_id: int, skill: object,
                 role_id: str | None = None, *, platform_admin: bool = False
                 ) -> tuple[CommunityBadge, int]:
    """A moderator sets up (or changes the role of) the community's badge for
    ``skill``. Holders whose role is not given yet (a new role, or the platform
    refused before) are queued again; returns the badge and how many."""
    community = _community(tx, community_id)
    if not (platform_admin or tx.is_moderator(actor_id, community_id)):
        raise NotAllowed("Only moderators of {community} can set up its badges.",
                         community=community.name)
    tag = read_badge(skill, "skill")
    if tag is None:
        raise ValidationError("skill", "Name the skill of the badge, like /badge svg.")
    role_id = (role_id or "").strip() or None
    if role_id is not None:
        role_id = role_id.removeprefix("<@&").removesuffix(">")
        if community.platform != "discord":
            raise ValidationError("role", "Badges give a role on Discord only; on {platform} "
                                  "they show on the member's profile.",
                                  platform=community.platform.capitalize())
        if not role_id.isdigit() or len(role_id) > 20:
            raise ValidationError("role", "Pick the role (role=@Role) or paste its id.")
    badge = find_badge(tx, community_id, tag)
    if badge is None:
        badge = CommunityBadge(community_id=community_id, skill=tag, role_id=role_id,
                               created_by=actor_id, created_at=tx.now)
        tx.s.add(badge)
        tx.s.flush()
    elif role_id is not None and role_id != badge.role_id:
        badge.role_id = role_id
        for held in tx.s.scalars(select(MemberBadge).where(MemberBadge.badge_id == badge.id)):
            held.role_synced = held.revoked_at is not None  # the new role: give it to holders
    badge.role_problem = badge.role_problem_at = None  # the moderator says it is fixed: try again
    requeued = 0
    if badge.role_id:
        for held in tx.s.scalars(select(MemberBadge).where(
                MemberBadge.badge_id == badge.id, MemberBadge.role_synced.is_(False))):
            _queue_role(tx, badge, held, grant=held.revoked_at is None)
            requeued += 1
    tx.audit(actor_id, "moderator", "define_badge",
             detail=f"community={community_id} skill={tag} role={role_id or '-'}")
    return badge, requeued


def check_gig_badges(tx: Tx, client_id: int, draft: GigDraft,
                     community: Community | None) -> None:
    """``/post qualifies=`` and ``requires=``: a badge of the gig's board that exists;
    only a moderator of that board may post a qualification gig."""
    for tag, key in ((draft.qualifies_skill, "qualifies"), (draft.requires_badge, "requires")):
        if tag is None:
            continue
        if community is None:
            raise ValidationError(key, "Badges belong to a community board: post this gig on "
                                  "the board whose {badge} badge it is about.", badge=tag)
        if find_badge(tx, community.id, tag) is None:
            raise ValidationError(key, "{community} has no {badge} badge yet. A moderator sets "
                                  "it up with /badge {badge}.", community=community.name,
                                  badge=tag)
    if draft.qualifies_skill and not tx.is_moderator(client_id, community.id):
        raise NotAllowed("Only moderators of {community} can post qualification gigs.",
                         community=community.name)


def open_qualification_gigs(tx: Tx, community_id: int, skill: str,
                            limit: int = QUALIFICATION_GIGS_SHOWN) -> list[tuple[int, str]]:
    rows = tx.s.execute(select(Gig.id, Gig.title).where(
        Gig.community_id == community_id, Gig.qualifies_skill == skill,
        Gig.status == GigStatus.open, Gig.slots > Gig.slots_live + Gig.slots_settled)
        .order_by(Gig.id).limit(limit)).all()
    return [(r.id, r.title) for r in rows]


def refuse_without_badge(tx: Tx, facts, user_id: int) -> None:
    """The badge checks of taking work on a gig (``facts``: the claim's eligibility
    row with ``requires_badge``, ``qualifies_skill`` and ``community_id``)."""
    if facts.community_id is None:
        return
    if facts.requires_badge and not holds(tx, user_id, facts.community_id, facts.requires_badge):
        gigs = open_qualification_gigs(tx, facts.community_id, facts.requires_badge,
                                       REFUSAL_GIGS)
        # short: a Telegram alert shows 200 characters
        where = "; ".join(f"#{gig_id} {_short(title)} (/gig {gig_id})" for gig_id, title in gigs)
        if gigs:
            raise BadgeRequired("Gig #{gig_id} is for holders of the {badge} badge of "
                                "{community}. Earn it with a paid qualification gig: {gigs}.",
                                gig_id=facts.id, badge=facts.requires_badge,
                                community=facts.community_name, gigs=where)
        raise BadgeRequired("Gig #{gig_id} is for holders of the {badge} badge of {community}. "
                            "No qualification gig for it is open right now; ask the "
                            "moderators of {community} when the next one comes.",
                            gig_id=facts.id, badge=facts.requires_badge,
                            community=facts.community_name)
    if facts.qualifies_skill and holds(tx, user_id, facts.community_id, facts.qualifies_skill):
        raise InvalidTransition("You already hold the {badge} badge of {community}; this "
                                "qualification gig is for those who do not.",
                                badge=facts.qualifies_skill, community=facts.community_name)


def grant_for_approval(tx: Tx, gig: Gig, claim) -> MemberBadge | None:
    """A claim of a qualification gig was approved (in this transaction): the
    freelancer holds the badge from now on. Idempotent; re-earning a revoked badge
    gives it back."""
    if not gig.qualifies_skill or gig.community_id is None:
        return None
    badge = find_badge(tx, gig.community_id, gig.qualifies_skill)
    if badge is None:
        return None
    held = tx.s.scalar(select(MemberBadge).where(MemberBadge.badge_id == badge.id,
                                                 MemberBadge.user_id == claim.freelancer_id))
    if held is not None and held.revoked_at is None:
        return held
    if held is None:
        held = MemberBadge(badge_id=badge.id, user_id=claim.freelancer_id, gig_id=gig.id,
                           claim_id=claim.id, granted_at=tx.now)
        tx.s.add(held)
    else:
        held.revoked_at = held.revoked_by = None
        held.revoke_reason, held.gig_id, held.claim_id, held.granted_at = "", gig.id, claim.id, tx.now
    held.role_synced = not badge.role_id
    tx.s.flush()
    _queue_role(tx, badge, held, grant=True)
    tx.audit(None, "system", "grant_badge", gig_id=gig.id, claim_id=claim.id,
             detail=f"badge={badge.id} skill={badge.skill} user={claim.freelancer_id}")
    tx.emit(BadgeEarned(recipient_id=claim.freelancer_id, community_id=gig.community_id,
                        skill=badge.skill, gig_id=gig.id, claim_id=claim.id,
                        role=bool(badge.role_id)), key=f"badge:{held.id}:{claim.id}")
    return held


def revoke(tx: Tx, actor_id: int, community_id: int, target_id: int, skill: object,
           reason: str = "") -> MemberBadge:
    community = _community(tx, community_id)
    if not tx.is_moderator(actor_id, community_id):
        raise NotAllowed("Only moderators of {community} can take badges back.",
                         community=community.name)
    tag = read_badge(skill, "skill")
    badge = find_badge(tx, community_id, tag) if tag else None
    if badge is None:
        raise NotFound("{community} has no {badge} badge.", community=community.name,
                       badge=tag or "?")
    held = tx.s.scalar(select(MemberBadge).where(MemberBadge.badge_id == badge.id,
                                                 MemberBadge.user_id == target_id))
    if held is None or held.revoked_at is not None:
        name = tx.user(target_id).display_name
        raise InvalidTransition("{name} does not hold the {badge} badge of {community}.",
                                name=name, badge=badge.skill, community=community.name)
    reason = clean_text(reason, "reason", max_len=500)
    held.revoked_at, held.revoked_by, held.revoke_reason = tx.now, actor_id, reason
    held.role_synced = not badge.role_id
    tx.s.flush()
    _queue_role(tx, badge, held, grant=False)
    tx.audit(actor_id, "moderator", "revoke_badge",
             detail=f"badge={badge.id} skill={badge.skill} user={target_id} {reason}"[:2000])
    tx.emit(BadgeRevoked(recipient_id=target_id, community_id=community_id, skill=badge.skill,
                         reason=reason), key=f"badge:{held.id}:revoked:{tx.now.isoformat()}")
    return held


def role_change_done(tx: Tx, member_badge_id: int, grant: bool) -> None:
    """The platform gave (or took back) the role: that holder is in step, and the
    badge's role works again."""
    held = tx.s.get(MemberBadge, member_badge_id)
    if held is None or (held.revoked_at is None) != grant:
        return  # changed again meanwhile: its own effect is queued
    held.role_synced = True
    badge = tx.s.get(CommunityBadge, held.badge_id)
    if badge is not None and badge.role_problem is not None:
        badge.role_problem = badge.role_problem_at = None


def role_change_refused(tx: Tx, member_badge_id: int, problem: str, *, grant: bool = True,
                        role_name: str = "", bot_role_name: str = "") -> bool:
    """The platform refused the role change for good (no permission, role gone).
    The community's moderators get one message saying what to fix, until a change
    works again or a moderator runs /badge for it; True when they were told now."""
    if problem not in ROLE_PROBLEMS:
        raise ValidationError("problem", "Unknown role problem {problem}.", problem=problem)
    held = tx.s.get(MemberBadge, member_badge_id)
    badge = tx.s.get(CommunityBadge, held.badge_id) if held is not None else None
    if badge is None or badge.role_problem is not None:
        return False
    badge.role_problem, badge.role_problem_at = problem, tx.now
    member = tx.s.get(User, held.user_id)
    tx.audit(None, "system", "badge_role_refused",
             detail=f"badge={badge.id} role={badge.role_id} {problem}")
    for mod in tx.moderators(badge.community_id):
        tx.emit(BadgeRoleRefused(recipient_id=mod, community_id=badge.community_id,
                                 skill=badge.skill, problem=problem, role_name=role_name[:100],
                                 bot_role_name=bot_role_name[:100],
                                 member_name=member.display_name if member else "",
                                 removing=not grant),
                key=f"badge:{badge.id}:role:{tx.now.isoformat()}")
    return True


def badges_of(tx: Tx, user_id: int) -> list[BadgeHeld]:
    rows = tx.s.execute(
        select(CommunityBadge.community_id, Community.name, CommunityBadge.skill,
               MemberBadge.granted_at)
        .join(CommunityBadge, CommunityBadge.id == MemberBadge.badge_id)
        .join(Community, Community.id == CommunityBadge.community_id)
        .where(MemberBadge.user_id == user_id, MemberBadge.revoked_at.is_(None))
        .order_by(Community.name, CommunityBadge.skill)).all()
    return [BadgeHeld(r[0], r[1], r[2], r[3]) for r in rows]


def board_badges(tx: Tx, community_id: int) -> list[BoardBadge]:
    out = []
    for badge in tx.s.scalars(select(CommunityBadge).where(
            CommunityBadge.community_id == community_id).order_by(CommunityBadge.skill)):
        holders = len(list(tx.s.scalars(select(MemberBadge.id).where(
            MemberBadge.badge_id == badge.id, MemberBadge.revoked_at.is_(None)))))
        out.append(BoardBadge(badge, holders, open_qualification_gigs(tx, community_id,
                                                                     badge.skill)))
    return out
