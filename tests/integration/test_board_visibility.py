"""Changing a board's visibility shows again every live card on it, so nobody
reads "public" on a card of a members-only board (or the other way round)."""
from __future__ import annotations


from tests.console_script import run_script


async def test_changing_visibility_refreshes_live_cards(app):
    out = await run_script(app, """
/as bob
/post title="Logo in SVG" reward=25 currency=usd skills=design
/press Pay
/post title="Banner" reward=15 currency=usd skills=design
/press Pay
/board members
""")
    after = out.split("bob> /board members", 1)[1]
    cards = [block for block in after.split("[board] ")[1:] if block.startswith("#")]
    assert sorted(c.split("\n", 1)[0] for c in cards) == ["#1 Logo in SVG", "#2 Banner"]
    assert all("members only" in c for c in cards)
    out = await run_script(app, "/as bob\n/board public\n")
    after = out.split("bob> /board public", 1)[1]
    cards = [block for block in after.split("[board] ")[1:] if block.startswith("#")]
    assert len(cards) == 2 and not any("members only" in c for c in cards)
