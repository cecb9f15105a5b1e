"""Issue 16, items 1 and 6 on Telegram (real PTB, fake Bot API): a client edits a
live gig, adds a slot from their own card, extends a deadline and tips after
approval; the board card follows every change and the ledger holds the money
in escrow first. Rate cards: /rates and the /post preview's price line."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from core.domain.gig_input import GigDraft
from core.domain.records import Claim
from core.lifecycle import ledger
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, CLIENT, GROUP, harness, tg)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def only_claim(h) -> int:
    return await h.engine.view(lambda t: t.s.scalar(select(Claim.id)))


async def balances(h) -> dict:
    return await h.engine.view(lambda t: ledger.all_balances(t.s))


async def test_client_manages_a_live_gig_from_telegram(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.board()
    gig_id = await h.funded_gig()  # 2 slots of 25 USD on the group's board

    await h.say(CLIENT, f'/edit {gig_id} title="Logo in SVG, two colours"')
    assert "two colours" in h.card(gig_id).text  # the board card was edited in place
    await h.say(CLIENT, f"/gig {gig_id}")
    own = h.last(CLIENT, "Logo in SVG, two colours")
    await h.press(CLIENT, own, "Add a slot")
    assert "now 3 in all" in h.last(CLIENT, "Payment received").text
    assert "3 of 3 slots open" in h.card(gig_id).text
    money = await balances(h)
    assert money[(ledger.escrow(gig_id), "usd")] == 3 * 2500

    await h.press(ANA, h.card(gig_id), "Claim")
    claim_id = await only_claim(h)
    await h.say(CLIENT, f'/edit {gig_id} title="Something else"')
    assert "already taken a slot" in h.last(CLIENT, "already taken").text
    assert "two colours" in h.card(gig_id).text

    before = await h.engine.view(lambda t: t.s.get(Claim, claim_id).deadline_at)
    await h.say(CLIENT, f"/extend {claim_id} 2d")
    assert "more time" in h.last(ANA, "more time").text
    after = await h.engine.view(lambda t: t.s.get(Claim, claim_id).deadline_at)
    assert (after - before).days == 2

    await h.say(CLIENT, f"/tip {claim_id} 5")  # not approved yet: refused, nothing paid
    assert "once you have approved" in h.last(CLIENT, "approved the work").text
    await h.say(ANA, f"/deliver {claim_id} Here you go https://example.com/logo.svg")
    await h.press(CLIENT, h.last(CLIENT, "Delivery for"), "Approve")
    await h.say(CLIENT, f"/gig {gig_id}")
    await h.press(CLIENT, h.last(CLIENT, "approved"), f"Tip #{claim_id}")
    await h.say(CLIENT, "5")  # the tip form's one question
    assert "tipped you $5.00" in h.last(ANA, "tipped you").text
    money = await balances(h)
    transfers = {op.idempotency_key.split(":")[1]: op.amount_minor
                 for op in await h.engine.payment_ops(gig_id, "transfer")}
    assert transfers == {"claim": 2500, "tip": 500}  # the reward and the tip, sent to Ana
    assert money[(ledger.escrow(gig_id), "usd")] == 2 * 2500  # the tip only passed through
    assert sum(v for (_, cur), v in money.items() if cur == "usd") == 0


async def seed_completed_gigs(h, rewards: list[tuple[str, int]]) -> None:
    """Completed, paid gigs tagged ``design`` from several clients (through the engine)."""
    e = h.engine
    worker = await e.resolve_user("console", "seed-worker", "Seed worker")
    await e.update_profile(worker.id, {"skills": "design", "hours": "any"})
    await e.setup_payouts(worker.id)
    clients = {}
    for name, reward in rewards:
        if name not in clients:
            clients[name] = (await e.resolve_user("console", f"seed-{name}", name)).id
        gig = await e.post_gig(clients[name], GigDraft.parse(
            {"title": "Icon set", "reward": str(reward), "currency": "usd",
             "skills": "design"}))
        await e.start_funding(clients[name], gig.id)
        claim = await e.claim_slot(worker.id, gig.id)
        await e.deliver(worker.id, claim.id, "done", [], [])
        await e.approve(clients[name], claim.id)


async def test_rates_and_the_post_preview_warn_about_a_low_reward(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.say(ANA, "/rates design")
    assert "Not enough completed gigs" in h.last(ANA, "design").text
    await seed_completed_gigs(h, [("a", 20), ("b", 24), ("c", 30), ("a", 26), ("b", 22)])
    await h.say(ANA, "/rates design")
    card = h.last(ANA, "Rate card").text
    assert "5 completed gigs from 3 clients" in card
    assert "$22.00 to $26.00, median $24.00" in card
    await h.say(CLIENT, '/post title="Logo in SVG" reward=10 currency=usd skills=design')
    preview = h.last(CLIENT, "Preview").text
    assert "Gigs like this paid $22.00 to $26.00, median $24.00" in preview
    assert "below what three in four similar gigs paid" in preview
    await h.say(CLIENT, '/post title="Logo in SVG" reward=25 currency=usd skills=design')
    assert "below what three" not in h.last(CLIENT, "Preview").text


async def test_a_recurring_gig_posts_copies_until_stopped(harness, tg):
    from datetime import timedelta
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    gig_id = await h.funded_gig(chat=None)
    await h.say(CLIENT, f"/repost {gig_id}")  # still open: refused, nothing posted
    assert "is still open" in h.last(CLIENT, "still open").text
    await h.say(CLIENT, f"/repost {gig_id} every=7")
    assert "every 7 days" in h.last(CLIENT, "every 7").text
    h.clock.advance(timedelta(days=7, minutes=1))
    await h.settle()  # the clock worker posts the next copy
    copy = h.last(CLIENT, "Your gig repeats every 7 days")
    assert f"next copy of #{gig_id}" in copy.text and "Pay" in str(copy.reply_markup)
    await h.press(CLIENT, copy, "Stop repeating")
    assert "no longer repeats" in h.last(CLIENT, "no longer repeats").text
    h.clock.advance(timedelta(days=14))
    await h.settle()
    assert len([t for t in h.texts(CLIENT) if "Your gig repeats" in t]) == 1


async def test_a_double_tap_on_add_a_slot_pays_once(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.board()
    gig_id = await h.funded_gig()
    await h.say(CLIENT, f"/gig {gig_id}")
    own = h.last(CLIENT, f"#{gig_id} Logo in SVG")
    first = tg.click(CLIENT, own, "Add a slot")
    second = tg.click(CLIENT, own, "Add a slot")  # before the first is handled
    await h.settle()
    assert "3 of 3 slots open" in h.card(gig_id).text
    extras = await h.engine.view(lambda t: t.s.execute(text(
        "SELECT count(*) FROM gigextra")).scalar())
    assert extras == 1
    answers = [tg.answer_for(first), tg.answer_for(second)]
    assert any(a is not None and "changed since that button" in (a.text or "") for a in answers) \
        or "changed since that button" in " ".join(h.texts(CLIENT))
