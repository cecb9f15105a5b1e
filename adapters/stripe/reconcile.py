"""``gigbroker reconcile``: compare the ledger with Stripe for a period and list
every difference - a paid Checkout Session whose webhook was missed, a refund
or chargeback made outside the app, a reversed transfer, money Stripe moved
that the app did not record, or the other way round.

With ``--fix`` the differences that are facts Stripe confirms are applied the
way the webhook would have applied them (idempotent, keyed by the Stripe object
id): a missed ``checkout.session.completed`` opens the gig, a dashboard refund
or a chargeback is booked, an accepted transfer/refund is recorded as sent.
Everything else is reported for an operator: objects the app cannot place,
amounts that disagree, operations that failed or are stuck, and the balances
of the accounts that hold unexplained money."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TextIO


from adapters.stripe.client import OP_METADATA_KEY, make_client, transfer_group, val
from adapters.stripe.sync import StripeSync
from core.api import Gig, ProviderChange, format_amount

STUCK_AFTER = timedelta(hours=1)


@dataclass
class Finding:
    what: str
    gig_id: int | None = None
    fixable: bool = False
    result: str | None = None  # set when fixed

    @property
    def fixed(self) -> bool:
        return self.result is not None


@dataclass
class Report:
    since: str
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if not f.fixed]

    def lines(self) -> list[str]:
        out = [f"Reconciling the ledger with Stripe since {self.since}: checked "
               + ", ".join(f"{n} {k}" for k, n in self.checked.items()) + "."]
        for f in self.findings:
            tag = "FIXED" if f.fixed else ("FIXABLE" if f.fixable else "CHECK")
            line = f"  {tag:<8}{f.what}"
            if f.fixed:
                line += f" -> {f.result}"
            out.append(line)
        fixable = sum(1 for f in self.open if f.fixable)
        out.append(f"{len(self.findings)} difference(s): {len(self.findings) - len(self.open)} "
                   f"fixed, {fixable} fixable with --fix, "
                   f"{len(self.open) - fixable} for an operator.")
        return out


class Reconciler:
    def __init__(self, engine, client) -> None:
        self.engine = engine
        self.client = client
        self.sync = StripeSync(engine, client)

    async def run(self, *, days: int, fix: bool) -> Report:
        now = self.engine.clock.now()
        since = now - timedelta(days=days)
        report = Report(since=since.strftime("%Y-%m-%d %H:%M UTC"))
        changes: list[ProviderChange] = []
        gte = {"gte": int(since.timestamp())}

        sessions = await self._all(self.client.v1.checkout.sessions,
                                   {"created": gte, "expand": ["data.payment_intent"]})
        for s in sessions:
            changes += await self.sync.for_session(s.id, s)

        gigs = await self.engine.gigs_funded_since(since)
        gigs += await self.engine.funded_gigs_of_requests([s.id for s in sessions],
                                                          exclude={g.id for g in gigs})
        for gig in gigs:
            changes += await self._check_gig(gig, report)

        disputes = await self._all(self.client.v1.disputes, {"created": gte})
        for d in disputes:
            changes += await self.sync.for_dispute(d.id, d)
        report.checked = {"checkout sessions": len(sessions), "funded gigs": len(gigs),
                          "disputes": len(disputes)}

        unique = list({c.what: c for c in changes}.values())
        done = await self.engine.provider_changes_done(unique)
        todo = [c for c, d in zip(unique, done) if not d]
        for change in todo:
            finding = Finding(change.what, change.gig_id, fixable=change.safe)
            if fix and change.safe:
                applied = await self.sync.apply_changes([change])
                finding.result = "; ".join(r for _, r in applied) or "already applied"
            report.findings.append(finding)
        await self._operator_items(report, now)
        return report

    async def _all(self, service, params: dict) -> list:
        page = await service.list_async(params={**params, "limit": 100})
        return [x async for x in page.auto_paging_iter()]

    async def _check_gig(self, gig: Gig, report: Report) -> list[ProviderChange]:
        """One funded gig: its charge, refunds and transfers against the ledger."""
        changes: list[ProviderChange] = []
        charge_id = gig.funding_ref if gig.funding_ref.startswith(("ch_", "py_")) else None
        if charge_id:
            charge = await self.client.v1.charges.retrieve_async(charge_id)
            funded = await self.engine.ledger_has_entry(f"funding:gig:{gig.id}")
            expected = gig.price.total
            if charge.amount != expected or funded is None:
                report.findings.append(Finding(
                    f"gig #{gig.id}: charge {charge_id} is {format_amount(charge.amount, charge.currency)}, "
                    f"the ledger funded {format_amount(expected if funded else 0, gig.currency)}", gig.id))
            changes += await self.sync.for_charge(charge_id, gig.id)
        ops = await self.engine.payment_ops(gig.id)
        transfers = await self._all(self.client.v1.transfers,
                                    {"transfer_group": transfer_group(gig.id)})
        at_stripe = {t.id: t for t in transfers}
        for tr in transfers:
            changes += await self.sync.for_transfer(tr.id, tr, [o for o in ops
                                                                if o.kind == "transfer"])
        refunds = []
        if charge_id:
            refunds = await self._all(self.client.v1.refunds, {"charge": charge_id})
        refund_ids = {r.id: r for r in refunds}
        for op in ops:
            if op.status != "succeeded" or not op.provider_ref:
                continue
            found = (at_stripe if op.kind == "transfer" else refund_ids).get(op.provider_ref)
            if found is None and op.kind == "refund" and not charge_id:
                continue  # refunded by PaymentIntent: not listed by charge
            if found is None:
                report.findings.append(Finding(
                    f"gig #{gig.id}: {op.kind} {op.provider_ref} "
                    f"({format_amount(op.amount_minor, op.currency)}) is in the ledger but not at Stripe",
                    gig.id))
            elif val(found, "status") in ("failed", "canceled"):
                report.findings.append(Finding(
                    f"gig #{gig.id}: refund {op.provider_ref} ({format_amount(op.amount_minor, op.currency)})"
                    f" is recorded as sent but {found.status} at Stripe", gig.id))
            elif found.amount != op.amount_minor:
                report.findings.append(Finding(
                    f"gig #{gig.id}: {op.kind} {op.provider_ref} is {format_amount(found.amount, op.currency)}"
                    f" at Stripe, {format_amount(op.amount_minor, op.currency)} in the ledger", gig.id))
        refs = {op.provider_ref for op in ops}
        for tr in transfers:  # (ours with an unknown key are reported by for_transfer)
            if not val(val(tr, "metadata"), OP_METADATA_KEY) and tr.id not in refs:
                report.findings.append(Finding(
                    f"gig #{gig.id}: transfer {tr.id} ({format_amount(tr.amount, tr.currency)}) to "
                    f"{val(tr, 'destination')} was not made by the app", gig.id))
        return changes

    async def _operator_items(self, report: Report, now) -> None:
        ops = await self.engine.unsettled_payment_ops()
        balances = await self.engine.operator_balances()
        for op in ops:
            if op.status == "failed":
                report.findings.append(Finding(
                    f"gig #{op.gig_id}: {op.kind} {op.idempotency_key} of "
                    f"{format_amount(op.amount_minor, op.currency)} failed: {op.last_error or '?'}",
                    op.gig_id))
            elif op.created_at and now - _aware(op.created_at) > STUCK_AFTER:
                report.findings.append(Finding(
                    f"gig #{op.gig_id}: {op.kind} {op.idempotency_key} of "
                    f"{format_amount(op.amount_minor, op.currency)} is still pending "
                    f"({op.attempts} attempt(s))", op.gig_id))
        for (account, cur), amount in sorted(balances.items()):
            report.findings.append(Finding(f"ledger account {account} holds {format_amount(amount, cur)}"))



def _aware(dt):
    from datetime import timezone
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


async def run_reconcile(app, *, days: int = 7, fix: bool = False,
                        out: TextIO | None = None) -> int:
    """Print the report; exit status 0 when nothing is left to look at, 1 otherwise."""
    out = out or sys.stdout
    client = getattr(app.provider, "client", None) or make_client(app.settings)
    report = await Reconciler(app.engine, client).run(days=days, fix=fix)
    for line in report.lines():
        print(line, file=out)
    return 0 if not report.open else 1
