"""The domain records (SQLModel tables). Importing this package registers every
table on ``SQLModel.metadata``."""
from core.domain.records.people import (
    Block, Community, CommunityMember, Identity, LinkCode, MatchChange, Profile,
    ReputationStats, User,
)
from core.domain.records.gigs import (
    Application, AuditEvent, Claim, ClaimStatus, Delivery, Dispute, Gig, GigMode,
    GigStatus, LIVE_CLAIM_STATES, Rating, SLOT_HOLDING_STATES, WORKING_CLAIM_STATES,
    DisputeStatement,
)
from core.domain.records.gig_items import GigItem
from core.domain.records.money import (
    LedgerEntry, LedgerPosting, PaymentOp, PaymentRequest, ProviderEvent, SandboxPayment,
)
from core.domain.records.queues import (
    ClaimedEvent, ConversationState, DirectChannel, InboundUpdate, MessageRef, OutboxMessage,
    PushBudget, SendBudget, Timer,
)
from core.domain.records.gig_changes import GigExtra, GigRecurrence
from core.domain.records.badges import CommunityBadge, MemberBadge

__all__ = [
    "Application", "AuditEvent", "Block", "Claim", "ClaimStatus", "ClaimedEvent", "Community",
    "CommunityBadge", "CommunityMember", "ConversationState", "DirectChannel", "Delivery", "Dispute",
    "DisputeStatement", "Gig", "GigExtra", "GigItem", "GigMode", "GigRecurrence", "GigStatus",
    "Identity", "InboundUpdate", "LIVE_CLAIM_STATES", "LedgerEntry", "LedgerPosting",
    "LinkCode", "MatchChange", "MemberBadge", "MessageRef", "OutboxMessage", "PaymentOp",
    "PaymentRequest", "Profile", "ProviderEvent", "PushBudget", "Rating", "ReputationStats",
    "SLOT_HOLDING_STATES", "SandboxPayment", "SendBudget", "Timer", "User", "WORKING_CLAIM_STATES",
]
