"""Messages that are not interactions (``adapters.discord.message_intake``): files
posted in a gig's thread without an open Deliver form, and DMs while a form is open."""
from __future__ import annotations

import asyncio

from tests.e2e.discord_harness import DiscordHarness, h, labels  # noqa: F401


async def test_files_in_the_thread_without_the_form_tell_a_claimant_how_to_deliver(
        h: DiscordHarness):
    fake = h.fake
    await h.make_board()
    await h.make_profile(h.bob)
    card = await h.post_and_pay()
    (thread,) = fake.threads_of(h.board)
    resp = await h.press(h.bob, card, "Claim")
    assert "Slot 1 is yours" in resp.message.text()

    # carol holds no claim: her file is discussion, nobody answers it
    await fake.inject_message(h.carol, thread, "like this?", attachments=[("idea.png", b"png")])
    # bob holds claim #1 but has no Deliver form open: he is told how, privately
    await fake.inject_message(h.bob, thread, "done", attachments=[("logo.svg", b"<svg/>")])
    hint = await h.dm_with(h.bob, "To deliver these files for claim #1")
    assert "press Deliver on your claim" in hint.text()
    await asyncio.sleep(0.2)
    assert not fake.dm_messages_to(h.carol)
    assert not [m for m in fake.messages_in(thread, include_ephemeral=False)
                if m.author.id == fake.bot_user.id and "deliver" in m.text().lower()
                and "Questions about this gig" not in m.text()]


async def test_a_dm_while_a_form_is_open_offers_to_continue_it(h: DiscordHarness):
    fake = h.fake
    resp = await h.dm(h.carol, "post")
    assert resp.type == 9 and resp.modal["custom_id"] == "gbm:post:0"
    assert await h.open_form(h.carol) == "post"
    await fake.inject_message(h.carol, None, "hello?")
    offer = await h.dm_with(h.carol, "You have a form open")
    assert labels(offer) == ["Continue"]
