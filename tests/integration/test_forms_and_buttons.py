"""Forms and buttons as a person on a phone meets them (issue 12), in chat on the
whole product: a refusal closes the form, forms refuse before their first
question, claim numbers are optional with one claim and asked for with several,
and what each user saw."""
from __future__ import annotations


from sqlalchemy import select

from bot.payloads import button_payload
from core.domain.records import Claim, Community, ConversationState, Delivery, Dispute, Gig


async def q(chats, fn):
    return await chats.app.engine.view(lambda t: fn(t.s))


async def open_forms(chats) -> list[str]:
    return await q(chats, lambda s: [c.form for c in s.scalars(select(ConversationState))])


async def deliveries(chats) -> list:
    return await q(chats, lambda s: list(s.scalars(select(Delivery))))


async def cast(chats, *names: str):
    """bob and ``names`` at the Makers board."""
    board = await chats.board("Makers")
    return [chats.person(n, at=board) for n in ("bob", *names)]


async def onboard(*people) -> None:
    for person in people:
        await person.says("/profile skills=design,svg hours=any timezone=UTC", "/payout")


async def post(bob, extra: str = "", slots: int = 1) -> None:
    await bob.says(f'/post title="Logo in SVG" reward=25 currency=usd slots={slots} '
                   f"skills=design,svg {extra}")
    await bob.press("Pay")


def texts(replies) -> str:
    return "\n".join(r.text.plain_text() for r in replies)


def first_lines(person, since) -> list[str]:
    return [s.text.split("\n", 1)[0] for s in person.sent(since)]


# -- 1. a refusal that is not a field error closes the form ----------------------------

async def test_refused_deliver_form_closes_and_later_text_is_not_resubmitted(chats):
    """/deliver 5 for a claim that is not yours used to open the form and every
    later message re-submitted it with the same refusal until /cancel."""
    bob, alice, carol = await cast(chats, "alice", "carol")
    await onboard(alice, carol)
    await post(bob)
    await alice.press("Claim")
    asking = chats.mark()
    await carol.says("/deliver 1")
    assert "Only the freelancer who claimed this slot can do that." in carol.told(asking)
    answering = chats.mark()
    await carol.says("my work https://example.com/c.svg")
    assert "Deliver your work" not in chats.shown(asking)  # no question was asked
    assert "Only the freelancer" not in chats.shown(answering)
    assert await open_forms(chats) == []
    assert await deliveries(chats) == []


async def test_refusal_on_submit_closes_the_form(chats):
    """The claim was withdrawn while its delivery form was open: the submit is
    refused once, the form is closed and the next message is plain text again."""
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    await post(bob)
    await alice.press("Claim")
    await alice.says("/deliver 1")
    assert "Deliver your work" in alice.told()
    claim = await q(chats, lambda s: s.get(Claim, 1))
    await chats.app.engine.withdraw(claim.freelancer_id, 1)
    mark = chats.mark()
    await alice.says("here it is https://example.com/a.svg", "and again")
    assert chats.shown(mark).count("it cannot be delivered now") == 1
    assert await open_forms(chats) == []


async def test_field_error_without_its_own_field_goes_back_to_the_first_question(chats):
    """A delivery the engine refuses as input (too many links) asks again with the
    reason instead of closing the form or looping on the same answer."""
    links = " ".join(f"https://example.com/{i}.svg" for i in range(11))
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    await post(bob)
    await alice.press("Claim")
    await alice.says("/deliver 1")
    mark = chats.mark()
    await alice.says(links)
    tail = chats.shown(mark)
    assert "At most 10 links and 10 files." in tail
    assert "Deliver your work (1/1)" in tail
    assert await open_forms(chats) == ["deliver"]
    mark = chats.mark()
    await alice.says("the logo https://example.com/logo.svg")
    assert "Delivered claim #1 on gig #1." in chats.shown(mark)
    assert await open_forms(chats) == []


# -- 2. forms check who may act before the first question -------------------------------

async def test_request_revision_with_none_left_refuses_before_asking(chats):
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    await post(bob, "max_revisions=0")
    await alice.press("Claim")
    await alice.says("/deliver 1 done https://example.com/a.svg")
    await bob.says("/gig 1")
    mark = chats.mark()
    await bob.press("Review")
    # The button is not there at all with no revision left (item 5) ...
    assert "Request revision" not in chats.shown(mark)
    # ... and pressing an old one refuses before asking what should change.
    replies = await chats.person("bob").press(payload=button_payload("revise", 1))
    assert "All 0 revisions are used" in texts(replies)
    assert "What should the freelancer change?" not in texts(replies)
    assert await open_forms(chats) == []


async def test_forms_opened_by_someone_who_may_not_act_refuse_at_once(chats):
    bob, alice, carol = await cast(chats, "alice", "carol")
    await onboard(alice, carol)
    mark = chats.mark()
    await post(bob)
    await alice.press("Claim")
    await alice.says("/deliver 1 done https://example.com/a.svg")
    await carol.press("Claim")
    await carol.says("/dispute 1")
    assert "Why is the rejection wrong?" not in chats.shown(mark)
    assert "Only the freelancer whose delivery was rejected can dispute it." in chats.shown(mark)
    in_private = chats.person("carol")
    for verb, refusal in (("reject", "Only the client who posted this gig can do that."),
                          ("deliver", "Only the freelancer who claimed this slot"),
                          ("revise", "Only the client who posted this gig can do that.")):
        replies = await in_private.press(payload=button_payload(verb, 1))
        assert refusal in replies[0].text.plain_text(), verb
        assert replies[0].form is None
    assert await open_forms(chats) == []


async def test_second_apply_refuses_before_asking_for_a_pitch(chats):
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    await post(bob, "mode=apply")
    await alice.says("/gig 1")
    await alice.press("Apply")
    await alice.says("I do logos", "/gig 1")
    replies = await chats.person("alice").press(payload=button_payload("apply", 1))
    assert "You already applied to gig #1." in replies[0].text.plain_text()
    assert "Why are you a good fit?" not in replies[0].text.plain_text()
    assert await open_forms(chats) == []


# -- /deliver and /dispute without a claim number -------------------------------------

async def test_deliver_and_dispute_without_a_number_use_the_only_claim(chats):
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    mark = chats.mark()
    await post(bob)
    await alice.press("Claim")
    await alice.says("/deliver here is the logo https://example.com/logo.svg")
    await bob.says("/gig 1")
    await bob.press("Review")
    await bob.press("Reject")
    await bob.says("It is a PNG, not an SVG")
    await alice.says("/dispute I disagree, it is an SVG")
    assert "must be a number" not in chats.shown(mark)
    delivery = await q(chats, lambda s: s.scalar(select(Delivery)))
    assert delivery.text == "here is the logo https://example.com/logo.svg"
    assert delivery.links == "https://example.com/logo.svg"
    dispute = await q(chats, lambda s: s.scalar(select(Dispute)))
    assert dispute.reason == "I disagree, it is an SVG"


async def test_deliver_without_a_number_with_several_claims_asks_which(chats):
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    alice_id = await alice.user_id()
    from core.domain.records import ReputationStats

    def seasoned(t):  # past the newcomer's one-claim limit
        t.s.add(ReputationStats(user_id=alice_id, approved=1))
    await chats.app.engine.tx(seasoned)
    await post(bob)
    await bob.says('/post title="Banner" reward=20 currency=usd slots=1 skills=design')
    await bob.press("Pay")
    await chats.app.engine.claim_slot(alice_id, 1)
    await chats.app.engine.claim_slot(alice_id, 2)
    mark = chats.mark()
    await alice.says("/deliver here is the logo https://example.com/logo.svg")
    tail = chats.shown(mark)
    assert "You have 2 claims this can be for; which one?" in tail
    assert "claim #1 on gig #1: Logo in SVG" in tail
    assert "claim #2 on gig #2: Banner" in tail
    assert "Deliver claim #1" in tail and "Deliver claim #2" in tail
    assert await deliveries(chats) == []


# -- 3. the guided /post sets every option, skips what is optional -----------------------

GUIDED = ("/post", "Logo in SVG", "skip", "25 usd", "1", "design", "-", "apply", "0", "2d")


async def test_guided_post_sets_mode_revisions_review_window_and_skips_the_description(chats):
    [bob] = await cast(chats)
    await bob.says(*GUIDED, "skip")
    assert "Optional: send skip (or -) to leave it out." in bob.told()
    gig = await q(chats, lambda s: s.get(Gig, 1))
    assert gig is not None, bob.told()
    assert (gig.description, gig.mode, gig.max_revisions, gig.review_seconds) == (
        "", "apply", 0, 2 * 86400)
    assert await open_forms(chats) == []


async def test_guided_post_on_a_fair_pay_board_asks_for_the_estimate_instead_of_dead_ending(
        chats):
    [bob] = await cast(chats)  # the board exists

    def floor(t):
        community = t.s.scalar(select(Community))
        community.min_hourly_rate_minor = 3000  # 30.00 an hour
    await chats.app.engine.tx(floor)
    await bob.says(*GUIDED)
    mark = chats.mark()
    await bob.says("skip")
    tail = chats.shown(mark)
    assert "asks for an estimate in minutes" in tail and "Post a gig (10/10)" in tail
    assert await open_forms(chats) == ["post"]
    mark = chats.mark()
    await bob.says("90")  # 25.00 for 90 minutes is below 30.00/h
    assert "fair-pay floor" in chats.shown(mark) and "Post a gig (3/10)" in chats.shown(mark)
    await bob.says("50 usd")
    gig = await q(chats, lambda s: s.get(Gig, 1))
    assert gig is not None and gig.reward_minor == 5000 and gig.estimated_minutes == 90, \
        bob.told()


# -- 5. buttons only where the viewer can use them ---------------------------------------

def labels(replies) -> list[list[str]]:
    return [[b.label for b in row] for r in replies for row in r.buttons]


async def test_a_viewers_own_card_shows_only_buttons_they_can_use(chats):
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    await post(bob, "max_revisions=0")
    bob, alice = chats.person("bob"), chats.person("alice")  # in their private chats
    own = await bob.says("/gig 1")
    assert "Claim" not in sum(labels(own), [])  # no Claim on your own gig
    assert "Cancel gig" in sum(labels(own), [])
    claimed = await alice.press(payload=button_payload("claim", 1))
    assert labels(claimed)[0] == ["Deliver", "Withdraw"]  # the thumb spot: Deliver
    assert "Claim" not in sum(labels(claimed), [])
    again = await alice.says("/gig 1")
    assert labels(again)[0] == ["Deliver", "Withdraw"]
    assert "Claim" not in sum(labels(again), [])
    await alice.says("/deliver 1 done https://example.com/a")
    review = await bob.press(payload=button_payload("show_delivery", 1))
    assert labels(review) == [["Approve", "Reject"]]  # no revision left to ask for


async def test_the_public_board_card_keeps_claim_and_pressing_it_refuses_clearly(chats):
    bob, alice = await cast(chats, "alice")
    board = bob.at
    await onboard(alice)
    await post(bob)
    cards = [s for s in board.sent() if s.text.startswith("#1 Logo in SVG")]
    assert cards and cards[-1].labels[0] == "Claim"
    replies = await bob.press(payload=button_payload("claim", 1))  # on the board
    assert "This is your own gig; you cannot take it." in replies[0].text.plain_text()
    assert await q(chats, lambda s: list(s.scalars(select(Claim)))) == []


# -- 6. a personal card asked for in a public chat ---------------------------------------

async def test_personal_card_in_a_group_is_public_and_the_controls_go_privately(chats):
    group = chats.group("Makers", vouches=True)
    bob = chats.person("bob", at=group)
    await bob.says("/post title=Logo reward=25")
    await bob.press("Pay")
    mark = chats.mark()
    replies = await bob.says("/gig 1")
    public = [r for r in replies if not r.private]
    private = [r for r in replies if r.private]
    assert len(public) == 1 and "Cancel gig" not in sum(labels(public), [])
    assert "Cancel gig" in sum(labels(private), [])
    log = chats.platform().log[mark["fake"]:]
    assert [s.kind for s in log if s.kind in ("answer", "direct")].count("direct") == 1
    answered = [s for s in log if s.kind == "answer" and "Logo" in s.text]
    assert answered and not answered[0].private  # the public card, in the group


# -- 7. one action, one message -----------------------------------------------------------

async def test_a_claim_and_an_approval_each_send_one_message(chats):
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    # two slots: the approval does not also complete the gig (its own news)
    await post(bob, slots=2)
    claiming = chats.mark()
    await alice.press("Claim")
    delivering = chats.mark()
    await alice.says("/deliver 1 done https://example.com/a.svg")
    claim_part = alice.sent(claiming)[:len(alice.sent(claiming)) - len(alice.sent(delivering))]
    assert len(claim_part) == 1 and "Slot 1 is yours" in claim_part[0].text
    approving = chats.mark()
    await bob.press("Approve")
    [to_bob] = bob.sent(approving)
    assert to_bob.shown().count("★★★★★") == 1  # one row of stars
    assert [line.startswith("Your delivery for #1 Logo in SVG was approved")
            for line in first_lines(alice, approving)].count(True) == 1


async def test_the_freelancer_is_not_told_about_the_clients_refund(chats):
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    await post(bob)
    await alice.press("Claim")
    await alice.says("/deliver 1 done https://example.com/a.svg")
    await bob.press("Reject")
    await bob.says("It is a PNG, not an SVG")
    mark = chats.mark()
    await chats.clock("+73h")
    assert any(line.startswith("The rejected slot of #1 Logo in SVG was refunded")
               for line in first_lines(bob, mark))
    to_alice = first_lines(alice, mark)
    assert to_alice and all("refund" not in line.lower() for line in to_alice)
    assert "the rejection stands" in "\n".join(to_alice)


# -- 8. gig numbers and claim numbers are told apart --------------------------------------

async def test_messages_name_claims_with_their_gig(chats):
    """Gig #2's claim is claim #1: every message that names the claim says so."""
    bob, alice = await cast(chats, "alice")
    await onboard(alice)
    await post(bob)
    await bob.says('/post title="Banner" reward=20 currency=usd slots=1 skills=design '
                   "max_revisions=1")
    await bob.press("Pay")
    await chats.app.engine.claim_slot(await alice.user_id(), 2)
    mark = chats.mark()
    await alice.says("/deliver 1 first try https://example.com/b.png")
    await bob.says("/gig 2")
    await bob.press("Review")
    await bob.press("Request revision")
    await bob.says("Bigger letters")
    out = chats.shown(mark)
    assert "Delivered claim #1 on gig #2." in out
    assert any(line.startswith("Delivery for gig #2: Banner") for line in first_lines(bob, mark))
    assert "claim #1 on gig #2 · revision 0" in out
    assert "Sent back: revision 1 of 1 for claim #1 on gig #2." in out
    assert any(line.startswith("The client asks for a revision of claim #1 on gig #2 (Banner):")
               for line in first_lines(alice, mark))
