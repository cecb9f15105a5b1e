"""Doing and judging the work: /deliver, the revise/reject/dispute/apply forms,
/dispute, /rate, and the moderator's /resolve."""
from __future__ import annotations

from bot import forms
from bot.cards import claim_ref, money
from bot.context import Context
from bot.conversation import Button, FieldSpec, FormSpec, Rich
from bot.payloads import button_payload
from bot.queue_cards import item_line, next_task_offer
from bot.registry import ArgSpec, command
from bot.renderers.moderation import dispute_confirmation
from bot.texts import N_
from core.api import InvalidTransition, ValidationError
from core.api import ClaimStatus
from core.api import parse_amount

# One message is one delivery: its text, the links in it and its files together.
DELIVER_FORM = FormSpec("deliver", N_("Deliver your work"), (
    FieldSpec("text", N_("Your delivery"), N_("Send your work in one message: text with any "
                                              "links, and files (documents and photos)."),
              kind="long", max_len=4000),
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


def may(action: str):
    """A form's ``before`` check: may this person do ``action`` on the form's claim now?"""
    async def check(ctx: Context, context: dict) -> None:
        await ctx.engine.check_claim_action(ctx.user_id, _claim_id(context), action)
    return check


def links_in(text: str) -> list[str]:
    """The web links in a delivery message, each once, in order."""
    words = [w.rstrip(".,;:!?)>") for w in (text or "").split()]
    return list(dict.fromkeys(w for w in words if w.lower().startswith(("http://", "https://"))))


async def _deliver(ctx: Context, claim_id: int, text: str, files: list[dict]):
    await ctx.engine.deliver(ctx.user_id, claim_id, text, links_in(text), files)
    gig = await ctx.engine.gig_of_claim(claim_id)
    text = Rich().add(ctx._("Delivered claim #{claim} on gig #{gig}. The client has been asked "
                            "to review it.", claim=claim_id, gig=gig.id))
    offer = await next_task_offer(ctx.engine, ctx._, ctx.user_id, gig.id)
    if offer is None:
        return [ctx.say(text, private=True)]
    text.line().spans.extend(offer[0].spans)  # accept-next: the next task, one tap away
    return [ctx.say(text, private=True, buttons=[offer[1]] if offer[1] else [])]


@forms.form(DELIVER_FORM, before=may("deliver"))
async def _deliver_submitted(ctx: Context, values: dict, context: dict):
    return await _deliver(ctx, _claim_id(context), str(values.get("text") or ""),
                          context.get("files") or [])


@forms.form(REVISE_FORM, before=may("revise"))
async def _revise_submitted(ctx: Context, values: dict, context: dict):
    claim = await ctx.engine.request_revision(ctx.user_id, _claim_id(context), values["note"])
    return [ctx.say(ctx._("Sent back: revision {n} of {max} for {claim}.", n=claim.revisions_used,
                          max=(await ctx.engine.gig_of_claim(claim.id)).max_revisions,
                          claim=claim_ref(ctx._, claim.id, claim.gig_id)), private=True)]


@forms.form(REJECT_FORM, before=may("reject"))
async def _reject_submitted(ctx: Context, values: dict, context: dict):
    await ctx.engine.reject(ctx.user_id, _claim_id(context), values["reason"])
    return [ctx.say(ctx._("Rejected. If the freelancer does not dispute in time, that slot "
                          "is refunded to you."), private=True)]


@forms.form(DISPUTE_FORM, before=may("dispute"))
async def _dispute_submitted(ctx: Context, values: dict, context: dict):
    dispute = await ctx.engine.open_dispute(ctx.user_id, _claim_id(context), values["reason"])
    return [await dispute_confirmation(ctx, dispute)]


async def _may_apply(ctx: Context, context: dict) -> None:
    await ctx.engine.check_can_take(ctx.user_id, int(context["gig_id"]))


@forms.form(APPLY_FORM, before=_may_apply)
async def _apply_submitted(ctx: Context, values: dict, context: dict):
    await ctx.engine.apply(ctx.user_id, int(context["gig_id"]), str(values.get("pitch") or ""))
    return [ctx.say(ctx._("Applied. The client will pick; I'll tell you."), private=True)]


CAN_DELIVER = (ClaimStatus.active, ClaimStatus.revision_requested)


async def _which_claim(ctx: Context, claim: int | None, states, command: str, verb: str,
                       label: str):
    """The claim a command acts on: the number given, or the user's only claim in
    ``states``. With several, a reply listing them (with a button each) instead of
    a guess; returns ``(claim_id, None)`` or ``(None, replies)``."""
    if claim is not None:
        return claim, None
    held = sorted(((c, g) for c, g in (await ctx.engine.my_gigs(ctx.user_id, limit=50)).held
                   if c.status in states), key=lambda cg: cg[0].id)
    if len(held) == 1:
        return held[0][0].id, None
    if not held:
        raise InvalidTransition("You have no claim to do that with. Find work with /gigs.")
    text = Rich().add(ctx._.ngettext("You have {n} claim this can be for; which one?",
                                           "You have {n} claims this can be for; which one?", len(held)))
    for c, g in held:
        text.line(ctx._("claim #{claim} on gig #{gig}: {title}", claim=c.id, gig=g.id,
                        title=g.title))
    c0 = held[0][0].id
    text.line(ctx._("Add the claim number, e.g. /{command} {claim} …", command=command, claim=c0),
              "italic")
    buttons = [[Button(ctx._(label, claim=c.id), button_payload(verb, c.id))] for c, _g in held[:5]]
    return None, [ctx.say(text, buttons=buttons, private=True)]


@command("deliver", N_("Deliver work for your claim (text, links or files)"),
         ArgSpec("claim", N_("claim number (optional if you have only one)"), kind="int",
                 min_value=1),
         ArgSpec("text", N_("your delivery message"), kind="text"),
         usage=N_("/deliver 12 Here is the logo: https://…"), private=True)
async def deliver(ctx: Context, claim: int | None = None, text: str | None = None):
    claim_id, ask = await _which_claim(ctx, claim, CAN_DELIVER, "deliver", "deliver",
                                       N_("Deliver claim #{claim}"))
    if ask:
        return ask
    if text:
        return await _deliver(ctx, claim_id, text, [])
    return await deliver_form(ctx, claim_id)


async def deliver_form(ctx: Context, claim_id: int):
    """The delivery form; on a queue its first question shows the item to deliver."""
    replies = await forms.start(ctx, "deliver", context={"claim_id": claim_id})
    item = await ctx.engine.item_of_claim(claim_id)
    if item is not None and replies and replies[0].form is None:
        claim = await ctx.engine.claim(claim_id)
        replies[0].text.spans[0:0] = Rich().bold(item_line(ctx._, claim.slot_no, item)).line(
            ).spans
    return replies


@command("dispute", N_("Dispute a rejected delivery"),
         ArgSpec("claim", N_("claim number (optional if you have only one)"), kind="int",
                 min_value=1),
         ArgSpec("reason", N_("why the rejection is wrong"), kind="text"),
         usage=N_("/dispute 12 I delivered what was asked"), private=True)
async def dispute(ctx: Context, claim: int | None = None, reason: str | None = None):
    claim_id, ask = await _which_claim(ctx, claim, (ClaimStatus.rejected,), "dispute",
                                       "dispute", N_("Dispute claim #{claim}"))
    if ask:
        return ask
    if reason:
        dispute = await ctx.engine.open_dispute(ctx.user_id, claim_id, reason)
        return [await dispute_confirmation(ctx, dispute)]
    return await forms.start(ctx, "dispute", context={"claim_id": claim_id})


@command("rate", N_("Rate the other side of a finished claim (1-5 stars)"),
         ArgSpec("claim", N_("claim number"), kind="int", required=True, min_value=1),
         ArgSpec("stars", N_("1 to 5"), kind="int", required=True, min_value=1, max_value=5),
         ArgSpec("comment", N_("a short comment"), kind="text"),
         usage=N_("/rate 12 5 great work"), private=True)
async def rate(ctx: Context, claim: int, stars: int, comment: str | None = None):
    await ctx.engine.rate(ctx.user_id, claim, stars, comment or "")
    return [ctx.say(ctx._("Thanks! Rated {stars}★.", stars=stars), private=True)]


@command("resolve", N_("Moderators: settle a dispute by splitting the reward"),
         ArgSpec("claim", N_("claim number"), kind="int", required=True, min_value=1),
         ArgSpec("share", N_("the freelancer's share, e.g. 12.50 (the rest is refunded)"),
                 kind="money", required=True),
         ArgSpec("note", N_("a note for both sides"), kind="text"),
         usage=N_("/resolve 12 12.50 half of the work was done"), moderator=True)
async def resolve(ctx: Context, claim: int, share: str, note: str | None = None):
    gig = await ctx.engine.gig_of_claim(claim)
    amount = parse_amount(share, gig.currency, field="share", locale=ctx.actor.locale,
                          allow_zero=True)
    await ctx.engine.resolve_dispute(ctx.user_id, claim, amount, note or "")
    return [ctx.say(ctx._("Resolved: {f} to the freelancer, {c} back to the client.",
                          f=money(amount, gig.currency),
                          c=money(gig.reward_minor - amount, gig.currency)), private=False)]


