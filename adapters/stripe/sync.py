"""What Stripe says, turned into changes to the app's records. Shared by the
webhook (one event -> the changes it implies) and the reconciliation (every
object of a period -> the changes not yet applied).

Each ``for_*`` method fetches the current objects from the API (webhook
payloads are snapshots and may arrive late, twice or out of order; the API
says how things are now) and returns ``ProviderChange``s: data naming what to
record (core knows how to apply each kind idempotently, keyed by the Stripe object id,
and how to tell that the database already reflects it). ``apply_changes`` has
the engine apply them in one transaction, together with the webhook event's id
when there is one.

An event about a gig's money (its Checkout Session, the charge's refunds and
disputes, a transfer's reversals) is answered with ``for_gig``: everything
Stripe holds for that gig, in Stripe's own causal order (the payment, then
refunds and disputes by creation, then transfers), so a refund that arrives
before its payment is booked after the payment, and every arrival order of the
same events ends in the same state."""
from __future__ import annotations

from typing import Any

import stripe

from adapters.stripe.checkout import funding_ref
from adapters.stripe.client import (
    OP_METADATA_KEY, account_ready, gig_id_from_group, obj_id, transfer_group, val)
from adapters.stripe.connect import USER_METADATA_KEY
from core.api import PaymentOp, ProviderChange, format_amount, report_only

PROVIDER = "stripe"



class StripeSync:
    def __init__(self, engine, client) -> None:
        self.engine = engine
        self.client = client

    # -- lookups ---------------------------------------------------------------
    async def gig_for_charge(self, charge_id: str | None) -> int | None:
        if not charge_id:
            return None
        gig_id = await self.engine.gig_funded_by(charge_id)
        if gig_id is not None:
            return gig_id
        charge = await self.client.v1.charges.retrieve_async(charge_id)
        gid = gig_id_from_group(val(charge, "transfer_group"))
        exists = gid is not None and await self.engine.gig_exists(gid)
        return gid if exists else None

    async def gig_for_transfer(self, transfer_id: str) -> int | None:
        tr = await self.client.v1.transfers.retrieve_async(transfer_id)
        gid = gig_id_from_group(val(tr, "transfer_group"))
        return gid if gid is not None and await self.engine.gig_exists(gid) else None

    async def gig_for_dispute(self, dispute_id: str) -> int | None:
        dispute = await self.client.v1.disputes.retrieve_async(dispute_id)
        return await self.gig_for_charge(obj_id(val(dispute, "charge")))

    async def _ops(self, gig_id: int, kind: str) -> list[PaymentOp]:
        return await self.engine.payment_ops(gig_id, kind)

    # -- funding -----------------------------------------------------------------
    async def for_session(self, session_id: str, session: Any = None) -> list[ProviderChange]:
        if session is None or isinstance(val(session, "payment_intent"), str):
            session = await self.client.v1.checkout.sessions.retrieve_async(
                session_id, params={"expand": ["payment_intent"]})
        if val(session, "mode") != "payment":
            return []
        req = await self.engine.payment_request(session.id)
        meta_gig = val(val(session, "metadata"), "gig_id")
        amount, cur = val(session, "amount_total", 0), val(session, "currency", "")
        paid = session.status == "complete" and session.payment_status in (
            "paid", "no_payment_required")
        if paid:
            if req is None:
                if meta_gig is None:
                    return []  # not one of ours (another integration on this account)
                return [report_only(f"checkout session {session.id} paid {format_amount(amount, cur)} "
                                     f"for gig #{meta_gig} but the app has no record of it")]
            ref = funding_ref(session)
            return [ProviderChange(
                f"gig #{req.gig_id}: checkout session {session.id[:24]}… paid "
                f"{format_amount(amount, cur)}",
                "funding_paid", (session.id, amount, cur, ref), req.gig_id)]
        if session.status == "expired" and req is not None:
            return [ProviderChange(f"gig #{req.gig_id}: checkout session {session.id[:24]}… expired",
                           "funding_expired", (session.id,), req.gig_id)]
        return []

    # -- payout accounts -----------------------------------------------------------
    async def for_account(self, account_id: str) -> list[ProviderChange]:
        account = await self.client.v1.accounts.retrieve_async(account_id)
        ready = account_ready(account)
        hint = val(val(account, "metadata"), USER_METADATA_KEY)
        hint = int(hint) if hint and str(hint).isdigit() else None
        return [ProviderChange(f"payout account {account_id}: {'ready' if ready else 'not ready'}",
                       "payout_account", (account_id, ready, hint))]

    # -- refunds and disputes of a charge -------------------------------------------
    async def for_charge(self, charge_id: str, gig_id: int | None = None) -> list[ProviderChange]:
        """Everything that took money back from a gig's charge, oldest first, so the
        outcome does not depend on the order the events arrive in: refunds made
        outside the app and chargebacks are booked; our own refunds that Stripe
        made but the app did not record yet are recorded as sent."""
        gig_id = gig_id or await self.gig_for_charge(charge_id)
        if gig_id is None:
            return []
        page = await self.client.v1.refunds.list_async(params={"charge": charge_id, "limit": 100})
        refunds = [r async for r in page.auto_paging_iter()]
        page = await self.client.v1.disputes.list_async(params={"charge": charge_id,
                                                                "limit": 100})
        disputes = [d async for d in page.auto_paging_iter()]
        ops = await self._ops(gig_id, "refund")
        timeline = sorted([(val(r, "created", 0), 0, r.id, r) for r in refunds]
                          + [(val(d, "created", 0), 1, d.id, d) for d in disputes],
                          key=lambda x: x[:3])
        changes: list[ProviderChange] = []
        for _, is_dispute, _, obj in timeline:
            if is_dispute:
                changes += self._dispute_changes(gig_id, obj)
            else:
                changes += self._refund_changes(gig_id, obj, ops)
        return changes

    def _refund_changes(self, gig_id: int, r: Any, ops: list[PaymentOp]) -> list[ProviderChange]:
        if val(r, "status") in ("failed", "canceled"):
            return []
        amount, cur = r.amount, r.currency
        key = val(val(r, "metadata"), OP_METADATA_KEY)
        if key:
            op = next((o for o in ops if o.idempotency_key == key), None)
            if op is None:
                return [report_only(f"gig #{gig_id}: refund {r.id} ({format_amount(amount, cur)}) "
                                     f"carries key {key} that the app does not know", gig_id)]
            if op.status == "succeeded":
                return []
            return [ProviderChange(f"gig #{gig_id}: refund {r.id} ({format_amount(amount, cur)}) was made at "
                           "Stripe but not recorded",
                           "op_sent", (op.id, r.id), gig_id)]
        if any(o.provider_ref == r.id for o in ops):
            return []
        return [ProviderChange(
            f"gig #{gig_id}: refund {r.id} of {format_amount(amount, cur)} made outside the app",
            "external_refund", (gig_id, r.id, amount, cur), gig_id)]

    def _dispute_changes(self, gig_id: int, dispute: Any) -> list[ProviderChange]:
        status = str(val(dispute, "status", ""))
        if status.startswith("warning_"):
            return []  # an inquiry: no money moved yet
        amount, cur, did = dispute.amount, dispute.currency, dispute.id
        changes = [ProviderChange(
            f"gig #{gig_id}: chargeback {did} of {format_amount(amount, cur)}",
            "chargeback", (gig_id, did, amount, cur), gig_id)]
        if status == "won":
            changes.append(ProviderChange(
                f"gig #{gig_id}: chargeback {did} won, {format_amount(amount, cur)} back",
                "chargeback_won", (gig_id, did, amount, cur), gig_id))
        return changes

    async def for_dispute(self, dispute_id: str, dispute: Any = None) -> list[ProviderChange]:
        dispute = dispute or await self.client.v1.disputes.retrieve_async(dispute_id)
        charge = obj_id(val(dispute, "charge"))
        return await self.for_charge(charge) if charge else []

    # -- transfers -----------------------------------------------------------------
    async def for_transfer(self, transfer_id: str, transfer: Any = None,
                           ops: list[PaymentOp] | None = None) -> list[ProviderChange]:
        """Reversals of a transfer made at Stripe, and our transfers Stripe made
        but the app did not record yet."""
        tr = transfer or await self.client.v1.transfers.retrieve_async(transfer_id)
        key = val(val(tr, "metadata"), OP_METADATA_KEY)
        gig_id = gig_id_from_group(val(tr, "transfer_group"))
        if ops is None and gig_id is not None:
            ops = await self._ops(gig_id, "transfer")
        ops = ops or []
        op = next((o for o in ops if o.provider_ref == tr.id), None) or next(
            (o for o in ops if key and o.idempotency_key == key), None)
        changes: list[ProviderChange] = []
        if op is None:
            if key:
                changes.append(report_only(f"transfer {tr.id} ({format_amount(tr.amount, tr.currency)})"
                                            f" carries key {key} that the app does not know",
                                            gig_id))
            if gig_id is None:
                return changes
        elif op.status != "succeeded":
            changes.append(ProviderChange(
                f"gig #{op.gig_id}: transfer {tr.id} ({format_amount(tr.amount, tr.currency)}) was made "
                "at Stripe but not recorded",
                "op_sent", (op.id, tr.id), op.gig_id))
        if val(tr, "amount_reversed", 0):
            user_id = op.user_id if op else await self._user_of_account(val(tr, "destination"))
            gig = op.gig_id if op else gig_id
            page = await self.client.v1.transfers.reversals.list_async(tr.id, params={"limit": 100})
            async for rev in page.auto_paging_iter():
                if user_id is None:
                    changes.append(report_only(f"transfer {tr.id} reversed ({rev.id}) to an "
                                                "account the app does not know", gig))
                    continue
                changes.append(ProviderChange(
                    f"gig #{gig}: transfer {tr.id} reversed by {format_amount(rev.amount, rev.currency)}",
                    "transfer_reversed", (gig, user_id, rev.id, rev.amount, rev.currency), gig))
        return changes

    async def _user_of_account(self, account_id: str | None) -> int | None:
        if not account_id:
            return None
        return await self.engine.user_with_payout_account(account_id)

    # -- one gig, everything Stripe holds for it ----------------------------------
    async def for_gig(self, gig_id: int) -> list[ProviderChange]:
        """The changes Stripe's current objects imply for gig ``gig_id``, causes
        before effects: each Checkout Session of the gig (paid or expired), then
        the refunds and disputes of each charge that paid it, oldest first, then
        the gig's transfers and their reversals. Applied in this order, the
        outcome does not depend on which event arrived first."""
        gig, requests = await self.engine.payment_requests_of(gig_id, PROVIDER)
        if gig is None:
            return []
        changes: list[ProviderChange] = []
        charges: list[str] = []
        for req in requests:
            session = await self._session(req.provider_ref)
            if session is None:
                continue
            changes += await self.for_session(session.id, session)
            ref = funding_ref(session) if val(session, "payment_status") == "paid" else None
            if ref:
                charges.append(ref)
        if gig.funding_ref:
            charges.append(gig.funding_ref)
        for charge in dict.fromkeys(charges):
            if charge.startswith(("ch_", "py_")):
                changes += await self.for_charge(charge, gig_id)
        page = await self.client.v1.transfers.list_async(
            params={"transfer_group": transfer_group(gig_id), "limit": 100})
        transfers = sorted([t async for t in page.auto_paging_iter()],
                           key=lambda t: (val(t, "created", 0), t.id))
        if transfers:
            ops = await self._ops(gig_id, "transfer")
            for tr in transfers:
                changes += await self.for_transfer(tr.id, tr, ops)
        return changes

    async def _session(self, session_id: str) -> Any:
        try:
            return await self.client.v1.checkout.sessions.retrieve_async(
                session_id, params={"expand": ["payment_intent"]})
        except stripe.InvalidRequestError as exc:
            if getattr(exc, "code", None) == "resource_missing":
                return None  # not visible with this key: nothing Stripe says about it
            raise

    # -- events --------------------------------------------------------------------
    async def for_event(self, event: Any) -> list[ProviderChange] | None:
        """The changes a webhook event implies; None for event types we do not use.
        The payload only says which object to look at: a gig's money is always
        re-read whole (``for_gig``)."""
        etype = event.type
        obj = event.data.object
        if etype == "account.updated":
            return await self.for_account(val(event, "account") or obj.id)
        if etype.startswith("checkout.session."):
            req = await self.engine.payment_request(obj.id)
            if req is None:  # not ours, or made before the app recorded it: say so
                return await self.for_session(obj.id)
            return await self.for_gig(req.gig_id)
        if etype in ("charge.refunded", "charge.refund.updated", "refund.created",
                     "refund.updated", "refund.failed"):
            charge = obj_id(val(obj, "charge")) if val(obj, "object") == "refund" else obj.id
            gig_id = await self.gig_for_charge(charge)
        elif etype.startswith("charge.dispute."):
            gig_id = await self.gig_for_dispute(obj.id)
        elif etype in ("transfer.reversed", "transfer.updated", "transfer.created"):
            gig_id = await self.gig_for_transfer(obj.id)
        else:
            return None
        return await self.for_gig(gig_id) if gig_id is not None else []

    # -- applying ------------------------------------------------------------------
    async def apply_changes(self, changes: list[ProviderChange], *, event: Any = None
                            ) -> list[tuple[ProviderChange | None, str]]:
        """Apply what is not done yet, in one transaction (with the event's id, so
        a second delivery of the same event changes nothing). Returns what each
        applied change did; ``(None, ...)`` for a duplicate delivery."""
        return await self.engine.apply_provider_changes(
            PROVIDER, changes, event_id=event.id if event is not None else None,
            event_type=event.type if event is not None else "")
