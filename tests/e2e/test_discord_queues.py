"""Issue 16 item 2 on Discord (real discord.py, fake Discord): ``/gig post`` with
the ``items`` option posts a queue; the board card counts the items; a freelancer
claims item 1, delivers, and takes item 2 with "Next similar task"; a gig of
identical slots refuses a second slot to the same freelancer, naming repeat=yes."""
from __future__ import annotations

from sqlalchemy import select

from core.domain.records import Claim, Gig
from tests.e2e.discord_harness import DiscordHarness, h, labels  # noqa: F401


async def answer(h: DiscordHarness) -> str:
    """The text of the answer to the latest interaction, whether it came at once or
    (on a busy machine) as a followup to a deferred response."""
    return (await h.replies())[0].text()


async def test_a_queue_on_discord_with_next_similar_task(h: DiscordHarness):
    await h.make_board()
    await h.make_profile(h.bob, skills="tagging")
    card = await h.post_and_pay(title="Tag photos", reward="2", skills="tagging",
                                items="cat.jpg|dog.jpg")
    assert "0 of 2 items done · 2 open" in card.embeds[0]["description"]
    await h.press(h.bob, card, "Claim")
    assert "Item 1: cat.jpg" in await answer(h)
    await h.pump(lambda: "0 of 2 items done · 1 open" in card.embeds[0]["description"],
                 what="the card edited in place")
    # bob is new (one live claim until a first approval): approved first, then offered
    await h.dm(h.bob, "deliver", {"text": "cat: tabby"})
    delivery = await h.pump(lambda: next((m for m in h.fake.dm_messages_to(h.alice)
                                          if "Delivery for gig #1" in m.text()), None),
                            what="the delivery relayed to alice")
    assert "Item 1: cat.jpg" in delivery.text()
    await h.press(h.alice, delivery, "Approve")
    approved = await h.pump(lambda: next((m for m in h.fake.dm_messages_to(h.bob)
                                          if "was approved" in m.text()), None),
                            what="the approval with the next task")
    assert "**Next similar task:** item 2 of 2" in approved.text()  # markdown
    assert labels(approved)[0] == "Next similar task"
    await h.press(h.bob, approved, "Next similar task")
    assert "Item 2: dog.jpg" in await answer(h)
    claims = await h.app.engine.view(lambda t: [(c.slot_no, c.status) for c in t.s.scalars(
        select(Claim).order_by(Claim.id))])
    assert claims == [(1, "approved"), (2, "active")]


async def test_identical_slots_take_one_per_freelancer_on_discord(h: DiscordHarness):
    await h.make_board()
    await h.make_profile(h.bob)
    card = await h.post_and_pay(slots=2)
    await h.press(h.bob, card, "Claim")
    await h.dm(h.bob, "deliver", {"text": "logo: https://example.com/a.svg"})
    delivery = await h.pump(lambda: next((m for m in h.fake.dm_messages_to(h.alice)
                                          if "Delivery for gig #1" in m.text()), None),
                            what="the delivery relayed to alice")
    await h.press(h.alice, delivery, "Approve")
    await h.press(h.bob, card, "Claim")
    assert "repeat=yes" in await answer(h)


async def test_post_takes_a_queue_as_a_csv_attachment_on_discord(h: DiscordHarness):
    await h.make_board()
    await h.slash(h.alice, "post", {
        "title": "Tag sounds", "reward": "3", "skills": "tagging",
        "items_file": ("sounds.csv", b"sound\nbird.wav\nrain.wav\nbird.wav\n")},
        channel=h.board)
    assert "Item 4 repeats item 2" in await answer(h)  # refused, nothing posted
    await h.slash(h.alice, "post", {
        "title": "Tag sounds", "reward": "3", "skills": "tagging",
        "items_file": ("sounds.csv", b"file,what\nbird.wav,species\nrain.wav,loudness\n")},
        channel=h.board)
    preview = await answer(h)
    assert "Preview" in preview and "file: bird.wav; what: species" in preview
    gigs = await h.app.engine.view(lambda t: [(g.title, g.slots, g.item_count)
                                              for g in t.s.scalars(select(Gig))])
    assert gigs == [("Tag sounds", 2, 2)]
