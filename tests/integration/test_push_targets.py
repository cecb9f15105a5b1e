"""Whom a new gig is pushed to: freelancers whose skills it names, and those who
asked for every gig (/settings notify=all). A gig naming no skill is not pushed
to everyone who ever said /start."""
from __future__ import annotations


def pushed_to(people, since) -> set[str]:
    return {p.name for p in people for s in p.sent(since)
            if s.text.split("\n", 1)[0].endswith("New gig for you")}


async def cast(chats):
    board = await chats.board("Makers")
    return board, [chats.person(n, at=board) for n in ("alice", "bob", "carol", "dave")]


async def test_gig_without_skills_goes_only_to_those_who_want_every_gig(chats):
    board, people = await cast(chats)
    alice, bob, carol, dave = people
    mark = chats.mark()
    await alice.says("/profile skills=design hours=any")
    await carol.says("/start", "/cancel")
    await dave.says("/settings notify=all")
    await bob.says('/post title="Proofread my letter" reward=10 currency=usd')
    await bob.press("Pay")
    assert pushed_to(people, mark) == {"dave"}
    mark = chats.mark()
    await bob.says('/post title="Logo in SVG" reward=25 currency=usd skills=design')
    await bob.press("Pay")
    assert pushed_to(people, mark) == {"alice", "dave"}


async def test_notify_on_after_all_means_matching_gigs_only(chats):
    board, people = await cast(chats)
    _, bob, _, dave = people
    mark = chats.mark()
    await dave.says("/settings notify=all", "/settings notify=on")
    await bob.says('/post title="Proofread my letter" reward=10 currency=usd')
    await bob.press("Pay")
    assert pushed_to(people, mark) == set()


async def test_an_unknown_notify_value_names_the_three_and_changes_nothing(chats):
    board, (*_, dave) = await cast(chats)
    await dave.says("/settings notify=all", "/settings notify=maybe")
    assert "notify is on or off, or all for every new gig" in dave.told()
    profile = await chats.app.engine.profile(await dave.user_id())
    assert profile.notify_new_gigs and profile.notify_all_gigs
