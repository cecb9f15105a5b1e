"""Badges on Discord end to end: the real discord.py client against the fake
Discord server. A moderator sets up a badge with a role (``/mod badge``), posts a
paid qualification gig; approving it gives the freelancer the role through
Discord's API (PUT /guilds/{guild}/members/{user}/roles/{role}) after the
approval committed, retried when Discord fails for a moment; a gig that requires
the badge refuses others and names the qualification gig; ``/mod revoke`` takes
the role back; a bot without Manage Roles (or below the role) makes the
moderators get one message saying what to fix."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.domain.records import MemberBadge, OutboxMessage
from tests.e2e.discord_harness import DiscordHarness, h  # noqa: F401
from tests.fakes.discord_models import MANAGE_ROLES


def role_path(h: DiscordHarness, role) -> str:
    return f"/guilds/{h.guild.id}/members/{h.bob.id}/roles/{role.id}"


async def set_up_badge(h: DiscordHarness, role) -> None:
    await h.make_board()
    await h.make_profile(h.bob, "svg")
    await h.fake.wait_for(lambda: h.service.client.get_guild(h.guild.id).get_role(role.id),
                          what="the role in the client's cache")
    resp = await h.slash(h.alice, "badge", {"skill": "svg", "role": role})
    text = resp.message.text()
    assert not resp.ephemeral and "The svg badge of Makers is ready" in text, text
    assert f"Holders get the @{role.name} role." in text


async def qualify(h: DiscordHarness, qualification) -> None:
    """bob claims the qualification gig, delivers, alice approves."""
    resp = await h.press(h.bob, qualification, "Claim")
    assert "Slot 1 is yours" in resp.message.text(), resp.message.text()
    resp = await h.slash(h.bob, "deliver", {"text": "Done, see https://example.com/a.svg"})
    assert "Delivered" in resp.message.text(), resp.message.text()
    delivery = await h.pump(lambda: next((m for m in h.fake.dm_messages_to(h.alice)
                                          if "Delivery for gig #1" in m.text()), None),
                            what="the delivery relayed to alice")
    resp = await h.press(h.alice, delivery, "Approve")
    assert "Approved" in resp.message.text(), resp.message.text()


async def test_the_approved_qualification_gig_gives_the_role_and_opens_the_gig(h: DiscordHarness):
    fake = h.fake
    role = fake.create_role(h.guild, "SVG pro")
    await set_up_badge(h, role)
    qualification = await h.post_and_pay(title="SVG test", skills="svg", qualifies="svg")
    assert "Qualification gig" in qualification.embeds[0]["description"]
    needs = await h.post_and_pay(title="Icon set", skills="svg", requires="svg")
    assert "Only for holders of the svg badge" in needs.embeds[0]["description"]

    resp = await h.press(h.bob, needs, "Claim")
    text = resp.message.text()
    assert resp.ephemeral and "Gig #2 is for holders of the svg badge of Makers" in text, text
    assert "Earn it with a paid qualification gig: #1 SVG test (/gig show 1)" in text

    # Discord fails for a moment on the first try: the outbox tries again later
    fake.fail_next("PUT", role_path(h, role), status=503)
    await qualify(h, qualification)
    member = fake.guild(h.guild).members[h.bob.id]
    await h.pump(lambda: fake.calls_to("PUT", role_path(h, role)), what="the first role call")
    assert role.id not in member.roles
    h.clock.advance(timedelta(seconds=30))
    await h.pump(lambda: role.id in member.roles, what="the badge's role given to bob")
    assert [c["status"] for c in fake.calls_to("PUT", role_path(h, role))] == [503, 204]
    assert await h.dm_with(h.bob, "You earned the svg badge of Makers")
    held = await h.app.engine.view(lambda t: t.s.scalars(select(MemberBadge)).one())
    assert held.role_synced and held.revoked_at is None

    # bob may take the gig that needs the badge now; alice sees it on his claim
    resp = await h.press(h.bob, needs, "Claim")
    assert "Slot 1 is yours" in resp.message.text(), resp.message.text()
    await h.pump(lambda: any("Badges: svg (Makers)" in m.text()
                             for m in h.fake.dm_messages_to(h.alice)), what="bob's badge shown")
    resp = await h.dm(h.bob, "profile")
    assert "🏅 svg" in resp.message.text() and "Makers" in resp.message.text()

    # a moderator takes it back: the role goes too
    resp = await h.slash(h.alice, "revoke", {"user": h.bob, "skill": "svg",
                                             "reason": "copied work"})
    assert "no longer holds the svg badge of Makers" in resp.message.text()
    await h.pump(lambda: role.id not in member.roles, what="the role taken back")
    assert len(fake.calls_to("DELETE", role_path(h, role))) == 1
    assert await h.dm_with(h.bob, "took back your svg badge")


async def test_a_bot_without_manage_roles_tells_the_moderators_once(h: DiscordHarness):
    fake = h.fake
    role = fake.create_role(h.guild, "SVG pro")
    bot_role = fake.bot_role(h.guild)
    bot_role.permissions &= ~MANAGE_ROLES
    await set_up_badge(h, role)
    qualification = await h.post_and_pay(title="SVG test", skills="svg", qualifies="svg")
    await qualify(h, qualification)

    note = await h.pump(lambda: next((m for m in fake.dm_messages_to(h.alice)
                                      if "could not give" in m.text()), None),
                        what="the moderator told about the missing permission")
    text = note.text()
    assert "I could not give bob the SVG pro role on Makers" in text.replace("Bob", "bob"), text
    assert "Manage Roles" in text and f"my role ({bot_role.name})" in text
    assert "drag it above SVG pro" in text
    assert (await h.pump(lambda: fake.calls_to("PUT", role_path(h, role))))[0]["status"] == 403
    member = fake.guild(h.guild).members[h.bob.id]
    assert role.id not in member.roles
    # the badge itself holds; the platform effect is done, not retried forever
    assert await h.dm_with(h.bob, "You earned the svg badge of Makers")
    rows = await h.app.engine.view(lambda t: t.s.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "platform")).all())
    assert [r.status for r in rows] == ["done"]

    # the admin fixes it and runs /mod badge svg: the role is given now
    bot_role.permissions |= MANAGE_ROLES
    resp = await h.slash(h.alice, "badge", {"skill": "svg"})
    assert "Giving the role again to 1 holder(s)." in resp.message.text()
    await h.pump(lambda: role.id in member.roles, what="the role given after the fix")
    told = [m for m in fake.dm_messages_to(h.alice) if "could not give" in m.text()]
    assert len(told) == 1


async def test_a_role_above_the_bot_is_refused_the_same_way(h: DiscordHarness):
    fake = h.fake
    role = fake.create_role(h.guild, "Elite", position=150)  # above the bot's role (100)
    await set_up_badge(h, role)
    qualification = await h.post_and_pay(title="SVG test", skills="svg", qualifies="svg")
    await qualify(h, qualification)
    note = await h.pump(lambda: next((m for m in fake.dm_messages_to(h.alice)
                                      if "could not give" in m.text()), None),
                        what="the moderator told about the role order")
    assert "drag it above Elite" in note.text()
    resp = await h.slash(h.alice, "badge")
    assert "the role could not be given last time" in resp.message.text()
