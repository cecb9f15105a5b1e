"""Engine methods the delivery layer needs: card references (where a gig's card
is shown), form state, platform DM channels, and the outbox rows it delivers."""
from __future__ import annotations

from core.engine.base import EngineBase


class DeliveryWrites(EngineBase):
    pass
