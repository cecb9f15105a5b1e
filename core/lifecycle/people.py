"""People and places: resolve a platform identity to a user, profiles, account
linking across platforms with one-time codes, communities, their moderators,
bans and blocks."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from core.domain.gig_input import (
    clean_text, normalise_skills, parse_int, read_locale, read_switch, read_working_hours,
    reported_as,
)
from core.domain.errors import Banned, InvalidTransition, NotAllowed, NotFound, ValidationError
from core.events import MemberBanned
from core.lifecycle.tx import Tx
from core.domain.records import (
    Block, Claim, Community, CommunityMember, Gig, GigStatus, Identity, LedgerEntry, LinkCode,
    Profile, User,
)
from core.domain.money import normalise_currency, parse_amount

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# who acts, read for every update a platform sends: built once
_IDENTITY = (select(User, Identity).join(Identity, Identity.user_id == User.id)
             .where(Identity.platform == bindparam("platform"),
                    Identity.platform_user_id == bindparam("platform_user_id")))
_ACTOR = (_IDENTITY.add_columns(Profile.timezone)
          .outerjoin(Profile, Profile.user_id == User.id))


def find_identity(tx: Tx, platform: str, platform_user_id: str) -> tuple[User, Identity] | None:
    row = tx.s.execute(_IDENTITY, {"platform": platform,
                                   "platform_user_id": platform_user_id}).first()
    return (row[0], row[1]) if row else None


def find_actor(tx: Tx, platform: str, platform_user_id: str
               ) -> tuple[User, Identity, str] | None:
    """``find_identity`` and the user's time zone (UTC without one), in one statement."""
    row = tx.s.execute(_ACTOR, {"platform": platform,
                                "platform_user_id": platform_user_id}).first()
    return (row[0], row[1], row[2] or "UTC") if row else None


def resolve_identity(tx: Tx, platform: str, platform_user_id: str, display_name: str,
                     username: str | None = None, locale: str | None = None, *,
                     account_created_at: datetime | None = None) -> User:
    known = find_identity(tx, platform, platform_user_id)
    if known is not None:
        user, ident = known
        if username and ident.username != username:
            ident.username = username[:64]
        if account_created_at is not None and ident.account_created_at is None:
            ident.account_created_at = account_created_at
        if locale and not user.locale_chosen and user.locale != locale:
            user.locale = locale[:8]  # their app's language changed; they chose none
        return user
    # The platform chose this name (Telegram's first + last name reach 128 characters):
    # shorten it, never refuse someone for it.
    name = (clean_text(str(display_name or "")[:256], "name", max_len=256, single_line=True)
            or f"user{platform_user_id}")[:64]
    user = User(display_name=name, locale=(locale or "en")[:8], created_at=tx.now)
    tx.s.add(user)
    tx.s.flush()
    tx.s.add(Identity(platform=platform, platform_user_id=platform_user_id, user_id=user.id,
                      username=(username or None) and username[:64],
                      account_created_at=account_created_at))
    tx.s.add(Profile(user_id=user.id, max_live_claims=tx.config.max_live_claims))
    tx.s.flush()
    return user


def identities_of(tx: Tx, user_id: int) -> list[Identity]:
    return list(tx.s.scalars(select(Identity).where(Identity.user_id == user_id)))


def update_profile(tx: Tx, user_id: int, fields: dict[str, object], *,
                   locale: str | None = "en", languages: tuple[str, ...] = ("en",)) -> Profile:
    """Change profile and settings fields; amounts are read in the writer's ``locale``,
    a new ``locale`` must be one of ``languages``. All or nothing."""
    profile = tx.s.get(Profile, user_id) or Profile(user_id=user_id)
    for key, value in fields.items():
        if key == "skills":
            tags = normalise_skills(value)
            profile.skills = ",".join(tags)
        elif key == "min_reward":
            cur = normalise_currency(str(fields.get("currency") or profile.min_reward_currency))
            text = str(value).strip()
            with reported_as("min_reward"):
                profile.min_reward_minor = 0 if text == "" else parse_amount(
                    text, cur, field="minimum reward", locale=locale, allow_zero=True)
            profile.min_reward_currency = cur
        elif key == "currency":
            profile.min_reward_currency = normalise_currency(str(value))
        elif key == "timezone":
            profile.timezone = check_timezone(value)
        elif key == "hours":
            with reported_as("hours"):
                profile.work_start_hour, profile.work_end_hour = parse_hours(value)
        elif key == "max_claims":
            with reported_as("max_claims"):
                profile.max_live_claims = parse_int(value, "max claims", minimum=1, maximum=10)
        elif key in ("bio", "portfolio"):
            setattr(profile, key, clean_text(value, key, max_len=1000))
        elif key == "notify":
            # all: every new gig; on: gigs naming one of your skills; off: none.
            word = str(value if value is not None else "").strip().lower()
            every = word == "all"
            try:
                profile.notify_new_gigs = every or read_switch(value, "notify")
            except ValidationError:
                raise ValidationError("notify", "notify is on or off, or all for every new "
                                      "gig (on: those needing your skills), not {value}.",
                                      value=repr(word[:20])) from None
            profile.notify_all_gigs = every
        elif key == "locale":
            user = tx.user(user_id)
            user.locale, user.locale_chosen = read_locale(value, languages), True
        else:
            raise ValidationError(key, "Unknown profile field {key}. Fields: skills, "
                                  "min_reward, currency, timezone, hours, max_claims, bio, "
                                  "portfolio, notify, locale.", key=repr(key))
    profile.onboarded = True
    tx.s.add(profile)
    return profile


def check_timezone(value: object) -> str:
    tz = str(value).strip()
    try:
        if not tz or len(tz) > 48:  # Profile.timezone; the longest IANA name has 32
            raise ValueError(tz)
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
        raise ValidationError("timezone", "Unknown time zone {tz}. Use a name "
                              "like Europe/Berlin, America/New_York or UTC.",
                              tz=repr(tz[:40])) from None
    return tz


def parse_hours(value: object) -> tuple[int, int]:
    """'9-17' -> (9, 17); '22-6' wraps midnight; '9-5' is 9 to 17; 'any' -> (0, 24)."""
    hours = read_working_hours(value)
    return hours.start, hours.end


def create_link_code(tx: Tx, user_id: int) -> LinkCode:
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    link = LinkCode(code=code, user_id=user_id,
                    expires_at=tx.now + timedelta(minutes=tx.config.link_code_minutes))
    tx.s.add(link)
    return link


def redeem_link_code(tx: Tx, user_id: int, code: str) -> User:
    """Attach this user's identities to the user who made ``code``. Only an account
    with no history yet can be folded in, so no gig, claim or money changes hands."""
    code = str(code or "").strip().upper()
    link = tx.s.get(LinkCode, code) if code else None
    if link is None or link.used_at is not None or link.expires_at < tx.now:
        raise InvalidTransition("That code is unknown, used or expired. Run /link on your "
                                "other account to get a fresh one.")
    if link.user_id == user_id:
        raise InvalidTransition("That code belongs to this same account.")
    history = tx.s.scalar(select(func.count()).select_from(Gig).where(Gig.client_id == user_id)) \
        or tx.s.scalar(select(func.count()).select_from(Claim).where(Claim.freelancer_id == user_id)) \
        or tx.s.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.user_id == user_id))
    if history:
        raise NotAllowed("This account already has gigs or claims, so it cannot be merged. "
                         "Run /link here and enter the code on your other account instead.")
    if restricted(tx, user_id):
        # Folding a banned account into a clean one would leave the ban on an empty user.
        # The other direction (this account makes the code) keeps it: the clean account
        # joins the banned user and the ban covers both.
        raise NotAllowed("This account is banned or on hold, so it cannot be merged into "
                         "another one. Run /link here and enter the code on your other "
                         "account instead.")
    for ident in identities_of(tx, user_id):
        ident.user_id = link.user_id
    link.used_at = tx.now
    tx.audit(user_id, "user", "link", detail=f"into={link.user_id}")
    return tx.user(link.user_id)


def restricted(tx: Tx, user_id: int) -> bool:
    """Banned platform-wide or from any board, or on hold after a chargeback."""
    user = tx.user(user_id)
    return user.banned or user.flagged or tx.s.scalar(
        select(func.count()).select_from(CommunityMember).where(
            CommunityMember.user_id == user_id, CommunityMember.role == "banned")) > 0


def ensure_community(tx: Tx, platform: str, platform_id: str, name: str) -> Community:
    community = find_community(tx, platform, platform_id)
    if community is None:
        community = Community(platform=platform, platform_id=platform_id,
                              name=clean_text(name, "name", max_len=100, single_line=True) or platform_id)
        tx.s.add(community)
        try:
            with tx.savepoint():
                tx.s.flush()
        except IntegrityError:  # created meanwhile by another transaction
            community = find_community(tx, platform, platform_id)
    return community


def set_member_role(tx: Tx, community_id: int, user_id: int, role: str) -> None:
    member = tx.s.get(CommunityMember, (community_id, user_id))
    if member is None:
        tx.s.add(CommunityMember(community_id=community_id, user_id=user_id, role=role))
    elif member.role != "banned" or role == "member":
        member.role = role


def leave_community(tx: Tx, platform: str, platform_id: str, user_id: int) -> bool:
    """The platform reports that ``user_id`` left (or was removed from) the community:
    they are no longer a member, so members-only boards refuse them; a ban stays.
    True when a membership ended."""
    community = find_community(tx, platform, platform_id)
    member = tx.s.get(CommunityMember, (community.id, user_id)) if community else None
    if member is None or member.role == "banned":
        return False
    tx.s.delete(member)
    return True


def member_standing(tx: Tx, platform: str, platform_id: str,
                    user_id: int) -> tuple[str | None, str | None]:
    """(the community's visibility, this user's role there); None for what is unknown."""
    community = find_community(tx, platform, platform_id)
    if community is None:
        return None, None
    return community.visibility, tx.member_role(community.id, user_id)


def board_to_post_on(tx: Tx, user_id: int, ref: str) -> Community:
    """The gig board ``ref`` names (its number, or its name), for a client posting
    from a private chat, e.g. to a channel, where only admins can write. Only a
    configured board; a members-only one only for its members; never for someone
    banned from it."""
    text = clean_text(str(ref or ""), "board", max_len=100, single_line=True).lstrip("#")
    boards = select(Community).where(Community.board_channel_id.is_not(None))
    if text.isdecimal():  # not isdigit: int() refuses "²"
        found = list(tx.s.scalars(boards.where(Community.id == int(text))))
    else:
        found = list(tx.s.scalars(boards.where(func.lower(Community.name) == text.lower())
                                  .order_by(Community.id)))
    if not found:
        raise NotFound("There is no gig board {board}. Its number is shown by /board in the "
                       "board's chat; use /post board=NUMBER.", board=repr(text[:40]))
    if len(found) > 1:
        raise ValidationError("board", "Several boards are called {board}: use the number of "
                              "the one you mean ({numbers}).", board=repr(text[:40]),
                              numbers=", ".join(str(c.id) for c in found))
    community = found[0]
    role = tx.member_role(community.id, user_id)
    if role == "banned":
        raise Banned("You are banned from {community}.", community=community.name)
    if community.visibility == "members" and role is None:
        raise NotAllowed("{community} is for its members only.", community=community.name)
    return community


def find_community(tx: Tx, platform: str, platform_id: str) -> Community | None:
    return tx.s.scalar(select(Community).where(Community.platform == platform,
                                               Community.platform_id == platform_id))


def member_role_wanted(tx: Tx, community: Community, user_id: int, *,
                       role_ids: Iterable[str] = (), platform_admin: bool = False) -> str | None:
    """The role ``note_member`` would record for this member now, or None when the
    record is already right (so the common case needs no write)."""
    moderator = platform_admin or (community.moderator_role_id is not None
                                   and community.moderator_role_id in set(role_ids))
    member = tx.s.get(CommunityMember, (community.id, user_id))
    if member is None:
        return "moderator" if moderator else "member"
    if member.role == "member" and moderator:
        return "moderator"
    if (member.role == "moderator" and not moderator and community.moderator_role_id
            and user_id != community.created_by):
        return "member"
    return None


def note_member(tx: Tx, community: Community, user_id: int, *, role_ids: Iterable[str] = (),
                platform_admin: bool = False) -> None:
    """The platform shows ``user_id`` acting as a member of ``community`` (e.g. a Discord
    guild member): remember the membership, which members-only boards rely on, and keep
    moderator rights in step with the platform: its admins and holders of the board's
    moderator role moderate; losing that role on the platform ends it. Never lifts a ban."""
    role = member_role_wanted(tx, community, user_id, role_ids=role_ids,
                              platform_admin=platform_admin)
    if role is not None:
        set_member_role(tx, community.id, user_id, role)


def configure_board(tx: Tx, actor_id: int, community_id: int, *, board_channel_id: str | None,
                    visibility: str | None = None, moderator_role_id: str | None = None,
                    fee_bps: int | None = None, dispute_decide_hours: int | None = None,
                    language: str | None = None, languages: tuple[str, ...] = ("en",),
                    platform_admin: bool) -> Community:
    """Admins of the chat/server (checked by the platform adapter) set up the board."""
    community = tx.s.get(Community, community_id)
    if community is None:
        raise NotFound("Unknown community.")
    if not (platform_admin or tx.is_moderator(actor_id, community_id)):
        raise NotAllowed("Only an admin of this chat or server can set up its gig board.")
    if board_channel_id:
        community.board_channel_id = board_channel_id
    if visibility is not None:
        if visibility not in ("public", "members"):
            raise ValidationError("visibility", "Visibility is 'public' or 'members'.")
        if community.visibility != visibility:
            community.visibility = visibility
            # Live cards say who may claim: every open gig's card is shown again.
            for gig in tx.s.scalars(select(Gig).where(Gig.community_id == community_id,
                                                      Gig.status == GigStatus.open)):
                tx.card_changed(gig)
    if moderator_role_id is not None:
        community.moderator_role_id = moderator_role_id
    if fee_bps is not None:
        community.fee_bps = parse_int(fee_bps, "fee (basis points)", minimum=0, maximum=3000)
    if dispute_decide_hours is not None:
        community.dispute_decide_hours = parse_int(
            dispute_decide_hours, "dispute deadline (hours)", minimum=24, maximum=720)
    if language is not None and read_locale(language, languages) != community.language:
        community.language = read_locale(language, languages)
        for gig in tx.s.scalars(select(Gig).where(Gig.community_id == community_id,
                                                  Gig.status == GigStatus.open)):
            tx.card_changed(gig)  # the board's cards are shown again in its language
    community.created_by = community.created_by or actor_id
    set_member_role(tx, community_id, actor_id, "moderator")
    tx.audit(actor_id, "moderator", "configure_board", detail=f"community={community_id}")
    return community


def ban(tx: Tx, actor_id: int, community_id: int, target_id: int, reason: str = "") -> None:
    if not tx.is_moderator(actor_id, community_id):
        raise NotAllowed("Only moderators of this board can ban members.")
    if actor_id == target_id:
        raise InvalidTransition("You cannot ban yourself.")
    set_member_role(tx, community_id, target_id, "banned")
    tx.audit(actor_id, "moderator", "ban", detail=f"community={community_id} user={target_id} {reason}"[:2000])
    tx.emit(MemberBanned(recipient_id=target_id, community_id=community_id),
            key=f"ban:{community_id}:{tx.now.isoformat()}")


def block(tx: Tx, user_id: int, other_id: int) -> None:
    if user_id == other_id:
        raise InvalidTransition("You cannot block yourself.")
    if tx.s.get(Block, (user_id, other_id)) is None:
        tx.s.add(Block(blocker_id=user_id, blocked_id=other_id))


def mark_started(tx: Tx, platform: str, platform_user_id: str, user_id: int) -> Profile | None:
    """The person sent /start from this identity (the platform may now message them
    first); returns their profile, if they have one."""
    tx.s.execute(update(Identity).where(Identity.platform == platform,
                                        Identity.platform_user_id == platform_user_id)
                 .values(started=True))
    return tx.s.get(Profile, user_id)


def known_community(tx: Tx, platform: str, platform_id: str, *, member_id: int | None = None,
                    role_ids: Iterable[str] = (), platform_admin: bool = False
                    ) -> Community | None:
    """The community, when nothing about it or this member needs recording (the
    common case needs no write transaction); None when ``enter_community`` must run."""
    community = find_community(tx, platform, platform_id)
    if community is None or (member_id is not None and member_role_wanted(
            tx, community, member_id, role_ids=role_ids,
            platform_admin=platform_admin) is not None):
        return None
    return community


def enter_community(tx: Tx, platform: str, platform_id: str, name: str, *,
                    member_id: int | None = None, role_ids: Iterable[str] = (),
                    platform_admin: bool = False) -> Community:
    """Someone acts in a platform's group or server: record the community on first
    sight and, when the platform vouches for it, their membership (``note_member``)."""
    community = ensure_community(tx, platform, platform_id, name)
    if member_id is not None:
        note_member(tx, community, member_id, role_ids=role_ids, platform_admin=platform_admin)
    return community

