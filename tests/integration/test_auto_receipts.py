"""Receipts and statements in a scripted console session: a PDF receipt comes by
itself when the client pays, when an earning is paid out and when a refund is
made, one per money event (one outbox row per ledger entry, however often the
workers run); ``/settings receipts=off`` stops them (``/receipt N`` still works);
``/statement 2026-06`` is that month's ledger lines in the user's time zone with
the opening and closing balance, bare ``/statement`` is last month, and a month
written another way is refused with an example."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from core.domain.records import LedgerEntry, OutboxMessage
from tests.console_script import run_script, said_to

PAID_AND_APPROVED = """
/as mod
/board
/as alice
/profile skills=design hours=any timezone=America/New_York
{payout}
/as bob
/post title="Logo" reward=25 currency=usd slots=2 skills=design
/press Pay
/as alice
/press Claim
/deliver {n} Here it is
/as bob
/press Approve
"""


def pdfs(out: str, name: str) -> list[Path]:
    return [Path(p) for p in re.findall(
        rf"\[to {name}\] Receipt #\d+: [^\n]*\n(?: [^\n]*\n)*?\s+\[file\] (?:gigbroker-receipt-\d+"
        r"\.pdf) \([\d,]+ bytes\) saved to (\S+)", out)]


async def test_receipts_come_by_themselves_once_per_money_event(app, tmp_path, monkeypatch):
    monkeypatch.setenv("GIGBROKER_CONSOLE_FILES", str(tmp_path / "files"))
    out = await run_script(app, PAID_AND_APPROVED.format(payout="/payout", n=1)
                           + "/gig 1\n/press Cancel gig\n")
    to_bob, to_alice = said_to(out, "bob"), said_to(out, "alice")
    assert "Receipt #1: your payment of $52.50 for #1 Logo." in to_bob
    assert re.search(r"Receipt #\d+: your payout of \$25\.00 for #1 Logo\.", to_alice)
    assert re.search(r"Receipt #\d+: your refund of \$26\.25 for #1 Logo\.", to_bob)
    assert "/settings receipts=off" in to_bob
    for path in pdfs(out, "bob") + pdfs(out, "alice"):
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert b"Payment receipt" in pdfs(out, "bob")[0].read_bytes()

    # Workers running again send nothing twice: one receipt row per receipt entry.
    await run_script(app, "/as bob\n/clock +1h\n/clock +1d\n")
    entries = await app.engine.view(lambda t: sorted((e.kind, e.user_id) for e in t.s.scalars(
        select(LedgerEntry).where(LedgerEntry.kind.in_(("funding", "payout", "refund_sent"))))))
    rows = await app.engine.view(lambda t: list(t.s.scalars(select(OutboxMessage).where(
        OutboxMessage.event == "receipt.issued"))))
    assert len(entries) == 3 and len(rows) == 3
    assert {r.status for r in rows} == {"done"}


async def test_receipts_off_and_still_on_request(app, tmp_path, monkeypatch):
    monkeypatch.setenv("GIGBROKER_CONSOLE_FILES", str(tmp_path / "files"))
    out = await run_script(app, "/as bob\n/settings receipts=off\n/settings receipts=maybe\n")
    assert "Automatic PDF receipts: off" in said_to(out, "bob")
    assert "receipts is on or off, e.g. /settings receipts=off." in said_to(out, "bob")
    out = await run_script(app, PAID_AND_APPROVED.format(payout="/payout", n=1)
                           + "/as bob\n/receipt 1\n")
    to_bob = said_to(out, "bob")
    assert "your payment of" not in to_bob  # no automatic receipt for bob
    assert "Receipt #1: Payment of $52.50 for gig #1." in to_bob  # asked for
    assert "your payout of $25.00" in said_to(out, "alice")  # alice kept hers


async def test_monthly_statement_in_the_users_time_zone(app, tmp_path, monkeypatch):
    monkeypatch.setenv("GIGBROKER_CONSOLE_FILES", str(tmp_path / "files"))
    # June 1st, 09:00 UTC: alice (New York, no payout account yet) earns 25 USD.
    out = await run_script(app, PAID_AND_APPROVED.format(payout="", n=1))
    # July 1st, 02:00 UTC is still June 30th, 22:00 in New York: she earns 25 more.
    out = await run_script(app, """
/as alice
/clock +29d
/clock +17h
/as bob
/post title="Icon" reward=25 currency=usd skills=design
/press Pay
/as alice
/gig 2
/press Claim
/deliver 2 Second
/as bob
/press Approve
/as alice
/statement 2026-06
/statement 2026-07
/statement June
/statement 2026-13
/clock +1d
/statement
/statement 2026-07
""")
    to_alice = said_to(out, "alice")
    june = "Your statement for June 2026 (America/New_York)."
    assert to_alice.count(june) == 2  # asked for, and bare /statement on July 1st (NY)
    assert to_alice.count("USD: opening $0.00, 2 lines, closing $50.00") == 2
    assert "Your statement for July 2026 (America/New_York)." in to_alice
    assert "USD: opening $50.00, 0 lines, closing $50.00" in to_alice
    assert "Give the month as year-month, e.g. /statement 2026-06." in to_alice
    assert to_alice.count("Give the month as year-month") == 2
    assert "2026-07 has not begun yet" in to_alice  # 22:00 on June 30th in New York
    pdf, *_ = set(re.findall(r"\[file\] gigbroker-statement-2026-06\.pdf \([\d,]+ bytes\) saved "
                           r"to (\S+)", out))
    data = Path(pdf).read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
