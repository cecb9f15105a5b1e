"""Replies shared by the event renderers (bot/renderers) and the commands that
show the same things on request: a claim's delivery, and the rating buttons."""
from __future__ import annotations

from typing import Callable

from bot.cards import claim_ref, delivery_reply
from bot.conversation import Button, Reply, Rich
from bot.payloads import button_payload
from core.api import Engine

_ = Callable[..., str]


def rate_buttons(_: _, claim_id: int) -> list[list[Button]]:
    return [[Button("★" * n, button_payload("rate", claim_id, n)) for n in range(1, 6)]]


async def delivery_for(engine: Engine, _: _, claim_id: int, *, viewer_id: int | None = None) -> Reply:
    """The latest delivery of a claim, for its client (``viewer_id`` None: from a
    notification), freelancer or a moderator; NotAllowed for anyone else."""
    shown = await engine.delivery_to_show(claim_id, viewer_id=viewer_id)
    if shown.delivery is None:
        return Reply(Rich().add(_("Nothing delivered yet for {claim}.", claim=claim_ref(
            _, claim_id, shown.gig.id))), private=True)
    reply = delivery_reply(shown.gig, shown.claim, shown.delivery, shown.freelancer.display_name, _,
                           buttons=viewer_id in (None, shown.gig.client_id), item=shown.item)
    reply.private = True
    return reply
