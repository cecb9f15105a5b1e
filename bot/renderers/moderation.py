"""Renderers of moderation: disputes opened and settled, and bans.

A moderator (or a staff member, when no moderator of the board can act) gets the
whole case in one message: both names, the reward, the timeline (claimed, each
delivery revision with its text, links and files, each revision request, the
rejection with its reason, the dispute with its reason) and the deadline with
the split that applies if nobody decides. The client is told the same rule."""
from __future__ import annotations

from datetime import datetime

from bot.cards import money, when
from bot.conversation import Button, Reply, Rich
from bot.notifications import rate_buttons
from bot.payloads import button_payload
from bot.renderers.registry import Scene, renders
from core.api import DisputeOpened, DisputeResolved, MemberBanned

EXCERPT = 600  # characters of each revision's text (the full text: See the delivery)


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"


def _at(iso: str | None) -> str:
    return when(datetime.fromisoformat(iso)) if iso else "-"


def _rule(s: Scene, e: DisputeOpened) -> str:
    share = e.fallback_share or 0
    return s._("If nobody decides by {t}, it is settled automatically: {f} to the freelancer, "
               "{c} back to the client.", t=_at(e.decide_by), f=money(share, s.currency),
               c=money(s.gig.reward_minor - share, s.currency))


async def _packet(s: Scene, text: Rich) -> None:
    _ = s._
    p = await s.engine.dispute_packet(s.claim.id)
    c, g = p.claim, p.gig
    text.line(_("Client: {client} · Freelancer: {freelancer} · Reward: {amount}",
                client=p.client_name, freelancer=p.freelancer_name,
                amount=money(g.reward_minor, g.currency)))
    text.line().line(_("Timeline"), "bold")
    # (when, order at the same instant, entry): revision request i comes after delivery
    # i and before delivery i + 1, whatever the clock's resolution.
    events: list[tuple[datetime, int, Rich]] = [(c.claimed_at, -1, Rich().add(
        _("{t} claimed (slot {n})", t=when(c.claimed_at), n=c.slot_no)))]
    for d in p.deliveries:
        entry = Rich().add(_("{t} delivered revision {n}:", t=when(d.at), n=d.revision_no))
        if d.text:
            entry.line("   ").add(_excerpt(d.text))
        for url in d.links:
            entry.line("   🔗 ").link(url, url)
        for name in d.file_names:
            entry.line("   📎 ").add(name)
        events.append((d.at, 2 * d.revision_no, entry))
    for i, (at, note) in enumerate(p.revision_requests):
        events.append((at, 2 * i + 1, Rich().add(_("{t} the client asked for changes:",
                                                   t=when(at))).line("   ").add(
            _excerpt(note or "-"))))
    if c.rejected_at is not None:
        events.append((c.rejected_at, 10_000, Rich().add(
            _("{t} rejected:", t=when(c.rejected_at))).line("   ").add(c.reject_reason or "-")))
    events.append((p.dispute.opened_at, 10_001, Rich().add(
        _("{t} disputed:", t=when(p.dispute.opened_at))).line("   ").add(p.dispute.reason)))
    for *_order, entry in sorted(events, key=lambda ev: ev[:2]):
        text.line("• ")
        text.spans.extend(entry.spans)


@renders(DisputeOpened)
async def dispute_opened(s: Scene) -> Reply:
    _, claim, e = s._, s.claim, s.event
    text = Rich().add(_("A dispute was opened on claim #{c} of {title}.", c=claim.id,
                        title=s.title))
    buttons = []
    if e.for_moderator:
        if e.as_staff:
            text.line(_("No moderator of this board can decide it, so it comes to you as "
                        "platform staff."), "italic")
        await _packet(s, text)
        text.line()
        text.line(_("Settle it with /resolve {c} SHARE (the freelancer's part of {amount}).",
                    c=claim.id, amount=money(s.gig.reward_minor, s.currency)))
        buttons = [[Button(_("See the delivery"), button_payload("show_delivery", claim.id))]]
    else:
        text.line(_("A moderator will decide how to split the reward."))
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
    return Reply(text, private=True)


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
