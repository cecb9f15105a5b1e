"""One user's flood never holds up another user's reply (issue 15, item 3).

200 commands from one user arrive in one batch, then one from another user. Before,
the flood took every processing slot while it waited for its own user's lock, and the
other user was answered after about 136 of the flood's replies; now the other user is
answered at once, the flooding user is told once to slow down, and what is past their
budget is dropped unread."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.flood_gate import FloodGate
from core.domain.records import PaymentRequest
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, BEN, CLIENT, ONE_LINER, TEST_LIMITS, harness, tg)

SLOW_DOWN = "faster than I can answer"
FLOOD = 200


async def test_a_flood_does_not_delay_another_users_reply(harness, tg):
    await harness.freelancer(ANA, "Ana")
    await harness.freelancer(BEN, "Ben")
    first = len(tg.accepted_sends)
    for _ in range(FLOOD):
        tg.inject_message(ANA, None, "/wallet")
    tg.inject_message(BEN, None, "/wallet")
    await harness.settle(timeout=60)

    order = [e.chat_id for e in tg.accepted_sends[first:] if e.method == "sendMessage"]
    assert BEN in order, "Ben was never answered"
    ana_before_ben = order[:order.index(BEN)].count(ANA)
    # Ana's replies go out at her chat's pace (TEST_LIMITS: 10 a second), so fewer than
    # that many before Ben's means Ben waited less than a second, storage included
    per_second = int(TEST_LIMITS.chat_per_second)
    assert ana_before_ben < per_second, f"Ben waited behind {ana_before_ben} of Ana's replies"

    ana = harness.texts(ANA)
    notices = [t for t in ana if SLOW_DOWN in t]
    assert len(notices) == 1, notices
    wallets = [t for t in ana if "Wallet" in t or "wallet" in t.lower()]
    # the budget (less the /profile that set Ana up), plus what refilled meanwhile
    assert FloodGate().burst // 2 <= len(wallets) < FLOOD // 2, len(wallets)
    assert any("allet" in t for t in harness.texts(BEN))


async def test_a_flood_of_presses_gets_one_alert_and_pays_once(harness, tg):
    await harness.client()
    await harness.say(CLIENT, ONE_LINER)
    preview = harness.last(CLIENT, "Preview")
    presses = [tg.click(CLIENT, preview, "Pay") for _ in range(FloodGate().burst + 10)]
    await harness.settle(timeout=30)
    answers = [tg.answer_for(q) for q in presses]
    alerts = [a for a in answers if a is not None and a.text and SLOW_DOWN in a.text]
    assert len(alerts) == 1 and alerts[0].show_alert
    requests = await harness.engine.view(
        lambda t: t.s.scalar(select(func.count()).select_from(PaymentRequest)))
    assert requests == 1
