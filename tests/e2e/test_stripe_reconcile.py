"""``gigbroker reconcile`` against Stripe: with the webhook endpoint down, a
paid Checkout Session, a dashboard refund and a transfer reversed in the
dashboard are all listed; ``--fix`` applies what Stripe confirms (the gig opens,
the refund is booked against the unclaimed slot, the reversal is held for an
operator), a second run finds nothing left to fix, and when the missed
webhooks finally arrive nothing is booked twice."""
from __future__ import annotations

import io

import pytest

from adapters.stripe.reconcile import run_reconcile
from bot.runtime.runner import reconcile as reconcile_cli
from bot.runtime.settings import Settings
from core.lifecycle import ledger
from core.domain.records import Gig, GigStatus, LedgerEntry

from tests.e2e.stripe_harness import FEE, REWARD, world  # noqa: F401

# the stripe SDK posts raw bytes through httpx's deprecated ``data=``
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")


async def _reconcile(world, *, fix: bool) -> tuple[int, str]:
    out = io.StringIO()
    code = await run_reconcile(world.app, days=7, fix=fix, out=out)
    return code, out.getvalue()


async def test_reconcile_lists_and_fixes_what_the_webhooks_missed(world):
    fake = world.fake
    client = await world.user("carol")
    alice = await world.onboarded("alice")
    gig_a, paid_a = await world.funded_gig(client, slots=2)
    await world.deliver_and_approve(client, alice, gig_a)
    await world.tick()
    [transfer_op] = await world.ops(gig_a, "transfer")
    code, report = await _reconcile(world, fix=False)
    assert code == 0, report
    assert "0 difference(s)" in report

    fake.set_webhook_mode("manual")  # the endpoint is down from here on
    gig_b = await world.post_gig(client, slots=1)
    session_b, _ = await world.press_pay(client, gig_b)
    await fake.complete_checkout(session_b)
    refund = await fake.dashboard_refund(paid_a["payment_intent"], REWARD + FEE)
    reversal = await world.app.provider.client.v1.transfers.reversals.create_async(
        transfer_op.provider_ref, params={"amount": 500})
    before = await world.snapshot()

    code, report = await _reconcile(world, fix=False)
    assert code == 1
    lines = report.splitlines()
    assert any("FIXABLE" in line and session_b[:24] in line and "26.25 USD" in line
               for line in lines), report
    assert any("FIXABLE" in line and refund["id"] in line and "outside the app" in line
               for line in lines), report
    assert any("FIXABLE" in line and "reversed by 5.00 USD" in line for line in lines), report
    assert await world.snapshot() == before  # listing changes nothing

    code, report = await _reconcile(world, fix=True)
    assert report.count("FIXED") == 3, report
    assert (await world.get(Gig, gig_b)).status == GigStatus.open
    gig = await world.get(Gig, gig_a)
    assert gig.slots_settled == 2 and gig.status == GigStatus.completed
    balances = await world.check_invariants()
    assert balances[f"unallocated:gig:{gig_a}"] == 500
    assert balances[ledger.escrow(gig_b)] == REWARD
    assert code == 1  # the reversed 5.00 USD is for an operator to assign

    code, report = await _reconcile(world, fix=False)
    assert "FIXABLE" not in report and "FIXED" not in report, report
    assert f"unallocated:gig:{gig_a} holds 5.00 USD" in report
    entries = await world.count(LedgerEntry)

    # The missed webhooks arrive at last: already applied, nothing is booked twice.
    deliveries = await fake.flush_webhooks()
    assert deliveries and all(d.ok for d in deliveries)
    assert await world.count(LedgerEntry) == entries
    assert await world.check_invariants() == balances
    assert fake.get(reversal.id)["transfer"] == transfer_op.provider_ref


async def test_reconcile_cli_needs_a_stripe_key(tmp_path, capsys):
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'g.db'}",
                        stripe_secret_key=None)
    assert await reconcile_cli(settings, days=7, fix=False) == 2
    assert "STRIPE_SECRET_KEY" in capsys.readouterr().out
