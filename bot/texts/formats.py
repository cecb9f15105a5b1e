"""Amounts, numbers, dates, times and durations for the current reader (Babel).

- ``money(2500, "usd")``: ``$25.00`` in English, ``25,00 US$`` in Spanish,
  ``25,00 $`` in Russian (the same locale reads typed amounts back:
  ``core.domain.money.parse_amount``).
- ``when(dt)``: on Discord a native timestamp (``<t:...:f>``, every member sees
  their own local time, with ``<t:...:R>`` when it is near); elsewhere the
  reader's date and time in their time zone, with the zone named when it is the
  default UTC (a zone the reader chose is theirs, so it goes without saying), and
  "in 3 hours" / "2 hours ago" added when it is within two days.
- ``duration(seconds)``: ``1 day``, ``36 hours``, ``90 minutes``, plural forms
  by the locale.
Outside a reader (``bot.texts.reader``) all of this is English, UTC."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import (
    format_date, format_skeleton, format_time, format_timedelta, get_datetime_format,
)
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit

from bot.texts.reader import Reader, current
from core.api import CURRENCY_EXPONENTS

NEAR = timedelta(days=2)  # within this, a relative time is added: "in 3 hours"
_UTC_NAMES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Zulu", "Etc/Zulu", "GMT",
              "Etc/GMT"}


def _zone(reader: Reader):
    try:
        return ZoneInfo(reader.timezone or "UTC")
    except (KeyError, ValueError, OSError):
        return timezone.utc


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def money(minor: int, currency: str) -> str:
    """``minor`` units of ``currency`` the way the reader writes money."""
    cur = currency.upper()
    exp = CURRENCY_EXPONENTS.get(cur.lower(), 2)
    amount = Decimal(minor).scaleb(-exp)
    try:
        return format_currency(amount, cur, locale=current().locale)
    except (ValueError, LookupError):  # a currency code Babel does not know
        return f"{format_decimal(amount, locale=current().locale)} {cur}"


def number(value: int | float | Decimal) -> str:
    return format_decimal(value, locale=current().locale)


def local_time(dt: datetime, *, zone: bool = False) -> str:
    """The date and time in the reader's zone and locale ("Dec 3, 2026, 7:52 AM");
    ``zone``: always name the zone (a document read later, elsewhere)."""
    reader = current()
    local = _aware(dt).astimezone(_zone(reader))
    pattern = get_datetime_format("medium", locale=reader.locale)
    text = (pattern.replace("{1}", format_date(local, "medium", locale=reader.locale))
            .replace("{0}", format_time(local, "short", locale=reader.locale))
            .replace("\u202f", " "))  # CLDR's narrow space before AM/PM: a plain one
    if reader.timezone in _UTC_NAMES or _zone(reader) is timezone.utc:
        text += " UTC"
    elif zone:
        text += f" ({reader.timezone})"
    return text


def relative(dt: datetime) -> str:
    """"in 3 hours" / "2 hours ago" in the reader's language."""
    reader = current()
    delta = _aware(dt) - reader.current_time()
    return format_timedelta(delta, add_direction=True, threshold=1.0, locale=reader.locale)


def when(dt: datetime | None) -> str:
    if dt is None:
        return "-"
    reader = current()
    dt = _aware(dt)
    near = timedelta(minutes=1) <= abs(dt - reader.current_time()) <= NEAR
    if reader.native_timestamps:
        stamp = int(dt.timestamp())
        return f"<t:{stamp}:f> (<t:{stamp}:R>)" if near else f"<t:{stamp}:f>"
    text = local_time(dt)
    return f"{text} ({relative(dt)})" if near else text


def day(dt: datetime | None) -> str:
    """Just the date, in the reader's zone ("Dec 3, 2026")."""
    if dt is None:
        return "-"
    reader = current()
    return format_date(_aware(dt).astimezone(_zone(reader)), "medium", locale=reader.locale)


def month_name(dt: datetime) -> str:
    """A calendar month as the reader writes it ("November 2026", "noviembre de 2026")."""
    return format_skeleton("yMMMM", dt, locale=current().locale)


def duration(seconds: int) -> str:
    """A whole number of days, hours or minutes, spelled out: "1 day", "36 hours"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return format_unit(seconds // size, f"duration-{unit}", locale=current().locale)
    return format_unit(max(seconds, 0) // 60, "duration-minute", locale=current().locale)
