"""The dispute packet in chat: the board's rules for disputes (time to answer, the
split when nobody decides) are stated to both parties and the decider when the
dispute opens; each party adds one statement before the answer deadline and none
after it; when the time to answer ends with a statement missing the decider is
told; the Custom split asks the share (read like every amount), refuses more than
the reward, pays once and a second press only says how it was settled (and, where
the platform has modals, opens as a form submitted in one go); the parties'
history counts settled disputes."""
from __future__ import annotations

from sqlalchemy import select

from bot.delivery.platform import Capabilities

from core.domain.records import Claim, Dispute, DisputeStatement, PaymentOp
from core.lifecycle import ledger


async def disputed(alice, bob, claim: int = 1) -> None:
    """bob posts, alice claims and delivers, bob rejects, alice disputes."""
    await alice.says("/profile skills=design hours=any", "/payout")
    await bob.says('/post title="Logo" reward=25 currency=usd skills=design')
    await bob.press("Pay")
    await alice.press("Claim")
    await alice.says(f"/deliver {claim} First take https://example.com/v1.svg")
    await bob.press("Reject")
    await bob.says("Not what I asked for")
    await alice.says(f"/dispute {claim} I did exactly what the brief said")


async def cast(chats, platform: str = "fake"):
    board = await chats.board("Makers", platform=platform)
    alice, bob, mia = (chats.person(n, at=board) for n in ("alice", "bob", "mia"))
    mia.admin = True  # a chat admin: /board makes her its moderator
    return alice, bob, mia


async def _balanced(app) -> dict:
    balances = await app.engine.view(lambda t: ledger.all_balances(t.s))
    assert sum(balances.values()) == 0
    assert all(v >= 0 for (acct, _c), v in balances.items() if acct.startswith("escrow:"))
    return balances


async def test_answer_deadline_and_the_boards_rule(chats):
    app = chats.app
    alice, bob, mia = await cast(chats)
    await mia.says("/board answer_hours=24 dispute_rule=client")
    mark = chats.mark()
    await disputed(alice, bob)
    to_mia, to_bob = mia.told(mark), bob.told(mark)
    dispute = await app.engine.view(lambda t: t.s.scalar(select(Dispute)))
    assert (dispute.answer_by - dispute.opened_at).total_seconds() == 24 * 3600
    assert dispute.fallback_share_minor == 0  # the board chose: all back to the client
    assert "$0.00 to the freelancer, $25.00 back to the client" in to_mia
    assert "$0.00 to the freelancer, $25.00 back to the client" in to_bob
    assert "/respond 1" in to_bob and "Add my statement" in to_bob
    assert "Still no statement from bob (the client)" in to_mia

    mark = chats.mark()
    await chats.clock("+1h")
    await bob.says("/respond 1 The brief said blue", "/respond 1 and another thing")
    assert "Your statement is added" in bob.told(mark)
    assert "already added your statement" in bob.told(mark)
    assert "bob added their statement" not in chats.shown(mark)  # roles, not names, in the headline
    assert "the client added their statement" in mia.told(mark)
    assert "The brief said blue" in mia.told(mark)

    mark = chats.mark()
    await chats.clock("+23h")
    await alice.says("/respond 1 too late now")
    to_mia, to_alice = mia.told(mark), alice.told(mark)
    assert "the time for statements is over; no statement from the freelancer" in to_mia
    assert "The time to add a statement to this dispute is over." in to_alice
    statements = await app.engine.view(lambda t: [
        (s.role, s.text) for s in t.s.scalars(select(DisputeStatement))])
    assert statements == [("client", "The brief said blue")]
    assert (await app.engine.view(lambda t: t.s.get(Claim, 1))).status == "disputed"

    mark = chats.mark()
    await chats.clock("+7d")
    assert "Nobody decided the dispute on claim #1" in alice.told(mark)
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 0
    ops = await app.engine.view(lambda t: [(o.kind, o.amount_minor)
                                           for o in t.s.scalars(select(PaymentOp))])
    assert ops == [("refund", 2625)]  # the reward and its fee: nothing was released
    await _balanced(app)


async def test_custom_split_from_the_packet_and_the_parties_history(chats):
    app = chats.app
    alice, bob, mia = await cast(chats)
    await mia.says("/board")
    mark = chats.mark()
    await disputed(alice, bob)
    await mia.press("Custom split…")
    await mia.says("30")
    assert "must be between 0 and the reward" in mia.told(mark)
    assert (await app.engine.view(lambda t: t.s.get(Claim, 1))).status == "disputed"
    mark = chats.mark()
    await bob.says("/resolve 1 5")
    await alice.says("/respond 1 Look")
    await mia.press("Custom split…")
    await mia.says("7.50")
    await mia.press("Custom split…")
    assert "Only a moderator of this board can resolve disputes." in bob.told(mark)
    assert "Resolved: $7.50 to the freelancer, $17.50 back to the client." in mia.told(mark)
    assert "was settled: $7.50 to the freelancer" in alice.told(mark)
    assert "already settled: $7.50 to the freelancer" in mia.told(mark)
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 750
    ops = await app.engine.view(lambda t: sorted((o.kind, o.amount_minor)
                                                 for o in t.s.scalars(select(PaymentOp))))
    assert ops == [("refund", 1750), ("transfer", 750)]
    await _balanced(app)

    # A second dispute between them: the packet shows the first one settled.
    mark = chats.mark()
    await disputed(alice, bob, claim=2)
    to_mia = mia.told(mark)
    assert "History of bob: 0 completed · disputes won 1, lost 0, split 0" in to_mia
    assert "History of alice: 0 completed · disputes won 0, lost 1, split 0" in to_mia


async def test_custom_split_opens_as_a_form_where_the_platform_has_modals(chats):
    # bot.forms opens a form as a modal for Discord (by the platform's name)
    chats.platform("discord", capabilities=Capabilities(modals=True, ephemeral=True))
    alice, bob, mia = await cast(chats, "discord")
    await mia.says("/board")
    await alice.says("/profile skills=design hours=any", "/payout")
    await bob.says('/post title="Logo" reward=25 currency=usd skills=design')
    await bob.press("Pay")
    await alice.press("Claim")
    await alice.says("/deliver 1 First take https://example.com/v1.svg")
    await bob.press("Reject")
    await bob.submits({"reason": "Not what I asked for"})
    await alice.says("/dispute 1 I did exactly what the brief said")
    assert "Not what I asked for" in mia.told()  # the packet
    await mia.press("Custom split…")
    assert [s.form.form.name for s in mia.sent() if s.kind == "form"] == ["resolve_custom"]
    await mia.submits({"share": "7.50"})
    assert "Resolved: $7.50 to the freelancer, $17.50 back to the client." in mia.told()
    claim = await chats.app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 750
    await _balanced(chats.app)
