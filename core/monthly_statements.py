"""A user's monthly statement: their ledger lines of one calendar month in their
own time zone (``/statement 2026-11``), with the balance held for them when the
month began and when it ended, per currency. The lines and their running balance
are ``core.reports.user_statement``'s; this picks the month out of them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from core.domain.errors import ValidationError
from core.domain.records import User
from core.reports import StatementLine, _zone, user_statement

_MONTH = re.compile(r"\s*(\d{4})[-/.](\d{1,2})\s*")


@dataclass(frozen=True)
class CurrencyMonth:
    currency: str
    opening: int  # held for the user when the month began
    lines: list[StatementLine] = field(default_factory=list)
    closing: int = 0


@dataclass(frozen=True)
class MonthStatement:
    user_id: int
    user_name: str
    month: date  # the first day of the month
    zone: str  # the time zone the month and the times are read in
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive
    currencies: list[CurrencyMonth]

    @property
    def empty(self) -> bool:
        return not any(c.lines or c.opening for c in self.currencies)


def parse_month(text: str | None, today: date) -> date:
    """``2026-11`` -> 2026-11-01; None or empty -> the month before ``today``'s."""
    if not (text or "").strip():
        return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year,
                                                                        today.month - 1, 1)
    m = _MONTH.fullmatch(text)
    if m is None or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise ValidationError("month", "Give the month as year-month, e.g. /statement {example}.",
                              example=f"{today.year}-{today.month:02d}", value=text)
    return date(int(m.group(1)), int(m.group(2)), 1)


def month_statement(s: Session, user_id: int, month: str | None, now: datetime) -> MonthStatement:
    user = s.get(User, user_id)
    if user is None:
        raise ValidationError("user", "Unknown user.")
    zone = _zone(s, user_id)
    first = parse_month(month, now.astimezone(zone).date())
    nxt = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(nxt, time(), zone).astimezone(UTC)
    if start > now:
        raise ValidationError("month", "{month} has not begun yet; pick a month up to this one.",
                              month=first.strftime("%Y-%m"), value=month)
    opening: dict[str, int] = {}
    inside: dict[str, list[StatementLine]] = {}
    for line in user_statement(s, user_id).lines:
        if line.at < start:
            opening[line.currency] = line.balance
        elif line.at < end:
            inside.setdefault(line.currency, []).append(line)
    currencies = [CurrencyMonth(currency=c, opening=opening.get(c, 0), lines=inside.get(c, []),
                                closing=inside[c][-1].balance if inside.get(c)
                                else opening.get(c, 0))
                  for c in sorted(set(opening) | set(inside))]
    return MonthStatement(user_id=user_id, user_name=user.display_name, month=first,
                          zone=getattr(zone, "key", "UTC"), start=start, end=end,
                          currencies=currencies)
