"""Badges and paid qualification gigs through the whole product, in chat: a
moderator sets up a badge and posts a qualification gig, approving it (or the
review window running out) grants the badge once, gigs that require it refuse
others with a way to earn it, a moderator takes it back. And the role effect a
Discord badge writes to the outbox with the grant."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.api import GigDraft, NotAllowed, RoleChange, ValidationError
from core.domain.records import CommunityBadge, Gig, MemberBadge, OutboxMessage


async def cast(chats):
    """alice, a chat admin of the Makers board (``/board`` makes her its moderator);
    bob and carol, people there."""
    board = await chats.board("Makers")
    alice = chats.person("alice", at=board, admin=True)
    return alice, chats.person("bob", at=board), chats.person("carol", at=board)


async def setup(alice, bob) -> None:
    """alice sets up the svg badge and posts a qualification gig (#1) and a gig that
    requires the badge (#2); bob can do svg."""
    await bob.says("/profile skills=svg hours=any")
    await alice.says("/board", "/badge svg",
                     '/post title="SVG test: redraw our logo" reward=10 skills=svg qualifies=svg')
    await alice.press("Pay")
    await alice.says('/post title="Big SVG icon set" reward=50 skills=svg requires=svg')
    await alice.press("Pay")


async def qualify(bob) -> None:
    await bob.says("/gig 1")
    await bob.press("Claim")
    await bob.says("/deliver here https://example.com/a.svg")


async def q(chats, fn):
    return await chats.app.engine.view(lambda t: fn(t.s))


async def holders(chats) -> list[tuple[int, bool]]:
    return await q(chats, lambda s: [(h.user_id, h.revoked_at is None)
                                     for h in s.scalars(select(MemberBadge))])


async def test_a_qualification_gig_earns_the_badge_that_opens_the_required_gig(chats):
    alice, bob, carol = await cast(chats)
    await setup(alice, bob)
    await carol.says("/gig 2")
    await carol.press("Claim")
    await bob.says("/gigs")
    assert ("Gig #2 is for holders of the svg badge of Makers. Earn it with a paid "
            "qualification gig: #1 SVG test: redraw our logo (/gig 1).") in carol.told()
    # bob (skills svg) is pushed and shown the qualification gig, not the gig he may not take
    told = bob.told()
    assert "SVG test: redraw our logo" in told and "Big SVG icon set" not in told
    assert await q(chats, lambda s: s.get(Gig, 2).slots_live) == 0  # nothing taken
    gigs = await q(chats, lambda s: [(g.qualifies_skill, g.requires_badge)
                                     for g in s.scalars(select(Gig).order_by(Gig.id))])
    assert gigs == [("svg", None), (None, "svg")]

    mark = chats.mark()
    await qualify(bob)
    await alice.press("Approve")
    await bob.says("/profile", "/gig 2")
    await bob.press("Claim")
    assert await holders(chats) == [(await bob.user_id(), True)]
    told = bob.told(mark)
    assert "🏅 You earned the svg badge of Makers!" in told
    assert "🏅 svg — Makers, since" in told  # on /profile
    assert "Slot 1 is yours: claim #2 on gig #2" in told
    # the client sees the badge on the claim
    assert "🏅 Badges: svg (Makers)" in alice.told(mark)
    # a badge without a role writes no platform effect
    assert await q(chats, lambda s: s.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "platform")).all()) == []


async def test_auto_approval_grants_the_badge_and_a_holder_cannot_take_another_test(chats):
    alice, bob, carol = await cast(chats)
    await setup(alice, bob)
    await qualify(bob)
    await chats.clock("+73h")
    await alice.says('/post title="Second SVG test" reward=10 qualifies=svg')
    await alice.press("Pay")
    await bob.says("/gig 3")
    await bob.press("Claim")
    assert await holders(chats) == [(await bob.user_id(), True)]
    told = bob.told()
    assert told.count("You earned the svg badge") == 1
    assert ("You already hold the svg badge of Makers; this qualification gig is for "
            "those who do not.") in told


async def test_only_moderators_post_qualification_gigs_and_badges_must_exist(chats):
    alice, bob, carol = await cast(chats)
    carol.admin = True  # a chat admin too, who may set up badges like the board
    await alice.says("/board")
    await carol.says('/post title="Needs a logo badge" reward=5 requires=logo',
                     '/post title="Early qualification" reward=5 qualifies=svg',
                     "/badge svg",
                     '/post title="Fake qualification" reward=5 qualifies=svg')
    await alice.says('/post title="Two badges" reward=5 qualifies=svg,logo',
                     '/post title="Fake qualification" reward=5 qualifies=svg requires=svg')
    told = carol.told()
    assert "Makers has no logo badge yet. A moderator sets it up with /badge logo." in told
    assert "Makers has no svg badge yet." in told
    assert "Only moderators of Makers can post qualification gigs." in told
    told = alice.told()
    assert "Name one skill for the badge, like qualifies=svg." in told
    assert "cannot require svg: nobody could earn it" in told
    assert await q(chats, lambda s: s.scalars(select(Gig)).all()) == []
    assert [b.skill for b in await q(chats, lambda s: s.scalars(select(CommunityBadge)).all())] \
        == ["svg"]


async def test_badges_need_a_moderator_and_roles_need_discord(chats):
    alice, bob, carol = await cast(chats)
    await alice.says("/board")
    await carol.says("/profile skills=svg hours=any")
    with pytest.raises(NotAllowed, match="Only moderators of Makers can set up"):
        await chats.app.engine.define_badge(await carol.user_id(), 1, "svg")
    with pytest.raises(ValidationError, match="give a role on Discord only"):
        await chats.app.engine.define_badge(await alice.user_id(), 1, "svg", "123")
    assert await q(chats, lambda s: s.scalars(select(CommunityBadge)).all()) == []


async def test_no_open_qualification_gig_says_whom_to_ask(chats):
    alice, bob, carol = await cast(chats)
    await alice.says("/board", "/badge svg",
                     '/post title="Big SVG icon set" reward=50 requires=svg')
    await alice.press("Pay")
    await bob.says("/gig 1")
    await bob.press("Claim")
    assert ("No qualification gig for it is open right now; ask the moderators of Makers "
            "when the next one comes.") in bob.told()


async def test_a_moderator_revokes_and_the_badge_can_be_earned_again(chats):
    alice, bob, carol = await cast(chats)
    board = alice.at
    await setup(alice, bob)
    await qualify(bob)
    await alice.press("Approve")
    await carol.says("/revoke bob svg")
    await alice.says("/revoke bob svg copied work", "/revoke bob svg")
    await bob.says("/gig 2")
    await bob.press("Claim")
    bob_id = await bob.user_id()
    assert await holders(chats) == [(bob_id, False)]
    assert "Only moderators of Makers can take badges back." in carol.told()
    assert any(s.text.startswith("bob no longer holds the svg badge of Makers.")
               for s in board.sent())
    assert "bob does not hold the svg badge of Makers." in alice.told()
    told = bob.told()
    assert "A moderator of Makers took back your svg badge." in told
    assert "Reason: copied work" in told
    assert "Gig #2 is for holders of the svg badge" in told
    mark = chats.mark()
    await alice.says("/repost 1")
    await alice.press("Pay")
    await bob.says("/gig 3")
    await bob.press("Claim")
    await bob.says("/deliver again https://example.com/b.svg")
    await alice.press("Approve")
    await alice.says("/badge")
    assert await holders(chats) == [(bob_id, True)]
    assert await q(chats, lambda s: s.get(Gig, 3).qualifies_skill) == "svg"  # copied
    assert "🏅 svg — 1 holder(s)" in alice.told(mark)


async def test_a_role_badge_queues_the_role_with_the_grant_and_the_refusal_is_told_once(chats):
    """Core's side of the Discord role: the grant writes a platform effect in its
    transaction; a refusal tells each moderator once until /badge is run again."""
    engine = chats.app.engine
    alice, bob, carol = await cast(chats)
    await alice.says("/board")
    await bob.says("/profile skills=svg hours=any")
    alice_id, bob_id = await alice.user_id(), await bob.user_id()

    def to_discord(s):  # a Discord community, as a Discord guild would be
        from core.domain.records import Community
        s.get(Community, 1).platform = "discord"
    await engine.tx(lambda t: to_discord(t.s))
    badge, requeued = await engine.define_badge(alice_id, 1, "SVG", "<@&555>")
    assert (badge.skill, badge.role_id, requeued) == ("svg", "555", 0)
    gig = await engine.post_gig(alice_id, GigDraft(title="SVG test", reward_minor=1000,
                                                   currency="usd", community_id=1,
                                                   qualifies_skill="svg"))
    # the board is a Discord guild's now: the rest happens in private chats
    alice, bob = chats.person("alice"), chats.person("bob")
    await alice.says(f"/gig {gig.id}")
    await alice.press("Pay")
    await bob.says(f"/gig {gig.id}")
    await bob.press("Claim")
    await bob.says("/deliver done https://example.com/x.svg")
    await alice.press("Approve")
    effects = await q(chats, lambda s: s.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "platform")).all())
    assert len(effects) == 1
    data = json.loads(effects[0].payload)
    assert (data["user_id"], data["role_id"], data["grant"]) == (bob_id, "555", True)

    change = RoleChange(**data)
    assert await engine.role_change_refused(change, "missing_permissions", role_name="SVG",
                                            bot_role_name="gigbroker")
    assert not await engine.role_change_refused(change, "missing_permissions")  # once
    told = await q(chats, lambda s: s.scalars(select(OutboxMessage).where(
        OutboxMessage.event == "badge.role_refused")).all())
    assert [m.recipient_id for m in told] == [alice_id]
    held = await q(chats, lambda s: s.scalars(select(MemberBadge)).one())
    assert not held.role_synced
    # the moderator fixed the permissions and runs /badge svg: the role is queued again
    badge, requeued = await engine.define_badge(alice_id, 1, "svg")
    assert requeued == 1 and badge.role_problem is None
    await engine.role_change_done(change)
    held = await q(chats, lambda s: s.scalars(select(MemberBadge)).one())
    assert held.role_synced


async def test_the_client_sees_the_applicants_badges(chats):
    alice, bob, carol = await cast(chats)
    await setup(alice, bob)
    await qualify(bob)
    await alice.press("Approve")
    await alice.says(
        '/post title="Brand guide in SVG" reward=80 skills=svg mode=apply requires=svg')
    await alice.press("Pay")
    await bob.says("/gig 3")
    await bob.press("Apply")
    await bob.says("I drew your logo last week")
    told = alice.told()
    assert "bob applied to #3 Brand guide in SVG." in told
    assert "🏅 Badges: svg (Makers)" in told.split("bob applied to #3")[1]
