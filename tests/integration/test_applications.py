"""Applications as both sides meet them in the console: the client sees each
applicant's pitch and reputation; when the slots fill, the applicants who were not
picked are told and their applications close; a freelancer finds their own
applications in /mygigs."""
from __future__ import annotations


from sqlalchemy import select

from core.domain.records import Application, Claim
from tests.console_script import run_script, said_to


APPLIED = """
/as alice
/profile skills=design hours=any
/as carol
/profile skills=design hours=any
/as dan
/profile skills=design hours=any
/as bob
/post title="Logo" reward=25 currency=usd skills=design mode=apply
/press Pay
/as alice
/press Apply
I have done 40 logos
/as carol
/gigs
/press Apply
Pick me, I am quick
/as dan
/gigs
/press Apply
Happy to help
"""


async def test_client_sees_pitch_and_reputation_and_the_others_are_told_when_slots_fill(app):
    out = await run_script(app, APPLIED)
    to_bob = said_to(out, "bob")
    for name, pitch in (("alice", "I have done 40 logos"), ("carol", "Pick me, I am quick")):
        notice = to_bob.split(f"{name} applied to", 1)[1].split("[to bob]", 1)[0]
        assert pitch in notice and "Reputation 56/100" in notice and "Skills: design" in notice
    out = await run_script(app, "/as bob\n/mygigs\n")
    assert out.count("Reputation 56/100") == 3  # each waiting applicant, with the pitch
    assert "Pick me, I am quick" in out

    out = await run_script(app, "/as bob\n/mygigs\n/press Accept\n")  # dan's: the latest
    for name in ("alice", "carol"):
        assert "All slots of #1 Logo are taken, so your application is closed." in said_to(
            out, name)
    assert "taken, so your application" not in said_to(out, "dan")
    apps = await app.engine.view(lambda t: sorted(
        (a.id, a.status) for a in t.s.scalars(select(Application))))
    assert apps == [(1, "closed"), (2, "closed"), (3, "accepted")]
    assert len(await app.engine.view(lambda t: list(t.s.scalars(select(Claim))))) == 1
    # The ones not picked see it in /mygigs; a closed application cannot be accepted.
    out = await run_script(app, "/as carol\n/mygigs\n")
    assert "Your applications" in out and "#1 Logo — closed" in out


async def test_freelancer_sees_own_waiting_application_and_cancel_closes_it(app):
    out = await run_script(app, APPLIED + "/as carol\n/mygigs\n")
    assert "#1 Logo — waiting for the client" in said_to(out, "carol").split(
        "Your applications", 1)[1]
    out = await run_script(app, "/as bob\n/gig 1\n/press Cancel gig\n")
    assert "#1 Logo is no longer open, so your application is closed." in said_to(out, "carol")
    apps = await app.engine.view(lambda t: {a.status for a in t.s.scalars(select(Application))})
    assert apps == {"closed"}
