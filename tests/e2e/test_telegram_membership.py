"""Members-only boards on Telegram (real PTB, fake Bot API): the bot learns who
belongs to a group from what it sees (a message in the group, join and leave
reports) and, for someone it has never seen, asks Telegram at the press. Members
claim; people who left cannot."""
from __future__ import annotations

from sqlalchemy import select

from core.domain.records import Claim, CommunityMember, Identity
from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, BEN, CLIENT, GROUP, harness, tg)


async def claims(h) -> list[tuple[int, str]]:
    return await h.engine.view(lambda t: [(c.freelancer_id, c.status) for c in t.s.scalars(
        select(Claim).order_by(Claim.id))])


async def role_of(h, telegram_id: int) -> str | None:
    def read(t):
        user_id = t.s.scalar(select(Identity.user_id).where(
            Identity.platform == "telegram", Identity.platform_user_id == str(telegram_id)))
        return t.s.scalar(select(CommunityMember.role).where(CommunityMember.user_id == user_id))
    return await h.engine.view(read)


def member_update(tg, chat_id: int, user_id: int, old: str, new: str) -> None:
    chat, user = tg.chats[chat_id], tg.users[user_id]
    tg.inject_update({"chat_member": {
        "chat": chat.to_api(), "from": user.to_api(), "date": int(tg.now()),
        "old_chat_member": {"status": old, "user": user.to_api()},
        "new_chat_member": {"status": new, "user": user.to_api()}}})


async def members_board(h, tg) -> int:
    await h.client()
    await h.board()
    await h.say(CLIENT, "/board members", GROUP)
    assert "members only" in h.texts(GROUP)[-1]
    return await h.funded_gig()


async def test_a_member_who_wrote_in_the_group_can_claim(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await members_board(h, tg)
    await h.say(ANA, "hi all, happy to help with logos", GROUP)
    assert await role_of(h, ANA) == "member"
    tg.chats[GROUP].members.discard(ANA)  # so only what the bot saw counts, not getChatMember
    answer = await h.press(ANA, h.card(1), "Claim")
    assert "Slot 1 is yours" in answer.text, answer.text
    assert [s for _, s in await claims(h)] == ["active"]


async def test_join_and_leave_reports_decide_who_may_claim(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.onboard(BEN, "Ben")
    gig_id = await members_board(h, tg)
    member_update(tg, GROUP, ANA, "left", "member")  # Telegram reports Ana joining
    member_update(tg, GROUP, BEN, "left", "member")
    await h.settle()
    assert await role_of(h, ANA) == "member" and await role_of(h, BEN) == "member"
    member_update(tg, GROUP, BEN, "member", "left")  # ... and Ben leaving
    await h.settle()
    assert await role_of(h, BEN) is None
    answer = await h.press(BEN, h.card(gig_id), "Claim")
    assert answer.show_alert and "members of Design Guild only" in answer.text, answer.text
    answer = await h.press(ANA, h.card(gig_id), "Claim")
    assert "Slot 1 is yours" in answer.text, answer.text
    assert len(await claims(h)) == 1


async def test_a_silent_member_is_checked_with_telegram_at_the_press(harness, tg):
    h = harness
    await h.onboard(ANA, "Ana")
    await h.onboard(BEN, "Ben")
    gig_id = await members_board(h, tg)
    tg.chats[GROUP].members.add(ANA)  # in the group, never wrote there
    answer = await h.press(ANA, h.card(gig_id), "Claim")
    assert "Slot 1 is yours" in answer.text, answer.text
    answer = await h.press(BEN, h.card(gig_id), "Claim")  # not in the group
    assert answer.show_alert and "members of Design Guild only" in answer.text, answer.text
    assert await role_of(h, BEN) is None
    assert len(await claims(h)) == 1
