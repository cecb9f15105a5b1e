"""The pictures: drawn from known figures, a phone-sized PNG that decodes, in
the reader's language and theme, with the figures it was drawn from, and
served from the cache until the data behind it changes."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

from PIL import Image

from bot import charts
from bot.charts.canvas import THEMES, span
from bot.texts import translator
from core.api import BoardStats, EarningsReport, WeekEarnings, format_amount

WEEKS = [(2500, 0), (0, 0), (0, 0), (0, 0), (0, 0), (4000, 0), (0, 0), (0, 0), (0, 0),
         (1000, 1500), (0, 0), (0, 700)]


def report(data_key: int = 7, weeks=WEEKS) -> EarningsReport:
    start = date(2026, 3, 9)
    return EarningsReport(user_id=3, currency="eur", currencies=("eur",), data_key=data_key,
                          weeks=tuple(WeekEarnings(start + timedelta(weeks=i), p, w)
                                      for i, (p, w) in enumerate(weeks)))


def stats(data_key: int = 11) -> BoardStats:
    days = tuple(date(2026, 5, 3) + timedelta(days=i) for i in range(30))
    return BoardStats(
        community_id=5, name="Design Guild", since=datetime(2026, 5, 3, tzinfo=timezone.utc),
        until=datetime(2026, 6, 1, 18, tzinfo=timezone.utc), days=days,
        posted_per_day=tuple(i % 3 for i in range(30)), filled_per_day=tuple(i % 2 for i in range(30)),
        gigs_posted=29, slots_filled=15, median_claim_seconds=5400, median_approval_seconds=None,
        paid_out={"usd": 123450, "eur": 900}, disputes=2,
        top_skills=(("svg", 7), ("design", 4)), data_key=data_key)


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()  # a truncated or corrupt PNG raises here
    return image


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


async def test_wallet_chart_is_a_phone_sized_png_of_the_weekly_figures():
    charts.CACHE.clear()
    chart = await charts.wallet_chart(report(), translator("es"), locale="es",
                                      money=format_amount)
    image = decoded(chart.png)
    assert image.format == "PNG" and image.size == (1080, 1350) == (chart.width, chart.height)
    f = chart.figures
    assert f["paid_out"] == [p for p, _ in WEEKS] and f["waiting"] == [w for _, w in WEEKS]
    assert f["weeks"][0] == "2026-03-09" and len(f["weeks"]) == 12
    assert f["total"] == 9700 and f["last_4"] == 3200 and f["previous_4"] == 4000
    assert f["change_pct"] == -20 and f["currency"] == "eur"


async def test_wallet_chart_labels_are_in_the_readers_language():
    texts = charts.wallet.texts_for(report(), translator("es"), "es", format_amount)
    assert texts.title == "Ganancias por semana" and texts.paid == "Cobrado"
    assert texts.total == "Total: 97.00 EUR"
    assert texts.change == "Últimas 4 semanas: 32.00 EUR (-20 % frente a las 4 anteriores)"
    assert texts.weeks[0] == "9 mar" and texts.weeks[-1] == "25 may"
    english = charts.wallet.texts_for(report(), translator("en"), "en", format_amount)
    assert english.weeks[0] == "9 Mar" and english.waiting == "Waiting"


async def test_dark_and_light_pictures_have_their_own_opaque_background():
    charts.CACHE.clear()
    for name in ("light", "dark"):
        chart = await charts.wallet_chart(report(), translator("en"), locale="en",
                                          money=format_amount, theme=name)
        image = decoded(chart.png).convert("RGBA")
        assert image.getpixel((3, 3)) == rgb(THEMES[name].background) + (255,)
        assert image.getpixel((1076, 1346)) == rgb(THEMES[name].background) + (255,)


async def test_charts_are_cached_until_their_data_changes():
    charts.CACHE.clear()
    _ = translator("en")
    first = await charts.wallet_chart(report(7), _, locale="en", money=format_amount)
    again = await charts.wallet_chart(report(7), _, locale="en", money=format_amount)
    assert again is first and charts.CACHE.hits == 1
    newer = report(8, WEEKS[:-1] + [(0, 9900)])
    changed = await charts.wallet_chart(newer, _, locale="en", money=format_amount)
    assert changed is not first and changed.figures["waiting"][-1] == 9900
    other_language = await charts.wallet_chart(report(7), translator("es"), locale="es",
                                               money=format_amount)
    assert other_language is not first and charts.CACHE.misses == 3


async def test_board_picture_carries_the_boards_figures():
    charts.CACHE.clear()
    chart = await charts.board_chart(stats(), translator("en"), locale="en",
                                     money=format_amount, theme="dark")
    assert decoded(chart.png).size == (1080, 1350)
    f = chart.figures
    assert f["gigs_posted"] == 29 and f["slots_filled"] == 15 and f["disputes"] == 2
    assert f["posted_per_day"][:4] == [0, 1, 2, 0] and len(f["days"]) == 30
    assert f["paid_out"] == {"usd": 123450, "eur": 900}
    assert f["top_skills"] == [["svg", 7], ["design", 4]]
    texts = charts.board.texts_for(stats(), translator("es"), "es", format_amount)
    assert ("1.5 h", "mediana hasta tomarse") in texts.tiles
    assert ("-", "mediana hasta aprobarse") in texts.tiles
    assert ("1,234.50 USD\n9.00 EUR", "pagado") in texts.tiles
    assert texts.subtitle == "Últimos 30 días, del 3 may al 1 jun"


def test_durations_read_at_a_glance():
    assert [span(s) for s in (None, 30, 600, 5400, 3 * 3600, 3 * 86400 + 7200)] == [
        "-", "< 1 min", "10 min", "1.5 h", "3 h", "3.1 d"]
