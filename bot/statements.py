"""The monthly statement as a PDF (``/statement 2026-11``): the user's ledger lines
of one month in their time zone, per currency the balance held for them when the
month began, each line (date, gig, what it was, amount, balance after it) and the
balance when it ended. Drawn with fpdf2 in DejaVu Sans (shipped with matplotlib)
so every script prints; Helvetica with Latin-1 folding when that font is missing."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from core.api import MonthStatement, StatementLine, format_amount

PLATFORM = "gigbroker"
Translate = Callable[..., str]
Describe = Callable[[StatementLine], str]


def _font_dir() -> Path | None:
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib is a dependency (charts)
        return None
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder if (folder / "DejaVuSans.ttf").exists() else None


def _fold(text: str) -> str:
    """For the built-in fonts: Latin-1 only (accents folded, other letters as "?")."""
    out = []
    for ch in str(text):
        if ord(ch) > 255:
            ch = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode(
                "latin-1") or ("" if unicodedata.category(ch).startswith(("S", "M")) else "?")
        out.append(ch)
    return "".join(out)


def render_statement_pdf(st: MonthStatement, _: Translate, describe: Describe, zone) -> bytes:
    """``zone``: the user's tzinfo; times are shown in it."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    pdf.set_creation_date(datetime.now(zone))
    pdf.set_author(PLATFORM)
    fonts = _font_dir()
    if fonts is not None:
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        family, clean = "DejaVu", str
    else:
        family, clean = "Helvetica", _fold
    month = st.month.strftime("%Y-%m")
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
           start=st.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
           end=st.end.astimezone(zone).strftime("%Y-%m-%d %H:%M"), zone=st.zone))
    pdf.ln(3)
    if st.empty:
        text(_("No money moved for you in this month."))
    for cur in st.currencies:
        text(cur.currency.upper(), size=12, bold=True)
        row((_("Date"), _("What"), _("Amount"), _("Balance")), bold=True)
        row(("", _("Opening balance"), "", format_amount(cur.opening, cur.currency)))
        for line in cur.lines:
            what = describe(line)
            if line.gig_id:
                what = f"#{line.gig_id} {line.gig_title}: {what}"
            row((line.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), what,
                 format_amount(line.amount, line.currency),
                 format_amount(line.balance, line.currency)))
        row(("", _("Closing balance"), format_amount(cur.closing - cur.opening, cur.currency),
             format_amount(cur.closing, cur.currency)), bold=True)
        pdf.ln(3)
    text(_("The balance is what gigbroker holds for you: earnings not paid out yet, money in "
           "escrow for your gigs and refunds on their way. Each payment, payout and refund "
           "has its own receipt (/receipt)."), size=8)
    return bytes(pdf.output())
