"""``Engine``: the only door to the database. Every write the conversation layer,
the adapters and the workers do is an engine method, and so is every read (as a
read model). Each method is one transaction: it checks who acts, performs the
change, records the audit event, ledger entries, timers and outbox rows, or
raises a typed ``DomainError`` and writes nothing.

The methods are grouped by area, one mixin per module of this package."""
from __future__ import annotations

from core.engine.badges import BadgeWrites
from core.engine.boards import BoardWrites
from core.engine.delivery import DeliveryWrites
from core.engine.dispute_receipts import DisputeReceiptWrites
from core.engine.gig_management import GigManagement
from core.engine.intake import IntakeWrites
from core.engine.notifications import NotificationReads
from core.engine.operations import Operations
from core.engine.payments import PaymentWrites
from core.engine.people import PeopleWrites
from core.engine.platform_limits import PlatformLimits
from core.engine.queues import QueueReads
from core.engine.reads import Reads
from core.engine.reports import Reports
from core.engine.transitions import Transitions


class Engine(Transitions, PeopleWrites, BoardWrites, PaymentWrites, DeliveryWrites, Reads,
             Operations, NotificationReads, Reports, IntakeWrites, GigManagement,
             QueueReads, BadgeWrites, DisputeReceiptWrites, PlatformLimits):
    """The engine (see the module docstring)."""


__all__ = ["Engine"]
