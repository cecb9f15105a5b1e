"""Rendering core's outbox events as replies for their recipient (or, for
``gig.card_changed``, as the gig's card). One function per event; the event
name says what happened, the payload holds the ids."""
from __future__ import annotations

from typing import Callable

from bot.cards import claim_line, delivery_reply, gig_card, money, when
from bot.conversation import Button, Reply, Rich
from bot.payloads import button_payload
from core import read_models as queries
from core.api import Engine
from core.api import Claim, Gig, User
from core.api import Notification, Undeliverable

_ = Callable[..., str]


def rate_buttons(_: _, claim_id: int) -> list[list[Button]]:
    return [[Button("★" * n, button_payload("rate", claim_id, n)) for n in range(1, 6)]]


async def delivery_for(engine: Engine, _: _, claim_id: int, *, viewer_id: int | None = None) -> Reply:
    def load(t):
        claim = t.claim(claim_id, lock=False)
        gig = t.s.get(Gig, claim.gig_id)
        if viewer_id is not None and viewer_id not in (gig.client_id, claim.freelancer_id) \
                and not t.is_moderator(viewer_id, gig.community_id):
            from core.api import NotAllowed
            raise NotAllowed("Only the client, the freelancer and moderators can see deliveries.")
        return gig, claim, queries.latest_delivery(t.s, claim_id), t.s.get(User, claim.freelancer_id)
    gig, claim, delivery, freelancer = await engine.view(load)
    if delivery is None:
        return Reply(Rich().add(_("Nothing delivered yet for claim #{id}.", id=claim_id)), private=True)
    reply = delivery_reply(gig, claim, delivery, freelancer.display_name, _,
                           buttons=viewer_id in (None, gig.client_id))
    reply.private = True
    return reply


async def render(engine: Engine, note: Notification, _: _) -> Reply | None:
    """The reply telling ``note.recipient_id`` what happened; an event no branch
    knows raises ``Undeliverable`` (the outbox keeps it as dead, never done)."""
    d = note.data
    ev = note.event
    if ev == "gig.card_changed":
        view = await engine.gig_view(d["gig_id"])
        return gig_card(view, _, test_money=engine.provider.test_mode)
    gig: Gig | None = None
    claim: Claim | None = None

    def load(t):
        g = t.s.get(Gig, d["gig_id"]) if d.get("gig_id") else None
        c = t.s.get(Claim, d["claim_id"]) if d.get("claim_id") else None
        other = None
        for key in ("freelancer_id",):
            if d.get(key):
                other = t.s.get(User, d[key])
        return g, c, other
    gig, claim, other = await engine.view(load)
    title = f"#{gig.id} {gig.title}" if gig else ""
    text = Rich()
    buttons: list[list[Button]] = []
    cur = gig.currency if gig else "usd"
    if ev == "gig.opened":
        text.add(_("Your gig {title} is live. I'll tell you when someone claims a slot.", title=title))
    elif ev == "gig.matched":
        view = await engine.gig_view(gig.id)
        card = gig_card(view, _, test_money=engine.provider.test_mode)
        card.text.spans.insert(0, Rich().bold(_("New gig for you") + "\n").spans[0])
        card.card_key = None
        return card
    elif ev == "claim.created":
        text.add(_("{name} claimed a slot of {title} (claim #{c}).", name=other.display_name
                   if other else "?", title=title, c=claim.id))
    elif ev == "claim.confirmed":
        text.add(_("Slot {n} of {title} is yours. Deliver by {t} with /deliver {c}.",
                   n=claim.slot_no, title=title, t=when(claim.deadline_at), c=claim.id))
        buttons = [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary"),
                    Button(_("Withdraw"), button_payload("withdraw", claim.id), "danger")]]
    elif ev == "application.received":
        text.add(_("{name} applied to {title}.", name=other.display_name if other else "?",
                   title=title))
        buttons = [[Button(_("Accept"), button_payload("accept", d["application_id"]), "success"),
                    Button(_("Decline"), button_payload("decline", d["application_id"]), "danger")]]
    elif ev == "application.accepted":
        text.add(_("You got the job: {title}. Check /mygigs for your deadline.", title=title))
    elif ev == "application.declined":
        text.add(_("The client picked someone else for {title}.", title=title))
    elif ev == "delivery.submitted":
        return await delivery_for(engine, _, claim.id)
    elif ev == "revision.requested":
        text.add(_("The client asks for a revision of claim #{c} ({title}):", c=claim.id,
                   title=title)).line(d.get("note") or "-")
        text.line(_("Deliver again by {t}. Revisions left: {n}.", t=when(claim.deadline_at),
                    n=d.get("revisions_left", 0)))
        buttons = [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary")]]
    elif ev in ("claim.approved", "claim.auto_approved"):
        amount = money(d["amount_minor"], cur)
        if note.recipient_id == claim.freelancer_id:
            text.add(_("Your delivery for {title} was approved: {amount} released to you.",
                       title=title, amount=amount) if ev == "claim.approved" else
                     _("No answer from the client in time, so {title} was approved "
                       "automatically: {amount} released to you.", title=title, amount=amount))
        else:
            text.add(_("Claim #{c} of {title} is approved; {amount} went to the freelancer.",
                       c=claim.id, title=title, amount=amount))
        buttons = rate_buttons(_, claim.id)
    elif ev == "claim.rejected":
        text.add(_("The client rejected your delivery for {title}:", title=title)).line(
            d.get("reason") or "-")
        text.line(_("If you disagree, dispute by {t}; otherwise the slot is refunded.",
                    t=when(claim.dispute_due_at)))
        buttons = [[Button(_("Dispute"), button_payload("dispute", claim.id), "danger")]]
    elif ev == "claim.refunded":
        text.add(_("The rejected slot of {title} was refunded ({amount}).", title=title,
                   amount=money(d["amount_minor"], cur)))
    elif ev == "claim.abandoned":
        text.add(_("Claim #{c} of {title} passed its deadline without a delivery; the slot is "
                   "open again.", c=claim.id, title=title))
    elif ev == "claim.withdrawn":
        text.add(_("The freelancer withdrew from claim #{c} of {title}; the slot is open again.",
                   c=claim.id, title=title))
    elif ev == "dispute.opened":
        text.add(_("A dispute was opened on claim #{c} of {title}.", c=claim.id, title=title))
        if d.get("for_moderator"):
            text.line(_("Settle it with /resolve {c} SHARE (the freelancer's part of {amount}).",
                        c=claim.id, amount=money(gig.reward_minor, cur)))
            buttons = [[Button(_("See the delivery"), button_payload("show_delivery", claim.id))]]
    elif ev == "dispute.resolved":
        text.add(_("The dispute on claim #{c} of {title} was settled: {f} to the freelancer, "
                   "{cl} back to the client.", c=claim.id, title=title,
                   f=money(d["freelancer_share"], cur), cl=money(d["client_share"], cur)))
        if d.get("note"):
            text.line(d["note"])
        if d["freelancer_share"]:
            buttons = rate_buttons(_, claim.id)
    elif ev == "reminder.deadline":
        text.add(_("Reminder: claim #{c} of {title} is due {t}.", c=claim.id, title=title,
                   t=when(claim.deadline_at)))
        buttons = [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary")]]
    elif ev == "reminder.review":
        text.add(_("Reminder: the delivery for claim #{c} of {title} is approved automatically "
                   "on {t} unless you act.", c=claim.id, title=title, t=when(claim.review_due_at)))
        buttons = [[Button(_("See the delivery"), button_payload("show_delivery", claim.id))]]
    elif ev in ("gig.cancelled", "gig.expired"):
        text.add(_("{title} is {status}.", title=title, status=_(gig.status)))
        if d.get("refunded_slots"):
            text.line(_("{n} unclaimed slot(s) refunded: {amount}.", n=d["refunded_slots"],
                        amount=money(d["refund_minor"], cur)))
        if d.get("live_claims"):
            text.line(_("{n} live claim(s) continue to their end.", n=d["live_claims"]))
    elif ev == "gig.payment_refunded":
        text.add(_("Your payment for {title} arrived after the gig was closed, so all of it "
                   "({amount}) is being refunded.", title=title, amount=money(d["amount_minor"], cur)))
    elif ev == "gig.completed":
        text.add(_("All slots of {title} are done. Thanks!", title=title))
    elif ev == "payout.sent":
        text.add(_("Payout sent: {amount} for {title}.", amount=money(d["amount_minor"],
                                                                     d["currency"]), title=title))
    elif ev == "refund.sent":
        text.add(_("Refund sent: {amount} for {title}.", amount=money(d["amount_minor"],
                                                                     d["currency"]), title=title))
    elif ev == "payout.unlocked":
        text.add(_("Payouts are set up: {n} held payment(s) are on their way.", n=d["transfers"]))
    elif ev == "payout.failed":
        text.add(_("A payout of {amount} could not be sent: {reason}. Run /payout to check "
                   "your payout account.", amount=money(d["amount_minor"], d["currency"]),
                   reason=d.get("reason", "")))
    elif ev == "payout.disabled":
        text.add(_("Your payout account can't receive money right now. Earnings stay safe "
                   "in your wallet; run /payout to finish the setup."))
    elif ev == "payout.reversed":
        if d.get("for_moderator"):
            text.add(_("Staff: a payout of {amount} for {title} was reversed at the payment "
                       "provider and is held as unallocated.", amount=money(d["amount_minor"],
                                                                            d["currency"]), title=title))
        else:
            text.add(_("A payout of {amount} for {title} was reversed by the payment provider. "
                       "Our staff will contact you.", amount=money(d["amount_minor"], d["currency"]),
                       title=title))
    elif ev == "refund.external":
        text.add(_("A refund of {amount} for {title} was made by the payment provider.",
                   amount=money(d["amount_minor"], d["currency"]), title=title))
    elif ev == "refund.adjustment":
        text.add(_("Staff: a refund of {amount} for {title} made outside gigbroker exceeds the "
                   "unclaimed slots and needs a decision.", amount=money(d["amount_minor"],
                                                                        d["currency"]), title=title))
    elif ev == "payment.chargeback":
        text.add(_("Staff: a chargeback of {amount} on {title}; the client owes {owed}.",
                   amount=money(d["amount_minor"], d["currency"]), title=title,
                   owed=money(d.get("owed", 0), d["currency"])))
    elif ev == "payment.unallocated":
        text.add(_("Staff: a payment of {amount} for {title} could not be matched and is held "
                   "as unallocated: {reason}", amount=money(d["amount_minor"], d["currency"]),
                   title=title, reason=d.get("reason", "")))
    elif ev == "rating.received":
        text.add(_("You got {stars}★ for {title}.", stars=d["stars"], title=title))
    elif ev == "member.banned":
        text.add(_("A moderator banned you from a gig board."))
    else:
        raise Undeliverable(f"no renderer for event {ev!r}")
    if claim is not None and ev.startswith("reminder"):
        text.line(claim_line(claim, _), "italic")
    return Reply(text, buttons=buttons, private=True)
