"""Community boards: /board (chat admins set this chat as the gig board, public or
members-only, with a moderator role) and /ban (moderators)."""
from __future__ import annotations

from bot.context import Context
from bot.conversation import Rich
from bot.registry import ArgSpec, command
from bot.texts import LANGUAGES, N_, language_name
from core.api import NotAllowed, NotFound, User


def _community(ctx: Context) -> int:
    if ctx.place.community_id is None:
        raise NotAllowed("Use this in the group or server channel that should hold "
                         "the gig board.")
    return ctx.place.community_id


@command("board", N_("Admins: make this chat the community's gig board"),
         ArgSpec("visibility", N_("public, or members (only members can claim)"), kind="choice",
                 choices=("public", "members")),
         ArgSpec("moderator_role", N_("the role whose members moderate (Discord)")),
         ArgSpec("fee_bps", N_("platform fee override in basis points (500 = 5%)"), kind="int",
                 min_value=0, max_value=3000),
         ArgSpec("decide_hours", N_("hours a dispute waits for a moderator before the stated "
                                     "split applies"), kind="int", min_value=24, max_value=720),
         ArgSpec("answer_hours", N_("hours the parties of a dispute have for their statements"),
                 kind="int", min_value=12, max_value=336),
         ArgSpec("dispute_rule", N_("split when nobody decides: half, freelancer or client"),
                 kind="choice", choices=("half", "freelancer", "client")),
         ArgSpec("language", N_("the language of the board's cards and posts"), kind="choice",
                 choices=LANGUAGES),
         usage="/board members language=es", moderator=True)
async def board(ctx: Context, visibility: str | None = None, moderator_role: str | None = None,
                fee_bps: int | None = None, decide_hours: int | None = None,
                answer_hours: int | None = None, dispute_rule: str | None = None,
                language: str | None = None):
    community_id = _community(ctx)
    community = await ctx.engine.configure_board(
        ctx.user_id, community_id, board_channel_id=ctx.place.chat_id, visibility=visibility,
        moderator_role_id=moderator_role, fee_bps=fee_bps, dispute_decide_hours=decide_hours,
        language=language, languages=LANGUAGES, platform_admin=ctx.actor.is_platform_admin)
    if answer_hours is not None or dispute_rule is not None:
        await ctx.engine.set_dispute_rules(ctx.user_id, community_id, answer_hours=answer_hours,
                                           rule=dispute_rule)
    # a reply on the board is for all its members: in the board's language
    ctx.switch_reader(locale=community.language)
    text = Rich().bold(ctx._("This chat is now the gig board of {name}.", name=community.name))
    text.line(ctx._("Visibility: {v}", v=ctx._("members only") if community.visibility == "members"
                    else ctx._("public")))
    text.line(ctx._("Language of the cards: {v}", v=language_name(community.language)))
    text.line(ctx._("Members post with /post here; new gigs appear as cards with a Claim "
                    "(or Apply) button."))
    text.line(ctx._("From a private chat with me, post here with /post board={number} "
                    "title=... reward=...", number=community.id))
    return [ctx.say(text, private=False)]


async def board_to_post_on(ctx: Context, ref: object) -> int:
    """The community id of the board ``ref`` (number or name) names, checked for this
    poster: ``/post board=...`` from a private chat, e.g. to a channel's board."""
    return (await ctx.engine.board_to_post_on(ctx.user_id, str(ref))).id


async def find_user(ctx: Context, ref: str) -> User:
    ref = ref.strip()
    name = ref.lstrip("@")
    for prefix in ("<@!", "<@"):
        if ref.startswith(prefix) and ref.endswith(">"):
            name = ref[len(prefix):-1]
    user = await ctx.engine.user_by_handle(ctx.actor.platform, name,
                                           by_display_name=ctx.actor.platform == "console")
    if user is None:
        raise NotFound("I don't know {who} yet: they must have used the bot once.",
                       who=ref[:40])
    return user


@command("ban", N_("Moderators: ban a member from this board"),
         ArgSpec("user", N_("@username or user id"), required=True),
         ArgSpec("reason", N_("why"), kind="text"), usage=N_("/ban @spammer scam links"),
         moderator=True)
async def ban(ctx: Context, user: str, reason: str | None = None):
    community_id = _community(ctx)
    target = await find_user(ctx, user)
    await ctx.engine.ban(ctx.user_id, community_id, target.id, reason or "")
    return [ctx.say(ctx._("{name} can no longer post or claim on this board.",
                          name=target.display_name), private=False)]
