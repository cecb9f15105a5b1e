"""Receipts: every funding, payout and refund in the ledger is a receipt its
user can get in chat (/receipt), as a one-page PDF with the amounts, the fee,
the dates, both parties and the payment provider's reference.

A receipt is read from the ledger entry that recorded the money movement (its
id is the receipt number; the engine's ``receipt_entry`` reads its facts), so
there is nothing extra to store and it works the same with Stripe and with the
sandbox (marked as test money)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from bot import receipt_fonts
from bot.texts import N_
from bot.texts.formats import local_time, money
from bot.texts.reader import reading_as
from core.api import ReceiptFacts

# ledger entry kind -> receipt kind; whose receipt it is: the entry's user_id
RECEIPT_KINDS = {"funding": "payment", "payout": "payout", "refund_sent": "refund"}
PLATFORM = "gigbroker"
_ = Callable[..., str]


@dataclass
class Receipt:
    number: int
    kind: str  # payment | payout | refund
    at: datetime
    currency: str
    total: int
    gig_id: int | None
    gig_title: str
    client: str
    freelancer: str = ""
    lines: list[tuple[str, dict, int]] = field(default_factory=list)  # (msgid, args, amount)
    notes: list[str] = field(default_factory=list)
    reference: str = ""
    test_money: bool = False


def receipt_from(f: ReceiptFacts, test_money: bool = False) -> Receipt:
    """The receipt of the ledger entry in ``f`` (see ``Engine.receipt_entry``)."""
    e, gig = f.entry, f.gig
    kind = RECEIPT_KINDS[e.kind]
    r = Receipt(number=e.id, kind=kind, at=e.created_at, currency=e.currency, total=0,
                gig_id=gig.id, gig_title=gig.title, client=f.client.display_name,
                test_money=test_money)
    if kind == "payment":
        r.total = -f.external
        rewards = f.escrow
        fee = f.fee_held
        if rewards:
            r.lines.append((N_("Rewards: {n} x {amount}"), {"n": gig.slots, "amount": money(
                gig.reward_minor, gig.currency)}, rewards))
        if fee:
            r.lines.append((N_("Platform fee: {n} x {amount}"), {"n": gig.slots, "amount": (
                money(gig.fee_per_slot, gig.currency))}, fee))
        rest = r.total - rewards - fee
        if rest:
            r.lines.append((N_("Paid after the gig closed: refunded in full"), {}, rest))
        r.reference = gig.funding_ref or ""
        if rest and e.memo:
            r.notes.append(e.memo)
    else:
        r.total = -(f.payout_pending if kind == "payout" else f.refund_pending)
        r.reference = e.memo or ""
        if kind == "payout":
            claim = f.claim
            r.freelancer = f.payee.display_name if f.payee else "?"
            if claim:
                r.lines.append((N_("Reward for claim #{c} (slot {n})"),
                                {"c": claim.id, "n": claim.slot_no}, r.total))
            else:
                r.lines.append((N_("Reward"), {}, r.total))
            r.lines.append((N_("Fee deducted from you (the client pays the platform fee)"), {}, 0))
        else:
            r.lines.append((_refund_reason(f.payment_op_key), {}, r.total))
    return r


def _refund_reason(key: str) -> str:
    parts = key.split(":")
    reason = parts[3] if len(parts) > 3 and parts[:2] == ["refund", "gig"] else ""
    return {
        "cancelled": N_("Refund of unclaimed slots (gig cancelled)"),
        "expired": N_("Refund of unclaimed slots (listing expired)"),
        "rejected": N_("Refund of a rejected slot"),
        "dispute": N_("Refund of your share after a dispute"),
        "closed_listing": N_("Refund of a slot freed after the listing closed"),
    }.get(reason) or N_("Refund")


# -- PDF -------------------------------------------------------------------------
def render_pdf(r: Receipt, _: _) -> bytes:
    """One A4 page in the reader's language, amounts and dates as they write them
    (``bot.texts.reader``; a PDF has no Discord timestamps), any script printed
    (``bot.receipt_fonts``); uncompressed so the text stays searchable."""
    with reading_as(platform=""):
        return _render_pdf(r, _)


def _render_pdf(r: Receipt, _: _) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    titles = {"payment": _("Payment receipt"), "payout": _("Payout receipt"),
              "refund": _("Refund receipt")}
    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    pdf.set_creation_date(r.at)
    fonts = receipt_fonts.setup(pdf)
    family = fonts.family
    _latin1 = fonts.printable  # the name it had when only Latin-1 printed
    pdf.set_title(_latin1(f"{PLATFORM} {titles[r.kind]} #{r.number}"))
    pdf.set_author(PLATFORM)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.epw

    def row(label: str, value: str, *, bold: bool = False, size: int = 11) -> None:
        """A label (wrapped when long) and its amount, right-aligned on the first line."""
        pdf.set_font(family, "B" if bold else "", size)
        label, top = _latin1(label), pdf.get_y()
        lines = pdf.multi_cell(width * 0.7, 7, label, dry_run=True, output="LINES")
        pdf.multi_cell(width * 0.7, 7, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.cell(width * 0.3, 7, _latin1(value), align="R")
        pdf.set_xy(pdf.l_margin, top + 7 * max(1, len(lines)))

    def text(value: str, *, size: int = 11, style: str = "") -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, 6, _latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    text(PLATFORM, size=20, style="B")
    text(f"{titles[r.kind]} #{r.number}", size=14)
    if r.test_money:
        pdf.set_text_color(180, 0, 0)
        text(_("TEST MONEY - not a real payment"), style="B")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(4)
    text(_("Date: {t}", t=local_time(r.at, zone=True)))
    payer, payee = {
        "payment": (r.client, _("{platform}, held in escrow", platform=PLATFORM)),
        "payout": (_("{platform}, for {client}", platform=PLATFORM, client=r.client),
                   r.freelancer),
        "refund": (PLATFORM, r.client)}[r.kind]
    text(_("Paid by: {name}", name=payer))
    text(_("Paid to: {name}", name=payee))
    text(_("Gig #{id}: {title}", id=r.gig_id, title=r.gig_title))
    if r.reference:
        text(_("Payment reference: {ref}", ref=r.reference), size=9)
    pdf.ln(4)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(2)
    for msgid, args, amount in r.lines:
        row(_(msgid, **args), money(amount, r.currency))
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.l_margin + width, pdf.get_y() + 1)
    pdf.ln(3)
    row(_("Total"), money(r.total, r.currency), bold=True, size=13)
    pdf.ln(6)
    for note in r.notes:
        text(note, size=9)
    foot = {"payment": _("The rewards are held until you approve the work; unclaimed slots "
                         "are refunded with their share of the fee."),
            "payout": _("Paid out through our payment provider to your payout account."),
            "refund": _("Refunds reach your card or account within 5-10 business days.")}
    text(foot[r.kind], size=9, style="I")
    return bytes(pdf.output())
