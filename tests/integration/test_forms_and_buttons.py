"""Forms and buttons as a person on a phone meets them (issue 12), through scripted
console sessions on the whole product: a refusal closes the form, forms refuse
before their first question, claim numbers are optional with one claim and asked
for with several, and what each user saw."""
from __future__ import annotations


from sqlalchemy import select

from bot.payloads import button_payload
from bot.runtime.app import App
from bot.conversation import Place, PlaceKind
from core.domain.records import Claim, Community, ConversationState, Delivery, Dispute, Gig
from tests.console_script import run_script


async def q(app: App, fn):
    return await app.engine.view(lambda t: fn(t.s))


async def open_forms(app: App) -> list[str]:
    return await q(app, lambda s: [c.form for c in s.scalars(select(ConversationState))])


def onboard(*names: str) -> str:
    return "".join(f"""
/as {n}
/profile skills=design,svg hours=any timezone=UTC
/payout
""" for n in names)


def post(extra: str = "", slots: int = 1) -> str:
    return f"""
/as bob
/post title="Logo in SVG" reward=25 currency=usd slots={slots} skills=design,svg {extra}
/press Pay
"""


def after(out: str, marker: str) -> str:
    """What was printed after the last line starting with ``marker``."""
    return out[out.rindex(marker):]


# -- 1. a refusal that is not a field error closes the form ----------------------------

async def test_refused_deliver_form_closes_and_later_text_is_not_resubmitted(app):
    """/deliver 5 for a claim that is not yours used to open the form and every
    later message re-submitted it with the same refusal until /cancel."""
    out = await run_script(app, onboard("alice", "carol") + post() + """
/as alice
/press Claim
/as carol
/deliver 1
my work https://example.com/c.svg
""")
    tail = after(out, "carol> /deliver 1")
    assert "Only the freelancer who claimed this slot can do that." in tail
    assert "Deliver your work" not in tail  # no question was asked
    assert "carol> my work" in out and "Only the freelancer" not in after(out, "carol> my work")
    assert await open_forms(app) == []
    assert await q(app, lambda s: list(s.scalars(select(Delivery)))) == []


async def test_refusal_on_submit_closes_the_form(app):
    """The claim was withdrawn while its delivery form was open: the submit is
    refused once, the form is closed and the next message is plain text again."""
    out = await run_script(app, onboard("alice") + post() + """
/as alice
/press Claim
/deliver 1
""")
    assert "Deliver your work" in out
    claim = await q(app, lambda s: s.get(Claim, 1))
    await app.engine.withdraw(claim.freelancer_id, 1)
    out = await run_script(app, """
/as alice
here it is https://example.com/a.svg
and again
""")
    assert out.count("it cannot be delivered now") == 1
    assert await open_forms(app) == []


async def test_field_error_without_its_own_field_goes_back_to_the_first_question(app):
    """A delivery the engine refuses as input (too many links) asks again with the
    reason instead of closing the form or looping on the same answer."""
    links = " ".join(f"https://example.com/{i}.svg" for i in range(11))
    out = await run_script(app, onboard("alice") + post() + f"""
/as alice
/press Claim
/deliver 1
{links}
""")
    tail = after(out, "alice> https://")
    assert "At most 10 links and 10 files." in tail
    assert "Deliver your work (1/1)" in tail
    assert await open_forms(app) == ["deliver"]
    out = await run_script(app, """
/as alice
the logo https://example.com/logo.svg
""")
    assert "Delivered claim #1 on gig #1." in out
    assert await open_forms(app) == []


# -- 2. forms check who may act before the first question -------------------------------

async def test_request_revision_with_none_left_refuses_before_asking(app):
    out = await run_script(app, onboard("alice") + post("max_revisions=0") + """
/as alice
/press Claim
/deliver 1 done https://example.com/a.svg
/as bob
/gig 1
/press Review
""")
    # The button is not there at all with no revision left (item 5) ...
    assert "Request revision" not in after(out, "bob> /press Review")
    # ... and pressing an old one refuses before asking what should change.
    client = await app.conversation.actor("console", "bob", "bob")
    replies = await app.conversation.press(client, Place("console", PlaceKind.dm, "bob"),
                                           button_payload("revise", 1))
    text = "\n".join(r.text.plain_text() for r in replies)
    assert "All 0 revisions are used" in text
    assert "What should the freelancer change?" not in text
    assert await open_forms(app) == []


async def test_forms_opened_by_someone_who_may_not_act_refuse_at_once(app):
    out = await run_script(app, onboard("alice", "carol") + post() + """
/as alice
/press Claim
/deliver 1 done https://example.com/a.svg
/as carol
/press Claim
/dispute 1
""")
    assert "Why is the rejection wrong?" not in out
    assert "Only the freelancer whose delivery was rejected can dispute it." in out
    carol = await app.conversation.actor("console", "carol", "carol")
    here = Place("console", PlaceKind.dm, "carol")
    for verb, refusal in (("reject", "Only the client who posted this gig can do that."),
                          ("deliver", "Only the freelancer who claimed this slot"),
                          ("revise", "Only the client who posted this gig can do that.")):
        replies = await app.conversation.press(carol, here, button_payload(verb, 1))
        assert refusal in replies[0].text.plain_text(), verb
        assert replies[0].form is None
    assert await open_forms(app) == []


async def test_second_apply_refuses_before_asking_for_a_pitch(app):
    await run_script(app, onboard("alice") + post("mode=apply") + """
/as alice
/gig 1
/press Apply
I do logos
/gig 1
""")
    alice = await app.conversation.actor("console", "alice", "alice")
    replies = await app.conversation.press(alice, Place("console", PlaceKind.dm, "alice"),
                                           button_payload("apply", 1))
    assert "You already applied to gig #1." in replies[0].text.plain_text()
    assert "Why are you a good fit?" not in replies[0].text.plain_text()
    assert await open_forms(app) == []


# -- /deliver and /dispute without a claim number -------------------------------------

async def test_deliver_and_dispute_without_a_number_use_the_only_claim(app):
    out = await run_script(app, onboard("alice") + post() + """
/as alice
/press Claim
/deliver here is the logo https://example.com/logo.svg
/as bob
/gig 1
/press Review
/press Reject
It is a PNG, not an SVG
/as alice
/dispute I disagree, it is an SVG
""")
    assert "must be a number" not in out
    delivery = await q(app, lambda s: s.scalar(select(Delivery)))
    assert delivery.text == "here is the logo https://example.com/logo.svg"
    assert delivery.links == "https://example.com/logo.svg"
    dispute = await q(app, lambda s: s.scalar(select(Dispute)))
    assert dispute.reason == "I disagree, it is an SVG"


async def test_deliver_without_a_number_with_several_claims_asks_which(app):
    await run_script(app, onboard("alice"))
    alice = await app.conversation.actor("console", "alice", "alice")
    from core.domain.records import ReputationStats

    def seasoned(t):  # past the newcomer's one-claim limit
        t.s.add(ReputationStats(user_id=alice.user_id, approved=1))
    await app.engine.tx(seasoned)
    await run_script(app, post() + """
/post title="Banner" reward=20 currency=usd slots=1 skills=design
/press Pay
""")
    await app.engine.claim_slot(alice.user_id, 1)
    await app.engine.claim_slot(alice.user_id, 2)
    out = await run_script(app, """
/as alice
/deliver here is the logo https://example.com/logo.svg
""")
    tail = after(out, "alice> /deliver here is the logo")
    assert "You have 2 claims this can be for; which one?" in tail
    assert "claim #1 on gig #1: Logo in SVG" in tail
    assert "claim #2 on gig #2: Banner" in tail
    assert "Deliver claim #1" in tail and "Deliver claim #2" in tail
    assert await q(app, lambda s: list(s.scalars(select(Delivery)))) == []


# -- 3. the guided /post sets every option, skips what is optional -----------------------

GUIDED = """
/as bob
/post
Logo in SVG
skip
25 usd
1
design
-
apply
0
2d
"""


async def test_guided_post_sets_mode_revisions_review_window_and_skips_the_description(app):
    out = await run_script(app, GUIDED + "skip\n")
    assert "Optional: send skip (or -) to leave it out." in out
    gig = await q(app, lambda s: s.get(Gig, 1))
    assert gig is not None, out
    assert (gig.description, gig.mode, gig.max_revisions, gig.review_seconds) == (
        "", "apply", 0, 2 * 86400)
    assert await open_forms(app) == []


async def test_guided_post_on_a_fair_pay_board_asks_for_the_estimate_instead_of_dead_ending(app):
    await run_script(app, "/as bob\n/gigs\n")  # the console board exists

    def floor(t):
        community = t.s.scalar(select(Community))
        community.min_hourly_rate_minor = 3000  # 30.00 an hour
    await app.engine.tx(floor)
    out = await run_script(app, GUIDED + "skip\n")
    tail = after(out, "bob> skip")
    assert "asks for an estimate in minutes" in tail and "Post a gig (10/10)" in tail
    assert await open_forms(app) == ["post"]
    out = await run_script(app, "/as bob\n90\n")  # 25.00 for 90 minutes is below 30.00/h
    assert "fair-pay floor" in out and "Post a gig (3/10)" in out
    out = await run_script(app, "/as bob\n50 usd\n")
    gig = await q(app, lambda s: s.get(Gig, 1))
    assert gig is not None and gig.reward_minor == 5000 and gig.estimated_minutes == 90, out


# -- 5. buttons only where the viewer can use them ---------------------------------------

def dm(name: str) -> Place:
    return Place("console", PlaceKind.dm, name)


def labels(replies) -> list[list[str]]:
    return [[b.label for b in row] for r in replies for row in r.buttons]


async def test_a_viewers_own_card_shows_only_buttons_they_can_use(app):
    await run_script(app, onboard("alice") + post("max_revisions=0"))
    bob = await app.conversation.actor("console", "bob", "bob")
    alice = await app.conversation.actor("console", "alice", "alice")
    own = await app.conversation.command(bob, dm("bob"), "gig", "1")
    assert "Claim" not in sum(labels(own), [])  # no Claim on your own gig
    assert "Cancel gig" in sum(labels(own), [])
    claimed = await app.conversation.press(alice, dm("alice"), button_payload("claim", 1))
    assert labels(claimed)[0] == ["Deliver", "Withdraw"]  # the thumb spot: Deliver
    assert "Claim" not in sum(labels(claimed), [])
    again = await app.conversation.command(alice, dm("alice"), "gig", "1")
    assert labels(again)[0] == ["Deliver", "Withdraw"]
    assert "Claim" not in sum(labels(again), [])
    await app.conversation.command(alice, dm("alice"), "deliver", "1 done https://example.com/a")
    review = await app.conversation.press(bob, dm("bob"), button_payload("show_delivery", 1))
    assert labels(review) == [["Approve", "Reject"]]  # no revision left to ask for


async def test_the_public_board_card_keeps_claim_and_pressing_it_refuses_clearly(app):
    out = await run_script(app, onboard("alice") + post())
    assert "[board] #1 Logo in SVG" in out and "[1] Claim" in after(out, "[board] #1")
    bob = await app.conversation.actor("console", "bob", "bob")
    replies = await app.conversation.press(bob, Place("console", PlaceKind.board, "board"),
                                           button_payload("claim", 1))
    assert "This is your own gig; you cannot take it." in replies[0].text.plain_text()
    assert await q(app, lambda s: list(s.scalars(select(Claim)))) == []


# -- 6. a personal card asked for in a public chat ---------------------------------------

async def test_personal_card_in_a_group_is_public_and_the_controls_go_privately(app):
    from bot.delivery.service import PlatformDelivery
    from tests.conversation_platform import RecordingExchange, RecordingPlatform, origin
    fake = RecordingPlatform()
    delivery = PlatformDelivery(app.engine, fake)
    bob = await app.conversation.actor("fake", "u-bob", "bob")
    group = await app.conversation.community_place("fake", "group-1", "Makers", member=bob)
    posted = await app.conversation.command(bob, group, "post", "title=Logo reward=25")
    pay = next(b for b in sum((r.all_buttons() for r in posted), []) if b.label.startswith("Pay"))
    await app.conversation.press(bob, group, pay.payload)
    replies = await app.conversation.command(bob, group, "gig", "1")
    public = [r for r in replies if not r.private]
    private = [r for r in replies if r.private]
    assert len(public) == 1 and "Cancel gig" not in sum(labels(public), [])
    assert "Cancel gig" in sum(labels(private), [])
    await delivery.replies.deliver(RecordingExchange(fake, origin(
        bob.user_id, platform="fake", chat="group-1", speaker="u-bob", community_id=1)), replies)
    assert [s.kind for s in fake.log if s.kind in ("answer", "direct")].count("direct") == 1
    answered = [s for s in fake.of("answer") if "Logo" in s.text]
    assert answered and not answered[0].private  # the public card, in the group


# -- 7. one action, one message -----------------------------------------------------------

async def test_a_claim_and_an_approval_each_send_one_message(app):
    # two slots: the approval does not also complete the gig (its own news)
    out = await run_script(app, onboard("alice") + post(slots=2) + """
/as alice
/press Claim
/deliver 1 done https://example.com/a.svg
/as bob
/press Approve
""")
    claim_part = out[out.index("alice> /press Claim"):out.index("alice> /deliver")]
    assert claim_part.count("[to alice]") == 1 and "Slot 1 is yours" in claim_part
    approve_part = after(out, "bob> /press Approve")
    assert approve_part.count("[to bob]") == 1
    to_bob = approve_part[approve_part.index("[to bob]"):]
    to_bob = to_bob[:to_bob.index("\n[", 1)]
    assert to_bob.count("★★★★★") == 1  # one row of stars
    assert approve_part.count("[to alice] Your delivery for #1 Logo in SVG was approved") == 1


async def test_the_freelancer_is_not_told_about_the_clients_refund(app):
    out = await run_script(app, onboard("alice") + post() + """
/as alice
/press Claim
/deliver 1 done https://example.com/a.svg
/as bob
/press Reject
It is a PNG, not an SVG
/clock +73h
""")
    tail = after(out, "/clock +73h")
    assert "[to bob] The rejected slot of #1 Logo in SVG was refunded" in tail
    to_alice = [line for line in tail.splitlines() if line.startswith("[to alice]")]
    assert to_alice and all("refund" not in line.lower() for line in to_alice)
    assert "the rejection stands" in "\n".join(to_alice)


# -- 8. gig numbers and claim numbers are told apart --------------------------------------

async def test_messages_name_claims_with_their_gig(app):
    """Gig #2's claim is claim #1: every message that names the claim says so."""
    out = await run_script(app, onboard("alice") + post() + """
/as bob
/post title="Banner" reward=20 currency=usd slots=1 skills=design max_revisions=1
/press Pay
""")
    alice = await app.conversation.actor("console", "alice", "alice")
    await app.engine.claim_slot(alice.user_id, 2)
    out = await run_script(app, """
/as alice
/deliver 1 first try https://example.com/b.png
/as bob
/gig 2
/press Review
/press Request revision
Bigger letters
""")
    assert "Delivered claim #1 on gig #2." in out
    assert "[to bob] Delivery for gig #2: Banner" in out
    assert "claim #1 on gig #2 · revision 0" in out
    assert "Sent back: revision 1 of 1 for claim #1 on gig #2." in out
    assert "[to alice] The client asks for a revision of claim #1 on gig #2 (Banner):" in out
