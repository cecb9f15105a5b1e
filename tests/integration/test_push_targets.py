"""Whom a new gig is pushed to: freelancers whose skills it names, and those who
asked for every gig (/settings notify=all). A gig naming no skill is not pushed
to everyone who ever said /start."""
from __future__ import annotations


from tests.console_script import run_script


def pushed_to(out: str) -> set[str]:
    return {line.split("]", 1)[0][len("[to "):] for line in out.splitlines()
            if line.startswith("[to ") and line.endswith("New gig for you")}


async def test_gig_without_skills_goes_only_to_those_who_want_every_gig(app):
    out = await run_script(app, """
/as alice
/profile skills=design hours=any
/as carol
/start
/cancel
/as dave
/settings notify=all
/as bob
/post title="Proofread my letter" reward=10 currency=usd
/press Pay
""")
    assert pushed_to(out) == {"dave"}
    out = await run_script(app, """
/as bob
/post title="Logo in SVG" reward=25 currency=usd skills=design
/press Pay
""")
    assert pushed_to(out) == {"alice", "dave"}


async def test_notify_on_after_all_means_matching_gigs_only(app):
    out = await run_script(app, """
/as dave
/settings notify=all
/settings notify=on
/as bob
/post title="Proofread my letter" reward=10 currency=usd
/press Pay
""")
    assert pushed_to(out) == set()


async def test_an_unknown_notify_value_names_the_three_and_changes_nothing(app):
    out = await run_script(app, "/as dave\n/settings notify=all\n/settings notify=maybe\n")
    assert "notify is on or off, or all for every new gig" in out
    from sqlalchemy import select

    from core.domain.records import Identity, Profile
    profile = await app.engine.view(lambda t: t.s.get(Profile, t.s.scalar(
        select(Identity.user_id).where(Identity.platform_user_id == "dave"))))
    assert profile.notify_new_gigs and profile.notify_all_gigs
