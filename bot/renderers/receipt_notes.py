"""Renderer of automatic receipts: when the recipient paid, was paid out or was
refunded, the PDF receipt of that ledger entry (the same one ``/receipt N``
gives) arrives in their private chat with one line saying what it is. One per
money event: the outbox's dedup key is the ledger entry's id."""
from __future__ import annotations

import asyncio

from bot import receipts
from bot.cards import money
from bot.conversation import Attachment, Reply, Rich
from bot.renderers.registry import Scene, renders
from bot.texts import N_
from core.api import ReceiptIssued

HEADLINES = {
    "payment": N_("Receipt #{n}: your payment of {amount} for {title}."),
    "payout": N_("Receipt #{n}: your payout of {amount} for {title}."),
    "refund": N_("Receipt #{n}: your refund of {amount} for {title}."),
}


@renders(ReceiptIssued)
async def receipt_issued(s: Scene) -> Reply | None:
    _, e = s._, s.event
    facts = await s.engine.receipt_entry(e.recipient_id, e.entry_id)
    if facts is None:  # not theirs or not a receipt: point at the list instead
        return Reply(Rich().add(_("Send /receipt to see your receipts.")), private=True)
    found = receipts.receipt_from(facts, test_money=bool(s.engine.provider.test_mode))
    data = await asyncio.to_thread(receipts.render_pdf, found, _)
    text = Rich().add(_(HEADLINES[found.kind], n=found.number,
                        amount=money(found.total, found.currency), title=s.title))
    text.line(_("Automatic receipts can be turned off with /settings receipts=off."), "italic")
    return Reply(text, private=True, attachments=[Attachment(
        platform="generated", file_ref=f"receipt:{found.number}",
        name=f"gigbroker-receipt-{found.number}.pdf", kind="document", data=data)])
