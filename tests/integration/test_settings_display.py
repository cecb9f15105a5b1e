"""/settings shows what the person chose: new-gig pushes are "every new gig"
after notify=all, "gigs that match your skills" after notify=on, "off" after
notify=off (it used to say "on" for all)."""
from __future__ import annotations

import io

from adapters.console.session import ConsoleSession


async def settings_after(app, choice: str) -> str:
    out = io.StringIO()
    await ConsoleSession(app, out).run(io.StringIO(f"/as dave\n/settings notify={choice}\n"))
    return next(line for line in out.getvalue().splitlines()
                if "New gig notifications" in line)


async def test_settings_name_the_push_choice(app):
    assert (await settings_after(app, "all")).endswith("New gig notifications: every new gig")
    assert (await settings_after(app, "on")).endswith(
        "New gig notifications: gigs that match your skills")
    assert (await settings_after(app, "off")).endswith("New gig notifications: off")
