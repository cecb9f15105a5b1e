"""Board setup, membership and bans are named engine writes: each one transaction
that checks who acts and leaves the database as a moderator expects (or raises
and writes nothing)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.api import InvalidTransition, NotAllowed
from core.domain.records import AuditEvent, Community, CommunityMember, Identity


async def _role(engine, community_id: int, user_id: int) -> str | None:
    return await engine.view(lambda t: t.member_role(community_id, user_id))


async def _count(engine, model) -> int:
    return await engine.view(lambda t: t.s.scalar(select(func.count()).select_from(model)))


async def test_enter_community_records_once_and_notes_members(engine):
    ana = await engine.resolve_user("discord", "1", "Ana")
    first = await engine.enter_community("discord", "g1", "Guild One", member_id=ana.id)
    again = await engine.enter_community("discord", "g1", "Renamed", member_id=ana.id)
    assert first.id == again.id and again.name == "Guild One"
    assert await _count(engine, Community) == 1
    assert await _role(engine, first.id, ana.id) == "member"
    # the platform says they hold the board's moderator role: it is recorded
    await engine.configure_board(ana.id, first.id, board_channel_id="c1", platform_admin=True,
                                 moderator_role_id="mods")
    bo = await engine.resolve_user("discord", "2", "Bo")
    await engine.enter_community("discord", "g1", "Guild One", member_id=bo.id,
                                 role_ids=("mods",))
    assert await _role(engine, first.id, bo.id) == "moderator"


async def test_configure_board_needs_an_admin_and_records_the_board(engine):
    ana = await engine.resolve_user("telegram", "1", "Ana")
    bo = await engine.resolve_user("telegram", "2", "Bo")
    community = await engine.enter_community("telegram", "-100", "Group")
    with pytest.raises(NotAllowed):
        await engine.configure_board(bo.id, community.id, board_channel_id="-100")
    board = await engine.configure_board(ana.id, community.id, board_channel_id="-100",
                                         visibility="members", fee_bps=300, platform_admin=True)
    stored = await engine.view(lambda t: t.s.get(Community, community.id))
    assert (stored.board_channel_id, stored.visibility, stored.fee_bps, stored.created_by) == \
        ("-100", "members", 300, ana.id) == \
        (board.board_channel_id, board.visibility, board.fee_bps, board.created_by)
    assert await _role(engine, community.id, ana.id) == "moderator"
    assert await _role(engine, community.id, bo.id) is None


async def test_ban_by_a_moderator_only(engine):
    mod = await engine.resolve_user("telegram", "1", "Mod")
    spam = await engine.resolve_user("telegram", "2", "Spam")
    community = await engine.enter_community("telegram", "-100", "Group", member_id=spam.id)
    await engine.configure_board(mod.id, community.id, board_channel_id="-100",
                                 platform_admin=True)
    audits = await _count(engine, AuditEvent)
    with pytest.raises(NotAllowed):
        await engine.ban(spam.id, community.id, mod.id)
    with pytest.raises(InvalidTransition):
        await engine.ban(mod.id, community.id, mod.id)
    assert await _count(engine, AuditEvent) == audits  # refusals write nothing
    await engine.ban(mod.id, community.id, spam.id, "scam links")
    assert await _role(engine, community.id, spam.id) == "banned"
    audit = await engine.view(lambda t: t.s.scalar(select(AuditEvent).where(
        AuditEvent.action == "ban")))
    assert audit.actor_id == mod.id and "scam links" in audit.detail
    # coming back to the group does not lift the ban
    await engine.enter_community("telegram", "-100", "Group", member_id=spam.id)
    assert await _role(engine, community.id, spam.id) == "banned"
    assert await engine.view(lambda t: t.s.get(CommunityMember, (community.id, spam.id)).role) \
        == "banned"


async def test_mark_started_sets_the_identity_flag(engine):
    ana = await engine.resolve_user("telegram", "1", "Ana")
    assert (await engine.mark_started("telegram", "1", ana.id)).user_id == ana.id
    started = await engine.view(lambda t: t.s.scalar(select(Identity.started).where(
        Identity.platform == "telegram", Identity.platform_user_id == "1")))
    assert started is True
