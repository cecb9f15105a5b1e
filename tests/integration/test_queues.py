"""Task queues and "Next similar task" (issue 16 item 2), through the engine and
in chat: a gig whose slots are items, the one-slot-per-freelancer default of
a multi-slot gig and ``repeat=yes``, the item each claim works on, the next task
offered after a delivery and an approval, and its one-tap claim. Checked on the
database (items, claims, ledger) and on what users were told; every refusal
writes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.api import AlreadyClaimed, GigDraft, InvalidTransition, ValidationError
from core.domain.records import Claim, Gig, GigItem, OutboxMessage
from core.lifecycle import ledger


async def refused(snapshot, make, error):
    before = await snapshot()
    with pytest.raises(error) as info:
        await make()
    assert await snapshot() == before, "a refused move wrote something"
    return info.value


async def items_in_db(engine, gig_id):
    return await engine.db.read(lambda s: [(i.item_no, i.text) for i in s.scalars(
        select(GigItem).where(GigItem.gig_id == gig_id).order_by(GigItem.item_no))])


async def deliver(engine, freelancer, claim_id):
    await engine.deliver(freelancer, claim_id, "done", [], [])


@pytest.mark.parametrize("items", ["cat.jpg|dog.jpg|cow.jpg", "cat.jpg\ndog.jpg\n\ncow.jpg\n"])
async def test_a_queue_has_one_funded_slot_per_item(engine, world, items):
    client = await world.user("cli")
    gig_id = await world.gig(client, reward="2", items=items)
    gig = (await engine.gig_view(gig_id)).gig
    assert (gig.slots, gig.item_count, gig.repeat) == (3, 3, True)
    assert await items_in_db(engine, gig_id) == [(1, "cat.jpg"), (2, "dog.jpg"), (3, "cow.jpg")]
    money = await engine.db.read(lambda s: ledger.all_balances(s))
    assert money[(ledger.escrow(gig_id), "usd")] == 3 * 200  # funding paid every item


@pytest.mark.parametrize(("items", "slots", "says"), [
    ("a|b|A", None, "Item 3 repeats item 1"),
    (" | ", None, "list of items is empty"),
    ("\n \n\t", None, "list of items is empty"),
    ("x" * 501, None, "at most 500"),
    ("|".join(f"item {n}" for n in range(501)), None, "at most 500 items"),
    ("a|b", "3", "one slot per item"),
])
async def test_bad_items_are_refused_before_anything_is_written(items, slots, says):
    fields = {"title": "Tag images", "reward": "2", "items": items}
    if slots:
        fields["slots"] = slots
    with pytest.raises(ValidationError) as info:
        GigDraft.parse(fields)
    assert says in str(info.value)


async def test_a_multi_slot_gig_takes_one_slot_per_freelancer_unless_repeat(engine, world,
                                                                           snapshot):
    client = await world.user("cli")
    ann = await world.user("ann", experienced=True)
    plain = await world.gig(client, slots="3")
    claim = await engine.claim_slot(ann, plain)
    await deliver(engine, ann, claim.id)
    await engine.approve(client, claim.id)
    error = await refused(snapshot, lambda: engine.claim_slot(ann, plain), AlreadyClaimed)
    assert "one slot per freelancer" in str(error) and "repeat=yes" in str(error)
    assert not (await engine.viewer_actions(ann, plain)).can_take  # no Claim button either

    several = await world.gig(client, slots="3", repeat="yes")
    first = await engine.claim_slot(ann, several)
    error = await refused(snapshot, lambda: engine.claim_slot(ann, several), AlreadyClaimed)
    assert "deliver it first" in str(error)
    await deliver(engine, ann, first.id)
    second = await engine.claim_slot(ann, several)  # the first waits for review meanwhile
    assert (first.slot_no, second.slot_no) == (1, 2)
    await engine.request_revision(client, first.id, "again")  # two in work is fine then
    await deliver(engine, ann, second.id)
    await deliver(engine, ann, first.id)
    assert (await engine.claim(first.id)).status == "delivered"


async def test_each_claim_works_on_its_item_and_a_freed_item_goes_to_the_next(engine, world):
    client = await world.user("cli")
    ann, bob = await world.user("ann", experienced=True), await world.user("bob", experienced=True)
    gig_id = await world.gig(client, reward="2", items="cat.jpg|dog.jpg|cow.jpg")
    a = await engine.claim_slot(ann, gig_id)
    b = await engine.claim_slot(bob, gig_id)
    assert [await engine.item_of_claim(c.id) for c in (a, b)] == ["cat.jpg", "dog.jpg"]
    await engine.withdraw(ann, a.id)
    c = await engine.claim_slot(ann, gig_id)
    assert (c.slot_no, await engine.item_of_claim(c.id)) == (1, "cat.jpg")
    # the client hears when someone starts (again, after a withdrawal), not of every item
    await deliver(engine, ann, c.id)
    d = await engine.claim_slot(ann, gig_id)
    assert await engine.item_of_claim(d.id) == "cow.jpg"
    told = await engine.db.read(lambda s: [m.event for m in s.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient_id == client,
                                    OutboxMessage.event.in_(("queue.work_started",
                                                             "claim.created"))))])
    assert told == ["queue.work_started"] * 3  # ann, bob, ann after withdrawing; not cow.jpg


async def test_next_task_is_the_next_item_then_a_gig_with_the_same_skill(engine, world):
    client = await world.user("cli")
    ann = await world.user("ann", skills="tagging", experienced=True)
    queue = await world.gig(client, reward="2", skills="tagging", items="a|b")
    other = await world.gig(client, reward="3", skills="tagging,audio", slots="2")
    await world.gig(client, reward="9", skills="design")  # no shared skill: never offered
    first = await engine.claim_slot(ann, queue)
    await deliver(engine, ann, first.id)
    offer = await engine.next_task(ann, queue)
    assert (offer.gig.id, offer.same_gig, offer.item_no, offer.item_text) == (queue, True, 2, "b")
    second = await engine.claim_slot(ann, queue)
    await deliver(engine, ann, second.id)
    offer = await engine.next_task(ann, queue)  # the queue is all taken
    assert (offer.gig.id, offer.same_gig) == (other, False)
    await engine.claim_slot(ann, other)
    assert (await engine.next_task(ann, queue)).cap == 3  # three live claims: her limit


async def test_a_queue_takes_no_added_slots_and_is_reposted_with_its_items(engine, world,
                                                                          snapshot):
    client = await world.user("cli")
    gig_id = await world.gig(client, reward="2", items="a|b")
    error = await refused(snapshot, lambda: engine.add_slots(client, gig_id, 1),
                          InvalidTransition)
    assert "queue of 2 items" in str(error)
    await engine.cancel_gig(client, gig_id)
    copy = await engine.repost(client, gig_id)
    assert (copy.item_count, copy.repeat) == (2, True)
    assert await items_in_db(engine, copy.id) == [(1, "a"), (2, "b")]


async def test_queue_in_chat_with_next_similar_task(chats):
    board = await chats.board("Makers")
    ann, bob, cid = (chats.person(n, at=board) for n in ("ann", "bob", "cid"))
    await ann.says("/profile skills=tagging hours=any")
    await bob.says('/post title="Tag images" reward=2 skills=tagging items="cat.jpg|dog.jpg|cow.jpg"')
    await bob.press("Pay")
    await ann.says("/gig 1")
    await ann.press("Claim")
    await ann.says("/deliver a cat")
    await bob.press("Approve")
    await ann.press("Next similar task")
    await ann.says("/deliver a dog")
    await cid.says("/profile skills=tagging hours=any", "/gig 1")
    await cid.press("Claim")
    await ann.press("Next similar task")
    await ann.says("/mygigs")
    mark = chats.mark()
    await bob.says("/gig 1")
    told = ann.told()
    assert "Item 1: cat.jpg" in told  # the claim card names its item
    assert "Next similar task: item 2 of 3 on #1 Tag images" in told
    assert "Item 2: dog.jpg" in told
    # cid took the last item before ann pressed: the stale offer says so, politely
    stale = told.rsplit("Next similar task: item 3 of 3", 1)[1]
    assert "No slot left on gig #1" in stale
    assert "item: dog.jpg" in stale.split("As a freelancer", 1)[1]  # /mygigs
    assert "1 of 3 items done · 0 open" in chats.shown(mark)  # the card
    assert "ann started on your queue #1 Tag images: item 1 of 3" in bob.told()
    claims = await chats.app.engine.view(lambda t: sorted(
        (c.slot_no, c.status) for c in t.s.scalars(select(Claim))))
    assert claims == [(1, "approved"), (2, "delivered"), (3, "active")]


async def test_guided_post_takes_items_typed_or_as_a_csv_file(chats):
    board = await chats.board("Makers")
    bob = chats.person("bob", at=board)
    await bob.says("/post", "Tag photos", "-", "2 usd", "cat.jpg|dog.jpg|cat.jpg")
    await bob.sends_file("photos.csv",
                         b"\xef\xbb\xbfurl;label\nhttp://x/1.jpg;cat\n\nhttp://x/2.jpg;dog\n")
    await bob.says("tagging", "-", "-", "-", "-", "-")
    await bob.says("/post", "Count birds", "-", "1 usd", "north|south", "design",
                   "-", "-", "-", "-", "-")
    told = bob.told()
    assert "Item 3 repeats item 1" in told  # the typed list: refused at its step
    assert "1. url: http://x/1.jpg; label: cat" in told and "0 of 2 items done" in told
    gigs = await chats.app.engine.view(lambda t: [
        (g.title, g.slots, g.item_count) for g in t.s.scalars(select(Gig).order_by(Gig.id))])
    assert gigs == [("Tag photos", 2, 2), ("Count birds", 2, 2)]
    assert await items_in_db(chats.app.engine, 1) == [(1, "url: http://x/1.jpg; label: cat"),
                                                     (2, "url: http://x/2.jpg; label: dog")]


async def test_a_double_tap_on_next_similar_task_takes_one_item(engine, world):
    import asyncio
    client = await world.user("cli")
    ann = await world.user("ann", experienced=True)
    gig_id = await world.gig(client, reward="2", items="a|b|c|d")
    results = await asyncio.gather(*(engine.claim_slot(ann, gig_id) for _ in range(4)),
                                   return_exceptions=True)
    taken = [r for r in results if isinstance(r, Claim)]
    assert len(taken) == 1, results
    assert all(isinstance(r, AlreadyClaimed) for r in results if r not in taken)
    claims = await engine.db.read(lambda s: [(c.slot_no, c.status) for c in s.scalars(
        select(Claim))])
    assert claims == [(1, "active")]
