"""The Discord adapter end to end: the real discord.py client of ``gigbroker run``
against the fake Discord server, on a real database."""
from __future__ import annotations


from tests.e2e.discord_harness import DiscordHarness, find_button, h, labels  # noqa: F401


async def test_commands_are_synced_to_the_dev_guilds(h: DiscordHarness):
    fake = h.fake
    # three commands, as Discord allows 25 subcommands each (command_names.py)
    assert sorted(fake.command_names(h.guild)) == ["gig", "me", "mod"]
    assert fake.command_names() == []  # dev guilds only: no global sync
    groups = [fake.find_command(name, h.guild) for name in ("gig", "me", "mod")]
    subs = {o["name"]: o for group in groups for o in group["options"]}
    assert all(len(group["options"]) <= 25 for group in groups)
    assert {"post", "show", "gigs", "deliver", "board", "ban", "wallet"} <= set(subs)
    post = {o["name"]: o for o in subs["post"]["options"]}
    assert post["slots"]["type"] == 4 and post["slots"]["min_value"] == 1
    assert [(c["name"], c["value"]) for c in post["mode"]["choices"]] == [
        ("claim", "claim"), ("apply", "apply")]
    board = {o["name"]: o for o in subs["board"]["options"]}
    assert board["channel"]["type"] == 7 and board["moderator_role"]["type"] == 8
    assert board["visibility"]["choices"][1]["value"] == "members"
    rate = {o["name"]: o for o in subs["rate"]["options"]}
    assert rate["stars"]["min_value"] == 1 and rate["stars"]["max_value"] == 5
    assert rate["stars"]["required"] is True
    assert {o["name"] for o in subs["deliver"]["options"]} >= {"claim", "text", "file"}
    assert subs["post"]["description_localizations"]["es-ES"].startswith("Publica")
    assert subs["post"]["description_localizations"]["es-419"] == \
        subs["post"]["description_localizations"]["es-ES"]
    for sub in subs.values():
        assert len(sub["description"]) <= 100
        for o in sub.get("options", []):
            assert len(o["description"]) <= 100


async def test_post_with_modal_pay_and_card_on_board(h: DiscordHarness):
    fake = h.fake
    await h.make_board()
    await h.make_profile(h.bob)

    resp = await h.slash(h.alice, "post", channel=h.board)
    assert resp.type == 9  # a modal, as the first response
    modal = resp.modal
    assert modal["title"].startswith("Post a gig") and len(modal["components"]) == 5
    resp = await h.submit(h.alice, modal, {
        "title": "Logo in SVG", "description": "A round logo for our club.",
        "reward": "25 usd", "slots": "1", "skills": "design, svg"})
    assert resp.ephemeral and "step 2 of 2" in resp.message.text()
    resp = await h.press(h.alice, resp.message, "Continue")
    assert resp.type == 9 and [c["components"][0]["custom_id"] if c["type"] == 1 else
                               c["component"]["custom_id"] for c in resp.modal["components"]] \
        == ["deliver_in", "mode", "max_revisions", "review_window", "estimate"]
    resp = await h.submit(h.alice, resp.modal, {"deliver_in": "2d"})
    preview = resp.message
    assert resp.ephemeral and "Logo in SVG" in preview.text() and "Preview" in preview.text()
    assert labels(preview)[0].startswith("Pay")
    assert h.board_cards() == []  # nothing public before the money is in

    resp = await h.press(h.alice, preview, "Pay")
    assert resp.ephemeral
    msgs = await h.replies(count=2)
    assert "live" in msgs[0].text()

    card = await h.pump(lambda: h.board_cards(), what="the card on the board")
    card = card[0]
    embed = card.embeds[0]
    assert embed["title"].replace("\\", "").startswith("#1 Logo in SVG")
    assert "1 of 1 slot open" in embed["description"]
    assert labels(card) == ["Claim", "Details"]
    assert all(len(b["custom_id"]) <= 100 for b in card.buttons())
    (thread,) = fake.threads_of(h.board)
    assert thread.id == card.id and "Logo in SVG" in thread.name
    assert await h.dm_with(h.bob, "New gig for you")
    assert await h.dm_with(h.alice, "is live")


async def test_claim_deliver_in_thread_approve_and_a_foreign_approve(h: DiscordHarness):
    fake = h.fake
    await h.make_board()
    await h.make_profile(h.bob)
    card = await h.post_and_pay()
    (thread,) = fake.threads_of(h.board)

    resp = await h.press(h.bob, card, "Claim")
    assert resp.ephemeral and "Slot 1 is yours" in resp.message.text()
    await h.pump(lambda: "0 of 1 slot open" in card.embeds[0]["description"],
                 what="the card edited in place")
    assert labels(card) == ["Details"] and len(h.board_cards()) == 1
    assert await h.dm_with(h.alice, "claimed a slot")
    assert h.bob.id in thread.thread_members  # the claimant joined the gig's thread

    # bob opens his delivery form in the thread, then posts the file there
    resp = await h.slash(h.bob, "deliver", channel=thread)
    assert resp.type == 9 and resp.modal["title"].startswith("Deliver")
    assert await h.open_form(h.bob) == "deliver"
    await fake.inject_message(h.bob, thread, "Here it is, see https://example.com/logo",
                              attachments=[("logo.svg", b"<svg/>")])
    assert await h.dm_with(h.bob, "Delivered")
    delivery = await h.pump(lambda: next((m for m in fake.dm_messages_to(h.alice)
                                          if "Delivery for gig #1" in m.text()), None),
                            what="the delivery relayed to alice")
    assert delivery.attachments and delivery.attachments[0]["filename"] == "logo.svg"
    assert delivery.file_bytes("logo.svg") == b"<svg/>"
    assert labels(delivery) == ["Approve", "Request revision", "Reject"]

    # carol presses alice's Approve: refused privately, nothing changes
    from core.domain.records import Claim
    resp = await h.press(h.carol, delivery, "Approve")
    assert resp.ephemeral and "⚠️" in resp.message.text()
    status = await h.app.engine.view(lambda t: t.s.get(Claim, 1).status)
    assert status == "delivered"

    resp = await h.press(h.alice, delivery, "Approve")
    assert resp.ephemeral and "Approved" in resp.message.text()
    assert await h.app.engine.view(lambda t: t.s.get(Claim, 1).status) == "approved"
    await h.pump(lambda: "completed" in card.embeds[0]["description"], what="a completed card")
    assert await h.dm_with(h.bob, "was approved")
    await fake.wait_for(lambda: thread.archived and thread.locked, what="the thread archived")

    resp = await h.press(h.carol, delivery, "Approve")  # too late, and not hers anyway
    assert resp.ephemeral and "⚠️" in resp.message.text()


async def test_restart_keeps_old_buttons_and_open_modals_working(h: DiscordHarness):
    await h.make_board()
    await h.make_profile(h.bob)
    card = await h.post_and_pay()
    resp = await h.slash(h.carol, "post", channel=h.board)  # a modal open across the restart
    modal = resp.modal

    old = h.service
    await h.restart()
    assert h.service is not old and h.fake.identifies[-1] is not h.fake.identifies[0]

    resp = await h.press(h.bob, card, "Claim")  # a button posted by the previous client
    assert resp.ephemeral and "Slot 1 is yours" in resp.message.text()
    await h.pump(lambda: "0 of 1 slot open" in card.embeds[0]["description"],
                 what="the old card edited by the new client")

    resp = await h.submit(h.carol, modal, {"title": "Banner", "description": "Wide",
                                            "reward": "10 eur", "slots": "2", "skills": "design"})
    assert resp.ephemeral and "step 2 of 2" in resp.message.text()


async def test_slow_answers_are_deferred_and_followed_up(h: DiscordHarness):
    await h.make_board()
    card = await h.post_and_pay()
    h.service.answerer.ack_budget = 0.0  # as if the database were slow: defer at once
    resp = await h.slash(h.bob, "wallet")
    assert resp.type == 5 and resp.ephemeral  # "thinking...", privately
    (msg,) = await h.replies()
    assert "Wallet" in msg.text() and msg.ephemeral

    resp = await h.press(h.bob, card, "Details")  # a press: acknowledged silently, then answered
    assert resp.type == 6
    (msg,) = await h.replies()
    assert msg.ephemeral and "Logo in SVG" in msg.text()

    resp = await h.slash(h.bob, "post", channel=h.board)  # too late for a modal: a button opens it
    assert resp.type == 5
    (msg,) = await h.replies()
    assert labels(msg) == ["Open the form"]
    h.service.answerer.ack_budget = 2.0
    resp = await h.press(h.bob, msg, "Open the form")
    assert resp.type == 9 and resp.modal["custom_id"] == "gbm:post:0"

    h.service.answerer.ack_budget = 0.0  # a public answer after a private "thinking..."
    resp = await h.slash(h.alice, "board", {"visibility": "public"}, channel=h.board)
    assert resp.type == 5
    public = await h.fake.wait_for_message(lambda m: "now the gig board" in m.text(),
                                           channel=h.board)
    assert not public.ephemeral
    await h.fake.wait_for(lambda: resp.message.content == "✓")


async def test_deliver_with_a_file_option_and_currency_autocomplete(h: DiscordHarness):
    fake = h.fake
    it = await fake.inject_autocomplete(h.alice, h.guild, h.board, "gig", {"currency": "eu"},
                                        "currency", subcommand="post")
    resp = await fake.wait_for_response(it)
    assert resp.type == 8 and resp.data["choices"][0] == {"name": "EUR", "value": "eur"}

    await h.make_board()
    await h.make_profile(h.bob)
    card = await h.post_and_pay(currency="eur")
    await h.press(h.bob, card, "Claim")
    resp = await h.slash(h.bob, "deliver", {"text": "Done, see the file",
                                            "file": ("logo.png", b"\x89PNG-bytes")})
    assert resp.ephemeral and "Delivered" in resp.message.text(), resp.message.text()
    delivery = await h.pump(lambda: next((m for m in fake.dm_messages_to(h.alice)
                                          if "Delivery for gig #1" in m.text()), None),
                            what="the delivery with its file")
    assert delivery.file_bytes("logo.png") == b"\x89PNG-bytes"
    assert "Done, see the file" in delivery.text()


async def test_board_needs_manage_server_and_warns_about_missing_permissions(h: DiscordHarness):
    resp = await h.slash(h.bob, "board", {"channel": h.board, "visibility": "members"})
    assert resp.ephemeral and "⚠️" in resp.message.text()  # bob may not manage the server

    from tests.fakes.discord_models import SEND_MESSAGES
    h.fake.set_overwrite(h.board, h.fake.bot_role(h.guild), deny=SEND_MESSAGES)
    await h.fake.wait_for(lambda: not h.service.client.get_channel(h.board.id)
                          .permissions_for(h.service.client.get_guild(h.guild.id).me).send_messages)
    resp = await h.slash(h.alice, "board", {"channel": h.board, "visibility": "members",
                                            "moderator_role": h.mods})
    assert not resp.ephemeral
    (_, warning) = await h.replies(count=2)
    assert warning.ephemeral and "Send Messages" in warning.text()

    # a holder of the moderator role becomes a moderator: /gig ban works for them
    h.fake.add_member(h.guild, h.carol, roles=[h.mods])
    await h.make_profile(h.bob)
    resp = await h.slash(h.carol, "ban", {"user": h.bob, "reason": "spam"})
    assert not resp.ephemeral and "can no longer post or claim" in resp.message.text()
