"""The dispute packet in a scripted console session: the board's rules for
disputes (time to answer, the split when nobody decides) are stated to both
parties and the decider when the dispute opens; each party adds one statement
before the answer deadline and none after it; when the time to answer ends with a
statement missing the decider is told; the Custom split asks the share (read
like every amount), refuses more than the reward, pays once and a second press
only says how it was settled; the parties' history counts settled disputes."""
from __future__ import annotations

from sqlalchemy import select

from core.domain.records import Claim, Dispute, DisputeStatement, PaymentOp
from core.lifecycle import ledger
from tests.console_script import run_script, said_to

DISPUTED = """
/as alice
/profile skills=design hours=any
/payout
/as bob
/post title="Logo" reward=25 currency=usd skills=design
/press Pay
/as alice
/press Claim
/deliver 1 First take https://example.com/v1.svg
/as bob
/press Reject
Not what I asked for
/as alice
/dispute 1 I did exactly what the brief said
"""


async def _balanced(app) -> dict:
    balances = await app.engine.view(lambda t: ledger.all_balances(t.s))
    assert sum(balances.values()) == 0
    assert all(v >= 0 for (acct, _c), v in balances.items() if acct.startswith("escrow:"))
    return balances


async def test_answer_deadline_and_the_boards_rule(app):
    await run_script(app, "/as mia\n/board answer_hours=24 dispute_rule=client\n")
    out = await run_script(app, DISPUTED)
    to_mia, to_bob = said_to(out, "mia"), said_to(out, "bob")
    dispute = await app.engine.view(lambda t: t.s.scalar(select(Dispute)))
    assert (dispute.answer_by - dispute.opened_at).total_seconds() == 24 * 3600
    assert dispute.fallback_share_minor == 0  # the board chose: all back to the client
    assert "$0.00 to the freelancer, $25.00 back to the client" in to_mia
    assert "$0.00 to the freelancer, $25.00 back to the client" in to_bob
    assert "/respond 1" in to_bob and "Add my statement" in to_bob
    assert "Still no statement from bob (the client)" in to_mia

    out = await run_script(app, "/as bob\n/clock +1h\n/respond 1 The brief said blue\n"
                                "/respond 1 and another thing\n")
    assert "Your statement is added" in said_to(out, "bob")
    assert "already added your statement" in said_to(out, "bob")
    assert "bob added their statement" not in out  # roles, not names, in the headline
    assert "the client added their statement" in said_to(out, "mia")
    assert "The brief said blue" in said_to(out, "mia")

    out = await run_script(app, "/as alice\n/clock +23h\n/respond 1 too late now\n")
    to_mia, to_alice = said_to(out, "mia"), said_to(out, "alice")
    assert "the time for statements is over; no statement from the freelancer" in to_mia
    assert "The time to add a statement to this dispute is over." in to_alice
    statements = await app.engine.view(lambda t: [
        (s.role, s.text) for s in t.s.scalars(select(DisputeStatement))])
    assert statements == [("client", "The brief said blue")]
    assert (await app.engine.view(lambda t: t.s.get(Claim, 1))).status == "disputed"

    out = await run_script(app, "/as alice\n/clock +7d\n")
    assert "Nobody decided the dispute on claim #1" in said_to(out, "alice")
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 0
    ops = await app.engine.view(lambda t: [(o.kind, o.amount_minor)
                                           for o in t.s.scalars(select(PaymentOp))])
    assert ops == [("refund", 2625)]  # the reward and its fee: nothing was released
    await _balanced(app)


async def test_custom_split_from_the_packet_and_the_parties_history(app):
    await run_script(app, "/as mia\n/board\n")
    out = await run_script(app, DISPUTED + "/as mia\n/press Custom split…\n30\n")
    assert "must be between 0 and the reward" in said_to(out, "mia")
    assert (await app.engine.view(lambda t: t.s.get(Claim, 1))).status == "disputed"
    out = await run_script(app, "/as bob\n/resolve 1 5\n/as alice\n/respond 1 Look\n"
                                "/as mia\n/press Custom split…\n7.50\n"
                                "/press Custom split…\n")
    assert "Only a moderator of this board can resolve disputes." in said_to(out, "bob")
    assert "Resolved: $7.50 to the freelancer, $17.50 back to the client." in \
        said_to(out, "mia")
    assert "was settled: $7.50 to the freelancer" in said_to(out, "alice")
    assert "already settled: $7.50 to the freelancer" in said_to(out, "mia")
    claim = await app.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 750
    ops = await app.engine.view(lambda t: sorted((o.kind, o.amount_minor)
                                                 for o in t.s.scalars(select(PaymentOp))))
    assert ops == [("refund", 1750), ("transfer", 750)]
    await _balanced(app)

    # A second dispute between them: the packet shows the first one settled.
    again = DISPUTED.replace("/deliver 1", "/deliver 2").replace("/dispute 1", "/dispute 2")
    out = await run_script(app, again)
    to_mia = said_to(out, "mia")
    assert "History of bob: 0 completed · disputes won 1, lost 0, split 0" in to_mia
    assert "History of alice: 0 completed · disputes won 0, lost 1, split 0" in to_mia
