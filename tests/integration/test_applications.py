"""Applications as both sides meet them in chat: the client sees each applicant's
pitch and reputation; when the slots fill, the applicants who were not picked are
told and their applications close; a freelancer finds their own applications in
/mygigs."""
from __future__ import annotations


from sqlalchemy import select

from core.domain.records import Application, Claim


async def applied(chats):
    """bob's gig takes applications; alice, carol and dan apply with a pitch."""
    board = await chats.board("Makers")
    alice, bob, carol, dan = (chats.person(n, at=board) for n in ("alice", "bob", "carol", "dan"))
    for freelancer in (alice, carol, dan):
        await freelancer.says("/profile skills=design hours=any")
    await bob.says('/post title="Logo" reward=25 currency=usd skills=design mode=apply')
    await bob.press("Pay")
    await alice.press("Apply")
    await alice.says("I have done 40 logos")
    await carol.says("/gigs")
    await carol.press("Apply")
    await carol.says("Pick me, I am quick")
    await dan.says("/gigs")
    await dan.press("Apply")
    await dan.says("Happy to help")
    return alice, bob, carol, dan


async def test_client_sees_pitch_and_reputation_and_the_others_are_told_when_slots_fill(chats):
    alice, bob, carol, dan = await applied(chats)
    for name, pitch in (("alice", "I have done 40 logos"), ("carol", "Pick me, I am quick")):
        [notice] = [s.shown().split(f"{name} applied to", 1)[1] for s in bob.sent()
                    if f"{name} applied to" in s.text]
        assert pitch in notice and "Reputation 56/100" in notice and "Skills: design" in notice
    mark = chats.mark()
    await bob.says("/mygigs")
    assert bob.told(mark).count("Reputation 56/100") == 3  # each waiting applicant, with the pitch
    assert "Pick me, I am quick" in bob.told(mark)

    mark = chats.mark()
    await bob.says("/mygigs")
    await bob.press("Accept")  # dan's: the latest
    for person in (alice, carol):
        assert "All slots of #1 Logo are taken, so your application is closed." in person.told(
            mark)
    assert "taken, so your application" not in dan.told(mark)
    apps = await chats.app.engine.view(lambda t: sorted(
        (a.id, a.status) for a in t.s.scalars(select(Application))))
    assert apps == [(1, "closed"), (2, "closed"), (3, "accepted")]
    assert len(await chats.app.engine.view(lambda t: list(t.s.scalars(select(Claim))))) == 1
    # The ones not picked see it in /mygigs; a closed application cannot be accepted.
    mark = chats.mark()
    await carol.says("/mygigs")
    assert "Your applications" in carol.told(mark) and "#1 Logo — closed" in carol.told(mark)


async def test_freelancer_sees_own_waiting_application_and_cancel_closes_it(chats):
    alice, bob, carol, dan = await applied(chats)
    await carol.says("/mygigs")
    assert "#1 Logo — waiting for the client" in carol.told().split("Your applications", 1)[1]
    mark = chats.mark()
    await bob.says("/gig 1")
    await bob.press("Cancel gig")
    assert "#1 Logo is no longer open, so your application is closed." in carol.told(mark)
    apps = await chats.app.engine.view(lambda t: {
        a.status for a in t.s.scalars(select(Application))})
    assert apps == {"closed"}
