"""The happy path through the engine: post, fund, claim, deliver, approve, pay out."""
from sqlalchemy import select

from core.lifecycle import ledger
from core.domain.records import Claim, Gig, PaymentOp
from core.workers.outbox import OutboxWorker


class Collect:
    def __init__(self):
        self.notes = []

    async def deliver(self, note):
        self.notes.append(note)


async def test_happy_path_pays_the_freelancer(engine, world):
    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client, slots=2)
    claim = await engine.claim_slot(alice, gig_id)
    await engine.deliver(alice, claim.id, "here it is", ["https://example.com/logo.svg"])
    await engine.approve(client, claim.id)
    sink = Collect()
    await OutboxWorker(engine, sink).drain()

    def check(s):
        gig = s.get(Gig, gig_id)
        op = s.scalar(select(PaymentOp).where(PaymentOp.claim_id == claim.id))
        return gig, op, ledger.all_balances(s), s.get(Claim, claim.id)
    gig, op, balances, c = await engine.db.read(check)
    assert c.status == "approved" and op.status == "succeeded"
    assert balances[(ledger.escrow(gig_id), "usd")] == 2500  # one slot still unclaimed
    assert balances[(ledger.payout_pending(alice), "usd")] == 0
    assert balances[(ledger.REVENUE, "usd")] == 125
    assert sum(balances.values()) == 0
    events = [n.event for n in sink.notes]
    assert "claim.approved" in events and "payout.sent" in events
