"""Button presses. The payload names the verb and entity; everything else
(who may press, whether it is still possible) is decided by core now, so a
stale, foreign or doubled press gets the current state or a polite refusal."""
from __future__ import annotations

from bot import forms
from bot.cards import claim_ref, money, when
from bot.commands.gigs import feed_page, show_gig
from bot.commands.work import deliver_form
from bot.context import Context
from bot.conversation import Button, Span
from bot.notifications import delivery_for, rate_buttons
from bot.payloads import Payload
from bot.queue_cards import item_line


async def handle_press(ctx: Context, p: Payload):
    handler = _HANDLERS.get(p.verb)
    if handler is None:
        return [ctx.say(ctx._("This button is not valid any more."), private=True, alert=True)]
    return await handler(ctx, p)


async def _claim(ctx: Context, p: Payload):
    claim = await ctx.engine.claim_slot(ctx.user_id, p.entity_id)
    return await claimed(ctx, claim, p.entity_id)


async def claimed(ctx: Context, claim, gig_id: int):
    """The one confirmation of a claim (the freelancer gets no second message):
    their own card with Deliver in the thumb spot, no Claim; on a queue, the item
    the claim works on first."""
    view, actions, item = await ctx.engine.gig_seen_by(ctx.user_id, gig_id, claim_id=claim.id)
    replies = await show_gig(ctx, gig_id, seen=(view, actions))
    head = ctx._("✅ Slot {n} is yours: {claim}. Deliver by {t} with /deliver {c}.",
                 n=claim.slot_no, claim=claim_ref(ctx._, claim.id, gig_id),
                 t=when(claim.deadline_at), c=claim.id) + "\n"
    spans = [Span(head, "bold")]
    if item is not None:
        spans.append(Span(item_line(ctx._, claim.slot_no, item) + "\n\n", "bold"))
    replies[0].text.spans[0:0] = spans
    return replies


async def _apply(ctx: Context, p: Payload):
    # The form refuses before asking for a pitch (bot.commands.work), not after.
    return await forms.start(ctx, "apply", context={"gig_id": p.entity_id})


async def _details(ctx: Context, p: Payload):
    return await show_gig(ctx, p.entity_id, full=True, live=False)


async def _pay(ctx: Context, p: Payload):
    gig, link = await ctx.engine.start_funding(ctx.user_id, p.entity_id)
    if gig.status == "open":
        replies = [ctx.say(ctx._("Paid. Gig #{id} is live and matching freelancers are being "
                                 "notified.", id=gig.id), private=True)]
        return replies + await show_gig(ctx, gig.id)
    return [ctx.say(ctx._("Pay securely with the button below. The gig opens as soon as the "
                          "payment is confirmed."), private=True,
                    buttons=[[Button(ctx._("Pay now"), url=link.url)]] if link.url else [])]


async def _cancel(ctx: Context, p: Payload):
    gig = await ctx.engine.cancel_gig(ctx.user_id, p.entity_id)
    return [ctx.say(ctx._("Gig #{id} is cancelled. Unclaimed slots are refunded; live claims "
                          "run to their end.", id=gig.id), private=True)]


async def _form(name: str, ctx: Context, p: Payload):
    return await forms.start(ctx, name, context={"claim_id": p.entity_id})


async def _approve(ctx: Context, p: Payload):
    """The client's one message for an approval (bot.renderers.claims sends them no
    second one): what was released, and one row of stars to rate the freelancer."""
    claim = await ctx.engine.approve(ctx.user_id, p.entity_id)
    gig = await ctx.engine.gig_of_claim(claim.id)
    return [ctx.say(ctx._("Approved. {amount} for {claim} is released to the freelancer. "
                          "Rate their work:", amount=money(gig.reward_minor, gig.currency),
                          claim=claim_ref(ctx._, claim.id, gig.id)),
                    private=True, buttons=rate_buttons(ctx._, claim.id))]


async def _withdraw(ctx: Context, p: Payload):
    claim = await ctx.engine.withdraw(ctx.user_id, p.entity_id)
    return [ctx.say(ctx._("You withdrew from {claim}; the slot is open again.",
                          claim=claim_ref(ctx._, claim.id, claim.gig_id)), private=True)]


async def _rate(ctx: Context, p: Payload):
    stars = int(p.extra) if p.extra.isdigit() else 0
    await ctx.engine.rate(ctx.user_id, p.entity_id, stars)
    return [ctx.say(ctx._("Thanks! Rated {stars}★.", stars=stars), private=True)]


async def _decide(ctx: Context, p: Payload, accept: bool):
    app = await ctx.engine.decide_application(ctx.user_id, p.entity_id, accept)
    msg = ctx._("Accepted on gig #{gig}: they have the slot now.", gig=app.gig_id) if accept \
        else ctx._("Declined on gig #{gig}.", gig=app.gig_id)
    return [ctx.say(msg, private=True)]


async def _page(ctx: Context, p: Payload):
    return await feed_page(ctx, p.entity_id, p.extra or None)


async def _show_delivery(ctx: Context, p: Payload):
    return [await delivery_for(ctx.engine, ctx._, p.entity_id, viewer_id=ctx.user_id)]


_HANDLERS = {
    "claim": _claim, "apply": _apply, "details": _details, "pay": _pay, "cancel": _cancel,
    "deliver": lambda c, p: deliver_form(c, p.entity_id), "revise": lambda c, p: _form("revise", c, p),
    "reject": lambda c, p: _form("reject", c, p), "dispute": lambda c, p: _form("dispute", c, p),
    "approve": _approve, "withdraw": _withdraw, "rate": _rate,
    "accept": lambda c, p: _decide(c, p, True), "decline": lambda c, p: _decide(c, p, False),
    "page": _page, "show_delivery": _show_delivery,
}


def register(handlers: dict) -> None:
    """Buttons a command family declares in its own module (bot/commands/manage.py)."""
    _HANDLERS.update(handlers)
