"""Renderers of what happens to a gig: its card changed, it went live, it
matched a freelancer, it closed (cancelled, expired, completed), a late payment
was refunded."""
from __future__ import annotations

import time
from weakref import WeakKeyDictionary

from bot.cards import gig_card, money
from bot.conversation import Reply, Rich
from bot.renderers.registry import Scene, renders
from core.api import (
    GigCancelled, GigCardChanged, GigCompleted, GigExpired, GigMatched, GigOpened, GigPushesHeld,
    LatePaymentRefunded,
)


@renders(GigCardChanged, needs_subject=False)
async def card_changed(s: Scene) -> Reply:
    view = await s.engine.gig_view(s.event.gig_id)
    return gig_card(view, s._, test_money=s.engine.provider.test_mode)


@renders(GigOpened)
async def opened(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("Your gig {title} is live. I'll tell you when someone claims a "
                                "slot.", title=s.title)))


SHARED_VIEW_FOR = 1.0  # seconds a fan-out's freelancers share one read of the gig
# engine -> gig id -> (read at, version, view): per engine, since one process may run
# several (tests do, one after another, each with its own database and gig #1)
_shared_views: WeakKeyDictionary = WeakKeyDictionary()


async def shared_view(s: Scene):
    """The gig's view for a "new gig for you" DM: a fan-out sends the same gig to
    hundreds of freelancers, so they share one read of it while the gig's version
    stays the same, for at most ``SHARED_VIEW_FOR`` (a DM is a snapshot anyway; a
    press is checked against the gig as it is then)."""
    now = time.monotonic()
    views = _shared_views.setdefault(s.engine, {})
    held = views.get(s.gig.id)
    if held is not None and held[1] == s.gig.version and now - held[0] < SHARED_VIEW_FOR:
        return held[2]
    view = await s.engine.gig_view(s.gig.id)
    if len(views) > 256:
        views.clear()
    views[s.gig.id] = (now, s.gig.version, view)
    return view


@renders(GigMatched)
async def matched(s: Scene) -> Reply:
    _ = s._
    view = await shared_view(s)
    # A DM is this freelancer's own copy: Claim only if they can still take a slot.
    actions = await s.engine.viewer_actions(s.event.recipient_id, s.gig.id)
    card = gig_card(view, _, test_money=s.engine.provider.test_mode, can_take=actions.can_take)
    card.text.spans.insert(0, Rich().bold(_("New gig for you") + "\n").spans[0])
    card.card_key = None
    return card


@renders(GigCancelled, GigExpired)
async def closed(s: Scene) -> Reply:
    _, e = s._, s.event
    text = Rich().add(_("{title} is {status}.", title=s.title, status=_(s.gig.status)))
    if e.refunded_slots:
        text.line(_.ngettext("{n} unclaimed slot refunded: {amount}.",
                               "{n} unclaimed slots refunded: {amount}.", e.refunded_slots,
                    amount=money(e.refund_minor, s.currency)))
    if e.live_claims:
        text.line(_.ngettext("{n} live claim continues to its end.",
                               "{n} live claims continue to their end.", e.live_claims))
    return s.reply(text)


@renders(LatePaymentRefunded)
async def late_payment_refunded(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("Your payment for {title} arrived after the gig was closed, so "
                                "all of it ({amount}) is being refunded.", title=s.title,
                                amount=money(s.event.amount_minor, s.currency))))


@renders(GigCompleted)
async def completed(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("All slots of {title} are done. Thanks!", title=s.title)))


@renders(GigPushesHeld, needs_subject=False)
async def pushes_held(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_.ngettext(
        "More gigs matched your skills in the last hour than the {n} I send you in an hour. "
        "See them all with /gigs.",
        "More gigs matched your skills in the last hour than the {n} I send you in an hour. "
        "See them all with /gigs.", s.event.per_hour)))
