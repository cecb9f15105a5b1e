"""Safety and limits of the Discord adapter, end to end against the fake Discord:
user text never pings or formats, members-only boards keep other servers out,
rate limits are survived, and Discord's size limits are respected."""
from __future__ import annotations

from tests.e2e.discord_harness import DiscordHarness, h, labels  # noqa: F401
from core.domain.records import Claim

HOSTILE = "@everyone **FREE** money <@{bob}> # now"


def bot_messages(h: DiscordHarness):
    return [m for m in h.fake.messages.values() if m.author.id == h.fake.bot_user.id]


async def test_user_text_never_pings_and_is_escaped(h: DiscordHarness):
    await h.make_board()
    await h.make_profile(h.bob)
    title = HOSTILE.format(bob=h.bob.id)
    card = await h.post_and_pay(title=title, description="||spoiler|| @here [x](https://evil.example)")
    desc = card.embeds[0]["description"]
    assert "@\u200beveryone" in card.embeds[0]["title"] and "\\*\\*FREE" in card.embeds[0]["title"]
    assert "@\u200bhere" in desc and "\\|\\|spoiler\\|\\|" in desc and "\\[x]" in desc
    matched = await h.dm_with(h.bob, "New gig for you")
    assert "\\*\\*FREE\\*\\*" in matched.content and "@\u200beveryone" in matched.content
    assert f"<@\u200b{h.bob.id}>" in matched.content

    messages = bot_messages(h)
    assert messages
    for m in messages:
        assert m.allowed_mentions == {"parse": []}, (m.text(), m.allowed_mentions)
        assert not m.mention_everyone and not m.pinged_user_ids() and not m.mention_roles


async def test_members_only_gig_refuses_a_member_of_another_server(h: DiscordHarness):
    await h.make_board("members")
    card = await h.post_and_pay()
    assert "members only" in card.embeds[0]["description"]

    # dave is only in "Elsewhere": he finds the gig there and presses Claim
    resp = await h.slash(h.dave, "show", {"id": 1}, channel=h.other_chan)
    msg = resp.message
    assert "Logo in SVG" in msg.text() and "Claim" in labels(msg)
    resp = await h.press(h.dave, msg, "Claim")
    assert resp.ephemeral and "members of Makers only" in resp.message.text()
    assert await h.app.engine.view(lambda t: t.s.query(Claim).count()) == 0

    # carol is a member of Makers (never used the bot before): she may
    resp = await h.press(h.carol, card, "Claim")
    assert resp.ephemeral and "Slot 1 is yours" in resp.message.text()


async def test_a_429_with_retry_after_is_waited_out(h: DiscordHarness):
    fake = h.fake
    await h.make_board()
    await h.make_profile(h.bob)
    route = "/channels/{channel_id}/messages"
    fake.force_429("POST", route, count=2, retry_after=0.3)
    card = await h.post_and_pay()
    assert card.embeds
    await h.dm_with(h.bob, "New gig for you")
    await h.pump(lambda: fake.dm_messages_to(h.alice), what="alice's DM")
    assert fake.count_429() == 2
    assert all(r["forced"] for r in fake.rate_limited)  # the pacer caused none itself
    dms = [m for m in fake.dm_messages_to(h.bob) if "New gig for you" in m.text()]
    assert len(dms) == 1 and len(h.board_cards()) == 1  # retried, not duplicated


async def test_long_description_is_cut_on_the_card_with_details(h: DiscordHarness):
    await h.make_board()
    long_text = ("Lorem ipsum dolor sit amet. " * 150)[:3990].strip()  # the option allows 4000
    card = await h.post_and_pay(description=long_text)
    embed = card.embeds[0]
    assert len(embed["description"]) < 1000 and "…" in embed["description"]
    assert "Details" in labels(card)
    resp = await h.press(h.bob, card, "Details")
    full = resp.message
    assert full.ephemeral
    assert len(full.embeds[0]["description"]) <= 4096 and "…" in full.embeds[0]["description"]
    assert full.attachments[0]["filename"] == "full-text.txt"  # the whole text, as a file
    assert long_text in full.file_bytes().decode()


# -- rendering, for any text ------------------------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

from adapters.discord.render import render  # noqa: E402
from bot.conversation import Button, Reply, Rich  # noqa: E402

span_text = st.lists(st.sampled_from(list("ab @*_~|`#>-[]()<>\n") + ["@everyone", "@here", "é"]),
                     max_size=1500).map("".join)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.tuples(span_text, st.sampled_from(["plain", "bold", "italic", "code",
                                                             "link"])), max_size=6),
       card=st.booleans(), n_buttons=st.integers(0, 40))
def test_any_reply_fits_discord_and_never_pings(texts, card, n_buttons):
    rich = Rich()
    for text, style in texts:
        rich.add(text, style, "https://example.com/(x)" if style == "link" else None)
    buttons = [[Button(("Claim " * 30)[:100], f"cl:{i}") for i in range(n_buttons)]]
    out = render(Reply(rich, buttons=buttons, card_key="gig:1" if card else None))
    if out.content is not None:
        assert len(out.content) <= 2000
        body = out.content
    else:
        assert len(out.embed.description or "") <= 4096 and len(out.embed.title or "") <= 256
        body = (out.embed.title or "") + (out.embed.description or "")
    assert "@everyone" not in body and "@here" not in body
    if out.view is not None:
        rows = out.view.to_components()
        assert len(rows) <= 5 and all(len(r["components"]) <= 5 for r in rows)
        assert all(len(c["label"]) <= 80 and len(c.get("custom_id", "")) <= 100
                   for r in rows for c in r["components"])


def test_url_buttons_are_link_buttons_and_unsafe_urls_are_dropped():
    reply = Reply(Rich().add("Pay here"), buttons=[[
        Button("Pay now", url="https://pay.example/checkout?id=1"),
        Button("Bad", url="javascript:alert(1)"), Button("Details", "dt:1")]])
    rows = render(reply).view.to_components()
    (pay, details) = rows[0]["components"]
    assert pay["style"] == 5 and pay["url"].startswith("https://pay.example/") \
        and "custom_id" not in pay
    assert details["custom_id"] == "gb:dt:1"


async def test_leftover_presses_get_an_answer(h: DiscordHarness):
    await h.make_board()
    card = await h.post_and_pay()
    # a button discord.py cannot find on the message (e.g. edited away): still handled
    assert "gb:dt:1:v0" not in card.custom_ids()
    it = await h.fake.inject_button(h.bob, card, "gb:dt:1:v0", check=False)
    resp = await h.answer(it)
    assert resp.ephemeral and "Logo in SVG" in resp.message.text()
    # a custom_id from another app version: a polite answer, not "interaction failed"
    it = await h.fake.inject_button(h.bob, card, "legacy:claim:1", check=False)
    resp = await h.answer(it)
    assert resp.ephemeral and "not valid any more" in resp.message.text()
