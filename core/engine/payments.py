"""Engine methods for the payment side: recording what a provider reports
(verified webhooks, reconciliation), payment requests and payout accounts."""
from __future__ import annotations

from core.engine.base import EngineBase


class PaymentWrites(EngineBase):
    pass
