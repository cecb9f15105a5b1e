"""Pictures and exports on Telegram through the real python-telegram-bot and the
fake Bot API: /wallet asks for a photo upload (the earnings chart, a PNG drawn
from the ledger) in the user's language, /export a CSV document of their ledger
lines, and /stats in the board's group a photo for the moderator only."""
from __future__ import annotations

import csv
import io

from PIL import Image
from sqlalchemy import select

from core.domain.records import Claim
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, CLIENT, GROUP, harness, tg)


async def earned(h) -> int:
    """Ana claims a slot of Carla's gig on the group's board; Carla approves."""
    await h.board()
    await h.onboard(ANA, "Ana")
    await h.client()
    gig_id = await h.funded_gig()
    await h.press(ANA, h.last(ANA, "New gig for you"), "Claim")
    claim_id = await h.engine.view(lambda t: t.s.scalar(select(Claim.id)))
    await h.engine.deliver(await _user(h, ANA), claim_id, "done")
    await h.engine.approve(await _user(h, CLIENT), claim_id)
    await h.settle()
    return gig_id


async def _user(h, telegram_id: int) -> int:
    return (await h.engine.resolve_user("telegram", str(telegram_id), "x")).id


def uploads(tg, method: str, chat: int):
    return [m for m in tg.messages_to(chat)
            if (m.photo if method == "photo" else m.document) is not None]


async def test_wallet_sends_the_earnings_chart_as_a_photo(harness, tg):
    h = harness
    await earned(h)
    tg.users[ANA].language_code = "es"  # her Telegram app is in Spanish
    before = len(tg.calls_to("sendPhoto"))
    await h.say(ANA, "/wallet")
    assert len(tg.calls_to("sendPhoto")) == before + 1
    [photo] = uploads(tg, "photo", ANA)
    image = Image.open(io.BytesIO(photo.photo.content))
    assert image.format == "PNG" and image.size == (1080, 1350)
    text = "\n".join(h.texts(ANA)[-3:])
    assert "Ganancias por semana" in text and "Total: 25,00\xa0US$" in text  # Babel keeps amount and sign together


async def test_export_sends_the_ledger_lines_as_a_csv_document(harness, tg):
    h = harness
    await earned(h)
    await h.say(ANA, "/export")
    # (the payout's PDF receipt came by itself before: issue 16)
    [doc] = [d for d in uploads(tg, "document", ANA) if not d.document.file_name.endswith(".pdf")]
    assert doc.document.file_name == "gigbroker-ledger.csv"
    rows = list(csv.reader(io.StringIO(doc.document.content.decode("utf-8-sig"))))
    assert rows[0] == ["date", "gig", "description", "amount", "currency", "balance"]
    assert [r[3:] for r in rows[1:]] == [["25.00", "USD", "25.00"], ["-25.00", "USD", "0.00"]]


async def test_stats_in_the_group_reaches_only_the_moderator(harness, tg):
    h = harness
    await earned(h)
    photos_in_group = len(uploads(tg, "photo", GROUP))
    await h.say(ANA, "/stats", GROUP)
    assert not uploads(tg, "photo", ANA)
    assert "Only moderators of this board can see its figures." in "\n".join(h.texts(ANA))
    await h.say(CLIENT, "/stats", GROUP)
    [photo] = uploads(tg, "photo", CLIENT)
    assert Image.open(io.BytesIO(photo.photo.content)).size == (1080, 1350)
    assert "Gigs posted: 1 · slots filled: 1" in "\n".join(h.texts(CLIENT))
    assert len(uploads(tg, "photo", GROUP)) == photos_in_group  # nothing public


async def test_weekly_summary_is_posted_to_the_group_board(harness, tg):
    from datetime import timedelta
    h = harness
    await earned(h)
    await h.say(CLIENT, "/stats weekly=on", GROUP)
    assert "Weekly summary on" in h.texts(CLIENT)[-1]
    photos = len(uploads(tg, "photo", GROUP))
    h.clock.advance(timedelta(days=7, hours=1))
    await h.settle()
    [summary] = [m for m in tg.messages_to(GROUP) if "Weekly summary" in (m.text or "")]
    assert "Design Guild: last 7 days" in summary.text
    assert len(tg.calls_to("sendPhoto")) >= 1
    [photo] = uploads(tg, "photo", GROUP)[photos:]
    assert Image.open(io.BytesIO(photo.photo.content)).size == (1080, 1350)
    h.clock.advance(timedelta(hours=1))
    await h.settle()
    assert len([m for m in tg.messages_to(GROUP) if "Weekly summary" in (m.text or "")]) == 1
