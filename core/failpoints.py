"""Failpoints: the money steps where a crash test kills this process.

``GIGBROKER_FAILPOINT=<name>`` (read once, at import) makes the process send
itself SIGKILL the first time it reaches that point: no ``finally``, no
rollback handler, no flush - what a power cut or the OOM killer leaves. Unset
(always, outside the crash tests), ``failpoint`` is a function that returns at
once. ``FAILPOINTS`` names every point; the crash test iterates it, so a point
added here is tested.

Names are dotted: ``ledger.<entry kind>`` sits inside the transaction that posts
that entry, before its commit; the others say what has happened when the
process dies."""
from __future__ import annotations

import os
import signal

FAILPOINTS: dict[str, str] = {
    "funding.requested": "the provider made the payment request (the sandbox took the "
                         "client's money at once); the app has not recorded it",
    "ledger.funding": "the funding transaction (gig opens, escrow), before commit",
    "ledger.release": "the approval transaction (release, payout command), before commit",
    "ledger.refund": "the cancel transaction (refund of unclaimed slots), before commit",
    "payment.transfer.leased": "a transfer command leased (committed), the provider not called",
    "payment.transfer.sent": "the provider accepted a transfer; the app has not recorded it",
    "ledger.payout": "the transaction recording a transfer as sent, before commit",
    "payment.refund.leased": "a refund command leased (committed), the provider not called",
    "payment.refund.sent": "the provider accepted a refund; the app has not recorded it",
    "ledger.refund_sent": "the transaction recording a refund as sent, before commit",
    "outbox.notify.handled": "a notification was sent; its outbox row is not marked done",
    "outbox.payment.handled": "a payment command was recorded; its outbox row is not marked done",
}

ENV = "GIGBROKER_FAILPOINT"
_ARMED = os.environ.get(ENV) or None
if _ARMED is not None and _ARMED not in FAILPOINTS:
    raise RuntimeError(f"{ENV}={_ARMED!r} is not a failpoint; known: {', '.join(FAILPOINTS)}")


def _off(*_parts: str) -> None:
    return None


def _kill_if_armed(*parts: str) -> None:
    if ".".join(parts) == _ARMED:
        os.kill(os.getpid(), signal.SIGKILL)


# ``failpoint("ledger", kind)``: the name is joined only when a failpoint is armed.
failpoint = _kill_if_armed if _ARMED is not None else _off
