"""The whole product on Telegram: a client and two freelancers with a board group,
through the real python-telegram-bot against the fake Bot API.

Posting with the one-liner and with the step-by-step form, paying, the board card
edited in place as slots fill, claiming from the board, delivering with a
document, approving, and the payout notification."""
from __future__ import annotations

from sqlalchemy import select

from core.lifecycle import ledger
from core.domain.records import Claim, Delivery, Gig, MessageRef
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, BEN, CLIENT, GROUP, ONE_LINER, harness, tg)


async def test_full_lifecycle_with_a_board_group(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.onboard(BEN, "Ben")
    await h.client()
    await h.board()  # Carla is a chat admin: /board checked with getChatMember
    assert [c.params["user_id"] for c in tg.calls_to("getChatMember")] == [str(CLIENT)]

    # -- post with the one-liner in the group: the preview goes to Carla privately
    await h.say(CLIENT, ONE_LINER, GROUP)
    preview = h.last(CLIENT, "Preview")
    assert "$52.50" in preview.text and preview.button_texts[0].startswith("Pay")
    assert "sent you a private message" in h.texts(GROUP)[-1]
    assert not any("Preview" in t for t in h.texts(GROUP))

    # -- pay: the card appears on the board, matching freelancers get it privately
    answer = await h.press(CLIENT, preview, "Pay")
    assert answer is not None and not answer.show_alert
    assert any("Paid. Gig #1 is live" in t for t in h.texts(CLIENT))
    card = h.card(1)
    assert "2 of 2 slots open" in card.text and card.button_texts == ["Claim", "Details"]
    for freelancer in (ANA, BEN):
        assert "New gig for you" in h.last(freelancer, "#1 Logo in SVG").text
    # the last news: the gig is live, and its payment's PDF receipt (issue 16)
    assert any("is live" in t for t in h.texts(CLIENT)[-3:])
    assert any("Receipt #1" in t for t in h.texts(CLIENT)[-3:])
    assert any(m.document is not None and m.document.file_name == "gigbroker-receipt-1.pdf"
               for m in tg.messages_to(CLIENT)[-3:])

    # -- Ana claims from the board: a toast, the details in her DM, the card edited
    answer = await h.press(ANA, card, "Claim")
    assert "Slot 1 is yours" in answer.text and not answer.show_alert
    assert "Slot 1 is yours" in h.last(ANA, "Slot 1 is yours").text
    assert "1 of 2 slots open" in card.text and len(card.edits) == 1
    assert "Ana claimed a slot" in h.last(CLIENT, "claimed").text

    # -- Ben takes the last slot: the Claim button disappears from the card
    answer = await h.press(BEN, card, "Claim")
    assert "Slot 2 is yours" in answer.text
    assert "0 of 2 slots open" in card.text and card.button_texts == ["Details"]
    assert len(tg.messages_to(GROUP)) == 3  # /board, ack, the card: edited, never re-posted

    # -- Ana delivers step by step with a document; Ben in one line
    await h.say(ANA, "/deliver")
    assert "Send your work" in h.texts(ANA)[-1]
    logo = tg.add_file(b"<svg/>", "logo.svg", "image/svg+xml")
    await h.say(ANA, document=logo.file_id, caption="Here is the logo")
    assert "Delivered" in h.texts(ANA)[-1]  # one message is one delivery (issue 12)
    ana_claim, ben_claim = await h.engine.view(lambda t: list(t.s.scalars(
        select(Claim.id).order_by(Claim.id))))
    await h.say(BEN, f"/deliver {ben_claim} Done: https://example.com/ben.svg")
    assert "Delivered" in h.texts(BEN)[-1]

    # the client gets each delivery with its buttons, and Ana's file by file_id
    ana_delivery = h.last(CLIENT, f"claim #{ana_claim}")
    assert ana_delivery.button_texts == ["Approve", "Request revision", "Reject"]
    relayed = [m for m in tg.messages_to(CLIENT) if m.document is not None
               and not m.document.file_name.startswith("gigbroker-receipt-")]  # (issue 16)
    assert [m.document.file_id for m in relayed] == [logo.file_id]
    assert logo.file_id in [c.params["document"] for c in tg.calls_to("sendDocument")]
    files = await h.engine.view(lambda t: t.s.scalar(select(Delivery.files_json).where(
        Delivery.claim_id == ana_claim)))
    assert logo.file_id in files and "logo.svg" in files

    # -- approve both: payouts are sent, the card shows the gig completed
    answer = await h.press(CLIENT, ana_delivery, "Approve")
    assert not answer.show_alert
    assert "was approved" in h.last(ANA, "approved").text
    assert "Payout sent: $25.00" in h.last(ANA, "Payout sent").text
    await h.press(CLIENT, h.last(CLIENT, f"claim #{ben_claim}"), "Approve")
    assert "Payout sent: $25.00" in h.last(BEN, "Payout sent").text
    assert "Status: completed" in card.text and card.button_texts == ["Details"]

    # -- the second gig through the step-by-step form, started in the group
    await h.say(CLIENT, "/post", GROUP)
    for answer_text in ("Icon set", "Twelve line icons, 24px grid.", "15 usd", "1", "design",
                        "-", "-", "-", "-", "-"):  # the optional steps (issue 12)
        assert "Post a gig" in h.texts(CLIENT)[-1], h.texts(CLIENT)[-1]
        await h.say(CLIENT, answer_text)
    preview = h.last(CLIENT, "Preview")
    assert "#2 Icon set" in preview.text and "Board: Design Guild" in preview.text
    await h.press(CLIENT, preview, "Pay")
    assert "1 of 1 slot open" in h.card(2).text

    # the state behind it
    def check(t):
        gigs = {g.id: g.status for g in t.s.scalars(select(Gig))}
        claims = [c.status for c in t.s.scalars(select(Claim))]
        refs = [(r.card_key, r.chat_id) for r in t.s.scalars(select(MessageRef))]
        return gigs, claims, refs, ledger.all_balances(t.s)
    gigs, claims, refs, balances = await h.engine.view(check)
    assert gigs == {1: "completed", 2: "open"}
    assert claims == ["approved", "approved"]
    assert sorted(refs) == [("gig:1", str(GROUP)), ("gig:2", str(GROUP))]
    assert sum(balances.values()) == 0
    print("WAITED", h.service.pacer.waited)
    assert not tg.throttled  # everything was paced, nothing refused
    assert all(a.query_id for a in tg.callback_answers)
    assert len(tg.callback_answers) == len(tg.callback_queries)  # every press answered once
