"""core's public API: the one module bot/ and adapters/ import from core.

- ``Engine``: every write and every read (one transaction each).
- Read models: the records bot/ renders (detached, read-only by convention) and
  the views built from them.
- Typed domain errors, whose template and parameters a user can read.
- Typed events (``core.events``), which the outbox carries to the renderers.
- Ports the outside implements: payment providers, notification delivery.
- Domain rules without I/O that the conversation layer shows or checks early:
  money amounts, gig input, durations.
- For the composition root only: the database, migrations, config, clocks and
  the workers.

A contract test (tests/unit/test_architecture.py) fails when a module outside
core/ imports anything from core but this module."""
from __future__ import annotations

# -- the engine --------------------------------------------------------------
from core.engine import Engine

# -- read models -------------------------------------------------------------
from core.domain.records import (
    Application, Claim, ClaimStatus, Community, ConversationState, Delivery, Gig, GigMode, GigStatus, Identity,
    LIVE_CLAIM_STATES, Profile, ReputationStats, SLOT_HOLDING_STATES, User,
)
from core.lifecycle.card_refs import CardSubject, Recipient
from core.domain.records import MessageRef
from core.read_models import (
    CurrencyWallet, FeedPage, GigView, MyGigs, ProfileView, ReceiptFacts, Wallet,
)
from core.lifecycle.allowed import CLAIM_ACTIONS, ViewerActions, claim_actions
from core.reports import (
    BoardStats, EarningsReport, Statement, StatementLine, WeekEarnings,
)

# -- errors --------------------------------------------------------------------
from core.domain.errors import (
    AlreadyClaimed, Banned, ClaimLimitReached, DomainError, InvalidTransition, NoSlotLeft,
    NotAllowed, NotFound, PaymentFailed, Plural, ValidationError,
)

# -- domain events -------------------------------------------------------------
from core.events import (
    ApplicationAccepted, ApplicationDeclined, ApplicationReceived, ChargebackOpened,
    ClaimAbandoned, ClaimApproved, ClaimAutoApproved, ClaimRejected, ClaimWithdrawn,
    DeadlineReminderDue, DeliverySubmitted, DisputeOpened, DisputeResolved, ExternalRefundMade,
    GigCancelled, GigCardChanged, GigClosed, GigCompleted, GigExpired, GigMatched, GigOpened,
    LatePaymentRefunded, MemberBanned, MoneySent, PaymentUnallocated, PayoutFailed,
    PayoutReversed, PayoutSent, PayoutsDisabled, PayoutsUnlocked, RatingReceived,
    RefundNeedsDecision, RefundSent, ReviewReminderDue, RevisionRequested, SlotClaimConfirmed,
    SlotClaimed, SlotRefunded, Event, EVENT_TYPES, event_from,
)
from core.events import WeeklySummaryDue  # a board's weekly summary (core.lifecycle.board_summary)
from core.events import ApplicationClosed  # closed unpicked (core.lifecycle.slots)

# -- mass posting and push pacing (core.lifecycle.posting_limits, core.matching.push_budget)
from core.domain.errors import PostingLimitReached
from core.events import GigPushesHeld

# -- a live gig managed by its client, rate cards (core.lifecycle.gig_changes,
# core.lifecycle.gig_repeats, core.rate_cards) ------------------------------------
from core.domain.records import GigExtra, GigRecurrence
from core.events import (
    DeadlineExtended, ExtraPaymentRefunded, GigEdited, RecurringGigPosted, SlotsAdded,
    TipReceived, TipSent,
)
from core.rate_cards import MIN_CLIENTS, MIN_GIGS, RateCard, Spread

# -- queues of items and "Next similar task" (core.lifecycle.queues, next_task) ----
from core.domain.queue_items import ITEM_MAX, MAX_ITEMS, read_items, read_items_csv
from core.domain.records import WORKING_CLAIM_STATES
from core.events import QueueWorkStarted
from core.lifecycle.next_task import NextTask
# -- badges and qualification gigs (core.lifecycle.badges) ---------------------------
from core.domain.errors import BadgeRequired
from core.domain.records import CommunityBadge, MemberBadge
from core.events import BadgeEarned, BadgeRevoked, BadgeRoleRefused
from core.lifecycle.badges import ROLE_PROBLEMS, BadgeHeld, BoardBadge
from core.ports.notifications import RoleChange
# -- dispute packets and automatic receipts (core.lifecycle.dispute_statements,
# core.lifecycle.receipts, core.monthly_statements) ----------------------------------
from core.dispute_reads import DisputePacket, PartyHistory, PartyStatement
from core.domain.records import DisputeStatement
from core.events import DisputeAnswerClosed, DisputeStatementAdded, ReceiptIssued
from core.monthly_statements import CurrencyMonth, MonthStatement
# -- the platforms' send budgets, shared by every process (core.send_budget) ----
from core.send_budget import Booking, Bookings, Limit, LocalBudget, SendBudget
from core.send_slots import SlotQueue

# -- ports ---------------------------------------------------------------------
from core.ports.notifications import Notification, NotificationDispatcher, RetryLater, Undeliverable
from core.ports.payments import (
    FundingOrder, OnboardingLink, PaymentLink, PaymentProvider, ProviderDeclined,
    ProviderResult, RefundOrder, TransferOrder,
)
from core.payment_records import ProviderRecords
from core.lifecycle.provider_changes import ProviderChange, report_only
from core.domain.records import PaymentOp, PaymentRequest

# -- domain rules without I/O --------------------------------------------------
from core.domain.gig_input import (
    GigDraft, WorkingHours, normalise_skills, read_whole_number, read_working_hours,
)
from core.domain.money import (
    CURRENCY_EXPONENTS, Amount, Price, format_amount, number_symbols, parse_amount, split_currency,
)
from core.lifecycle.inbox import UpdateTakenOver
from core.lifecycle.people import check_timezone, parse_hours

# -- for the composition root --------------------------------------------------
from core.domain.clock import Clock, ManualClock, OffsetClock, SystemClock, utcnow
from core.domain.config import EngineConfig
from core.matching.index import keep_index_fresh, prune_match_log
from core.storage.db import Database
from core.storage.migrate import upgrade as upgrade_database
from core.workers import metrics  # the process's prometheus registry
from core.workers.outbox import OutboxWorker
from core.workers.timers import run_due_timers

__all__ = [
    "CLAIM_ACTIONS", "ViewerActions", "claim_actions",  # what a viewer may do (core.lifecycle.allowed)
    "metrics",  # core.workers.metrics
    # a live gig managed by its client, rate cards
    "DeadlineExtended", "ExtraPaymentRefunded", "GigEdited", "GigExtra", "GigRecurrence",
    "MIN_CLIENTS", "MIN_GIGS", "RateCard", "RecurringGigPosted", "SlotsAdded", "Spread",
    "TipReceived", "TipSent",
    # queues of items, "Next similar task"
    "ITEM_MAX", "MAX_ITEMS", "NextTask", "QueueWorkStarted", "WORKING_CLAIM_STATES",
    "read_items", "read_items_csv",
    "CardSubject", "MessageRef", "Recipient",  # delivery (core.engine.delivery)
    "BoardStats", "EarningsReport", "Statement", "StatementLine", "WeekEarnings",  # reports
    "WeeklySummaryDue",
    "GigPushesHeld", "PostingLimitReached",
    # badges and qualification gigs
    "BadgeEarned", "BadgeHeld", "BadgeRequired", "BadgeRevoked", "BadgeRoleRefused", "BoardBadge",
    "CommunityBadge", "MemberBadge", "ROLE_PROBLEMS", "RoleChange",
    "ApplicationClosed",
    "Booking", "Bookings", "Limit", "LocalBudget", "SendBudget", "SlotQueue",  # core.send_budget
    # domain events (core.events)
    "ApplicationAccepted", "ApplicationDeclined", "ApplicationReceived", "ChargebackOpened",
    "ClaimAbandoned", "ClaimApproved", "ClaimAutoApproved", "ClaimRejected", "ClaimWithdrawn",
    "DeadlineReminderDue", "DeliverySubmitted", "DisputeOpened", "DisputeResolved",
    "ExternalRefundMade", "GigCancelled", "GigCardChanged", "GigClosed", "GigCompleted",
    "GigExpired", "GigMatched", "GigOpened", "LatePaymentRefunded", "MemberBanned", "MoneySent",
    "PaymentUnallocated", "PayoutFailed", "PayoutReversed", "PayoutSent", "PayoutsDisabled",
    "PayoutsUnlocked", "RatingReceived", "RefundNeedsDecision", "RefundSent",
    "ReviewReminderDue", "RevisionRequested", "SlotClaimConfirmed", "SlotClaimed",
    "SlotRefunded", "Event", "EVENT_TYPES", "event_from",
    "PaymentOp", "PaymentRequest", "ProviderChange", "ProviderRecords", "report_only",
    "AlreadyClaimed", "Application", "Banned", "CURRENCY_EXPONENTS", "Claim", "ClaimLimitReached",
    "ClaimStatus", "Clock", "Community", "ConversationState", "CurrencyWallet", "Database", "Delivery", "DomainError", "FeedPage",
    "Engine", "EngineConfig", "FundingOrder", "Gig", "GigDraft", "GigMode", "GigStatus",
    "GigView", "Identity", "InvalidTransition", "LIVE_CLAIM_STATES", "ManualClock", "MyGigs", "NoSlotLeft",
    "NotAllowed", "NotFound", "Notification", "NotificationDispatcher", "OffsetClock",
    "OnboardingLink", "OutboxWorker", "PaymentFailed", "PaymentLink", "PaymentProvider", "Price",
    "Profile", "ProfileView", "ProviderDeclined", "ProviderResult", "ReceiptFacts", "RefundOrder", "ReputationStats",
    "RetryLater", "Undeliverable", "SLOT_HOLDING_STATES", "SystemClock", "TransferOrder", "User",
    "ValidationError", "Wallet", "check_timezone", "format_amount", "Amount", "keep_index_fresh", "normalise_skills",
    "number_symbols", "parse_amount", "parse_hours", "read_whole_number", "read_working_hours", "split_currency",
    "WorkingHours", "prune_match_log", "run_due_timers", "upgrade_database", "utcnow",
    "DisputePacket", "PartyHistory", "PartyStatement", "DisputeStatement",  # dispute packets
    "DisputeAnswerClosed", "DisputeStatementAdded", "ReceiptIssued",
    "CurrencyMonth", "MonthStatement",  # /statement (core.monthly_statements)
]

# -- several processes on one database (roles): compare-and-swap form state -------
from core.domain.errors import FormChanged  # noqa: E402
__all__ += ["FormChanged", "UpdateTakenOver"]
__all__ += ["Plural"]  # refusal templates with plural forms (core.domain.errors)
