"""Receipts and statements in chat: a PDF receipt comes by itself when the client
pays, when an earning is paid out and when a refund is made, one per money event
(one outbox row per ledger entry, however often the workers run);
``/settings receipts=off`` stops them (``/receipt N`` still works);
``/statement 2026-06`` is that month's ledger lines in the user's time zone with
the opening and closing balance, bare ``/statement`` is last month, and a month
written another way is refused with an example."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.domain.records import LedgerEntry, OutboxMessage


async def paid_and_approved(chats, *, payout: bool):
    """bob pays for a 2-slot gig on mod's board; alice claims, delivers, is approved."""
    board = await chats.board("Makers")
    mod, alice, bob = (chats.person(n, at=board) for n in ("mod", "alice", "bob"))
    mod.admin = True
    await mod.says("/board")
    await alice.says("/profile skills=design hours=any timezone=America/New_York")
    if payout:
        await alice.says("/payout")
    await bob.says('/post title="Logo" reward=25 currency=usd slots=2 skills=design')
    await bob.press("Pay")
    await alice.press("Claim")
    await alice.says("/deliver 1 Here it is")
    await bob.press("Approve")
    return alice, bob


def pdfs(person) -> list[bytes]:
    """The receipt PDFs that came with "Receipt #N: ..." messages to ``person``."""
    return [f.data for s in person.sent() if re.match(r"Receipt #\d+: ", s.text)
            for f in s.files if re.fullmatch(r"gigbroker-receipt-\d+\.pdf", f.name)]


async def test_receipts_come_by_themselves_once_per_money_event(chats):
    alice, bob = await paid_and_approved(chats, payout=True)
    await bob.says("/gig 1")
    await bob.press("Cancel gig")
    to_bob, to_alice = bob.told(), alice.told()
    assert "Receipt #1: your payment of $52.50 for #1 Logo." in to_bob
    assert re.search(r"Receipt #\d+: your payout of \$25\.00 for #1 Logo\.", to_alice)
    assert re.search(r"Receipt #\d+: your refund of \$26\.25 for #1 Logo\.", to_bob)
    assert "/settings receipts=off" in to_bob
    assert (len(pdfs(bob)), len(pdfs(alice))) == (2, 1)  # payment and refund; payout
    for data in pdfs(bob) + pdfs(alice):
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert b"Payment receipt" in pdfs(bob)[0]

    # Workers running again send nothing twice: one receipt row per receipt entry.
    await chats.clock("+1h")
    await chats.clock("+1d")
    entries = await chats.app.engine.view(lambda t: sorted(
        (e.kind, e.user_id) for e in t.s.scalars(select(LedgerEntry).where(
            LedgerEntry.kind.in_(("funding", "payout", "refund_sent"))))))
    rows = await chats.app.engine.view(lambda t: list(t.s.scalars(select(OutboxMessage).where(
        OutboxMessage.event == "receipt.issued"))))
    assert len(entries) == 3 and len(rows) == 3
    assert {r.status for r in rows} == {"done"}


async def test_receipts_off_and_still_on_request(chats):
    board = await chats.board("Makers")
    bob = chats.person("bob", at=board)
    await bob.says("/settings receipts=off", "/settings receipts=maybe")
    assert "Automatic PDF receipts: off" in bob.told()
    assert "receipts is on or off, e.g. /settings receipts=off." in bob.told()
    mark = chats.mark()
    alice, bob = await paid_and_approved(chats, payout=True)
    await bob.says("/receipt 1")
    to_bob = bob.told(mark)
    assert "your payment of" not in to_bob  # no automatic receipt for bob
    assert "Receipt #1: Payment of $52.50 for gig #1." in to_bob  # asked for
    assert "your payout of $25.00" in alice.told(mark)  # alice kept hers


async def test_monthly_statement_in_the_users_time_zone(chats):
    # June 1st, 09:00 UTC: alice (New York, no payout account yet) earns 25 USD.
    alice, bob = await paid_and_approved(chats, payout=False)
    # July 1st, 02:00 UTC is still June 30th, 22:00 in New York: she earns 25 more.
    mark = chats.mark()
    await chats.clock("+29d")
    await chats.clock("+17h")
    await bob.says('/post title="Icon" reward=25 currency=usd skills=design')
    await bob.press("Pay")
    await alice.says("/gig 2")
    await alice.press("Claim")
    await alice.says("/deliver 2 Second")
    await bob.press("Approve")
    await alice.says("/statement 2026-06", "/statement 2026-07", "/statement June",
                     "/statement 2026-13")
    await chats.clock("+1d")
    await alice.says("/statement", "/statement 2026-07")
    to_alice = alice.told(mark)
    june = "Your statement for June 2026 (America/New_York)."
    assert to_alice.count(june) == 2  # asked for, and bare /statement on July 1st (NY)
    assert to_alice.count("USD: opening $0.00, 2 lines, closing $50.00") == 2
    assert "Your statement for July 2026 (America/New_York)." in to_alice
    assert "USD: opening $50.00, 0 lines, closing $50.00" in to_alice
    assert "Give the month as year-month, e.g. /statement 2026-06." in to_alice
    assert to_alice.count("Give the month as year-month") == 2
    assert "2026-07 has not begun yet" in to_alice  # 22:00 on June 30th in New York
    data, *_ = [f.data for s in alice.sent(mark) for f in s.files
                if f.name == "gigbroker-statement-2026-06.pdf"]
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
