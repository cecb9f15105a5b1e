"""Rate cards (core/rate_cards.py) from real completed gigs: nothing below 5 gigs
from 3 clients, at most 3 gigs per client count, a board's own gigs first and
all public gigs as the fallback, members-only gigs never leave their board."""
from __future__ import annotations

from core.lifecycle import people


async def complete(engine, world, client: int, worker: int, reward: str, *,
                   community_id: int | None = None, estimate: str | None = None) -> int:
    fields = {"reward": reward, "skills": "design"}
    if community_id is not None:
        fields["community_id"] = community_id
    if estimate:
        fields["estimate"] = estimate
    gig_id = await world.gig(client, **fields)
    claim = await engine.claim_slot(worker, gig_id)
    await engine.deliver(worker, claim.id, "done", [], [])
    await engine.approve(client, claim.id)
    return gig_id


async def test_thresholds_and_the_per_client_cap(engine, world):
    worker = await world.user("worker", experienced=True)
    a, b, c = [await world.user(n) for n in ("a", "b", "c")]
    for reward in ("20", "21", "22", "90"):  # the first is beyond the three most recent
        await complete(engine, world, a, worker, reward)
    await complete(engine, world, b, worker, "30")
    assert await engine.rate_cards(["design"]) == []  # 4 gigs counted, 2 clients
    await complete(engine, world, c, worker, "40")
    [card] = await engine.rate_cards(["design"])
    assert (card.gigs, card.clients, card.currency, card.scope) == (5, 3, "usd", "public")
    assert card.reward.median == 3000 and card.reward.low == 2200 and card.reward.high == 4000
    assert 9000 not in (card.reward.low, card.reward.median, card.reward.high)
    assert card.reward_is_low(2100) and not card.reward_is_low(2200)
    assert await engine.rate_cards(["svg"]) == []


async def test_board_first_then_public_and_members_only_stays_home(engine, world):
    worker = await world.user("worker", experienced=True)
    clients = [await world.user(f"c{i}") for i in range(3)]
    board = await world.community("Guild")
    closed = await world.community("Club")
    await engine.tx(lambda t: setattr(people.ensure_community(t, "discord", "guild-Club", "Club"),
                                      "visibility", "members"))
    for i, reward in enumerate(("10", "11", "12", "13", "14")):
        await complete(engine, world, clients[i % 3], worker, reward, community_id=board,
                       estimate="60")
    for i, reward in enumerate(("50", "51", "52", "53", "54")):
        await engine.tx(lambda t, c=clients[i % 3]: people.set_member_role(t, closed, c, "member"))
        await engine.tx(lambda t: people.set_member_role(t, closed, worker, "member"))
        await complete(engine, world, clients[i % 3], worker, reward, community_id=closed)
    [own] = await engine.rate_cards(["design"], community_id=board)
    assert own.scope == "community" and own.reward.median == 1200
    assert own.hourly is not None and own.hourly.median == 1200
    [public] = await engine.rate_cards(["design"])  # the members-only board's gigs stay there
    assert public.scope == "public" and public.reward.median == 1200
    [club] = await engine.rate_cards(["design"], community_id=closed)
    assert club.scope == "community" and club.reward.median == 5200
    guidance = await engine.price_guidance(["design"], "usd", community_id=board)
    assert guidance.hourly_is_low(500, 60) and not guidance.hourly_is_low(1500, 60)
