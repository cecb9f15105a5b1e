"""Engine methods for a dispute's packet (each party's statement, the split
buttons a decider presses) and for the money papers people get in chat
(automatic receipts on or off, the monthly statement)."""
from __future__ import annotations

from core import monthly_statements
from core.domain.errors import ValidationError
from core.engine.base import EngineBase
from core.lifecycle import dispute_statements, disputes, receipts
from core.lifecycle.tx import Tx

# The split buttons on a dispute packet: the freelancer's share of the reward.
SPLITS = {"all": lambda reward: reward, "half": lambda reward: reward // 2,
          "none": lambda reward: 0}


class DisputeReceiptWrites(EngineBase):
    async def add_dispute_statement(self, actor_id: int, claim_id: int, text: str,
                                    files: list[dict] | None = None):
        """A party's one statement with evidence on the dispute of ``claim_id``."""
        return await self.tx(lambda t: dispute_statements.add_statement(
            t, actor_id, claim_id, text, files or []))

    async def check_dispute_statement(self, actor_id: int, claim_id: int) -> None:
        """Refuse now (before a form asks) when ``actor_id`` may not add a statement."""
        await self.view(lambda t: dispute_statements.may_add_statement(t, actor_id, claim_id))

    async def check_dispute_decider(self, actor_id: int, claim_id: int) -> None:
        """Refuse now when ``actor_id`` may not decide the dispute of ``claim_id``."""
        await self.view(lambda t: dispute_statements.may_decide(t, actor_id, claim_id))

    async def resolve_dispute_split(self, actor_id: int, claim_id: int, split: str,
                                    note: str = ""):
        """A decider presses a split button: ``all`` to the freelancer, ``half``, or
        ``none`` (all back to the client), taken from the reward at press time."""
        if split not in SPLITS:
            raise ValidationError("split", "Choose all, half or none.")

        def run(t: Tx):
            gig = t.gig(t.claim(claim_id, lock=False).gig_id)
            return disputes.resolve_dispute(t, actor_id, claim_id,
                                            SPLITS[split](gig.reward_minor), note)
        return await self.tx(run)

    async def set_dispute_rules(self, actor_id: int, community_id: int, *,
                                answer_hours: int | None = None, rule: str | None = None):
        """A moderator: the parties' time to answer and the split when nobody decides
        (``half``, ``freelancer``: all to them, ``client``: all back)."""
        return await self.tx(lambda t: dispute_statements.set_dispute_rules(
            t, actor_id, community_id, answer_hours=answer_hours, rule=rule))

    async def set_auto_receipts(self, user_id: int, on: bool) -> bool:
        return await self.tx(lambda t: receipts.set_auto_receipts(t, user_id, on))

    async def auto_receipts(self, user_id: int) -> bool:
        return await self.view(lambda t: receipts.wants_receipts(t, user_id))

    async def month_statement(self, user_id: int,
                              month: str | None = None) -> monthly_statements.MonthStatement:
        """``user_id``'s ledger lines of ``month`` (``2026-11``; None: last month) in
        their time zone, with the opening and closing balance."""
        return await self.view(lambda t: monthly_statements.month_statement(
            t.s, user_id, month, t.now))
