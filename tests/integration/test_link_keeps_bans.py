"""A ban survives /link: a banned account cannot be folded into a fresh one to
shed the ban (refused), and a fresh account linked to a banned one joins it, so
the ban covers both."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.domain.records import Claim
from tests.console_script import run_script, user_of


def code_in(out: str) -> str:
    return re.search(r"one-time code: ([A-Z0-9]{8})", out).group(1)


async def test_banned_account_cannot_shed_its_ban_by_linking(app):
    await run_script(app, """
/as mallory
/profile skills=design hours=any
/as bob
/post title="Logo in SVG" reward=25 currency=usd skills=design
/press Pay
/board
/ban mallory spam
""")
    banned_id = await user_of(app, "mallory")
    code = code_in(await run_script(app, "/as fresh\n/link\n"))
    out = await run_script(app, f"/as mallory\n/link {code}\n/gig 1\n/press Claim\n")
    assert "banned or on hold" in out
    assert await user_of(app, "mallory") == banned_id  # still the banned user
    assert "You are banned from" in out
    assert await app.engine.view(lambda t: list(t.s.scalars(select(Claim)))) == []


async def test_fresh_account_linked_to_a_banned_one_is_banned_too(app):
    await run_script(app, """
/as mallory
/as bob
/post title="Logo in SVG" reward=25 currency=usd skills=design
/press Pay
/board
/ban mallory spam
""")
    banned_id = await user_of(app, "mallory")
    code = code_in(await run_script(app, "/as mallory\n/link\n"))
    out = await run_script(app, f"/as fresh\n/link {code}\n/gig 1\n/press Claim\n")
    assert await user_of(app, "fresh") == banned_id
    assert "You are banned from" in out
    assert await app.engine.view(lambda t: list(t.s.scalars(select(Claim)))) == []
