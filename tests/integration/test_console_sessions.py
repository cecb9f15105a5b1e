"""Scripted console sessions (piped stdin) through the whole product: the
conversation layer, the engine, timers and the outbox on a SQLite file. Each
test asserts on what the users saw and on the database and ledger."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from adapters.console.session import ConsoleSession
from bot.runtime.app import App
from core.lifecycle import ledger
from core.domain.records import Application, Claim, Dispute, Gig, PaymentOp, SandboxPayment
from tests.console_script import run_script


async def q(app: App, fn):
    return await app.engine.view(lambda t: fn(t.s))


ONBOARD = """
/as {name}
/profile skills=design,svg hours=any timezone=UTC
/payout
"""

POST_2 = """
/as bob
/post title="Logo in SVG" reward=25 currency=usd slots=2 skills=design,svg deliver_in=2d
/press Pay
"""


def onboard(*names: str) -> str:
    return "".join(ONBOARD.format(name=n) for n in names)


async def test_happy_path_two_slots_two_freelancers(app):
    out = await run_script(app, onboard("alice", "carol") + POST_2 + """
/as alice
/press Claim
/deliver 1 Here is the logo https://example.com/logo.svg
/as carol
/gigs
/press Claim
/deliver 2 My version https://example.com/v2.svg
/as bob
/press Approve
/as bob
/mygigs
""")
    assert "[to carol] Your delivery for #1 Logo in SVG was approved: $25.00 released to you." in out
    assert "[board] #1 Logo in SVG" in out and "0 of 2 slots open" in out
    claims = await q(app, lambda s: sorted(c.status for c in s.scalars(select(Claim))))
    assert claims == ["approved", "delivered"]
    # the client reviews the remaining delivery from the gig's view and approves it
    out = await run_script(app, """
/as bob
/gig 1
/press Review
/press Approve
""")
    assert "[to bob] Delivery for gig #1: Logo in SVG" in out
    assert "[to alice] Your delivery for #1 Logo in SVG was approved" in out
    gig = await q(app, lambda s: s.get(Gig, 1))
    assert gig.status == "completed" and gig.slots_settled == 2
    balances = await q(app, ledger.all_balances)
    assert balances[(ledger.escrow(1), "usd")] == 0
    assert balances[(ledger.REVENUE, "usd")] == 250
    assert sum(balances.values()) == 0
    transfers = await q(app, lambda s: s.scalar(select(func.count()).select_from(SandboxPayment)
                                                .where(SandboxPayment.kind == "transfer")))
    assert transfers == 2


async def test_revision_round(app):
    out = await run_script(app, onboard("alice") + POST_2 + """
/as alice
/press Claim
/deliver 1 first draft
/as bob
/press Request revision
Make the letters bolder
/as alice
/deliver 1 second draft, bolder
/as bob
/press Approve
""")
    assert "[to alice] The client asks for a revision of claim #1" in out
    assert "Make the letters bolder" in out
    assert "Revision" not in out or "revision 1" in out
    claim = await q(app, lambda s: s.get(Claim, 1))
    assert claim.status == "approved" and claim.revisions_used == 1
    assert claim.paid_minor == 2500


async def test_reject_dispute_and_moderator_split(app):
    out = await run_script(app, onboard("alice") + """
/as mod
/board
""" + POST_2 + """
/as alice
/press Claim
/deliver 1 done https://example.com/x.svg
/as bob
/press Reject
It is a PNG, not an SVG
/as alice
/press Dispute
I attached the SVG link, it is vector
/as mod
/resolve 1 10.00 partly right
""")
    assert "[to alice] The client rejected your delivery" in out
    assert "A dispute was opened on claim #1" in out
    assert "Resolved: $10.00 to the freelancer, $15.00 back to the client." in out
    dispute = await q(app, lambda s: s.scalar(select(Dispute)))
    assert dispute.status == "resolved" and dispute.freelancer_share_minor == 1000
    balances = await q(app, ledger.all_balances)
    assert balances[(ledger.escrow(1), "usd")] == 2500  # the other slot is still open
    ops = await q(app, lambda s: list(s.scalars(select(PaymentOp).order_by(PaymentOp.id))))
    assert sorted((o.kind, o.amount_minor, o.status) for o in ops) == [
        ("refund", 1500, "succeeded"), ("transfer", 1000, "succeeded")]


async def test_silence_auto_approves_via_clock(app):
    out = await run_script(app, onboard("alice") + POST_2 + """
/as alice
/press Claim
/deliver 1 done
/clock +71h
/clock +2h
""")
    assert "[to bob] Reminder: the delivery for claim #1" in out
    assert "was approved automatically: $25.00 released to you." in out
    claim = await q(app, lambda s: s.get(Claim, 1))
    assert claim.status == "auto_approved"


async def test_abandoned_claim_reopens_the_slot(app):
    out = await run_script(app, onboard("alice") + POST_2 + """
/as alice
/press Claim
/clock +47h
/clock +2h
""")
    assert "[to alice] Reminder: claim #1" in out
    assert "passed its deadline without a delivery; the slot is open again." in out
    gig = await q(app, lambda s: s.get(Gig, 1))
    assert gig.slots_open == 2 and gig.slots_live == 0


async def test_cancel_refunds_unclaimed_slots(app):
    out = await run_script(app, onboard("alice") + POST_2 + """
/as alice
/press Claim
/as bob
/gig 1
/press Cancel gig
""")
    assert "1 unclaimed slot refunded: $26.25." in out
    assert "1 live claim continues to its end." in out
    balances = await q(app, ledger.all_balances)
    assert balances[(ledger.escrow(1), "usd")] == 2500  # alice's live slot stays in escrow
    assert balances[(ledger.refund_pending(1), "usd")] == 0  # refund executed
    assert balances[(ledger.fee_held(1), "usd")] == 125


async def test_apply_mode_client_chooses(app):
    out = await run_script(app, onboard("alice", "carol") + """
/as bob
/post title="Translate a page" reward=30 currency=usd mode=apply skills=design
/press Pay
/as alice
/gig 1
/press Apply
I translate for a living
/as carol
/gig 1
/press Apply
-
/as bob
/mygigs
/press 1
""")
    assert "[to bob] alice applied to #1 Translate a page." in out
    assert "[to carol] You got the job: #1 Translate a page." in out
    apps = await q(app, lambda s: list(s.scalars(select(Application).order_by(Application.id))))
    # the slot is filled: alice, not picked, is told and her application closes
    assert [a.status for a in apps] == ["closed", "accepted"]
    assert "[to alice] All slots of #1 Translate a page are taken" in out
    claim = await q(app, lambda s: s.scalar(select(Claim)))
    assert claim.freelancer_id == apps[1].freelancer_id


async def test_a_reply_addressed_to_another_user_is_printed_for_them(app):
    from bot.conversation import Reply, Rich, to_user
    bob = await app.conversation.actor("console", "bob", "bob")
    out = io.StringIO()
    session = ConsoleSession(app, out)
    await session.setup()
    session.name = "alice"
    await session._deliver([Reply(Rich().add("for bob"), target=to_user(bob.user_id)),
                            Reply(Rich().add("for me"), private=True)])
    assert out.getvalue().splitlines() == ["[to bob] for bob", "[to alice] for me"]
