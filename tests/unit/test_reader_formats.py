"""Amounts, times and plural forms as each reader sees them: the reader context
(``bot.texts.reader``) drives ``money``/``when`` without changing their call sites;
Discord gets native timestamps; Russian picks among three plural forms; a change
of language counts in the reply that confirms it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.cards import duration, money, when
from bot.texts import translator
from bot.texts.reader import Reader, current, declare_native_timestamps, reading_as

NOW = datetime(2026, 12, 3, 6, 52, tzinfo=timezone.utc)


def flat(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def reader(locale: str = "en", tz: str = "UTC", platform: str = "") -> Reader:
    return Reader(locale, tz, platform, now=lambda: NOW)


@pytest.mark.parametrize("locale,usd,eur,jpy", [
    ("en", "$25.00", "€12.50", "¥1,000"),
    ("es", "25,00 US$", "12,50 €", "1000 JPY"),
    ("ru", "25,00 $", "12,50 €", "1 000 ¥"),
])
def test_money_is_written_as_the_reader_writes_it(locale, usd, eur, jpy):
    with reading_as(reader(locale)):
        assert flat(money(2500, "usd")) == usd
        assert flat(money(1250, "EUR")) == eur
        assert flat(money(1000, "jpy")).replace(".", "") == jpy.replace(".", "")


def test_outside_any_reader_it_is_english_utc():
    assert current() == Reader()
    assert money(2500, "usd") == "$25.00"
    assert flat(when(datetime(2020, 1, 2, 3, 4, tzinfo=timezone.utc))) == "Jan 2, 2020, 3:04 AM UTC"


def test_times_are_in_the_readers_zone_with_a_relative_time_when_near():
    soon = NOW + timedelta(hours=3)
    with reading_as(reader("en", "UTC")):
        assert flat(when(soon)) == "Dec 3, 2026, 9:52 AM UTC (in 3 hours)"
        assert flat(when(NOW + timedelta(days=9))) == "Dec 12, 2026, 6:52 AM UTC"
    with reading_as(reader("es", "Europe/Berlin")):
        assert flat(when(soon)) == "3 dic 2026, 10:52 (dentro de 3 horas)"
    with reading_as(reader("ru", "Asia/Tokyo")):
        assert flat(when(NOW - timedelta(hours=2))) == "3 дек. 2026 г., 13:52 (2 часа назад)"
    assert when(None) == "-"


def test_discord_gets_native_timestamps_and_others_do_not():
    declare_native_timestamps("discord")
    stamp = int((NOW + timedelta(hours=3)).timestamp())
    with reading_as(reader("es", "Europe/Berlin", "discord")):
        assert when(NOW + timedelta(hours=3)) == f"<t:{stamp}:f> (<t:{stamp}:R>)"
        assert when(NOW + timedelta(days=30)) == f"<t:{stamp + 30 * 86400 - 3 * 3600}:f>"
    for platform in ("telegram", "console"):
        with reading_as(reader("es", "Europe/Berlin", platform)):
            assert "<t:" not in when(NOW + timedelta(hours=3))


@pytest.mark.parametrize("locale,n,text", [
    ("en", 1, "1 day"), ("en", 2, "2 days"), ("es", 1, "1 día"), ("es", 3, "3 días"),
    ("ru", 1, "1 день"), ("ru", 2, "2 дня"), ("ru", 5, "5 дней"), ("ru", 21, "21 день"),
])
def test_durations_have_plural_forms(locale, n, text):
    with reading_as(reader(locale)):
        assert flat(duration(n * 86400)) == text


@pytest.mark.parametrize("total,text", [
    (1, "свободно 1 из 1 места"), (2, "свободно 1 из 2 мест"), (5, "свободно 1 из 5 мест"),
    (21, "свободно 1 из 21 места"), (11, "свободно 1 из 11 мест"),
])
def test_russian_picks_among_three_plural_forms(total, text):
    _ = translator("ru")
    assert _.ngettext("{open} of {total} slot open", "{open} of {total} slots open", total,
                      open=1, total=total) == text


def test_english_plurals_and_the_count_as_the_reader_writes_numbers():
    _ = translator("en")
    assert _.ngettext("{n} live claim continues to its end.",
                      "{n} live claims continue to their end.", 1) == \
        "1 live claim continues to its end."
    with reading_as(reader("en")):
        assert _.ngettext("Only the newest {n} line is in the file.",
                          "Only the newest {n} lines are in the file.", 1500) == \
            "Only the newest 1,500 lines are in the file."
    assert translator("es").ngettext("{n} open", "{n} open", 2) == "2 libres"


def test_refusal_parameters_are_translated_too():
    from bot.refusal_terms import translated_params
    _ = translator("es")
    assert _("/{command} needs {name}. Usage: {usage}", **translated_params(
        _, {"command": "resolve", "name": "claim", "usage": "/resolve 3 12.50"})) == \
        "/resolve necesita encargo. Uso: /resolve 3 12.50"
    assert "plazo de entrega" in _("Write the {name} like 90m, 36h, 2d or 1w.",
                                   **translated_params(_, {"name": "delivery time"}))
    from core.api import Amount
    with reading_as(reader("es")):
        text = _("The reward must be at least {minimum} per slot: below that, fees eat the "
                 "pay.", **translated_params(_, {"minimum": Amount(50, "usd")}))
    assert "0,50 US$" in flat(text) and str(Amount(50, "usd")) == "0.50 USD"
