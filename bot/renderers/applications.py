"""Applications as each side reads them: the client sees who applied with their
pitch and reputation (the notification and /mygigs use ``add_applicant``), an
applicant who was not picked is told when the gig stops taking anyone, and a
freelancer's own applications are listed in /mygigs (``my_applications``)."""
from __future__ import annotations

from typing import Callable

from bot.conversation import Reply, Rich
from bot.renderers.registry import Scene, renders
from core.api import Application, ApplicationClosed, Engine, Gig

Translate = Callable[..., str]


async def add_applicant(text: Rich, engine: Engine, _: Translate, freelancer_id: int,
                        pitch: str | None) -> Rich:
    """Append the applicant's reputation, skills and (unless None) pitch to ``text``,
    as the client decides on them."""
    view = await engine.profile_view(freelancer_id)
    stats = view.stats
    stars = (f"★ {stats.rating_sum / stats.rating_count:.1f} ({stats.rating_count})"
             if stats.rating_count else _("no ratings yet"))
    text.line(_.ngettext("Reputation {score}/100 · {n} approved · {r}",
                         "Reputation {score}/100 · {n} approved · {r}", stats.approved,
                         score=round(100 * view.reputation), n=stats.approved, r=stars))
    if view.profile.skills:
        text.line(_("Skills: {skills}", skills=view.profile.skills.replace(",", ", ")))
    await add_badges(text, engine, _, freelancer_id)
    if pitch is not None:
        text.line(_("Pitch:"), "bold").add(" ").add(pitch or "-")
    return text


async def add_badges(text: Rich, engine: Engine, _: Translate, freelancer_id: int) -> Rich:
    """Append the badges the freelancer holds (per community), if any."""
    held = await engine.badges_of(freelancer_id)
    if held:
        text.line("🏅 " + _("Badges: {badges}", badges=", ".join(
            f"{b.skill} ({b.community})" for b in held)))
    return text


def my_applications(_: Translate, applied: list[tuple[Application, Gig]]) -> Rich | None:
    """A freelancer's own applications, for /mygigs (None when there are none)."""
    if not applied:
        return None
    states = {"pending": _("waiting for the client"), "declined": _("not picked"),
              "closed": _("closed: the gig took nobody else"), "withdrawn": _("withdrawn")}
    text = Rich().bold(_("Your applications"))
    for app, gig in applied:
        text.line(f"#{gig.id} {gig.title} — ").add(states.get(app.status, app.status))
    return text


@renders(ApplicationClosed)
async def application_closed(s: Scene) -> Reply:
    _ = s._
    text = Rich().add(
        _("All slots of {title} are taken, so your application is closed.", title=s.title)
        if s.event.reason == "filled" else
        _("{title} is no longer open, so your application is closed.", title=s.title))
    text.line(_("Find more work with /gigs."))
    return s.reply(text)
