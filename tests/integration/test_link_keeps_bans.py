"""A ban survives /link: a banned account cannot be folded into a fresh one to
shed the ban (refused), and a fresh account linked to a banned one joins it, so
the ban covers both."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.domain.records import Claim


def code_in(text: str) -> str:
    return re.search(r"one-time code: ([A-Z0-9]{8})", text).group(1)


async def banned_mallory(chats, *, profile: bool):
    board = await chats.board("Makers")
    mallory, bob, fresh = (chats.person(n, at=board) for n in ("mallory", "bob", "fresh"))
    bob.admin = True  # a chat admin: /board makes him its moderator
    if profile:
        await mallory.says("/profile skills=design hours=any")
    else:
        await mallory.user_id()  # seen once, nothing more
    await bob.says('/post title="Logo in SVG" reward=25 currency=usd skills=design')
    await bob.press("Pay")
    await bob.says("/board", "/ban mallory spam")
    return mallory, fresh


async def claims(chats) -> list:
    return await chats.app.engine.view(lambda t: list(t.s.scalars(select(Claim))))


async def test_banned_account_cannot_shed_its_ban_by_linking(chats):
    mallory, fresh = await banned_mallory(chats, profile=True)
    banned_id = await mallory.user_id()
    await fresh.says("/link")
    code = code_in(fresh.told())
    mark = chats.mark()
    await mallory.says(f"/link {code}", "/gig 1")
    await mallory.press("Claim")
    assert "banned or on hold" in mallory.told(mark)
    assert await mallory.user_id() == banned_id  # still the banned user
    assert "You are banned from" in mallory.told(mark)
    assert await claims(chats) == []


async def test_fresh_account_linked_to_a_banned_one_is_banned_too(chats):
    mallory, fresh = await banned_mallory(chats, profile=False)
    banned_id = await mallory.user_id()
    await mallory.says("/link")
    code = code_in(mallory.told())
    await fresh.says(f"/link {code}", "/gig 1")
    await fresh.press("Claim")
    assert await fresh.user_id() == banned_id
    assert "You are banned from" in fresh.told()
    assert await claims(chats) == []
