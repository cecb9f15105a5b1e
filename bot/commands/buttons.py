"""Button presses. The payload names the verb and entity; everything else
(who may press, whether it is still possible) is decided by core now, so a
stale, foreign or doubled press gets the current state or a polite refusal."""
from __future__ import annotations

from bot import forms
from bot.commands.gigs import feed_page, show_gig
from bot.context import Context
from bot.conversation import Button, Span
from bot.notifications import delivery_for, rate_buttons
from bot.payloads import Payload


async def handle_press(ctx: Context, p: Payload):
    handler = _HANDLERS.get(p.verb)
    if handler is None:
        return [ctx.say(ctx._("This button is not valid any more."), private=True, alert=True)]
    return await handler(ctx, p)


async def _claim(ctx: Context, p: Payload):
    claim = await ctx.engine.claim_slot(ctx.user_id, p.entity_id)
    replies = await show_gig(ctx, p.entity_id)
    replies[0].text.spans.insert(0, Span(
        ctx._("✅ Slot {n} is yours: claim #{c}. Deliver with /deliver {c}.", n=claim.slot_no,
              c=claim.id) + "\n", "bold"))
    replies[0].private = True
    replies[0].card_key = None
    return replies


async def _apply(ctx: Context, p: Payload):
    # Refuse before asking for a pitch, not after the user typed one.
    await ctx.engine.check_eligible(ctx.user_id, p.entity_id)
    return await forms.start(ctx, "apply", context={"gig_id": p.entity_id})


async def _details(ctx: Context, p: Payload):
    replies = await show_gig(ctx, p.entity_id, full=True)
    for r in replies:
        r.private, r.card_key = True, None
    return replies


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
    claim = await ctx.engine.approve(ctx.user_id, p.entity_id)
    return [ctx.say(ctx._("Approved. The reward for claim #{id} is released to the freelancer.",
                          id=claim.id), private=True, buttons=rate_buttons(ctx._, claim.id))]


async def _withdraw(ctx: Context, p: Payload):
    await ctx.engine.withdraw(ctx.user_id, p.entity_id)
    return [ctx.say(ctx._("You withdrew from claim #{id}; the slot is open again.",
                          id=p.entity_id), private=True)]


async def _rate(ctx: Context, p: Payload):
    stars = int(p.extra) if p.extra.isdigit() else 0
    await ctx.engine.rate(ctx.user_id, p.entity_id, stars)
    return [ctx.say(ctx._("Thanks! Rated {stars}★.", stars=stars), private=True)]


async def _decide(ctx: Context, p: Payload, accept: bool):
    app = await ctx.engine.decide_application(ctx.user_id, p.entity_id, accept)
    msg = ctx._("Accepted: they have the slot now.") if accept else ctx._("Declined.")
    return [ctx.say(msg + f" (#{app.gig_id})", private=True)]


async def _page(ctx: Context, p: Payload):
    return await feed_page(ctx, p.entity_id, p.extra or None)


async def _show_delivery(ctx: Context, p: Payload):
    return [await delivery_for(ctx.engine, ctx._, p.entity_id, viewer_id=ctx.user_id)]


_HANDLERS = {
    "claim": _claim, "apply": _apply, "details": _details, "pay": _pay, "cancel": _cancel,
    "deliver": lambda c, p: _form("deliver", c, p), "revise": lambda c, p: _form("revise", c, p),
    "reject": lambda c, p: _form("reject", c, p), "dispute": lambda c, p: _form("dispute", c, p),
    "approve": _approve, "withdraw": _withdraw, "rate": _rate,
    "accept": lambda c, p: _decide(c, p, True), "decline": lambda c, p: _decide(c, p, False),
    "page": _page, "show_delivery": _show_delivery,
}


def register(handlers: dict) -> None:
    """Buttons a command family declares in its own module (bot/commands/manage.py)."""
    _HANDLERS.update(handlers)
