"""Engine methods for communities and their boards: board setup, membership and
roles as platforms report them, visibility and moderation."""
from __future__ import annotations

from core.engine.base import EngineBase


class BoardWrites(EngineBase):
    pass
