"""Engine defaults (DESIGN.md "Defaults"); communities and gigs may override some."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np


@dataclass(frozen=True)
class EngineConfig:
    fee_bps: int = 500  # 5 % paid by the client on top of rewards
    deliver_hours: int = 24
    review_hours: int = 72
    dispute_hours: int = 72
    # A dispute no moderator decides within this long is settled by the clock, giving
    # the freelancer this share of the reward (basis points; 5000 = split in half).
    # Both are stated when the dispute opens; a board may set its own deadline
    # (community.dispute_decide_hours).
    dispute_decide_hours: int = 168
    # The parties' time to add their statement and evidence (at most the above).
    dispute_answer_hours: int = 72
    dispute_fallback_share_bps: int = 5000
    listing_days: int = 7
    max_revisions: int = 2
    max_live_claims: int = 3
    max_live_claims_newcomer: int = 1  # until their first approved delivery
    reminders: tuple[timedelta, ...] = field(
        default_factory=lambda: (timedelta(hours=24), timedelta(hours=1)))
    match_notify_limit: int = 25  # freelancers pushed per new gig
    pushes_per_hour: int = 6  # "new gig for you" per freelancer; past it, one digest
    # Mass posting: per client, at once and per day; newcomers (no completed work and
    # first seen less than newcomer_days ago) get lower caps and a ceiling per gig.
    max_open_gigs: int = 25
    max_gigs_per_day: int = 40
    newcomer_days: int = 7
    newcomer_max_open_gigs: int = 5
    link_code_minutes: int = 15
    outbox_max_attempts: int = 12

    def live_claim_cap(self, profile_cap: int | None, approved: int) -> int:
        """How many live claims a freelancer may hold: their own setting (or the
        default), and only ``max_live_claims_newcomer`` until a delivery is approved."""
        cap = profile_cap or self.max_live_claims
        return min(cap, self.max_live_claims_newcomer) if approved == 0 else cap

    def live_claim_caps(self, profile_caps, approved):
        """``live_claim_cap`` element-wise over NumPy arrays (the match index)."""
        caps = np.where(profile_caps > 0, profile_caps, self.max_live_claims)
        return np.where(approved == 0, np.minimum(caps, self.max_live_claims_newcomer), caps)
