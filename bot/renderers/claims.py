"""Renderers of what happens to a slot and its claim: claimed, applied for,
delivered, sent back for a revision, approved, rejected, refunded, abandoned,
withdrawn, rated, and the reminders before a deadline or the review's end."""
from __future__ import annotations

from bot.cards import claim_line, claim_ref, money, when
from bot.conversation import Button, Reply, Rich
from bot.notifications import delivery_for, rate_buttons
from bot.payloads import button_payload
from bot.queue_cards import next_task_offer
from bot.renderers.applications import add_applicant, add_badges
from bot.renderers.registry import Scene, renders
from core.api import (
    ApplicationAccepted, ApplicationDeclined, ApplicationReceived, ClaimAbandoned, ClaimApproved,
    ClaimAutoApproved, ClaimRejected, ClaimWithdrawn, DeadlineReminderDue, DeliverySubmitted,
    RatingReceived, ReviewReminderDue, RevisionRequested, SlotClaimConfirmed, SlotClaimed,
    SlotRefunded,
)


def _ref(s: Scene) -> str:
    return claim_ref(s._, s.claim.id, s.gig.id)


@renders(SlotClaimed)
async def claimed(s: Scene) -> Reply:
    _ = s._
    text = Rich().add(_("{name} claimed a slot of {title}: {claim}.",
                        name=s.freelancer_name, title=s.gig.title, claim=_ref(s)))
    return s.reply(await add_badges(text, s.engine, _, s.event.freelancer_id))


@renders(SlotClaimConfirmed)
async def confirmed(s: Scene) -> Reply | None:
    """One action, one message: who pressed Claim got the confirmation as the answer
    to the press (bot.commands.buttons), an accepted applicant gets it with
    ApplicationAccepted; a second message would only repeat it."""
    return None


@renders(ApplicationReceived)
async def application_received(s: Scene) -> Reply:
    _, app_id = s._, s.event.application_id
    text = Rich().add(_("{name} applied to {title}.", name=s.freelancer_name, title=s.title))
    await add_applicant(text, s.engine, _, s.event.freelancer_id, s.event.pitch)
    return s.reply(text, [[Button(_("Accept"), button_payload("accept", app_id), "success"),
                           Button(_("Decline"), button_payload("decline", app_id), "danger")]])


@renders(ApplicationAccepted)
async def application_accepted(s: Scene) -> Reply:
    """The accepted applicant's one confirmation: their claim, its deadline, Deliver."""
    _ = s._
    claim = await s.engine.claim_to_deliver(s.gig.id, s.event.recipient_id)
    if claim is None:  # already delivered, withdrawn or over by the time this is sent
        return s.reply(Rich().add(_("You got the job: {title}. Check /mygigs for your deadline.",
                                    title=s.title)))
    text = Rich().add(_("You got the job: {title}.", title=s.title)).line(_(
        "Slot {n} is yours: {claim}. Deliver by {t} with /deliver {c}.", n=claim.slot_no,
        claim=claim_ref(_, claim.id, s.gig.id), t=when(claim.deadline_at), c=claim.id))
    return s.reply(text, [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary"),
                           Button(_("Withdraw"), button_payload("withdraw", claim.id), "danger")]])


@renders(ApplicationDeclined)
async def application_declined(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("The client picked someone else for {title}.", title=s.title)))


@renders(DeliverySubmitted)
async def delivered(s: Scene) -> Reply:
    return await delivery_for(s.engine, s._, s.claim.id)


@renders(RevisionRequested)
async def revision_requested(s: Scene) -> Reply:
    _, claim, e = s._, s.claim, s.event
    text = Rich().add(_("The client asks for a revision of {claim} ({title}):",
                        claim=_ref(s), title=s.gig.title)).line(e.note or "-")
    text.line(_("Deliver again by {t}. Revisions left: {n}.", t=when(claim.deadline_at),
                n=e.revisions_left or 0))
    return s.reply(text, [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary")]])


@renders(ClaimApproved, ClaimAutoApproved)
async def approved(s: Scene) -> Reply | None:
    _, claim = s._, s.claim
    amount = money(s.event.amount_minor, s.currency)
    manual = not isinstance(s.event, ClaimAutoApproved)
    if manual and s.event.recipient_id != claim.freelancer_id:
        return None  # the client approved: their press was answered with one message
    if s.event.recipient_id == claim.freelancer_id:
        text = Rich().add(
            _("Your delivery for {title} was approved: {amount} released to you.",
              title=s.title, amount=amount) if not isinstance(s.event, ClaimAutoApproved) else
            _("No answer from the client in time, so {title} was approved "
              "automatically: {amount} released to you.", title=s.title, amount=amount))
    else:
        text = Rich().add(_("No answer from you in time, so {claim} ({title}) was approved "
                            "automatically; {amount} went to the freelancer.",
                            claim=_ref(s), title=s.gig.title, amount=amount))
        return s.reply(text, rate_buttons(_, claim.id))
    buttons = rate_buttons(_, claim.id)
    offer = await next_task_offer(s.engine, _, claim.freelancer_id, s.gig.id)
    if offer is not None:  # accept-next: the freelancer's next task, one tap away
        text.line().spans.extend(offer[0].spans)
        buttons = ([offer[1]] if offer[1] else []) + buttons
    return s.reply(text, buttons)


@renders(ClaimRejected)
async def rejected(s: Scene) -> Reply:
    _, claim = s._, s.claim
    text = Rich().add(_("The client rejected your delivery for {title}:", title=s.title)).line(
        s.event.reason or "-")
    text.line(_("If you disagree, dispute by {t}; otherwise the slot is refunded.",
                t=when(claim.dispute_due_at)))
    return s.reply(text, [[Button(_("Dispute"), button_payload("dispute", claim.id), "danger")]])


@renders(SlotRefunded)
async def refunded(s: Scene) -> Reply:
    _ = s._
    if s.event.recipient_id == s.claim.freelancer_id:  # the client's money is not their news
        return s.reply(Rich().add(_("The dispute window of {claim} ({title}) closed without a "
                                    "dispute; the rejection stands.", claim=_ref(s),
                                    title=s.gig.title)))
    return s.reply(Rich().add(_("The rejected slot of {title} was refunded ({amount}).",
                                title=s.title, amount=money(s.event.amount_minor, s.currency))))


@renders(ClaimAbandoned)
async def abandoned(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("Claim #{c} on gig #{g} ({title}) passed its deadline without "
                                "a delivery; the slot is open again.", c=s.claim.id,
                                g=s.gig.id, title=s.gig.title)))


@renders(ClaimWithdrawn)
async def withdrawn(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("The freelancer withdrew from {claim} ({title}); the slot "
                                "is open again.", claim=_ref(s), title=s.gig.title)))


@renders(DeadlineReminderDue)
async def deadline_reminder(s: Scene) -> Reply:
    _, claim = s._, s.claim
    text = Rich().add(_("Reminder: {claim} ({title}) is due {t}.", claim=_ref(s),
                        title=s.gig.title, t=when(claim.deadline_at)))
    text.line(claim_line(claim, _), "italic")
    return s.reply(text, [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary")]])


@renders(ReviewReminderDue)
async def review_reminder(s: Scene) -> Reply:
    _, claim = s._, s.claim
    text = Rich().add(_("Reminder: the delivery for {claim} ({title}) is approved "
                        "automatically on {t} unless you act.", claim=_ref(s),
                        title=s.gig.title, t=when(claim.review_due_at)))
    text.line(claim_line(claim, _), "italic")
    return s.reply(text, [[Button(_("See the delivery"), button_payload("show_delivery",
                                                                        claim.id))]])


@renders(RatingReceived)
async def rated(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("You got {stars}★ for {title}.", stars=s.event.stars,
                                title=s.title)))
