"""The engine's claim reads used by the Discord inbound side: a claim by id, and
the claim of a person on a gig that can deliver now (active, or a revision asked)."""


async def test_claim_to_deliver_follows_the_claim_through_its_states(engine, world):
    client = await world.user("client")
    alice = await world.user("alice")
    bob = await world.user("bob")
    gig_id = await world.gig(client, slots=2)
    assert await engine.claim(999) is None
    assert await engine.claim_to_deliver(gig_id, alice) is None

    claim = await engine.claim_slot(alice, gig_id)
    assert (await engine.claim(claim.id)).gig_id == gig_id
    assert (await engine.claim_to_deliver(gig_id, alice)).id == claim.id
    assert await engine.claim_to_deliver(gig_id, bob) is None  # someone else's claim

    await engine.deliver(alice, claim.id, "here it is")
    assert await engine.claim_to_deliver(gig_id, alice) is None  # waiting for review
    await engine.request_revision(client, claim.id, "bigger")
    assert (await engine.claim_to_deliver(gig_id, alice)).id == claim.id
    assert (await engine.claim(claim.id)).status == "revision_requested"
