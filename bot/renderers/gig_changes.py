"""Renderers of a live gig managed by its client: edited (to applicants), slots
added, a late extra payment refunded, a deadline extended, a tip received and
sent, and the next copy of a recurring gig waiting for payment."""
from __future__ import annotations

from datetime import datetime

from bot.cards import client_controls, gig_card, money, when
from bot.conversation import Button, Reply, Rich
from bot.payloads import button_payload
from bot.renderers.registry import Scene, renders
from core.api import (
    DeadlineExtended, ExtraPaymentRefunded, GigEdited, RecurringGigPosted, SlotsAdded,
    TipReceived, TipSent,
)


@renders(GigEdited)
async def edited(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("The client changed {title}, which you applied to. Check it "
                                "again: /gig {id}", title=s.title, id=s.gig.id)),
                   [[Button(_("Details"), button_payload("details", s.gig.id))]])


@renders(SlotsAdded)
async def slots_added(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_.ngettext(
        "Payment received: {n} more slot on {title}, now {slots} in all ({amount}).",
        "Payment received: {n} more slots on {title}, now {slots} in all ({amount}).", e.added,
        title=s.title, slots=e.slots, amount=money(e.amount_minor, e.currency))))


@renders(ExtraPaymentRefunded)
async def extra_refunded(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("Your payment of {amount} for {title} came after the gig "
                                "closed, so all of it is being refunded.",
                                amount=money(e.amount_minor, e.currency), title=s.title)))


@renders(DeadlineExtended)
async def deadline_extended(s: Scene) -> Reply:
    _, e = s._, s.event
    due = when(datetime.fromisoformat(e.deadline_at))
    return s.reply(Rich().add(_("The client gave you more time on {title}: deliver claim #{c} "
                                "by {t}.", title=s.title, c=e.claim_id, t=due)),
                   [[Button(_("Deliver"), button_payload("deliver", e.claim_id), "primary")]])


@renders(TipReceived)
async def tip_received(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add("🎉 " + _("The client tipped you {amount} for {title}. It is on "
                                       "its way with your payouts.",
                                       amount=money(e.amount_minor, e.currency),
                                       title=s.title)))


@renders(TipSent)
async def tip_sent(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("Your tip of {amount} to {name} for {title} is paid.",
                                amount=money(e.amount_minor, e.currency),
                                name=s.freelancer_name, title=s.title)))


@renders(RecurringGigPosted)
async def recurring_posted(s: Scene) -> Reply:
    _, e = s._, s.event
    view = await s.engine.gig_view(e.gig_id)
    test = bool(s.engine.provider.test_mode)
    card = gig_card(view, _, full=True, test_money=test)
    card.text.spans[:0] = Rich().bold(_.ngettext(
        "Your gig repeats every {n} day: here is the next copy of #{source}. Pay to open it.",
        "Your gig repeats every {n} days: here is the next copy of #{source}. Pay to open it.",
        e.every_days, source=e.source_gig_id) + "\n").spans
    card.card_key = None  # private until paid, like a new gig's preview
    card.private = True
    card.buttons = [client_controls(view, _, test_money=test),
                    [Button(_("Stop repeating"), button_payload("stop_repeat", e.source_gig_id),
                            "danger")]]
    return card
