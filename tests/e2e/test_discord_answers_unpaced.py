"""Answers to interactions are not held behind the bot's own sends: Discord does
not count interaction responses and their webhook follow-ups against the global
rate limit, so the pacer that paces DMs, cards and threads does not pace them.
With every pacer slot taken (a fan-out in full swing), a press is still
acknowledged and its answer still follows up."""
from __future__ import annotations

import asyncio

from tests.e2e.discord_harness import h  # noqa: F401 (fixture)


async def test_a_press_is_answered_while_the_pacer_is_exhausted(h):  # noqa: F811
    await h.make_board()
    await h.make_profile(h.bob)
    card = await h.post_and_pay()
    pacer = h.service.pacer
    for _ in range(pacer.limit):  # every slot taken, none given back
        await pacer.acquire()
    queued = asyncio.create_task(pacer.acquire())  # a bot send that now has to wait
    h.service.answerer.quick_budget = 0.0  # defer at once: the answer is a follow-up
    resp = await h.press(h.bob, card, "Claim")
    assert resp.type == 6  # acknowledged (a deferred update) with no pacer slot
    [answer] = await h.replies(count=1)
    assert "is yours" in answer.text() and answer.ephemeral
    assert not queued.done()  # the bot's own sends were still held
    queued.cancel()
