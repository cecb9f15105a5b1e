"""Renderers of money moving: payouts and refunds sent, failed, held, reversed
or unlocked, and what the payment provider did outside gigbroker (external
refunds, chargebacks, unmatched payments), which staff must look at."""
from __future__ import annotations

from bot.cards import money
from bot.conversation import Reply, Rich
from bot.renderers.registry import Scene, renders
from core.api import (
    ChargebackOpened, ExternalRefundMade, PaymentUnallocated, PayoutFailed, PayoutReversed,
    PayoutSent, PayoutsDisabled, PayoutsUnlocked, RefundNeedsDecision, RefundSent,
)


@renders(PayoutSent)
async def payout_sent(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("Payout sent: {amount} for {title}.",
                                amount=money(e.amount_minor, e.currency), title=s.title)))


@renders(RefundSent)
async def refund_sent(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("Refund sent: {amount} for {title}.",
                                amount=money(e.amount_minor, e.currency), title=s.title)))


@renders(PayoutsUnlocked)
async def payouts_unlocked(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_.ngettext(
        "Payouts are set up: {n} held payment is on its way.",
        "Payouts are set up: {n} held payments are on their way.", s.event.transfers)))


@renders(PayoutFailed)
async def payout_failed(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("A payout of {amount} could not be sent: {reason}. Run /payout "
                                "to check your payout account.",
                                amount=money(e.amount_minor, e.currency), reason=e.reason or "")))


@renders(PayoutsDisabled)
async def payouts_disabled(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("Your payout account can't receive money right now. Earnings "
                                "stay safe in your wallet; run /payout to finish the setup.")))


@renders(PayoutReversed)
async def payout_reversed(s: Scene) -> Reply:
    _, e = s._, s.event
    amount = money(e.amount_minor, e.currency)
    if e.for_moderator:
        return s.reply(Rich().add(_("Staff: a payout of {amount} for {title} was reversed at the "
                                    "payment provider and is held as unallocated.",
                                    amount=amount, title=s.title)))
    return s.reply(Rich().add(_("A payout of {amount} for {title} was reversed by the payment "
                                "provider. Our staff will contact you.", amount=amount,
                                title=s.title)))


@renders(ExternalRefundMade)
async def external_refund(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("A refund of {amount} for {title} was made by the payment "
                                "provider.", amount=money(e.amount_minor, e.currency),
                                title=s.title)))


@renders(RefundNeedsDecision)
async def refund_needs_decision(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("Staff: a refund of {amount} for {title} made outside gigbroker "
                                "exceeds the unclaimed slots and needs a decision.",
                                amount=money(e.amount_minor, e.currency), title=s.title)))


@renders(ChargebackOpened)
async def chargeback(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("Staff: a chargeback of {amount} on {title}; the client owes "
                                "{owed}.", amount=money(e.amount_minor, e.currency),
                                title=s.title, owed=money(e.owed or 0, e.currency))))


@renders(PaymentUnallocated)
async def payment_unallocated(s: Scene) -> Reply:
    _, e = s._, s.event
    return s.reply(Rich().add(_("Staff: a payment of {amount} for {title} could not be matched "
                                "and is held as unallocated: {reason}",
                                amount=money(e.amount_minor, e.currency), title=s.title,
                                reason=e.reason or "")))
