"""Renderers of moderation: disputes opened and settled, and bans.

A moderator (or a staff member, when no moderator of the board can act) gets the
whole case in one message, the dispute packet (``bot.renderers.dispute_packet``),
with the split buttons. The client is told the same rule and how long they have
to add their statement (``/respond``)."""
from __future__ import annotations

from datetime import datetime

from bot.cards import money, when
from bot.conversation import Button, Reply, Rich
from bot.notifications import rate_buttons
from bot.payloads import button_payload
from bot.renderers.dispute_packet import packet_reply
from bot.renderers.registry import Scene, renders
from core.api import DisputeOpened, DisputeResolved, MemberBanned


def _at(iso: str | None) -> str:
    return when(datetime.fromisoformat(iso)) if iso else "-"


def _rule(s: Scene, e: DisputeOpened) -> str:
    share = e.fallback_share or 0
    return s._("If nobody decides by {t}, it is settled automatically: {f} to the freelancer, "
               "{c} back to the client.", t=_at(e.decide_by), f=money(share, s.currency),
               c=money(s.gig.reward_minor - share, s.currency))


@renders(DisputeOpened)
async def dispute_opened(s: Scene) -> Reply:
    _, claim, e = s._, s.claim, s.event
    text = Rich().add(_("A dispute was opened on claim #{c} of {title}.", c=claim.id,
                        title=s.title))
    if e.for_moderator:
        return await packet_reply(s, text, as_staff=e.as_staff)
    buttons = []
    text.line(_("A moderator will decide how to split the reward."))
    if e.answer_by:
        text.line(_("Tell your side once, with files as evidence, until {t}: /respond {c} or "
                    "the button below.", t=_at(e.answer_by), c=claim.id))
        buttons = [[Button(_("Add my statement"), button_payload("respond", claim.id),
                           style="primary")]]
    if e.decide_by:
        text.line(_rule(s, e))
    return s.reply(text, buttons)


async def dispute_confirmation(ctx, dispute) -> Reply:
    """What the freelancer who opened ``dispute`` reads: who decides, and the rule
    that settles it if nobody does by the deadline."""
    gig = await ctx.engine.gig_of_claim(dispute.claim_id)
    text = Rich().add(ctx._("Dispute opened. A moderator will decide how to split the reward."))
    if dispute.decide_by is not None:
        share = dispute.fallback_share_minor or 0
        text.line(ctx._("If nobody decides by {t}, it is settled automatically: {f} to you, "
                        "{c} back to the client.", t=when(dispute.decide_by),
                        f=money(share, gig.currency),
                        c=money(gig.reward_minor - share, gig.currency)))
    buttons = []
    if dispute.answer_by is not None:
        text.line(ctx._("You may add one statement with files as evidence until {t}: "
                        "/respond {c}.", t=when(dispute.answer_by), c=dispute.claim_id))
        buttons = [[Button(ctx._("Add my statement"), button_payload("respond", dispute.claim_id),
                           style="primary")]]
    return Reply(text, buttons=buttons, private=True)


@renders(DisputeResolved)
async def dispute_resolved(s: Scene) -> Reply:
    _, claim, e = s._, s.claim, s.event
    amounts = dict(c=claim.id, title=s.title, f=money(e.freelancer_share, s.currency),
                   cl=money(e.client_share, s.currency))
    text = Rich().add(
        _("Nobody decided the dispute on claim #{c} of {title} in time, so the rule stated "
          "when it opened applies: {f} to the freelancer, {cl} back to the client.", **amounts)
        if e.by_deadline else
        _("The dispute on claim #{c} of {title} was settled: {f} to the freelancer, {cl} "
          "back to the client.", **amounts))
    if e.note:
        text.line(e.note)
    return s.reply(text, rate_buttons(_, claim.id) if e.freelancer_share else None)


@renders(MemberBanned)
async def banned(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("A moderator banned you from a gig board.")))
