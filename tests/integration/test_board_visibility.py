"""Changing a board's visibility shows again every live card on it, so nobody
reads "public" on a card of a members-only board (or the other way round)."""
from __future__ import annotations


def cards(board, since) -> list:
    return [s for s in board.sent(since) if s.card_key and s.text.startswith("#")]


async def test_changing_visibility_refreshes_live_cards(chats):
    board = await chats.board("Makers")
    bob = chats.person("bob", at=board, admin=True)  # a chat admin: may set up the board
    await bob.says('/post title="Logo in SVG" reward=25 currency=usd skills=design')
    await bob.press("Pay")
    await bob.says('/post title="Banner" reward=15 currency=usd skills=design')
    await bob.press("Pay")
    mark = chats.mark()
    await bob.says("/board members")
    shown = cards(board, mark)
    assert sorted(c.text.split("\n", 1)[0] for c in shown) == ["#1 Logo in SVG", "#2 Banner"]
    assert all("members only" in c.text for c in shown)
    mark = chats.mark()
    await bob.says("/board public")
    shown = cards(board, mark)
    assert len(shown) == 2 and not any("members only" in c.text for c in shown)
