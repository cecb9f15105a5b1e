"""Renderers of a queue gig's news: a freelancer started on its items (the items
they take after the first show on the gig's card, not one message each)."""
from __future__ import annotations

from bot.cards import claim_ref
from bot.conversation import Reply, Rich
from bot.renderers.registry import Scene, renders
from core.api import QueueWorkStarted


@renders(QueueWorkStarted)
async def work_started(s: Scene) -> Reply:
    _, e = s._, s.event
    text = Rich().add(_("{name} started on your queue {title}: item {n} of {total} ({claim}).",
                        name=s.freelancer_name, title=s.title, n=e.item_no, total=e.items,
                        claim=claim_ref(_, e.claim_id, e.gig_id)))
    text.line(_("The next items they take show on the gig's card: /gig {gig}", gig=e.gig_id),
              "italic")
    return s.reply(text)
