"""Renderers of moderation: disputes opened and settled, and bans."""
from __future__ import annotations

from bot.cards import money
from bot.conversation import Button, Reply, Rich
from bot.notifications import rate_buttons
from bot.payloads import button_payload
from bot.renderers.registry import Scene, renders
from core.api import DisputeOpened, DisputeResolved, MemberBanned


@renders(DisputeOpened)
async def dispute_opened(s: Scene) -> Reply:
    _, claim = s._, s.claim
    text = Rich().add(_("A dispute was opened on claim #{c} of {title}.", c=claim.id,
                        title=s.title))
    buttons = []
    if s.event.for_moderator:
        text.line(_("Settle it with /resolve {c} SHARE (the freelancer's part of {amount}).",
                    c=claim.id, amount=money(s.gig.reward_minor, s.currency)))
        buttons = [[Button(_("See the delivery"), button_payload("show_delivery", claim.id))]]
    return s.reply(text, buttons)


@renders(DisputeResolved)
async def dispute_resolved(s: Scene) -> Reply:
    _, claim, e = s._, s.claim, s.event
    text = Rich().add(_("The dispute on claim #{c} of {title} was settled: {f} to the "
                        "freelancer, {cl} back to the client.", c=claim.id, title=s.title,
                        f=money(e.freelancer_share, s.currency),
                        cl=money(e.client_share, s.currency)))
    if e.note:
        text.line(e.note)
    return s.reply(text, rate_buttons(_, claim.id) if e.freelancer_share else None)


@renders(MemberBanned)
async def banned(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("A moderator banned you from a gig board.")))
