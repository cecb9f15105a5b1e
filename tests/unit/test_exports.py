"""The /export CSV: columns for bookkeeping, amounts as plain decimals with each
currency's own decimals, descriptions in the reader's language, and titles a
spreadsheet would run as formulas defused."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from types import SimpleNamespace

from bot.commands.reports import decimal_amount, statement_csv
from bot.texts import translator
from core.api import Statement, StatementLine

AT = datetime(2026, 6, 1, 12, 30, tzinfo=timezone.utc)


def line(kind, amount, balance, *, currency="usd", title="Logo", claim=4):
    return StatementLine(entry_id=1, at=AT, kind=kind, gig_id=7, gig_title=title,
                         claim_id=claim, currency=currency, amount=amount, balance=balance)


def rows(statement, locale="en"):
    data = statement_csv(SimpleNamespace(_=translator(locale)), statement)
    assert data.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_amounts_keep_each_currencys_decimals():
    assert [decimal_amount(m, c) for m, c in ((-1250, "usd"), (1500, "jpy"), (12345, "kwd"),
                                              (5, "eur"))] == ["-12.50", "1500", "12.345", "0.05"]


def test_lines_in_the_readers_language_with_a_running_balance():
    got = rows(Statement("user", [line("funding", 2625, 2625), line("release", -2625, 0),
                                  line("refund_sent", -300, -300, currency="jpy")]), "es")
    assert got[0] == ["date", "gig", "description", "amount", "currency", "balance"]
    assert got[1] == ["2026-06-01T12:30:00Z", "#7 Logo", "Pago del trabajo, en garantía",
                      "26.25", "USD", "26.25"]
    assert got[2][2:] == ["Liberado al freelancer del encargo #4", "-26.25", "USD", "0.00"]
    assert got[3][2:] == ["Reembolso enviado a tu tarjeta o cuenta", "-300", "JPY", "-300"]


def test_titles_that_look_like_formulas_are_defused():
    got = rows(Statement("user", [line("release", 2500, 2500, title='=HYPERLINK("x")')]))
    assert got[1][1] == "#7 =HYPERLINK(\"x\")"  # starts with '#': harmless as it is
    assert rows(Statement("board", [StatementLine(1, AT, "chargeback", None, "", None, "usd",
                                                  -100, -100)]))[1][1:3] == [
        "", "Ledger entry: chargeback"]
    from bot.commands.reports import _cell
    assert [_cell(t) for t in ("=1+1", "+1", "-1", "@SUM(A1)", "ok")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "ok"]
