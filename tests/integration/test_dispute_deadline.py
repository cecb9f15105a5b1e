"""Disputes as moderators and parties meet them in the console: the decider gets
the whole case (rejection reason, dispute reason, every delivery revision, the
timestamps); with no moderator able to act it goes to the platform staff; and a
dispute nobody decides is settled at its deadline by the split stated when it
opened (half by default), paid through the ledger like a moderator's split."""
from __future__ import annotations


from sqlalchemy import select

from core.domain.records import Claim, Dispute, PaymentOp
from core.lifecycle import ledger
from tests.console_script import run_script, said_to, user_of


DISPUTED = """
/as alice
/profile skills=design hours=any
/payout
/as bob
/post title="Logo" reward=25 currency=usd skills=design max_revisions=1
/press Pay
/as alice
/press Claim
/deliver 1 First take https://example.com/v1.svg
/as bob
/press Request revision
Make it blue please
/as alice
/deliver 1 Blue now https://example.com/v2.svg
/as bob
/press Reject
Not what I asked for
/as alice
/dispute 1 I did exactly what the brief said
"""


async def test_undecided_dispute_goes_to_staff_and_is_split_at_its_deadline(app):
    await run_script(app, "/as sam\n/as bob\n/board\n")  # bob, the client, is the only moderator
    await app.engine.grant_staff([await user_of(app, "sam")])
    out = await run_script(app, DISPUTED)
    to_alice, to_bob, to_sam = said_to(out, "alice"), said_to(out, "bob"), said_to(out, "sam")
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

    out = await run_script(app, "/as alice\n/clock +6d\n")
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "disputed"  # not yet
    out = await run_script(app, "/as alice\n/clock +1d\n")
    assert "Nobody decided the dispute on claim #1" in said_to(out, "alice")
    assert "Nobody decided the dispute on claim #1" in said_to(out, "bob")
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 1250
    balances = await app.engine.view(lambda t: ledger.all_balances(t.s))
    assert sum(balances.values()) == 0
    assert balances.get((ledger.escrow(1), "usd"), 0) == 0
    assert balances.get((ledger.fee_held(1), "usd"), 0) == 0
    ops = await app.engine.view(lambda t: sorted(
        (op.kind, op.amount_minor) for op in t.s.scalars(select(PaymentOp))))
    assert ops == [("refund", 1250), ("transfer", 1250)]
    dispute = await app.engine.view(lambda t: t.s.scalar(select(Dispute)))
    assert dispute.status == "resolved" and dispute.resolver_id is None
    # Later clocks change nothing more.
    await run_script(app, "/as alice\n/clock +30d\n")
    assert await app.engine.view(lambda t: ledger.all_balances(t.s)) == balances


async def test_a_moderator_who_is_not_a_party_decides_and_the_deadline_then_does_nothing(app):
    await run_script(app, "/as sam\n/as mia\n/board decide_hours=48\n")
    await app.engine.grant_staff([await user_of(app, "sam")])
    out = await run_script(app, DISPUTED)
    assert "Not what I asked for" in said_to(out, "mia")
    assert said_to(out, "sam") == ""  # the board has a moderator who can act
    dispute = await app.engine.view(lambda t: t.s.scalar(select(Dispute)))
    assert (dispute.decide_by - dispute.opened_at).total_seconds() == 48 * 3600
    out = await run_script(app, "/as mia\n/resolve 1 20\n")
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 2000
    balances = await app.engine.view(lambda t: ledger.all_balances(t.s))
    await run_script(app, "/as alice\n/clock +3d\n")
    assert await app.engine.view(lambda t: ledger.all_balances(t.s)) == balances
    assert await app.engine.view(lambda t: t.s.get(Claim, 1).paid_minor) == 2000
