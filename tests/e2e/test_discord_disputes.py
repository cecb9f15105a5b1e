"""A dispute on Discord through discord.py and the fake Discord server: the
board's moderator gets the packet in a DM with the split buttons; the client
answers with ``/gig respond``; the packet comes again with the statement; the
moderator presses Half (the money moves once) and a second press only says how it
was settled. The client's payment brought its PDF receipt as a DM attachment."""
from __future__ import annotations

from sqlalchemy import select

from core.domain.records import Claim, Identity
from core.lifecycle import ledger
from tests.e2e.discord_harness import DiscordHarness, h, labels  # noqa: F401


async def _uid(h: DiscordHarness, user) -> int:
    puid = str(h.fake.user(user).id)
    return await h.app.engine.view(lambda t: t.s.scalar(select(Identity.user_id).where(
        Identity.platform == "discord", Identity.platform_user_id == puid)))


async def test_dispute_packet_statement_and_split_button(h: DiscordHarness):
    await h.make_board()  # alice, the server owner, moderates the board
    await h.make_profile(h.carol)
    card = await h.post_and_pay(h.bob)
    receipt = await h.dm_with(h.bob, "Receipt #1: your payment of $26.25")
    assert receipt.attachments and receipt.attachments[0]["filename"].endswith(".pdf")
    await h.press(h.carol, card, "Claim")
    e = h.app.engine
    bob, carol = await _uid(h, h.bob), await _uid(h, h.carol)
    claim_id = await e.view(lambda t: t.s.scalar(select(Claim.id)))
    await e.deliver(carol, claim_id, "The logo https://example.com/logo.svg")
    await e.reject(bob, claim_id, "Wrong colours")
    await e.open_dispute(carol, claim_id, "The brief named no colours")
    await h.tick()

    packet = await h.dm_with(h.alice, "A dispute was opened on claim")
    for fact in ("Wrong colours", "The brief named no colours", "History of Bob",
                 "Statements (one per side) until", "Still no statement from Bob"):
        assert fact in packet.text(), fact
    assert labels(packet)[:4] == ["All to the freelancer ($25.00)", "Half ($12.50 each)",
                                  "All back to the client", "Custom split…"]

    resp = await h.dm(h.bob, "respond", {"claim": claim_id, "text": "Blue was in the brief"})
    assert resp.ephemeral and "Your statement is added" in resp.message.text()
    await h.tick()
    again = await h.dm_with(h.alice, "the client added their statement", after=packet.id)
    assert "Blue was in the brief" in again.text()
    assert "Still no statement from Bob" not in again.text()

    resp = await h.press(h.alice, again, "Half")
    assert "Resolved: $12.50 to the freelancer" in resp.message.text()
    resp = await h.press(h.alice, packet, "All to the freelancer")
    assert "already settled" in resp.message.text()
    claim = await e.view(lambda t: t.s.get(Claim, claim_id))
    assert claim.status == "resolved" and claim.paid_minor == 1250
    await h.tick()
    balances = await e.view(lambda t: ledger.all_balances(t.s))
    assert sum(balances.values()) == 0
