"""A gig posted in a Discord server, taken from another platform (an in-process
recording platform, through the same conversation layer Telegram uses): by anyone
on a public board, by a linked member on a members-only board. The Discord card
follows every change."""
from __future__ import annotations

import re

from tests.conversation import Chats
from tests.e2e.discord_harness import DiscordHarness, h  # noqa: F401


async def test_public_gig_claimed_from_another_platform_updates_the_discord_card(
        h: DiscordHarness):
    await h.make_board()
    card = await h.post_and_pay(slots=2)
    assert "2 of 2 slots open" in card.embeds[0]["description"]
    chats = Chats(h.app)
    erin = chats.person("erin", at=await chats.board("Elsewhere"))  # a board on the other platform
    await erin.says("/profile skills=design hours=any", "/gig 1")
    await erin.press("Claim")
    assert "Slot 1 is yours" in erin.told(), erin.told()
    await h.pump(lambda: "1 of 2 slots open" in card.embeds[0]["description"],
                 what="the Discord card edited after a claim from the other platform")
    assert await h.dm_with(h.alice, "erin claimed a slot")


async def test_members_only_gig_from_another_platform_needs_a_linked_member(h: DiscordHarness):
    await h.make_board("members")
    card = await h.post_and_pay()
    await h.make_profile(h.carol)  # carol is a member of Makers on Discord
    resp = await h.slash(h.carol, "link")
    code = re.search(r"`([A-Z0-9]{8})`", resp.message.content).group(1)

    chats = Chats(h.app)
    elsewhere = await chats.board("Elsewhere")  # a board on the other platform
    erin = chats.person("erin", at=elsewhere)
    await erin.says("/gig 1")
    await erin.press("Claim")
    assert "members of Makers only" in erin.told(), erin.told()

    carol = chats.person("carol_c", at=elsewhere)
    await carol.says(f"/link {code}", "/gig 1")
    await carol.press("Claim")
    assert "Linked" in carol.told() and "Slot 1 is yours" in carol.told(), carol.told()
    await h.pump(lambda: "0 of 1 slot open" in card.embeds[0]["description"],
                 what="the Discord card edited after the linked member's claim")
    # one action, one message (issue 12): the other platform's answer was the
    # confirmation, not repeated as a Discord DM
    assert not [m for m in h.fake.dm_messages_to(h.carol) if "is yours" in m.text()]
