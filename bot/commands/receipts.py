"""/receipt: the user's receipts (payments for their gigs, payouts, refunds),
and one of them as a PDF document."""
from __future__ import annotations

from bot import receipts
from bot.cards import money, when
from bot.context import Context
from bot.conversation import Attachment, Rich
from bot.registry import ArgSpec, command
from bot.texts import N_
from core.api import NotFound

KIND_LABELS = {"payment": N_("Payment"), "payout": N_("Payout"), "refund": N_("Refund")}


@command("receipt", N_("Your receipts for payments, payouts and refunds, as PDF"),
         ArgSpec("number", N_("the receipt number, e.g. 12"), kind="int", min_value=1),
         usage="/receipt 12", private=True)
async def receipt(ctx: Context, number: int | None = None):
    test = bool(getattr(ctx.engine.provider, "test_mode", False))
    if number is None:
        items = [receipts.receipt_from(f) for f in await ctx.engine.receipt_entries(ctx.user_id)]
        if not items:
            return [ctx.say(ctx._("No receipts yet. You get one for every payment, payout and "
                                  "refund."), private=True)]
        text = Rich().bold(ctx._("Your receipts"))
        for r in items:
            text.line(f"#{r.number} · {when(r.at)} · {ctx._(KIND_LABELS[r.kind])} · "
                      f"#{r.gig_id} {r.gig_title} · {money(r.total, r.currency)}")
        text.line().line(ctx._("Send /receipt NUMBER to get one as a PDF, e.g. /receipt {n}.",
                               n=items[0].number), "italic")
        return [ctx.say(text, private=True)]
    facts = await ctx.engine.receipt_entry(ctx.user_id, number)
    found = None if facts is None else receipts.receipt_from(facts, test_money=test)
    if found is None:
        raise NotFound("You have no receipt #{n}. Send /receipt to see yours.", n=number)
    data = receipts.render_pdf(found, ctx._)
    name = f"gigbroker-receipt-{found.number}.pdf"
    text = Rich().add(ctx._("Receipt #{n}: {kind} of {amount} for gig #{gig}.", n=found.number,
                            kind=ctx._(KIND_LABELS[found.kind]),
                            amount=money(found.total, found.currency), gig=found.gig_id))
    return [ctx.say(text, private=True, attachments=[Attachment(
        platform="generated", file_ref=f"receipt:{found.number}", name=name, kind="document",
        data=data)])]
