"""Badges as their people read them: the freelancer who earned one with a
qualification gig (or lost it to a moderator), and the moderators when the
platform refused the badge's role (what to fix, once)."""
from __future__ import annotations

from bot.conversation import Reply, Rich
from bot.renderers.registry import Scene, renders
from core.api import BadgeEarned, BadgeRevoked, BadgeRoleRefused


async def _community_name(s: Scene) -> str:
    return (await s.engine.community(s.event.community_id)).name


@renders(BadgeEarned)
async def badge_earned(s: Scene) -> Reply:
    _, e = s._, s.event
    name = await _community_name(s)
    text = Rich().bold(_("🏅 You earned the {badge} badge of {community}!", badge=e.skill,
                         community=name))
    text.line(_("Your approved work on {title} qualified you. Gigs of {community} that "
                "require {badge} are open to you now, and the badge shows on your /profile "
                "and your claims.", title=s.title, community=name, badge=e.skill))
    if e.role:
        text.line(_("You also get the badge's role on the {community} server.", community=name))
    return s.reply(text)


@renders(BadgeRevoked, needs_subject=False)
async def badge_revoked(s: Scene) -> Reply:
    _, e = s._, s.event
    text = Rich().add(_("A moderator of {community} took back your {badge} badge.",
                        community=await _community_name(s), badge=e.skill))
    if e.reason:
        text.line(_("Reason: {reason}", reason=e.reason))
    return s.reply(text)


@renders(BadgeRoleRefused, needs_subject=False)
async def badge_role_refused(s: Scene) -> Reply:
    _, e = s._, s.event
    name = await _community_name(s)
    role = e.role_name or e.skill
    text = Rich().bold(
        _("⚠️ I could not take the {role} role back from {member} on {community}.",
          member=e.member_name or "?", role=role, community=name) if e.removing else
        _("⚠️ I could not give {member} the {role} role on {community}.",
          member=e.member_name or "?", role=role, community=name))
    if e.problem == "unknown_role":
        text.line(_("The role of the {badge} badge no longer exists. Pick another one with "
                    "/badge {badge} role=@Role.", badge=e.skill))
    else:
        text.line(_("Discord says I am missing permissions. In Server Settings → Roles, give "
                    "my role ({bot_role}) the Manage Roles permission and drag it above "
                    "{role}.", bot_role=e.bot_role_name or _("the bot's role"), role=role))
        text.line(_("Then run /badge {badge} in the server to bring every holder's role up "
                    "to date.", badge=e.skill))
    text.line(_("The badge itself is granted; only the role is missing."), "italic")
    return s.reply(text)
