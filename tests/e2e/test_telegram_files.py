"""Deliveries with files on Telegram: a photo and a document sent while filling in
the delivery form are kept as Telegram file references and relayed to the client
by file_id (nothing is downloaded or uploaded again)."""
from __future__ import annotations

import json

from sqlalchemy import select

from core.domain.records import Claim, Delivery
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, CLIENT, harness, tg)


async def test_photo_and_document_are_relayed_to_the_client(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.funded_gig(chat=None)
    await h.press(ANA, h.last(ANA, "New gig for you"), "Claim")
    await h.press(ANA, h.last(ANA, "Slot 1 is yours"), "Deliver")
    assert "Send your work" in h.texts(ANA)[-1]

    photo = tg.add_file(b"\x89PNG preview", kind="photo")
    source = tg.add_file(b"<svg/>", "logo-final.svg", "image/svg+xml")
    # one message with both files (an album): one delivery (issue 12)
    await h.say(ANA, photo=photo.file_id, caption="Preview attached, source next",
                media_group_id="album-1")
    await h.say(ANA, document=source.file_id, media_group_id="album-1")
    await album_answered(h)
    assert "Delivered" in h.texts(ANA)[-1]

    claim_id = await h.engine.view(lambda t: t.s.scalar(select(Claim.id)))
    files = await h.engine.view(lambda t: json.loads(t.s.scalar(select(Delivery.files_json).where(
        Delivery.claim_id == claim_id))))
    assert [(f["platform"], f["file_ref"], f["kind"]) for f in files] == [
        ("telegram", photo.file_id, "photo"), ("telegram", source.file_id, "document")]
    assert files[1]["name"] == "logo-final.svg"

    review = h.last(CLIENT, "Delivery for gig #1")
    assert "Preview attached" in review.text and "📎 logo-final.svg" in review.text
    assert review.button_texts == ["Approve", "Request revision", "Reject"]
    relayed = tg.messages_to(CLIENT)[-2:]
    assert relayed[0].photo.file_id == photo.file_id
    assert relayed[1].document.file_id == source.file_id
    assert relayed[1].caption == "logo-final.svg"
    assert not tg.calls_to("getFile")  # relayed by reference, never downloaded


async def album_answered(h, before: int | None = None) -> None:
    """Wait (bounded) until the album's parts were answered as one message."""
    import asyncio
    for _ in range(50):
        await h.settle()
        if any(t.startswith("Delivered") or "Send /help" in t for t in h.texts(ANA)):
            return
        await asyncio.sleep(0.1)


async def test_an_album_of_three_files_with_links_in_its_caption_is_one_delivery(harness, tg):
    """Today only two files were kept and the third answered "Send /help"; and the
    form asked for links the message already had."""
    h = harness
    await h.onboard(ANA, "Ana")
    await h.client()
    await h.funded_gig(chat=None)
    await h.press(ANA, h.last(ANA, "New gig for you"), "Claim")
    await h.press(ANA, h.last(ANA, "Slot 1 is yours"), "Deliver")
    files = [tg.add_file(f"<svg>{i}</svg>".encode(), f"logo-{i}.svg", "image/svg+xml")
             for i in range(3)]
    await h.say(ANA, document=files[0].file_id, media_group_id="album-2",
                caption="Three versions, also at https://example.com/logos")
    for f in files[1:]:
        await h.say(ANA, document=f.file_id, media_group_id="album-2")
    await album_answered(h)
    texts = h.texts(ANA)
    assert not any("Send /help" in t for t in texts), texts
    assert not any("Links to the work" in t for t in texts), texts
    deliveries = await h.engine.view(lambda t: list(t.s.scalars(select(Delivery))))
    assert len(deliveries) == 1
    assert [f["file_ref"] for f in json.loads(deliveries[0].files_json)] == [
        f.file_id for f in files]
    assert deliveries[0].links == "https://example.com/logos"


async def test_receipt_pdf_is_uploaded_as_a_document(harness, tg):
    h = harness
    await h.client()
    await h.funded_gig(chat=None)
    await h.say(CLIENT, "/receipt")
    listing = h.texts(CLIENT)[-1]
    assert "#" in listing  # the client's receipts, numbered
    await h.say(CLIENT, "/receipt 1")
    doc = next(m for m in reversed(tg.messages_to(CLIENT)) if m.document is not None)
    assert doc.document.content.startswith(b"%PDF")
    assert doc.document.file_name.endswith(".pdf")
