"""Pictures and exports on Discord through the real discord.py and the fake
Discord: ``/gig wallet`` answers privately (ephemeral) with the earnings chart
uploaded as a PNG file, ``/gig export`` with the CSV of the ledger lines."""
from __future__ import annotations

import csv
import io

from PIL import Image

from tests.e2e.discord_harness import DiscordHarness, h  # noqa: F401 (fixture)


async def earn(h: DiscordHarness) -> None:
    await h.make_board()
    await h.make_profile(h.bob)
    card = await h.post_and_pay()
    resp = await h.press(h.bob, card, "Claim")
    assert "Slot 1 is yours" in resp.message.text()
    engine = h.app.engine
    bob = (await engine.resolve_user("discord", str(h.bob.id), "Bob")).id
    alice = (await engine.resolve_user("discord", str(h.alice.id), "Alice")).id
    await engine.deliver(bob, 1, "done")
    await engine.approve(alice, 1)
    await h.tick()


def uploaded(messages, name: str) -> bytes:
    for m in messages:
        for att in m.attachments:
            if att["filename"] == name:
                return m.file_bytes(name)
    raise AssertionError(f"no file {name} in {[m.attachments for m in messages]}")


async def test_wallet_uploads_the_chart_privately(h: DiscordHarness):
    await earn(h)
    resp = await h.slash(h.bob, "wallet", {"theme": "dark"})
    msgs = await h.replies(count=1)
    assert resp.ephemeral or all(m.ephemeral for m in msgs)
    png = uploaded(msgs, "gigbroker-earnings-usd.png")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1080, 1350)
    assert image.convert("RGB").getpixel((2, 2)) == (0x16, 0x1b, 0x22)  # the dark theme
    assert any("Total: $25.00" in m.text() for m in msgs)


async def test_export_uploads_the_ledger_csv(h: DiscordHarness):
    await earn(h)
    await h.slash(h.bob, "export")
    msgs = await h.replies(count=1)
    rows = list(csv.reader(io.StringIO(uploaded(msgs, "gigbroker-ledger.csv").decode(
        "utf-8-sig"))))
    assert rows[0] == ["date", "gig", "description", "amount", "currency", "balance"]
    # bob has not set up payouts: earned, held for him, nothing sent yet
    assert [r[2:] for r in rows[1:]] == [["Earned for claim #1", "25.00", "USD", "25.00"]]
