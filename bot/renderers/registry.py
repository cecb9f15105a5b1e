"""The renderer registry: one async function per domain event type turns the
event into the reply its recipient sees (``@renders(SlotClaimed)``), reading
what it needs through a ``Scene`` (the event, its gig, claim and freelancer,
the recipient's translator)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable

from bot.conversation import Button, Reply, Rich
from core.api import Claim, Engine, Event, Gig, User

Translate = Callable[..., str]
Renderer = Callable[["Scene"], Awaitable[Reply]]


@dataclass(frozen=True)
class Registration:
    render: Renderer
    needs_subject: bool  # load the event's gig, claim and freelancer first


RENDERERS: dict[type[Event], Registration] = {}


def renders(*types: type[Event], needs_subject: bool = True) -> Callable[[Renderer], Renderer]:
    """Register the decorated function as the renderer of these event types."""
    def register(fn: Renderer) -> Renderer:
        for t in types:
            if t in RENDERERS:
                raise TypeError(f"{t.__name__} has two renderers")
            RENDERERS[t] = Registration(fn, needs_subject)
        return fn
    return register


@dataclass(frozen=True)
class Scene:
    engine: Engine
    event: Event
    _: Translate
    gig: Gig | None = None
    claim: Claim | None = None
    freelancer: User | None = None

    @property
    def title(self) -> str:
        return f"#{self.gig.id} {self.gig.title}" if self.gig else ""

    @property
    def currency(self) -> str:
        return self.gig.currency if self.gig else "usd"

    @property
    def freelancer_name(self) -> str:
        return self.freelancer.display_name if self.freelancer else "?"

    def reply(self, text: Rich, buttons: list[list[Button]] | None = None) -> Reply:
        """A private reply to the event's recipient."""
        return Reply(text, buttons=buttons or [], private=True)
