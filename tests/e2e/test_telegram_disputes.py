"""A dispute on Telegram, end to end through python-telegram-bot and the fake Bot
API: the board's moderator gets one packet (statements, rejection reason, every
delivery revision with its files relayed by file_id, the timeline, both parties'
history, the deadlines) with split buttons; the client adds a statement with a
document as evidence once; the packet is sent again with it; the moderator
presses Half and a second press acts no more; the money moves once through the
ledger and every money event brings its PDF receipt to the right person."""
from __future__ import annotations

from sqlalchemy import select

from core.domain.records import Claim, DisputeStatement, LedgerEntry, OutboxMessage, PaymentOp
from core.lifecycle import ledger
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, CAT, CLIENT, GROUP, harness, tg)


def pdf_documents(tg, chat: int) -> list:
    return [m for m in tg.messages_to(chat)
            if m.document is not None and m.document.file_name.endswith(".pdf")]


async def test_dispute_packet_statements_and_split_buttons(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.client(CAT, "Cat")  # Cat opened her private chat with the bot
    await h.board(admin=CAT, title="Design Guild")  # and moderates the board
    await h.say(CLIENT, "hello", GROUP)  # Carla is seen in the group
    await h.funded_gig(command='/post title="Logo" reward=25 currency=usd skills=design')
    # The client's payment brought its receipt, as a PDF document.
    [paid] = pdf_documents(tg, CLIENT)
    assert paid.document.content.startswith(b"%PDF") and b"Payment receipt" in \
        paid.document.content
    assert "Receipt #" in (paid.caption or "") or any("Receipt #" in t for t in h.texts(CLIENT))

    await h.press(ANA, h.last(ANA, "New gig for you"), "Claim")
    await h.press(ANA, h.last(ANA, "Slot 1 is yours"), "Deliver")
    source = tg.add_file(b"<svg/>", "logo.svg", "image/svg+xml")
    await h.say(ANA, document=source.file_id, caption="The logo as asked")
    await h.press(CLIENT, h.last(CLIENT, "Delivery for gig #1"), "Reject")
    await h.say(CLIENT, "It is not blue")
    await h.press(ANA, h.last(ANA, "rejected your delivery"), "Dispute")
    await h.say(ANA, "The brief never said blue")

    packet = h.last(CAT, "A dispute was opened on claim #1")
    for fact in ("Client: Carla", "Freelancer: Ana", "History of Carla", "History of Ana",
                 "Statements (one per side) until", "Decide by", "claimed (slot 1)",
                 "delivered revision 0", "The logo as asked", "📎 logo.svg",
                 "It is not blue", "The brief never said blue",
                 "Still no statement from Carla"):
        assert fact in packet.text, fact
    assert packet.button_texts[:4] == ["All to the freelancer ($25.00)",
                                       "Half ($12.50 each)", "All back to the client",
                                       "Custom split…"]
    # The delivery's file came with the packet, by reference.
    assert any(m.document is not None and m.document.file_id == source.file_id
               for m in tg.messages_to(CAT))

    # The client answers once, with a document as evidence.
    notice = h.last(CLIENT, "A dispute was opened on claim #1")
    assert "/respond 1" in notice.text
    await h.press(CLIENT, notice, "Add my statement")
    brief = tg.add_file(b"%PDF brief", "brief.pdf", "application/pdf")
    await h.say(CLIENT, document=brief.file_id, caption="The brief, page 2: blue")
    assert "Your statement is added" in h.texts(CLIENT)[-1]
    await h.say(CLIENT, "/respond 1 once more")
    assert "already added your statement" in h.texts(CLIENT)[-1]
    statements = await h.engine.view(lambda t: list(t.s.scalars(select(DisputeStatement))))
    assert [(s.role, s.text) for s in statements] == [("client", "The brief, page 2: blue")]

    again = h.last(CAT, "the client added their statement")
    assert "The brief, page 2: blue" in again.text and "📎 brief.pdf" in again.text
    assert "Still no statement from Carla" not in again.text
    assert any(m.document is not None and m.document.file_id == brief.file_id
               for m in tg.messages_to(CAT))
    assert "the client added their statement" in h.last(ANA, "added their statement").text

    # Only a decider may press; the client's press on a forwarded copy is refused.
    refused = await h.press(CLIENT, again, "Half ($12.50 each)")
    assert refused is not None and refused.show_alert
    assert (await h.engine.view(lambda t: t.s.get(Claim, 1))).status == "disputed"

    await h.press(CAT, again, "Half ($12.50 each)")
    assert "Resolved: $12.50 to the freelancer" in " ".join(h.texts(CAT)[-3:])
    answer = await h.press(CAT, packet, "All to the freelancer ($25.00)")
    assert answer is not None and "already settled" in (answer.text or "")
    claim = await h.engine.view(lambda t: t.s.get(Claim, 1))
    assert claim.status == "resolved" and claim.paid_minor == 1250
    ops = await h.engine.view(lambda t: sorted((o.kind, o.amount_minor)
                                               for o in t.s.scalars(select(PaymentOp))))
    assert ops == [("refund", 1250), ("transfer", 1250)]
    balances = await h.engine.view(lambda t: ledger.all_balances(t.s))
    assert sum(balances.values()) == 0 and balances.get((ledger.escrow(1), "usd"), 0) == 0

    # The payout and the refund brought their receipts, one each.
    [payout] = pdf_documents(tg, ANA)
    assert b"Payout receipt" in payout.document.content
    assert [b"Refund receipt" in m.document.content for m in pdf_documents(tg, CLIENT)] == [
        False, True]
    receipts = await h.engine.view(lambda t: t.s.scalars(select(OutboxMessage.dedup_key).where(
        OutboxMessage.event == "receipt.issued")).all())
    kinds = await h.engine.view(lambda t: sorted(e.kind for e in t.s.scalars(select(
        LedgerEntry).where(LedgerEntry.kind.in_(("funding", "payout", "refund_sent"))))))
    assert len(receipts) == len(kinds) == 3
