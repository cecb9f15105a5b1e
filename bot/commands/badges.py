"""Badges and qualification gigs, for board moderators: /badge sets up the
board's badge for a skill (on Discord with the role it gives) or lists them;
/revoke takes one back from a member. Members earn a badge by having a
qualification gig approved (/post qualifies=svg); gigs posted with
requires=svg take only holders."""
from __future__ import annotations

from bot.commands.boards import _community, find_user
from bot.context import Context
from bot.conversation import Rich
from bot.registry import ArgSpec, command
from bot.texts import N_
from core.api import BoardBadge

ROLE_PROBLEM_NOTES = {
    "missing_permissions": N_("the role could not be given last time: I need Manage Roles "
                              "and my role above it"),
    "unknown_role": N_("the role could not be given last time: it no longer exists"),
}


def _board_badges(ctx: Context, name: str, badges: list[BoardBadge]) -> Rich:
    text = Rich().bold(ctx._("Badges of {community}", community=name))
    if not badges:
        text.line(ctx._("None yet. Set one up with /badge svg (on Discord: /badge svg "
                        "role=@Role), then post a paid qualification gig with /post "
                        "qualifies=svg."))
        return text
    for item in badges:
        b = item.badge
        text.line(f"🏅 {b.skill}", "bold").add(" — ").add(
            ctx._("{n} holder(s)", n=item.holders))
        if b.role_id:
            text.add(" · ").add(ctx._("gives a Discord role"))
        if b.role_problem in ROLE_PROBLEM_NOTES:
            text.add(" · ⚠️ ").add(ctx._(ROLE_PROBLEM_NOTES[b.role_problem]))
        gigs = ", ".join(f"#{gig_id} {title}" for gig_id, title in item.qualification_gigs)
        text.line("   ").add(ctx._("Open qualification gigs: {gigs}", gigs=gigs) if gigs
                             else ctx._("No open qualification gig."))
    return text


@command("badge", N_("Moderators: set up a skill badge, earned with a qualification gig"),
         ArgSpec("skill", N_("the skill the badge proves, e.g. svg")),
         ArgSpec("role", N_("the role holders get on Discord")),
         usage="/badge svg role=@SVG", moderator=True)
async def badge(ctx: Context, skill: str | None = None, role: str | None = None,
                role_name: str | None = None):
    community_id = _community(ctx)
    community = await ctx.engine.community(community_id)
    if skill is None:
        return [ctx.say(_board_badges(ctx, community.name,
                                      await ctx.engine.board_badges(community_id)))]
    made, requeued = await ctx.engine.define_badge(
        ctx.user_id, community_id, skill, role, platform_admin=ctx.actor.is_platform_admin)
    text = Rich().bold(ctx._("🏅 The {badge} badge of {community} is ready.", badge=made.skill,
                             community=community.name))
    if made.role_id:
        text.line(ctx._("Holders get the @{role} role.", role=role_name) if role_name
                  else ctx._("Holders get the role you picked."))
    else:
        text.line(ctx._("It shows on the holder's /profile and on their claims."))
    text.line(ctx._("Post a paid qualification gig for it: /post qualifies={badge} "
                    "title=... reward=... Approving a delivery grants the badge.",
                    badge=made.skill))
    text.line(ctx._("Gigs only holders may take: /post requires={badge} ...", badge=made.skill))
    if requeued:
        text.line(ctx._("Giving the role again to {n} holder(s).", n=requeued))
    return [ctx.say(text, private=False)]


@command("revoke", N_("Moderators: take a badge back from a member"),
         ArgSpec("user", N_("@username or user id"), required=True),
         ArgSpec("skill", N_("the badge's skill, e.g. svg"), required=True),
         ArgSpec("reason", N_("why"), kind="text"), usage="/revoke @bob svg copied work",
         moderator=True)
async def revoke(ctx: Context, user: str, skill: str, reason: str | None = None):
    community_id = _community(ctx)
    target = await find_user(ctx, user)
    held = await ctx.engine.revoke_badge(ctx.user_id, community_id, target.id, skill,
                                         reason or "")
    community = await ctx.engine.community(community_id)
    return [ctx.say(ctx._("{name} no longer holds the {badge} badge of {community}.",
                          name=target.display_name, badge=str(skill).strip().lower(),
                          community=community.name), private=False)] if held else []
