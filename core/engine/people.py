"""Engine methods for people outside the lifecycle: identities, linked accounts,
link codes, settings, blocks and bans."""
from __future__ import annotations

from core.engine.base import EngineBase


class PeopleWrites(EngineBase):
    pass
