"""Typed the way phones type, through the real python-telegram-bot against the fake
Bot API: a Spanish user's decimal comma and smart quotes post the gig they meant,
an ambiguous amount is refused with an example in their format, and a superscript
gig number is a clear refusal instead of an apology (issue 15: "/gig ²")."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from core.domain.records import Gig
from tests.e2e.telegram_harness import ANA, Harness, harness, tg  # noqa: F401 (fixtures)


async def gigs(h: Harness) -> list[tuple[str, int, str]]:
    return await h.engine.view(lambda t: [(g.title, g.reward_minor, g.currency)
                                          for g in t.s.scalars(select(Gig).order_by(Gig.id))])


async def seasoned(h: Harness, telegram_id: int) -> None:
    """Past a first approved job: new accounts may only post small gigs."""
    from core.domain.records import Identity, ReputationStats

    def mark(t):
        user_id = t.s.scalar(select(Identity.user_id).where(
            Identity.platform == "telegram", Identity.platform_user_id == str(telegram_id)))
        t.s.add(ReputationStats(user_id=user_id, approved=1))
    await h.engine.tx(mark)


async def test_spanish_phone_input_posts_what_was_meant(harness, tg):
    h = harness
    tg.add_user(ANA, "Ana", username="ana", language_code="es")
    await h.say(ANA, "/start")
    await h.say(ANA, "/cancel")
    await seasoned(h, ANA)
    await h.say(ANA, "/post title=“Logo en SVG” reward=12,50 currency=eur")
    assert "Logo en SVG" in h.last(ANA, "Vista previa").text
    await h.say(ANA, "/post title=«Póster» reward=1,000 currency=eur")
    refusal = h.texts(ANA)[-1]
    assert "1000" in refusal and "1,00" in refusal and "12,50" in refusal
    await h.say(ANA, "/post title=„Banner“ reward=1.000,50 currency=eur")
    assert await gigs(h) == [("Logo en SVG", 1250, "eur"), ("Banner", 100050, "eur")]


@pytest.mark.parametrize("typed", ["/gig ²", "/gig ¹²", "/start gig_²", "/gig #²"])
async def test_a_superscript_gig_number_is_refused_clearly(harness, tg, caplog, typed):
    h = harness
    tg.add_user(ANA, "Ana", username="ana")
    await h.say(ANA, "/start")
    await h.say(ANA, "/cancel")
    seen = len(h.texts(ANA))
    with caplog.at_level(logging.ERROR):
        await h.say(ANA, typed)
    said = "\n".join(h.texts(ANA)[seen:])
    assert "something went wrong" not in said
    # /gig: the number is refused; /start with an unreadable deep link: plain onboarding
    assert "id must be a number" in said or "Welcome" in said, said
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
