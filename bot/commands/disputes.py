"""A dispute's packet from chat: each party's one statement with evidence
(``/respond CLAIM`` or the "Add my statement" button, a form whose message may
carry files), and the deciders' split buttons on the packet (All to the
freelancer, Half, All back to the client, Custom: a form asking the share).
Who may press is decided by core at press time; a second press of a split finds
the dispute settled and says how."""
from __future__ import annotations

from bot import forms
from bot.cards import money
from bot.commands.buttons import register as register_buttons
from bot.context import Context
from bot.conversation import FieldSpec, FormSpec
from bot.payloads import Payload
from bot.registry import ArgSpec, command
from bot.texts import N_
from core.api import InvalidTransition, ValidationError, parse_amount

RESPOND_FORM = FormSpec("respond", N_("Your statement on the dispute"), (
    FieldSpec("statement", N_("Your statement"), N_(
        "Tell the moderator your side in one message: what was asked, what was delivered, "
        "what went wrong. Attach files (screenshots, the brief) as evidence in the same "
        "message. You can do this once."), kind="long", max_len=3000),
))
CUSTOM_SPLIT_FORM = FormSpec("resolve_custom", N_("Custom split"), (
    FieldSpec("share", N_("The freelancer's share"), N_(
        "How much of the reward goes to the freelancer? e.g. 12.50 (the rest goes back to "
        "the client)."), max_len=30),
))


def _claim_id(context: dict) -> int:
    try:
        return int(context["claim_id"])
    except (KeyError, TypeError, ValueError):
        raise ValidationError("claim", "This form lost its claim; open the dispute again.") \
            from None


async def _may_respond(ctx: Context, context: dict) -> None:
    await ctx.engine.check_dispute_statement(ctx.user_id, _claim_id(context))


async def _may_decide(ctx: Context, context: dict) -> None:
    await ctx.engine.check_dispute_decider(ctx.user_id, _claim_id(context))


async def _respond(ctx: Context, claim_id: int, text: str, files: list[dict]):
    await ctx.engine.add_dispute_statement(ctx.user_id, claim_id, text, files)
    n = len(files)
    return [ctx.say(ctx._("Your statement is added to the dispute on claim #{c} ({n} file(s)). "
                          "The moderator and the other side have it now.", c=claim_id, n=n)
                    if n else
                    ctx._("Your statement is added to the dispute on claim #{c}. The moderator "
                          "and the other side have it now.", c=claim_id),
                    private=True)]


@forms.form(RESPOND_FORM, before=_may_respond)
async def _respond_submitted(ctx: Context, values: dict, context: dict):
    return await _respond(ctx, _claim_id(context), str(values.get("statement") or ""),
                          list(context.get("files") or []))


@command("respond", N_("Add your statement and evidence to a dispute (once per side)"),
         ArgSpec("claim", N_("claim number"), kind="int", required=True, min_value=1),
         ArgSpec("text", N_("your statement (no text: a form where you can attach files)"),
                 kind="text"),
         usage="/respond 12 The brief asked for a PNG and I delivered a PNG", private=True)
async def respond(ctx: Context, claim: int, text: str | None = None):
    if text:
        return await _respond(ctx, claim, text, [])
    return await forms.start(ctx, "respond", context={"claim_id": claim})


# -- the deciders' buttons on the packet ------------------------------------------------
def _resolved_reply(ctx: Context, gig, share: int):
    return [ctx.say(ctx._("Resolved: {f} to the freelancer, {c} back to the client.",
                          f=money(share, gig.currency),
                          c=money(gig.reward_minor - share, gig.currency)), private=True)]


async def _already(ctx: Context, claim_id: int):
    """The current state for a press on a dispute that is not open any more."""
    packet = await ctx.engine.dispute_packet(claim_id)
    d, g = packet.dispute, packet.gig
    if d.status != "resolved":
        return None
    share = d.freelancer_share_minor or 0
    return [ctx.say(ctx._("This dispute was already settled: {f} to the freelancer, {c} back "
                          "to the client.", f=money(share, g.currency),
                          c=money(g.reward_minor - share, g.currency)), private=True,
                    alert=True)]


async def _press_split(ctx: Context, p: Payload):
    try:
        await ctx.engine.resolve_dispute_split(ctx.user_id, p.entity_id, p.extra)
    except InvalidTransition:
        done = await _already(ctx, p.entity_id)
        if done is None:
            raise
        return done
    packet = await ctx.engine.dispute_packet(p.entity_id)
    return _resolved_reply(ctx, packet.gig, packet.dispute.freelancer_share_minor or 0)


async def _press_custom(ctx: Context, p: Payload):
    try:
        return await forms.start(ctx, "resolve_custom", context={"claim_id": p.entity_id})
    except InvalidTransition:
        done = await _already(ctx, p.entity_id)
        if done is None:
            raise
        return done


def _check_share(text: str, values: dict, locale: str) -> None:
    parse_amount(text, "usd", field="share", locale=locale, allow_zero=True)


@forms.form(CUSTOM_SPLIT_FORM, {"share": _check_share}, before=_may_decide)
async def _custom_submitted(ctx: Context, values: dict, context: dict):
    claim_id = _claim_id(context)
    gig = await ctx.engine.gig_of_claim(claim_id)
    share = parse_amount(str(values.get("share") or ""), gig.currency, field="share",
                         locale=ctx.actor.locale, allow_zero=True)
    try:
        await ctx.engine.resolve_dispute(ctx.user_id, claim_id, share)
    except InvalidTransition:
        done = await _already(ctx, claim_id)
        if done is None:
            raise
        return done
    return _resolved_reply(ctx, gig, share)


register_buttons({"respond": lambda ctx, p: forms.start(ctx, "respond",
                                                        context={"claim_id": p.entity_id}),
                  "resolve_split": _press_split, "resolve_custom": _press_custom})
