"""What a handler gets: the engine, who acts, where, and their translator, plus
a helper for building replies. Reads and writes go through the engine's named
methods. Replies are rendered for the actor (``reader()``: their language, time
zone and platform); ``switch_reader`` makes a change of language or zone count
in the very reply that confirms it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from bot.conversation import Actor, Place, Reply, Rich, SAME, Target
from bot.texts import translator
from bot.texts.reader import Reader, activate
from core.api import Engine


@dataclass
class Context:
    engine: Engine
    actor: Actor
    place: Place
    _: Callable[..., str]
    public_base_url: str = ""
    modal_forms: bool = False  # the actor's platform opens a form as one dialog

    @property
    def user_id(self) -> int:
        return self.actor.user_id

    def reader(self) -> Reader:
        return Reader(self.actor.locale, self.actor.timezone, self.actor.platform,
                      now=self.engine.clock.now)

    def switch_reader(self, *, locale: str | None = None, timezone: str | None = None) -> None:
        """From now on this event's replies are in ``locale`` / ``timezone``."""
        self.actor = replace(self.actor, locale=locale or self.actor.locale,
                             timezone=timezone or self.actor.timezone)
        self._ = translator(self.actor.locale)
        activate(self.reader())  # undone when the event's reader block ends

    def say(self, text: str | Rich, *, buttons=None, private: bool = True,
            target: Target = SAME, card_key: str | None = None, **kw) -> Reply:
        rich = text if isinstance(text, Rich) else Rich().add(text)
        return Reply(rich, buttons=buttons or [], private=private, target=target,
                     card_key=card_key, **kw)
