"""Rendering core's domain events for their recipient: one renderer per event
type (``registry.renders``), grouped by family in the modules of this package
(gigs, claims, money, moderation). ``render`` raises ``Undeliverable`` for an
event no renderer knows, so the outbox keeps it as a dead letter."""
from __future__ import annotations

from bot.conversation import Reply
from bot.renderers import applications, claims, gig_changes, gigs, moderation, money, queues
from bot.renderers import reports  # noqa: F401 (registers the board reports)
from bot.renderers import badges  # noqa: F401 (badges and their roles)
from bot.renderers import dispute_packet, receipt_notes  # noqa: F401 (dispute packets, receipts)
from bot.renderers.registry import RENDERERS, Scene, Translate, renders
from core.api import Engine, Notification, Undeliverable, event_from

FAMILIES = (gigs, claims, money, moderation, gig_changes,
            applications, queues)  # importing them registers their renderers


async def render(engine: Engine, note: Notification, _: Translate) -> Reply:
    """The reply telling ``note.recipient_id`` what happened (or a gig's card)."""
    event = note.happened
    if event is None:
        try:
            event = event_from(note.event, note.recipient_id, note.data)
        except (KeyError, TypeError) as exc:
            raise Undeliverable(f"no event type {note.event!r} takes this payload") from exc
    registration = RENDERERS.get(type(event))
    if registration is None:
        raise Undeliverable(f"no renderer for event {note.event!r} ({type(event).__name__})")
    scene = Scene(engine, event, _)
    if registration.needs_subject:
        subject = await engine.notification_subject(
            gig_id=getattr(event, "gig_id", None), claim_id=getattr(event, "claim_id", None),
            freelancer_id=getattr(event, "freelancer_id", None))
        scene = Scene(engine, event, _, subject.gig, subject.claim, subject.freelancer)
    return await registration.render(scene)


__all__ = ["RENDERERS", "Scene", "render", "renders"]
