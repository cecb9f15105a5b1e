"""One gig's whole life (post, pay, claim, deliver, approve, wallet, receipt) in
every shipped language and a time zone of its own, in chat: amounts as
the reader writes money, the deadline in the reader's zone with a relative time,
plural forms, the PDF receipt in the reader's language, and no English phrase of
the catalogue in any reply of a non-English reader."""
from __future__ import annotations

import re
import string

import pytest

from bot.texts import CATALOGUES, LANGUAGES
from bot.texts import catalogues as po
from tests.pdf_text import pdf_text

# the app fixture's clock starts at 2026-06-01 09:00 UTC; deliver_in=2d
CASES = {
    "en": dict(tz="UTC", money="$25.00", fee_total="$26.25", open1="1 of 1 slot open",
               open0="0 of 1 slot open", within="deliver within 2 days",
               deadline="Jun 3, 2026, 9:00 AM UTC (in 2 days)", title="Logo",
               pdf_title="Payout receipt", pdf_date="Date: Jun 1, 2026, 9:00 AM UTC"),
    "es": dict(tz="America/Mexico_City", money="25,00 US$", fee_total="26,25 US$",
               open1="1 de 1 plaza libre", open0="0 de 1 plaza libre",
               within="entrega en 2 días", deadline="3 jun 2026, 3:00 (dentro de 2 días)",
               title="Logotipo", pdf_title="Recibo de cobro",
               pdf_date="Fecha: 1 jun 2026, 3:00 (America/Mexico_City)"),
    "ru": dict(tz="Europe/Moscow", money="25,00 $", fee_total="26,25 $",
               open1="свободно 1 из 1 места", open0="свободно 0 из 1 места",
               within="на выполнение: 2 дня", deadline="3 июн. 2026 г., 12:00 (через 2 дня)",
               title="Логотип «Ромашка»", pdf_title="Чек о выплате",
               pdf_date="Дата: 1 июн. 2026 г., 12:00 (Europe/Moscow)"),
}


def test_every_shipped_language_is_covered():
    assert set(CASES) == set(LANGUAGES) and {"en", "es", "ru"} <= set(LANGUAGES)


def flat(text: str) -> str:
    """Babel's narrow and no-break spaces as plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def english_phrases(lang: str) -> set[str]:
    """Runs of at least two English words from the catalogue's message ids that the
    translation does not keep itself (command examples like key=value stay)."""
    out = set()
    ids = list(CATALOGUES[lang].items()) + [(s, " ".join(t)) for (s, _p), t in
                                            po.plurals(lang).items()]
    ids += [(p, " ".join(t)) for (_s, p), t in po.plurals(lang).items()]
    for msgid, translated in ids:
        for literal, *_ in string.Formatter().parse(msgid):
            for chunk in re.split(r"[.:;!?()·/\n]|\s[-–—]\s", literal or ""):
                chunk = chunk.strip(" ,\"'«»")
                words = re.findall(r"[A-Za-z]{2,}", chunk)
                if len(words) >= 2 and len(chunk) >= 10 and chunk not in translated:
                    out.add(chunk)
    return out


async def lifecycle(chats, lang: str, case: dict):
    """bob posts and pays, alice claims and delivers, bob approves; alice looks at her
    wallet and receipts. Both read ``lang`` in the zone ``case["tz"]``."""
    board = await chats.board("Makers")
    alice, bob = chats.person("alice", at=board), chats.person("bob", at=board)
    await bob.says(f"/settings locale={lang} timezone={case['tz']}")
    await alice.says(f"/settings locale={lang} timezone={case['tz']}",
                     "/profile skills=design,svg hours=any", "/payout")
    await bob.says(f'/post title="{case["title"]}" reward=25 currency=usd slots=1 '
                   "skills=design deliver_in=2d")
    await bob.press(1)
    await alice.says("/gigs")
    await alice.press(1)
    await alice.says("/deliver 1 https://example.com/logo.svg")
    await bob.press(1)
    await alice.says("/wallet", "/receipt")
    return alice, bob


@pytest.mark.parametrize("lang", sorted(CASES))
async def test_one_lifecycle_reads_right_in_each_language(chats, lang):
    case = CASES[lang]
    alice, bob = await lifecycle(chats, lang, case)
    told_alice, told_bob = flat(alice.told()), flat(bob.told())
    # amounts as the reader writes money, in the card, the Pay button and the releases
    assert case["money"] in told_bob and case["fee_total"] in told_bob
    assert case["money"] in told_alice
    # plural forms: one slot, in the card before and after the claim
    assert case["open1"] in told_alice and case["open0"] in told_alice
    assert case["within"] in told_alice
    # the deadline in alice's zone and language, with how far off it is
    assert case["deadline"] in told_alice, told_alice
    if case["tz"] != "UTC":
        assert " UTC" not in told_alice and " UTC" not in told_bob
    if lang != "en":
        assert not re.search(r"\d USD", told_alice + told_bob)  # never the old "25.00 USD"
        leaked = sorted(p for p in english_phrases(lang) if p in told_alice or p in told_bob)
        assert not leaked, f"English in a {lang} reply: {leaked}"
    # the receipt: listed, then as a PDF in alice's language with her zone and amounts
    listed = re.findall(r"#(\d+) · [^\n]*" + re.escape(case["money"]), told_alice)
    assert listed, told_alice
    mark = chats.mark()
    await alice.says(f"/receipt {listed[-1]}")
    [pdf] = [f.data for s in alice.sent(mark) for f in s.files
             if f.name == f"gigbroker-receipt-{listed[-1]}.pdf"]
    shown = flat(pdf_text(pdf))
    assert case["pdf_title"] in shown and case["pdf_date"] in shown, shown
    assert case["money"] in shown and case["title"] in shown, shown


async def test_reminders_and_deadlines_use_the_recipients_zone(chats):
    """bob (Berlin, Spanish) posts and extends; alice (Tokyo, Russian) is reminded and
    told of the new deadline in her zone and language; the board says UTC."""
    board = await chats.board("Makers")
    alice, bob = chats.person("alice", at=board), chats.person("bob", at=board)
    await bob.says("/settings locale=es timezone=Europe/Berlin")
    await alice.says("/settings locale=ru timezone=Asia/Tokyo", "/profile skills=design hours=any")
    await bob.says('/post title="Logo" reward=25 currency=eur slots=2 skills=design deliver_in=2d')
    await bob.press(1)
    await alice.says("/gigs")
    await alice.press(1)
    await chats.clock("+25h")
    await bob.says("/extend 1 1d")
    told_alice, told_bob = flat(alice.told()), flat(bob.told())
    # claimed at 2026-06-01 09:00 UTC, due two days later: 18:00 in Tokyo
    assert "Сдайте работу до 3 июн. 2026 г., 18:00 (через 2 дня)" in told_alice, told_alice
    assert "Напоминание" in told_alice and "3 июн. 2026 г., 18:00 (через 23 часа)" in told_alice
    # extended by a day, told to alice in her zone, confirmed to bob in his
    assert "4 июн. 2026 г., 18:00" in told_alice, told_alice
    assert "4 jun 2026, 11:00" in told_bob, told_bob
    assert "свободно 1 из 2 мест" in told_alice and "2 de 2 plazas libres" in told_bob
    on_board = flat(board.shown())
    assert "slots open" in on_board and " UTC" in on_board


async def test_the_platform_language_counts_until_the_user_chooses_one(app):
    from bot.conversation import Place, PlaceKind
    conv, place = app.conversation, Place("telegram", PlaceKind.dm, "5")
    ana = await conv.actor("telegram", "5", "Ana", locale="es-MX")  # first contact
    assert ana.locale == "es"
    ana = await conv.actor("telegram", "5", "Ana", locale="ru")  # her app is in Russian now
    assert ana.locale == "ru"
    [reply] = await conv.command(ana, place, "settings", "locale=en timezone=Asia/Tokyo")
    text = reply.text.plain_text()
    assert text.startswith("Settings") and "Language: English" in text  # this very reply
    assert "Time zone: Asia/Tokyo" in text
    ana = await conv.actor("telegram", "5", "Ana", locale="es")  # her choice wins now
    assert ana.locale == "en" and ana.timezone == "Asia/Tokyo"
    assert (await app.engine.recipient(ana.user_id)).locale == "en"  # notifications too
