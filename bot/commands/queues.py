"""The "Next similar task" button: one tap claims a slot of the gig it names (the
next open item of a queue). A stale press (the item was taken, the gig closed,
the freelancer reached their limit) answers with the refusal and, when there is
one, a fresh offer."""
from __future__ import annotations

from bot import forms
from bot.commands.buttons import claimed, register
from bot.context import Context
from bot.conversation import Rich
from bot.payloads import Payload
from bot.queue_cards import next_task_offer
from core.api import DomainError


async def _next(ctx: Context, p: Payload):
    try:
        claim = await ctx.engine.claim_slot(ctx.user_id, p.entity_id)
    except DomainError as exc:
        reply = ctx.say(Rich().add("⚠️ ").add(forms.error_text(ctx, exc)), private=True)
        offer = await next_task_offer(ctx.engine, ctx._, ctx.user_id, p.entity_id)
        if offer is not None and offer[1]:
            reply.text.line().spans.extend(offer[0].spans)
            reply.buttons = [offer[1]]
        return [reply]
    return await claimed(ctx, claim, p.entity_id)


register({"next": _next})
