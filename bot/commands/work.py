"""Doing and judging the work: /deliver, the revise/reject/dispute/apply forms,
/dispute, /rate, and the moderator's /resolve."""
from __future__ import annotations

from bot import forms
from bot.cards import money
from bot.context import Context
from bot.conversation import FieldSpec, FormSpec
from bot.registry import ArgSpec, command
from bot.renderers.moderation import dispute_confirmation
from bot.texts import N_
from core.api import InvalidTransition, ValidationError
from core.api import ClaimStatus
from core.api import parse_amount

DELIVER_FORM = FormSpec("deliver", N_("Deliver your work"), (
    FieldSpec("text", N_("Your delivery"), N_("Send your work: a message, links, or files "
                                              "(documents and photos)."), kind="long",
              max_len=4000),
    FieldSpec("links", N_("Links"), N_("Links to the work, one per line."),
              kind="long", required=False, max_len=2000),
))
REVISE_FORM = FormSpec("revise", N_("Request a revision"), (
    FieldSpec("note", N_("What should change?"), N_("What should the freelancer change?"),
              kind="long", max_len=1000),))
REJECT_FORM = FormSpec("reject", N_("Reject the delivery"), (
    FieldSpec("reason", N_("Why do you reject it?"), N_("Why do you reject it? The freelancer "
                                                         "may dispute, and a moderator will read "
                                                         "this."), kind="long", max_len=1000),))
DISPUTE_FORM = FormSpec("dispute", N_("Dispute the rejection"), (
    FieldSpec("reason", N_("Why is the rejection wrong?"), N_("Why is the rejection wrong? A "
                                                               "moderator will decide."),
              kind="long", max_len=2000),))
APPLY_FORM = FormSpec("apply", N_("Apply for this gig"), (
    FieldSpec("pitch", N_("Your pitch"), N_("Why are you a good fit?"),
              kind="long", required=False, max_len=1000),))


def _claim_id(context: dict) -> int:
    try:
        return int(context["claim_id"])
    except (KeyError, TypeError, ValueError):
        raise ValidationError("claim", "This form lost its claim; open the gig again.") from None


@forms.form(DELIVER_FORM)
async def _deliver_submitted(ctx: Context, values: dict, context: dict):
    links = [u.strip() for u in str(values.get("links") or "").replace(",", "\n").split("\n")
             if u.strip()]
    files = context.get("files") or []
    await ctx.engine.deliver(ctx.user_id, _claim_id(context), str(values.get("text") or ""),
                             links, files)
    return [ctx.say(ctx._("Delivered. The client has been asked to review it."), private=True)]


@forms.form(REVISE_FORM)
async def _revise_submitted(ctx: Context, values: dict, context: dict):
    claim = await ctx.engine.request_revision(ctx.user_id, _claim_id(context), values["note"])
    return [ctx.say(ctx._("Sent back for a revision (#{n}).", n=claim.revisions_used),
                    private=True)]


@forms.form(REJECT_FORM)
async def _reject_submitted(ctx: Context, values: dict, context: dict):
    await ctx.engine.reject(ctx.user_id, _claim_id(context), values["reason"])
    return [ctx.say(ctx._("Rejected. If the freelancer does not dispute in time, that slot "
                          "is refunded to you."), private=True)]


@forms.form(DISPUTE_FORM)
async def _dispute_submitted(ctx: Context, values: dict, context: dict):
    dispute = await ctx.engine.open_dispute(ctx.user_id, _claim_id(context), values["reason"])
    return [await dispute_confirmation(ctx, dispute)]


@forms.form(APPLY_FORM)
async def _apply_submitted(ctx: Context, values: dict, context: dict):
    await ctx.engine.apply(ctx.user_id, int(context["gig_id"]), str(values.get("pitch") or ""))
    return [ctx.say(ctx._("Applied. The client will pick; I'll tell you."), private=True)]


async def _default_claim(ctx: Context, claim: int | None, states) -> int:
    if claim is not None:
        return claim
    ids = await ctx.engine.claim_ids_in(ctx.user_id, states)
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise InvalidTransition("You have no claim to do that with. Find work with /gigs.")
    raise ValidationError("claim", "You have several claims: add the claim number, e.g. "
                                  "/deliver {id}.", id=ids[0])


@command("deliver", N_("Deliver work for your claim (text, links or files)"),
         ArgSpec("claim", N_("claim number (optional if you have only one)"), kind="int",
                 min_value=1),
         ArgSpec("text", N_("your delivery message"), kind="text"),
         usage="/deliver 12 Here is the logo: https://…", private=True)
async def deliver(ctx: Context, claim: int | None = None, text: str | None = None):
    claim_id = await _default_claim(ctx, claim, (ClaimStatus.active, ClaimStatus.revision_requested))
    if text:
        links = [w for w in text.split() if w.lower().startswith(("http://", "https://"))]
        await ctx.engine.deliver(ctx.user_id, claim_id, text, links, [])
        return [ctx.say(ctx._("Delivered. The client has been asked to review it."), private=True)]
    return await forms.start(ctx, "deliver", context={"claim_id": claim_id})


@command("dispute", N_("Dispute a rejected delivery"),
         ArgSpec("claim", N_("claim number"), kind="int", min_value=1),
         ArgSpec("reason", N_("why the rejection is wrong"), kind="text"),
         usage="/dispute 12 I delivered what was asked", private=True)
async def dispute(ctx: Context, claim: int | None = None, reason: str | None = None):
    claim_id = await _default_claim(ctx, claim, (ClaimStatus.rejected,))
    if reason:
        dispute = await ctx.engine.open_dispute(ctx.user_id, claim_id, reason)
        return [await dispute_confirmation(ctx, dispute)]
    return await forms.start(ctx, "dispute", context={"claim_id": claim_id})


@command("rate", N_("Rate the other side of a finished claim (1-5 stars)"),
         ArgSpec("claim", N_("claim number"), kind="int", required=True, min_value=1),
         ArgSpec("stars", N_("1 to 5"), kind="int", required=True, min_value=1, max_value=5),
         ArgSpec("comment", N_("a short comment"), kind="text"),
         usage="/rate 12 5 great work", private=True)
async def rate(ctx: Context, claim: int, stars: int, comment: str | None = None):
    await ctx.engine.rate(ctx.user_id, claim, stars, comment or "")
    return [ctx.say(ctx._("Thanks! Rated {stars}★.", stars=stars), private=True)]


@command("resolve", N_("Moderators: settle a dispute by splitting the reward"),
         ArgSpec("claim", N_("claim number"), kind="int", required=True, min_value=1),
         ArgSpec("share", N_("the freelancer's share, e.g. 12.50 (the rest is refunded)"),
                 kind="money", required=True),
         ArgSpec("note", N_("a note for both sides"), kind="text"),
         usage="/resolve 12 12.50 half of the work was done", moderator=True)
async def resolve(ctx: Context, claim: int, share: str, note: str | None = None):
    gig = await ctx.engine.gig_of_claim(claim)
    amount = parse_amount(share, gig.currency, field="share", locale=ctx.actor.locale,
                          allow_zero=True)
    await ctx.engine.resolve_dispute(ctx.user_id, claim, amount, note or "")
    return [ctx.say(ctx._("Resolved: {f} to the freelancer, {c} back to the client.",
                          f=money(amount, gig.currency),
                          c=money(gig.reward_minor - amount, gig.currency)), private=False)]


