"""Badges and paid qualification gigs through the whole product (console sessions
on a SQLite file): a moderator sets up a badge and posts a qualification gig,
approving it (or the review window running out) grants the badge once, gigs that
require it refuse others with a way to earn it, a moderator takes it back. And the
role effect a Discord badge writes to the outbox with the grant."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.api import GigDraft, NotAllowed, RoleChange, ValidationError
from core.domain.records import CommunityBadge, Gig, MemberBadge, OutboxMessage
from tests.console_script import run_script, said_to, user_of

SETUP = """
/as bob
/profile skills=svg hours=any
/as alice
/board
/badge svg
/post title="SVG test: redraw our logo" reward=10 skills=svg qualifies=svg
/press Pay
/post title="Big SVG icon set" reward=50 skills=svg requires=svg
/press Pay
"""
QUALIFY = """
/as bob
/gig 1
/press Claim
/deliver here https://example.com/a.svg
"""


async def q(app, fn):
    return await app.engine.view(lambda t: fn(t.s))


async def holders(app) -> list[tuple[int, bool]]:
    return await q(app, lambda s: [(h.user_id, h.revoked_at is None)
                                   for h in s.scalars(select(MemberBadge))])


async def test_a_qualification_gig_earns_the_badge_that_opens_the_required_gig(app):
    out = await run_script(app, SETUP + """
/as carol
/gig 2
/press Claim
/as bob
/gigs
""")
    assert ("Gig #2 is for holders of the svg badge of Console board. Earn it with a paid "
            "qualification gig: #1 SVG test: redraw our logo (/gig 1).") in said_to(out, "carol")
    # bob (skills svg) is pushed and shown the qualification gig, not the gig he may not take
    told = said_to(out, "bob")
    assert "SVG test: redraw our logo" in told and "Big SVG icon set" not in told
    assert await q(app, lambda s: s.get(Gig, 2).slots_live) == 0  # nothing taken
    gigs = await q(app, lambda s: [(g.qualifies_skill, g.requires_badge)
                                   for g in s.scalars(select(Gig).order_by(Gig.id))])
    assert gigs == [("svg", None), (None, "svg")]

    out = await run_script(app, QUALIFY + """
/as alice
/press Approve
/as bob
/profile
/gig 2
/press Claim
""")
    bob = await user_of(app, "bob")
    assert await holders(app) == [(bob, True)]
    told = said_to(out, "bob")
    assert "🏅 You earned the svg badge of Console board!" in told
    assert "🏅 svg — Console board, since" in told  # on /profile
    assert "Slot 1 is yours: claim #2 on gig #2" in told
    # the client sees the badge on the claim
    assert "🏅 Badges: svg (Console board)" in said_to(out, "alice")
    # a badge without a role writes no platform effect
    assert await q(app, lambda s: s.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "platform")).all()) == []


async def test_auto_approval_grants_the_badge_and_a_holder_cannot_take_another_test(app):
    out = await run_script(app, SETUP + QUALIFY + """
/clock +73h
/as alice
/post title="Second SVG test" reward=10 qualifies=svg
/press Pay
/as bob
/gig 3
/press Claim
""")
    bob = await user_of(app, "bob")
    assert await holders(app) == [(bob, True)]
    told = said_to(out, "bob")
    assert told.count("You earned the svg badge") == 1
    assert ("You already hold the svg badge of Console board; this qualification gig is for "
            "those who do not.") in told


async def test_only_moderators_post_qualification_gigs_and_badges_must_exist(app):
    # (the console's users are chat admins, who may set up badges like the board)
    out = await run_script(app, """
/as alice
/board
/as carol
/post title="Needs a logo badge" reward=5 requires=logo
/post title="Early qualification" reward=5 qualifies=svg
/badge svg
/post title="Fake qualification" reward=5 qualifies=svg
/as alice
/post title="Two badges" reward=5 qualifies=svg,logo
/post title="Fake qualification" reward=5 qualifies=svg requires=svg
""")
    told = said_to(out, "carol")
    assert "Console board has no logo badge yet. A moderator sets it up with /badge logo." in told
    assert "Console board has no svg badge yet." in told
    assert "Only moderators of Console board can post qualification gigs." in told
    alice = said_to(out, "alice")
    assert "Name one skill for the badge, like qualifies=svg." in alice
    assert "cannot require svg: nobody could earn it" in alice
    assert await q(app, lambda s: s.scalars(select(Gig)).all()) == []
    assert [b.skill for b in await q(app, lambda s: s.scalars(select(CommunityBadge)).all())] \
        == ["svg"]


async def test_badges_need_a_moderator_and_roles_need_discord(app):
    await run_script(app, "/as alice\n/board\n/as carol\n/profile skills=svg hours=any\n")
    alice, carol = await user_of(app, "alice"), await user_of(app, "carol")
    with pytest.raises(NotAllowed, match="Only moderators of Console board can set up"):
        await app.engine.define_badge(carol, 1, "svg")
    with pytest.raises(ValidationError, match="give a role on Discord only"):
        await app.engine.define_badge(alice, 1, "svg", "123")
    assert await q(app, lambda s: s.scalars(select(CommunityBadge)).all()) == []


async def test_no_open_qualification_gig_says_whom_to_ask(app):
    out = await run_script(app, """
/as alice
/board
/badge svg
/post title="Big SVG icon set" reward=50 requires=svg
/press Pay
/as bob
/gig 1
/press Claim
""")
    assert ("No qualification gig for it is open right now; ask the moderators of Console "
            "board when the next one comes.") in said_to(out, "bob")


async def test_a_moderator_revokes_and_the_badge_can_be_earned_again(app):
    out = await run_script(app, SETUP + QUALIFY + """
/as alice
/press Approve
/as carol
/revoke bob svg
/as alice
/revoke bob svg copied work
/revoke bob svg
/as bob
/gig 2
/press Claim
""")
    bob = await user_of(app, "bob")
    assert await holders(app) == [(bob, False)]
    assert "Only moderators of Console board can take badges back." in said_to(out, "carol")
    assert "[board] bob no longer holds the svg badge of Console board." in out
    assert "bob does not hold the svg badge of Console board." in said_to(out, "alice")
    told = said_to(out, "bob")
    assert "A moderator of Console board took back your svg badge." in told
    assert "Reason: copied work" in told
    assert "Gig #2 is for holders of the svg badge" in told
    out = await run_script(app, """
/as alice
/repost 1
/press Pay
/as bob
/gig 3
/press Claim
/deliver again https://example.com/b.svg
/as alice
/press Approve
/badge
""")
    assert await holders(app) == [(bob, True)]
    assert await q(app, lambda s: s.get(Gig, 3).qualifies_skill) == "svg"  # copied
    assert "🏅 svg — 1 holder(s)" in said_to(out, "alice")


async def test_a_role_badge_queues_the_role_with_the_grant_and_the_refusal_is_told_once(app):
    """Core's side of the Discord role: the grant writes a platform effect in its
    transaction; a refusal tells each moderator once until /badge is run again."""
    engine = app.engine
    await run_script(app, "/as alice\n/board\n/as bob\n/profile skills=svg hours=any\n")
    alice, bob = await user_of(app, "alice"), await user_of(app, "bob")

    def to_discord(s):  # a Discord community, as a Discord guild would be
        from core.domain.records import Community
        s.get(Community, 1).platform = "discord"
    await engine.tx(lambda t: to_discord(t.s))
    badge, requeued = await engine.define_badge(alice, 1, "SVG", "<@&555>")
    assert (badge.skill, badge.role_id, requeued) == ("svg", "555", 0)
    gig = await engine.post_gig(alice, GigDraft(title="SVG test", reward_minor=1000,
                                                currency="usd", community_id=1,
                                                qualifies_skill="svg"))
    await run_script(app, f"/as alice\n/gig {gig.id}\n/press Pay\n/as bob\n/gig {gig.id}\n"
                          "/press Claim\n/deliver done https://example.com/x.svg\n"
                          "/as alice\n/press Approve\n")
    effects = await q(app, lambda s: s.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "platform")).all())
    assert len(effects) == 1
    data = json.loads(effects[0].payload)
    assert (data["user_id"], data["role_id"], data["grant"]) == (bob, "555", True)

    change = RoleChange(**data)
    assert await engine.role_change_refused(change, "missing_permissions", role_name="SVG",
                                            bot_role_name="gigbroker")
    assert not await engine.role_change_refused(change, "missing_permissions")  # once
    told = await q(app, lambda s: s.scalars(select(OutboxMessage).where(
        OutboxMessage.event == "badge.role_refused")).all())
    assert [m.recipient_id for m in told] == [alice]
    held = await q(app, lambda s: s.scalars(select(MemberBadge)).one())
    assert not held.role_synced
    # the moderator fixed the permissions and runs /badge svg: the role is queued again
    badge, requeued = await engine.define_badge(alice, 1, "svg")
    assert requeued == 1 and badge.role_problem is None
    await engine.role_change_done(change)
    held = await q(app, lambda s: s.scalars(select(MemberBadge)).one())
    assert held.role_synced


async def test_the_client_sees_the_applicants_badges(app):
    out = await run_script(app, SETUP + QUALIFY + """
/as alice
/press Approve
/post title="Brand guide in SVG" reward=80 skills=svg mode=apply requires=svg
/press Pay
/as bob
/gig 3
/press Apply
I drew your logo last week
""")
    told = said_to(out, "alice")
    assert "bob applied to #3 Brand guide in SVG." in told
    assert "🏅 Badges: svg (Console board)" in told.split("bob applied to #3")[1]
