"""Wrong, missing, oversized, hostile and stale input at the conversation level:
each gets a clear reply, no traceback, and changes nothing it should not."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.runtime.app import App
from bot.conversation import Place, PlaceKind
from bot.runtime.settings import Settings
from core.domain.clock import ManualClock
from core.domain.records import AuditEvent, Claim, ConversationState, Gig, LedgerEntry, SandboxPayment




def dm(chat: str) -> Place:
    return Place("console", PlaceKind.dm, chat)


def text_of(replies) -> str:
    return "\n".join(r.text.plain_text() for r in replies)


async def actor(app, name):
    a = await app.conversation.actor("console", name, name)
    await app.engine.update_profile(a.user_id, {"skills": "design", "hours": "any"})
    await app.engine.setup_payouts(a.user_id)
    return a


async def snapshot(app) -> tuple:
    def count(t):
        return tuple(t.s.scalar(select(func.count()).select_from(m)) for m in
                     (Gig, Claim, LedgerEntry, AuditEvent, SandboxPayment))
    return await app.engine.view(count)


async def funded_gig(app, client, **extra) -> int:
    fields = {"title": "Logo", "reward": "25", "slots": "1", **extra}
    replies = await app.conversation.command(client, dm(client.platform_user_id), "post", fields)
    pay = next(b for r in replies for b in r.all_buttons() if b.payload and b.payload.startswith("pay:"))
    await app.conversation.press(client, dm(client.platform_user_id), pay.payload)
    await app.tick()
    return int(pay.payload.split(":")[1])


@pytest.mark.parametrize("name,args,expect", [
    ("frobnicate", "", "I don't know /frobnicate"),
    ("gig", "", "/gig needs id"),
    ("gig", "abc", "id must be a number"),
    ("gig", "99999", "There is no gig #99999"),
    ("post", 'title="unclosed reward=5', "A quote is not closed"),
    ("post", "title=Logo", "The reward is required"),
    ("post", "title=Logo reward=-5", "must be more than zero"),
    ("post", "title=Logo reward=12.345", "USD has 2 decimal places"),
    ("post", "title=Logo reward=NaN", "finite"),
    ("post", "title=Logo reward=5 currency=xyz", "Unknown currency"),
    ("post", "title=" + "x" * 10_000 + " reward=5", "too long"),
    ("post", "title=" + "x" * 500 + " reward=5", "the limit is 120"),
    ("post", "title=Logo reward=5 colour=red", "Unknown field 'colour'"),
    ("rate", "1 9", "stars must be between 1 and 5"),
    ("resolve", "1 5", "There is no claim #1"),
    ("gigs", "design page=0", "page must be between 1 and 1000"),
    ("profile", "timezone=Mars/Olympus", "Unknown time zone"),
    ("profile", "hours=25-3", "start hour must be between 0 and 23"),
    ("link", "NOPE1234", "unknown, used or expired"),
])
async def test_bad_commands_get_clear_replies_and_change_nothing(app, name, args, expect):
    bob = await actor(app, "bob")
    before = await snapshot(app)
    replies = await app.conversation.command(bob, dm("bob"), name, args)
    assert expect in text_of(replies)
    assert all(r.private for r in replies)
    assert "Traceback" not in text_of(replies)
    assert await snapshot(app) == before


async def test_markup_and_mentions_in_titles_stay_plain_text(app):
    bob = await actor(app, "bob")
    title = '<b>@everyone</b> <a href="x">*click*</a> @here'
    replies = await app.conversation.command(bob, dm("bob"), "post",
                                             {"title": title, "reward": "5"})
    spans = [s for r in replies for s in r.text.spans if title in s.text]
    assert spans and all(s.style in ("plain", "bold") and s.url is None for s in spans)


async def test_button_for_someone_else_is_refused(app):
    bob, alice, carol = [await actor(app, n) for n in ("bob", "alice", "carol")]
    gig_id = await funded_gig(app, bob)
    claim = await app.engine.claim_slot(alice.user_id, gig_id)
    await app.engine.deliver(alice.user_id, claim.id, "done")
    before = await snapshot(app)
    replies = await app.conversation.press(carol, dm("carol"), f"ok:{claim.id}")
    assert "Only the client who posted this gig can do that." in text_of(replies)
    assert replies[0].alert
    assert await snapshot(app) == before


async def test_stale_claim_button_after_the_last_slot_went(app):
    bob, alice, carol = [await actor(app, n) for n in ("bob", "alice", "carol")]
    gig_id = await funded_gig(app, bob)
    await app.conversation.press(alice, dm("alice"), f"cl:{gig_id}")
    before = await snapshot(app)
    replies = await app.conversation.press(carol, dm("carol"), f"cl:{gig_id}")
    assert "No slot left on gig" in text_of(replies)
    assert await snapshot(app) == before


async def test_spanish_user_gets_the_refusal_in_spanish(app):
    """Core raises NoSlotLeft with an English template; error_reply translates it."""
    bob, alice = [await actor(app, n) for n in ("bob", "alice")]
    ana = await app.conversation.actor("console", "ana", "Ana", locale="es")
    gig_id = await funded_gig(app, bob)
    await app.conversation.press(alice, dm("alice"), f"cl:{gig_id}")
    before = await snapshot(app)
    replies = await app.conversation.press(ana, dm("ana"), f"cl:{gig_id}")
    text = text_of(replies)
    assert f"No quedan plazas en el trabajo #{gig_id}: ya están ocupadas todas (1)." in text, text
    assert text.startswith("⚠️ ") and "No slot left on gig" not in text
    assert replies[0].private
    assert await snapshot(app) == before
    # the same refusal stays English for an English user
    carol = await actor(app, "carol")
    english = text_of(await app.conversation.press(carol, dm("carol"), f"cl:{gig_id}"))
    assert english == f"⚠️ No slot left on gig #{gig_id}: all 1 are taken."


async def test_double_press_acts_once(app):
    bob, alice = [await actor(app, n) for n in ("bob", "alice")]
    gig_id = await funded_gig(app, bob)
    claim = await app.engine.claim_slot(alice.user_id, gig_id)
    await app.engine.deliver(alice.user_id, claim.id, "done")
    first = await app.conversation.press(bob, dm("bob"), f"ok:{claim.id}")
    second = await app.conversation.press(bob, dm("bob"), f"ok:{claim.id}")
    await app.tick()
    assert "Approved." in text_of(first)
    assert "it cannot be approved now" in text_of(second)
    transfers = await app.engine.view(lambda t: t.s.scalar(
        select(func.count()).select_from(SandboxPayment).where(SandboxPayment.kind == "transfer")))
    assert transfers == 1


@pytest.mark.parametrize("payload", ["zz:1", "ok:abc", "ok:" + "9" * 80, "", "cl:1:<script>",
                                     "ok:999999"])
async def test_forged_or_garbage_payloads(app, payload):
    bob = await actor(app, "bob")
    before = await snapshot(app)
    replies = await app.conversation.press(bob, dm("bob"), payload)
    text = text_of(replies)
    assert "not valid any more" in text or "There is no claim" in text
    assert await snapshot(app) == before


async def test_form_abandoned_halfway_resumes_after_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    clock = ManualClock(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc))
    first = App(Settings(database_url=url, _env_file=None), clock=clock)
    await first.prepare()
    bob = await first.conversation.actor("console", "bob", "bob")
    await first.conversation.command(bob, dm("bob"), "post", "")
    await first.conversation.text(bob, dm("bob"), "Logo in SVG")
    replies = await first.conversation.text(bob, dm("bob"), "A vector logo for my shop")
    assert "Reward per slot" in text_of(replies)
    await first.close()

    second = App(Settings(database_url=url, _env_file=None), clock=clock)  # a restart
    await second.prepare()
    bob = await second.conversation.actor("console", "bob", "bob")
    bad = await second.conversation.text(bob, dm("bob"), "12.345 usd")
    assert "decimal places" in text_of(bad) and "Reward per slot" in text_of(bad)
    # "-" and "skip" leave the optional steps out (issue 12: mode, revisions, review, estimate)
    for answer in ("25 usd", "2", "design, svg", "-", "-", "skip", "-", "skip"):
        replies = await second.conversation.text(bob, dm("bob"), answer)
    assert "Preview." in text_of(replies)
    gig = await second.engine.view(lambda t: t.s.scalar(select(Gig)))
    assert (gig.title, gig.reward_minor, gig.slots, gig.skills) == ("Logo in SVG", 2500, 2, "design,svg")
    left = await second.engine.view(lambda t: t.s.scalar(select(func.count()).select_from(ConversationState)))
    assert left == 0
    await second.close()


async def test_cancel_leaves_a_form(app):
    bob = await actor(app, "bob")
    await app.conversation.command(bob, dm("bob"), "post", "")
    replies = await app.conversation.command(bob, dm("bob"), "cancel", "")
    assert "Cancelled" in text_of(replies)
    replies = await app.conversation.text(bob, dm("bob"), "Logo")
    assert "/help" in text_of(replies)
    assert (await snapshot(app))[0] == 0
