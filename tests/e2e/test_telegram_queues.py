"""Issue 16 item 2 on Telegram (real PTB, fake Bot API): a client posts a queue of
items on a group's board; a freelancer claims the first item from the board card,
delivers, is approved and takes the next item with one tap on "Next similar
task"; the board card counts the items done; a button whose item someone else
took answers with the current state."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.domain.records import Claim, Gig, Identity
from core.lifecycle import ledger
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, BEN, CLIENT, GROUP, harness, tg)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

QUEUE = ('/post title="Tag photos" reward=2 currency=usd skills=tagging '
         'items="cat.jpg|dog.jpg|cow.jpg"')


async def claims(h) -> list[tuple[int, int, str]]:
    return await h.engine.view(lambda t: [(c.slot_no, c.freelancer_id, c.status) for c in
                                          t.s.scalars(select(Claim).order_by(Claim.slot_no))])


async def user_id(h, tg_user: int) -> int:
    return await h.engine.view(lambda t: t.s.scalar(select(Identity.user_id).where(
        Identity.platform == "telegram", Identity.platform_user_id == str(tg_user))))


async def test_a_queue_is_worked_through_with_next_similar_task(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana", skills="tagging")
    await h.onboard(BEN, "Ben", skills="tagging")
    await h.client()
    await h.board()
    gig_id = await h.funded_gig(command=QUEUE)
    money = await h.engine.view(lambda t: ledger.all_balances(t.s))
    assert money[(ledger.escrow(gig_id), "usd")] == 3 * 200  # every item is paid for
    assert "0 of 3 items done" in h.card(gig_id).text

    await h.press(ANA, h.card(gig_id), "Claim")
    assert "Item 1: cat.jpg" in h.last(ANA, "is yours").text
    assert "started on your queue" in h.last(CLIENT, "started on your queue").text
    await h.say(ANA, "/deliver the cat is tagged")
    assert "Item 1: cat.jpg" in h.last(CLIENT, "Delivery for").text
    await h.press(CLIENT, h.last(CLIENT, "Delivery for"), "Approve")
    assert "1 of 3 items done" in h.card(gig_id).text  # the board card, edited in place

    approved = h.last(ANA, "was approved")
    assert "Next similar task: item 2 of 3" in approved.text and "dog.jpg" in approved.text
    await h.press(ANA, approved, "Next similar task")
    assert "Item 2: dog.jpg" in h.last(ANA, "is yours").text
    await h.say(ANA, "/deliver the dog is tagged")
    offer = h.last(ANA, "Next similar task: item 3 of 3")

    await h.press(BEN, h.card(gig_id), "Claim")  # Ben takes the last item first
    await h.press(ANA, offer, "Next similar task")
    assert "No slot left on gig" in h.texts(ANA)[-1]
    assert await claims(h) == [(1, await user_id(h, ANA), "approved"),
                               (2, await user_id(h, ANA), "delivered"),
                               (3, await user_id(h, BEN), "active")]


async def test_the_guided_form_takes_a_queue_as_a_csv_file(harness, tg):
    h = harness
    await h.client()
    await h.say(CLIENT, "/post")
    for answer in ("Tag sounds", "-", "3 usd"):
        await h.say(CLIENT, answer)
    assert "For a queue of different items" in h.texts(CLIENT)[-1]
    bad = tg.add_file(b"sound\nbird.wav\nbird.wav\n", "sounds.csv", "text/csv")
    await h.say(CLIENT, document=bad.file_id)  # a repeated row: the same step again
    assert "repeats item 2" in h.texts(CLIENT)[-1] and "(4/10)" in h.texts(CLIENT)[-1]
    csv = tg.add_file(b"file,what\nbird.wav,species\nrain.wav,loudness\n", "sounds.csv",
                      "text/csv")
    await h.say(CLIENT, document=csv.file_id)
    for answer in ("tagging", "-", "-", "-", "-", "-"):
        await h.say(CLIENT, answer)
    preview = h.last(CLIENT, "Preview")
    assert "Items (2):" in preview.text and "file: bird.wav; what: species" in preview.text
    assert "0 of 2 items done" in preview.text
    gig = await h.engine.view(lambda t: t.s.scalar(select(Gig)))
    assert (gig.slots, gig.item_count, gig.repeat) == (2, 2, True)
