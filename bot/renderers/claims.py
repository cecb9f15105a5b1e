"""Renderers of what happens to a slot and its claim: claimed, applied for,
delivered, sent back for a revision, approved, rejected, refunded, abandoned,
withdrawn, rated, and the reminders before a deadline or the review's end."""
from __future__ import annotations

from bot.cards import claim_line, money, when
from bot.conversation import Button, Reply, Rich
from bot.notifications import delivery_for, rate_buttons
from bot.payloads import button_payload
from bot.renderers.applications import add_applicant
from bot.renderers.registry import Scene, renders
from core.api import (
    ApplicationAccepted, ApplicationDeclined, ApplicationReceived, ClaimAbandoned, ClaimApproved,
    ClaimAutoApproved, ClaimRejected, ClaimWithdrawn, DeadlineReminderDue, DeliverySubmitted,
    RatingReceived, ReviewReminderDue, RevisionRequested, SlotClaimConfirmed, SlotClaimed,
    SlotRefunded,
)


@renders(SlotClaimed)
async def claimed(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("{name} claimed a slot of {title} (claim #{c}).",
                                name=s.freelancer_name, title=s.title, c=s.claim.id)))


@renders(SlotClaimConfirmed)
async def confirmed(s: Scene) -> Reply:
    _, claim = s._, s.claim
    text = Rich().add(_("Slot {n} of {title} is yours. Deliver by {t} with /deliver {c}.",
                        n=claim.slot_no, title=s.title, t=when(claim.deadline_at), c=claim.id))
    return s.reply(text, [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary"),
                           Button(_("Withdraw"), button_payload("withdraw", claim.id), "danger")]])


@renders(ApplicationReceived)
async def application_received(s: Scene) -> Reply:
    _, app_id = s._, s.event.application_id
    text = Rich().add(_("{name} applied to {title}.", name=s.freelancer_name, title=s.title))
    await add_applicant(text, s.engine, _, s.event.freelancer_id, s.event.pitch)
    return s.reply(text, [[Button(_("Accept"), button_payload("accept", app_id), "success"),
                           Button(_("Decline"), button_payload("decline", app_id), "danger")]])


@renders(ApplicationAccepted)
async def application_accepted(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("You got the job: {title}. Check /mygigs for your deadline.",
                                title=s.title)))


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
    text = Rich().add(_("The client asks for a revision of claim #{c} ({title}):", c=claim.id,
                        title=s.title)).line(e.note or "-")
    text.line(_("Deliver again by {t}. Revisions left: {n}.", t=when(claim.deadline_at),
                n=e.revisions_left or 0))
    return s.reply(text, [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary")]])


@renders(ClaimApproved, ClaimAutoApproved)
async def approved(s: Scene) -> Reply:
    _, claim = s._, s.claim
    amount = money(s.event.amount_minor, s.currency)
    if s.event.recipient_id == claim.freelancer_id:
        text = Rich().add(
            _("Your delivery for {title} was approved: {amount} released to you.",
              title=s.title, amount=amount) if not isinstance(s.event, ClaimAutoApproved) else
            _("No answer from the client in time, so {title} was approved "
              "automatically: {amount} released to you.", title=s.title, amount=amount))
    else:
        text = Rich().add(_("Claim #{c} of {title} is approved; {amount} went to the freelancer.",
                            c=claim.id, title=s.title, amount=amount))
    return s.reply(text, rate_buttons(_, claim.id))


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
    return s.reply(Rich().add(_("The rejected slot of {title} was refunded ({amount}).",
                                title=s.title, amount=money(s.event.amount_minor, s.currency))))


@renders(ClaimAbandoned)
async def abandoned(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("Claim #{c} of {title} passed its deadline without a delivery; "
                                "the slot is open again.", c=s.claim.id, title=s.title)))


@renders(ClaimWithdrawn)
async def withdrawn(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("The freelancer withdrew from claim #{c} of {title}; the slot "
                                "is open again.", c=s.claim.id, title=s.title)))


@renders(DeadlineReminderDue)
async def deadline_reminder(s: Scene) -> Reply:
    _, claim = s._, s.claim
    text = Rich().add(_("Reminder: claim #{c} of {title} is due {t}.", c=claim.id,
                        title=s.title, t=when(claim.deadline_at)))
    text.line(claim_line(claim, _), "italic")
    return s.reply(text, [[Button(_("Deliver"), button_payload("deliver", claim.id), "primary")]])


@renders(ReviewReminderDue)
async def review_reminder(s: Scene) -> Reply:
    _, claim = s._, s.claim
    text = Rich().add(_("Reminder: the delivery for claim #{c} of {title} is approved "
                        "automatically on {t} unless you act.", c=claim.id, title=s.title,
                        t=when(claim.review_due_at)))
    text.line(claim_line(claim, _), "italic")
    return s.reply(text, [[Button(_("See the delivery"), button_payload("show_delivery",
                                                                        claim.id))]])


@renders(RatingReceived)
async def rated(s: Scene) -> Reply:
    _ = s._
    return s.reply(Rich().add(_("You got {stars}★ for {title}.", stars=s.event.stars,
                                title=s.title)))
