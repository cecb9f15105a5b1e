"""Disputes as moderators and parties meet them in chat: the decider gets the
whole case (rejection reason, dispute reason, every delivery revision, the
timestamps); with no moderator able to act it goes to the platform staff; and a
dispute nobody decides is settled at its deadline by the split stated when it
opened (half by default), paid through the ledger like a moderator's split."""
from __future__ import annotations


from sqlalchemy import select

from core.domain.records import Claim, Dispute, PaymentOp
from core.lifecycle import ledger


async def disputed(alice, bob) -> None:
    """bob rejects alice's second take; alice disputes."""
    await alice.says("/profile skills=design hours=any", "/payout")
    await bob.says('/post title="Logo" reward=25 currency=usd skills=design max_revisions=1')
    await bob.press("Pay")
    await alice.press("Claim")
    await alice.says("/deliver 1 First take https://example.com/v1.svg")
    await bob.press("Request revision")
    await bob.says("Make it blue please")
    await alice.says("/deliver 1 Blue now https://example.com/v2.svg")
    await bob.press("Reject")
    await bob.says("Not what I asked for")
    await alice.says("/dispute 1 I did exactly what the brief said")


async def cast(chats, *names: str):
    board = await chats.board("Makers")
    return [chats.person(n, at=board) for n in names]


async def balances_of(chats) -> dict:
    return await chats.app.engine.view(lambda t: ledger.all_balances(t.s))


async def test_undecided_dispute_goes_to_staff_and_is_split_at_its_deadline(chats):
    app = chats.app
    alice, bob, sam = await cast(chats, "alice", "bob", "sam")
    bob.admin = True
    await bob.says("/board")  # bob, the client, is the only moderator
    await app.engine.grant_staff([await sam.user_id()])
    mark = chats.mark()
    await disputed(alice, bob)
    to_alice, to_bob, to_sam = alice.told(mark), bob.told(mark), sam.told(mark)
    # The rule is stated up front to both parties and to the decider.
    rule = "$12.50 to you, $12.50 back to the client"
    assert rule in to_alice
    assert "$12.50 to the freelancer, $12.50 back to the client" in to_bob
    # The staff member gets the whole case; bob, a party, is not asked to decide.
    assert "platform staff" in to_sam
    for fact in ("Not what I asked for", "I did exactly what the brief said", "First take",
                 "https://example.com/v1.svg", "Blue now", "https://example.com/v2.svg",
                 "Make it blue please", "delivered revision 0", "delivered revision 1",
                 "rejected:", "disputed:", "claimed (slot 1)", "/resolve 1"):
        assert fact in to_sam, fact
    assert "/resolve" not in to_bob
    story = [to_sam.index(x) for x in ("claimed (slot 1)", "First take", "Make it blue please",
                                       "Blue now", "Not what I asked for",
                                       "I did exactly what the brief said")]
    assert story == sorted(story)  # the timeline in the order it happened
    dispute = await app.engine.view(lambda t: t.s.scalar(select(Dispute)))
    assert dispute.fallback_share_minor == 1250
    assert (dispute.decide_by - dispute.opened_at).total_seconds() == 168 * 3600

    await chats.clock("+6d")
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "disputed"  # not yet
    mark = chats.mark()
    await chats.clock("+1d")
    assert "Nobody decided the dispute on claim #1" in alice.told(mark)
    assert "Nobody decided the dispute on claim #1" in bob.told(mark)
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 1250
    balances = await balances_of(chats)
    assert sum(balances.values()) == 0
    assert balances.get((ledger.escrow(1), "usd"), 0) == 0
    assert balances.get((ledger.fee_held(1), "usd"), 0) == 0
    ops = await app.engine.view(lambda t: sorted(
        (op.kind, op.amount_minor) for op in t.s.scalars(select(PaymentOp))))
    assert ops == [("refund", 1250), ("transfer", 1250)]
    dispute = await app.engine.view(lambda t: t.s.scalar(select(Dispute)))
    assert dispute.status == "resolved" and dispute.resolver_id is None
    # Later clocks change nothing more.
    await chats.clock("+30d")
    assert await balances_of(chats) == balances


async def test_a_moderator_who_is_not_a_party_decides_and_the_deadline_then_does_nothing(chats):
    app = chats.app
    alice, bob, sam, mia = await cast(chats, "alice", "bob", "sam", "mia")
    mia.admin = True
    await sam.user_id()
    await mia.says("/board decide_hours=48")
    await app.engine.grant_staff([await sam.user_id()])
    mark = chats.mark()
    await disputed(alice, bob)
    assert "Not what I asked for" in mia.told(mark)
    assert sam.told(mark) == ""  # the board has a moderator who can act
    dispute = await app.engine.view(lambda t: t.s.scalar(select(Dispute)))
    assert (dispute.decide_by - dispute.opened_at).total_seconds() == 48 * 3600
    await mia.says("/resolve 1 20")
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 2000
    balances = await balances_of(chats)
    await chats.clock("+3d")
    assert await balances_of(chats) == balances
    assert await app.engine.view(lambda t: t.s.get(Claim, 1).paid_minor) == 2000
