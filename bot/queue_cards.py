"""How a queue shows in chat: the item a claim works on, and the "Next similar
task" offer after a delivery or an approval (one tap claims it; who may is
decided at the press, see bot/commands/queues.py)."""
from __future__ import annotations

from typing import Callable

from bot.cards import money
from bot.conversation import Button, Rich
from bot.payloads import button_payload
from core.api import Engine

ITEM_PREVIEW = 200


def item_text(text: str) -> str:
    return text if len(text) <= ITEM_PREVIEW else text[:ITEM_PREVIEW].rstrip() + "…"


def item_line(_: Callable[..., str], item_no: int, text: str) -> str:
    return _("Item {n}: {text}", n=item_no, text=item_text(text))


async def next_task_offer(engine: Engine, _: Callable[..., str], user_id: int,
                          after_gig_id: int) -> tuple[Rich, list[Button]] | None:
    """The offer's text and its one button, or None when nothing fits now."""
    offer = await engine.next_task(user_id, after_gig_id)
    if offer.cap is not None:
        return Rich().italic(_("Next task: you hold as many live claims as you may now "
                               "({cap}); take the next one once one is approved.",
                               cap=offer.cap)), []
    g = offer.gig
    if g is None:
        return None
    text = Rich().bold(_("Next similar task:")).add(" ")
    if offer.item_no:
        text.add(_("item {n} of {total} on #{gig} {title}", n=offer.item_no, total=g.item_count,
                   gig=g.id, title=g.title))
    else:
        text.add(f"#{g.id} {g.title}")
    text.add(f" · {money(g.reward_minor, g.currency)}")
    if offer.item_text:
        text.line(item_text(offer.item_text), "italic")
    elif g.description:
        text.line(item_text(g.description), "italic")
    return text, [Button(_("Next similar task"), button_payload("next", g.id), "primary")]
