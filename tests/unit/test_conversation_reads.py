"""The engine reads the conversation layer uses instead of its own queries: a
person by their handle, a profile with reputation, and link codes and board
setup as named writes."""
from __future__ import annotations

import pytest

from core.api import ClaimStatus


async def test_user_by_handle(engine):
    ana = await engine.resolve_user("telegram", "101", "Ana", "ana_t")
    assert (await engine.user_by_handle("telegram", "ana_t")).id == ana.id
    assert (await engine.user_by_handle("telegram", "101")).id == ana.id
    assert await engine.user_by_handle("discord", "ana_t") is None
    assert await engine.user_by_handle("telegram", "Ana") is None
    assert (await engine.user_by_handle("telegram", "Ana", by_display_name=True)).id == ana.id


async def test_profile_view_defaults_and_reads(engine):
    bo = await engine.resolve_user("console", "bo", "Bo")
    view = await engine.profile_view(bo.id)
    assert view.profile.user_id == bo.id and view.stats.approved == 0
    assert 0 < view.reputation <= 1
    assert not (await engine.profile(bo.id)).onboarded
    await engine.update_profile(bo.id, {"skills": "design"})
    assert (await engine.profile(bo.id)).skills == "design"
    assert (await engine.user(bo.id)).display_name == "Bo"
    assert await engine.claim_ids_in(bo.id, (ClaimStatus.active,)) == []
    assert (await engine.my_gigs(bo.id)).posted == []
    assert await engine.receipt_entries(bo.id) == []


async def test_link_code_through_the_engine(engine):
    a = await engine.resolve_user("telegram", "201", "Cy")
    b = await engine.resolve_user("discord", "301", "Cy on Discord")
    code = await engine.create_link_code(a.id)
    linked = await engine.redeem_link_code(b.id, code.code)
    assert linked.id in (a.id, b.id)


async def test_link_code_moves_the_identity_and_is_spent(engine):
    from sqlalchemy import select
    from core.api import InvalidTransition
    from core.domain.records import Identity, LinkCode
    a = await engine.resolve_user("telegram", "211", "Di")
    b = await engine.resolve_user("discord", "311", "Di on Discord")
    code = await engine.create_link_code(a.id)
    stored = await engine.view(lambda t: t.s.get(LinkCode, code.code))
    assert stored.user_id == a.id and stored.used_at is None and len(code.code) == 8
    assert (await engine.redeem_link_code(b.id, code.code.lower())).id == a.id
    owner = await engine.view(lambda t: t.s.scalar(select(Identity.user_id).where(
        Identity.platform == "discord", Identity.platform_user_id == "311")))
    assert owner == a.id
    assert (await engine.view(lambda t: t.s.get(LinkCode, code.code))).used_at is not None
    with pytest.raises(InvalidTransition):
        await engine.redeem_link_code(b.id, code.code)


async def test_who_acts_and_their_zone_come_in_one_read(engine):
    ana, zone = await engine.resolve_user_and_zone("discord", "401", "Ana", "ana", "es")
    assert zone == "UTC" and ana.locale == "es"  # first sight: recorded, with the zone
    await engine.update_profile(ana.id, {"timezone": "Asia/Tokyo"})
    again, zone = await engine.resolve_user_and_zone("discord", "401", "Ana", "ana", "es")
    assert (again.id, zone) == (ana.id, "Asia/Tokyo")
    renamed, zone = await engine.resolve_user_and_zone("discord", "401", "Ana", "ana2", "es")
    assert (renamed.id, zone) == (ana.id, "Asia/Tokyo")  # a change is written, zone kept
    assert (await engine.resolve_user("discord", "401", "Ana", "ana2")).id == ana.id


async def test_a_gig_as_its_claimant_sees_it_comes_in_one_read(engine, world):
    client = await world.user("cleo")
    fay = await world.user("fay", experienced=True)
    gig = await world.gig(client, reward="2", items="cat.jpg|dog.jpg")
    claim = await engine.claim_slot(fay, gig)
    view, actions, item = await engine.gig_seen_by(fay, gig, claim_id=claim.id)
    assert view.gig.id == gig and [c.id for c in view.claims] == [claim.id]
    assert actions == await engine.viewer_actions(fay, gig)
    assert item == await engine.item_of_claim(claim.id) == "cat.jpg"
    assert (await engine.gig_seen_by(fay, gig))[2] is None


async def test_a_member_and_their_community_come_in_one_read(engine):
    from core.domain.records import CommunityMember

    args = dict(account_created_at=None, community_platform_id="g-1", community_name="Makers")
    ana, zone, makers = await engine.who_and_where("discord", "501", "Ana", "ana", "en", **args)
    assert zone == "UTC" and makers.name == "Makers"  # first sight: both recorded
    member = await engine.view(lambda t: t.s.get(CommunityMember, (makers.id, ana.id)))
    assert member is not None and member.role == "member"
    again, _, same = await engine.who_and_where("discord", "501", "Ana", "ana", "en", **args)
    assert (again.id, same.id) == (ana.id, makers.id)
    _, _, same = await engine.who_and_where("discord", "501", "Ana", "ana", "en",
                                            platform_admin=True, **args)  # now an admin
    member = await engine.view(lambda t: t.s.get(CommunityMember, (makers.id, ana.id)))
    assert same.id == makers.id and member.role == "moderator"
