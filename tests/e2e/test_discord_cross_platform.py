"""A gig posted in a Discord server, taken from another platform (the console, the
same conversation layer Telegram uses): by anyone on a public board, by a linked
member on a members-only board. The Discord card follows every change."""
from __future__ import annotations

import io
import re

from adapters.console.session import ConsoleSession
from tests.e2e.discord_harness import DiscordHarness, h  # noqa: F401


async def console(h: DiscordHarness) -> tuple[ConsoleSession, io.StringIO]:
    out = io.StringIO()
    session = ConsoleSession(h.app, out)
    await session.setup()
    return session, out


async def run(session: ConsoleSession, out: io.StringIO, *lines: str) -> str:
    start = out.tell()
    for line in lines:
        await session.handle_line(line)
    return out.getvalue()[start:]


async def test_public_gig_claimed_from_the_console_updates_the_discord_card(h: DiscordHarness):
    await h.make_board()
    card = await h.post_and_pay(slots=2)
    assert "2 of 2 slots open" in card.embeds[0]["description"]
    session, out = await console(h)
    text = await run(session, out, "/as erin", "/profile skills=design hours=any", "/gig 1",
                     "/press Claim")
    assert "Slot 1 is yours" in text, text
    await h.pump(lambda: "1 of 2 slots open" in card.embeds[0]["description"],
                 what="the Discord card edited after a console claim")
    assert await h.dm_with(h.alice, "erin claimed a slot")


async def test_members_only_gig_from_the_console_needs_a_linked_member(h: DiscordHarness):
    await h.make_board("members")
    card = await h.post_and_pay()
    await h.make_profile(h.carol)  # carol is a member of Makers on Discord
    resp = await h.slash(h.carol, "link")
    code = re.search(r"`([A-Z0-9]{8})`", resp.message.content).group(1)

    session, out = await console(h)
    text = await run(session, out, "/as erin", "/gig 1", "/press Claim")
    assert "members of Makers only" in text, text

    text = await run(session, out, "/as carol_c", f"/link {code}", "/gig 1", "/press Claim")
    assert "Linked" in text and "Slot 1 is yours" in text, text
    await h.pump(lambda: "0 of 1 slot open" in card.embeds[0]["description"],
                 what="the Discord card edited after the linked member's claim")
    # one action, one message (issue 12): the console's answer was the confirmation,
    # not repeated as a Discord DM
    assert not [m for m in h.fake.dm_messages_to(h.carol) if "is yours" in m.text()]
