"""The monthly statement as a PDF (``/statement 2026-11``): the user's ledger lines
of one month in their time zone, per currency the balance held for them when the
month began, each line (date, gig, what it was, amount, balance after it) and the
balance when it ended. Drawn with fpdf2 in the receipts' fonts (``bot.receipt_fonts``:
DejaVu Sans with shaping, so every script prints); amounts and times are written
for the reader (``bot.texts.formats``), the zone named since a document is read later."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from bot import receipt_fonts
from bot.texts.formats import local_time, money, month_name
from bot.texts.reader import reading_as
from core.api import MonthStatement, StatementLine

PLATFORM = "gigbroker"
Translate = Callable[..., str]
Describe = Callable[[StatementLine], str]


def render_statement_pdf(st: MonthStatement, _: Translate, describe: Describe) -> bytes:
    """Times are shown in the statement's zone (``st.zone``, the user's), as plain text:
    a PDF has no Discord timestamps."""
    with reading_as(platform="", timezone=st.zone):
        return _render(st, _, describe)


def _render(st: MonthStatement, _: Translate, describe: Describe) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    pdf.set_creation_date(datetime.now(timezone.utc))
    pdf.set_author(PLATFORM)
    fonts = receipt_fonts.setup(pdf, ("", "B"))
    family, clean = fonts.family, fonts.printable
    month = month_name(st.month)
    pdf.set_title(clean(f"{PLATFORM} {_('Monthly statement')} {month}"))
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    width = pdf.epw
    cols = (width * 0.2, width * 0.44, width * 0.18, width * 0.18)

    def text(value: str, *, size: int = 10, bold: bool = False) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.multi_cell(width, 5.5, clean(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def row(cells: tuple[str, str, str, str], *, bold: bool = False) -> None:
        pdf.set_font(family, "B" if bold else "", 9)
        top = pdf.get_y()
        heights = []
        for i, (w, value) in enumerate(zip(cols, cells)):
            pdf.set_xy(pdf.l_margin + sum(cols[:i]), top)
            lines = pdf.multi_cell(w, 5, clean(value), align="R" if i >= 2 else "L",
                                   dry_run=True, output="LINES")
            pdf.multi_cell(w, 5, clean(value), align="R" if i >= 2 else "L")
            heights.append(5 * max(1, len(lines)))
        pdf.set_xy(pdf.l_margin, top + max(heights) + 1)
        if pdf.get_y() > pdf.h - 25:
            pdf.add_page()

    text(PLATFORM, size=18, bold=True)
    text(_("Monthly statement {month}", month=month), size=13)
    text(_("For: {name}", name=st.user_name))
    text(_("Period: {start} to {end} ({zone})",
           start=local_time(st.start), end=local_time(st.end), zone=st.zone))
    pdf.ln(3)
    if st.empty:
        text(_("No money moved for you in this month."))
    for cur in st.currencies:
        text(cur.currency.upper(), size=12, bold=True)
        row((_("Date"), _("What"), _("Amount"), _("Balance")), bold=True)
        row(("", _("Opening balance"), "", money(cur.opening, cur.currency)))
        for line in cur.lines:
            what = describe(line)
            if line.gig_id:
                what = f"#{line.gig_id} {line.gig_title}: {what}"
            row((local_time(line.at), what,
                 money(line.amount, line.currency),
                 money(line.balance, line.currency)))
        row(("", _("Closing balance"), money(cur.closing - cur.opening, cur.currency),
             money(cur.closing, cur.currency)), bold=True)
        pdf.ln(3)
    text(_("The balance is what gigbroker holds for you: earnings not paid out yet, money in "
           "escrow for your gigs and refunds on their way. Each payment, payout and refund "
           "has its own receipt (/receipt)."), size=8)
    return bytes(pdf.output())
