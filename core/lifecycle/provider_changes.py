"""Changes a payment provider reports, as data: what a provider adapter decided
from the provider's current objects (a session paid, a refund made outside the
app, a chargeback, a reversed transfer...), for core to apply.

A ``ProviderChange`` names its kind and arguments; this module knows, per kind,
how to apply it (a ``provider_events`` / ``payouts`` call keyed by the
provider's object id, so applying twice changes nothing) and how to tell that
the database already reflects it. ``apply_changes`` runs a list of them in one
transaction, together with the webhook event's id when there is one, so a
second delivery of the same event changes nothing."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import select

from core.domain.errors import DomainError
from core.domain.records import PaymentOp, PaymentRequest, User
from core.lifecycle import provider_events as pe
from core.lifecycle.payouts import record_payment_success
from core.lifecycle.tx import Tx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProviderChange:
    what: str  # one line for people (logs, reconcile report)
    kind: str  # a key of KINDS
    args: tuple[Any, ...] = ()
    gig_id: int | None = None
    safe: bool = True  # ``reconcile --fix`` may apply it

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown provider change kind {self.kind!r}")


def report_only(what: str, gig_id: int | None = None) -> ProviderChange:
    """A difference that needs an operator: applying it changes nothing."""
    return ProviderChange(what, "report", (), gig_id, safe=False)


def _request_status(t: Tx, provider_ref: str) -> str | None:
    return t.s.scalar(select(PaymentRequest.status).where(
        PaymentRequest.provider_ref == provider_ref))


def _op_succeeded(t: Tx, op_id: int, _ref: str) -> bool:
    return t.s.get(PaymentOp, op_id).status == "succeeded"


def _record_sent(t: Tx, op_id: int, ref: str) -> str:
    op = t.s.get(PaymentOp, op_id)
    if op.status not in ("pending", "succeeded"):
        return f"not recorded: the operation is {op.status}"
    record_payment_success(t, op_id, ref)
    return "recorded as sent"


def _account_done(t: Tx, account_id: str, ready: bool, hint: int | None) -> bool:
    user = t.s.scalar(select(User).where(User.payout_account == account_id))
    if user is None and hint is not None:
        user = t.s.get(User, hint)
    return user is None or (user.payouts_enabled == ready and user.payout_account == account_id)


def _entry(prefix: str, position: int) -> Callable[..., bool]:
    return lambda t, *args: pe.entry_exists(t, f"{prefix}:{args[position]}")


# kind -> (apply, done); both take the transaction and the change's args
KINDS: dict[str, tuple[Callable[..., str], Callable[..., bool]]] = {
    "report": (lambda t: "left for an operator", lambda t: False),
    "funding_paid": (pe.funding_paid,
                     lambda t, ref, *_: _request_status(t, ref) == "paid"),
    "funding_expired": (pe.funding_expired,
                        lambda t, ref: _request_status(t, ref) != "open"),
    "payout_account": (pe.payout_account_changed, _account_done),
    "op_sent": (_record_sent, _op_succeeded),
    "external_refund": (pe.external_refund, _entry("ext_refund", 1)),
    "chargeback": (pe.chargeback, _entry("chargeback", 1)),
    "chargeback_won": (pe.chargeback_reversed, _entry("chargeback_won", 1)),
    "transfer_reversed": (pe.transfer_reversed, _entry("reversal", 2)),
}


def is_done(t: Tx, change: ProviderChange) -> bool:
    return KINDS[change.kind][1](t, *change.args)


def apply_changes(t: Tx, provider: str, changes: list[ProviderChange], *,
                  event_id: str | None = None, event_type: str = ""
                  ) -> list[tuple[ProviderChange | None, str]]:
    """Apply what is not done yet; each change in a savepoint, so one refused
    change leaves the others. ``(None, ...)`` for a duplicate event delivery."""
    if event_id is not None and not pe.claim_event(t, provider, event_id, event_type):
        return [(None, "duplicate delivery: already processed")]
    out: list[tuple[ProviderChange | None, str]] = []
    for change in changes:
        if is_done(t, change):
            continue
        try:
            with t.savepoint():
                out.append((change, KINDS[change.kind][0](t, *change.args)))
        except DomainError as exc:
            log.warning("%s change refused: %s: %s", provider, change.what, exc)
            out.append((change, f"refused: {exc}"))
    return out
