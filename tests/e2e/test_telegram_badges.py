"""Badges on Telegram end to end (real python-telegram-bot against the fake Bot
API): a group's admin sets up a badge (no role: Telegram has none to give),
posts a paid qualification gig; once approved the badge shows on the
freelancer's /profile and on their claim as the client sees it; a gig that
requires it refuses others with the qualification gig to earn it."""
from __future__ import annotations

from tests.e2e.telegram_harness import ANA, BEN, CLIENT, GROUP, harness, tg  # noqa: F401


async def test_a_qualification_gig_puts_the_badge_on_the_profile(harness):
    h = harness
    await h.freelancer(ANA, "Ana", skills="svg")
    await h.freelancer(BEN, "Ben", skills="svg")
    await h.client()
    await h.board()
    await h.say(CLIENT, "/badge svg role=123", GROUP)
    assert "give a role on Discord only" in h.texts(CLIENT)[-1] + h.texts(GROUP)[-1]
    await h.say(CLIENT, "/badge svg", GROUP)
    assert "The svg badge of Design Guild is ready" in h.texts(GROUP)[-1]
    qualification = await h.funded_gig(command='/post title="SVG test" reward=10 skills=svg '
                                                'qualifies=svg')
    needs = await h.funded_gig(command='/post title="Icon set" reward=40 skills=svg '
                                       'requires=svg')
    assert "Only for holders of the svg badge" in h.card(needs).text

    answer = await h.press(BEN, h.card(needs), "Claim")
    assert answer.show_alert  # a refusal pops up over the board, where Ben pressed
    assert ("Gig #2 is for holders of the svg badge of Design Guild. Earn it with a paid "
            "qualification gig: #1 SVG test (/gig 1).") in answer.text

    answer = await h.press(ANA, h.card(qualification), "Claim")
    assert "Slot 1 is yours" in answer.text
    await h.say(ANA, "/deliver done https://example.com/logo.svg")
    delivery = h.last(CLIENT, "Delivery for gig #1")
    await h.press(CLIENT, delivery, "Approve")
    assert "You earned the svg badge of Design Guild" in h.last(ANA, "earned").text

    await h.say(ANA, "/profile")
    profile = h.last(ANA, "Profile of")
    assert "Badges:" in profile.text and "svg — Design Guild" in profile.text
    answer = await h.press(ANA, h.card(needs), "Claim")
    assert "Slot 1 is yours" in answer.text
    assert "Badges: svg (Design Guild)" in h.last(CLIENT, "claimed a slot of Icon set").text
