"""What a handler gets: the engine, who acts, where, and their translator, plus
a helper for building replies. Reads and writes go through the engine's named
methods."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.conversation import Actor, Place, Reply, Rich, SAME, Target
from core.api import Engine


@dataclass
class Context:
    engine: Engine
    actor: Actor
    place: Place
    _: Callable[..., str]
    public_base_url: str = ""

    @property
    def user_id(self) -> int:
        return self.actor.user_id

    def say(self, text: str | Rich, *, buttons=None, private: bool = True,
            target: Target = SAME, card_key: str | None = None, **kw) -> Reply:
        rich = text if isinstance(text, Rich) else Rich().add(text)
        return Reply(rich, buttons=buttons or [], private=private, target=target,
                     card_key=card_key, **kw)

