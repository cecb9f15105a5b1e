"""Harness for the Stripe e2e tests: the real app (``bot.runtime.app.App``: SQLite file,
``StripeProvider`` with the real stripe SDK, manual clock) against the loopback
``FakeStripe``, with the webhook served by the project's own HTTP server on an
ephemeral port (``HttpServer`` + ``mount_stripe_webhook``), so every event
travels as Stripe would send it: signed HTTP POSTs to ``/stripe/webhook``.

``StripeWorld`` drives people through the engine and the conversation layer
(no chat platform), and checks the ledger invariants of DESIGN.md ("Money")
after each step: every entry balances and each currency sums to zero; no
account the platform holds money in is negative (``external`` and the
outside-world ``external:*`` receivables may be); a funded gig's escrow equals
the rewards of its unsettled slots; a claim is paid at most once."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from adapters.stripe.webhooks import mount_stripe_webhook
from bot.runtime.app import App
from bot.conversation import Place, PlaceKind, Reply
from bot.runtime.http import HttpServer
from bot.payloads import button_payload
from bot.runtime.settings import Settings
from core.lifecycle import ledger
from core.domain.clock import ManualClock
from core.domain.gig_input import GigDraft
from core.domain.records import (
    Gig, GigStatus, LedgerEntry, OutboxMessage, PaymentOp, PaymentRequest, ProviderEvent,
    ReputationStats, User,
)

from tests.fakes.stripe_api import FakeStripe

SECRET = "whsec_gigbroker_e2e_webhook_secret"
PUBLIC = "https://gigbroker.example"
REWARD, FEE = 2500, 125  # 25.00 USD per slot + the 5 % fee


class StripeWorld:
    def __init__(self, fake: FakeStripe, tmp_path: Path) -> None:
        self.fake = fake
        self.clock = ManualClock()
        self.settings = Settings(
            _env_file=None, database_url=f"sqlite:///{tmp_path / 'gigbroker.db'}",
            stripe_secret_key="sk_test_gigbroker_e2e", stripe_api_base_url=fake.base_url,
            stripe_webhook_secret=SECRET, public_base_url=PUBLIC)
        self.app: App | None = None
        self.http: HttpServer | None = None
        self._names: dict[int, str] = {}

    # -- lifecycle --------------------------------------------------------------
    async def start(self) -> "StripeWorld":
        self.app = App(self.settings, clock=self.clock)
        await self.app.prepare()
        self.http = HttpServer(self.app, "127.0.0.1", 0)
        mount_stripe_webhook(self.app, self.settings, self.http)
        await self.http.start()
        self.fake.webhook_url = self.webhook_url
        return self

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.http.bound_port}/stripe/webhook"

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.stop()
        if self.app is not None:
            await self.app.provider.aclose()
            await self.app.close()
        self.app = self.http = None

    async def restart(self) -> None:
        """A new process on the same database (what a crash and restart leaves)."""
        await self.stop()
        await self.start()

    @property
    def engine(self):
        return self.app.engine

    # -- people and gigs ----------------------------------------------------------
    async def user(self, name: str, *, skills: str = "design") -> int:
        user = await self.engine.resolve_user("console", name, name)
        await self.engine.update_profile(user.id, {"skills": skills, "hours": "any"})

        def seasoned(t):  # lifts the newcomer limit of one live claim
            stats = t.s.get(ReputationStats, user.id) or ReputationStats(user_id=user.id)
            stats.approved = max(stats.approved, 1)
            t.s.add(stats)
        await self.engine.tx(seasoned)
        self._names[user.id] = name
        return user.id

    async def onboarded(self, name: str) -> int:
        """A freelancer who finished Stripe onboarding (via the account.updated webhook)."""
        uid = await self.user(name)
        link = await self.engine.setup_payouts(uid)
        assert not link.payouts_enabled and link.url
        await self.fake.complete_onboarding(link.account_ref)
        assert (await self.get(User, uid)).payouts_enabled
        return uid

    async def post_gig(self, client_id: int, *, slots: int = 2, reward: str = "25",
                       **fields) -> int:
        raw = {"title": "Logo in SVG", "reward": reward, "currency": "usd",
               "skills": "design", "slots": str(slots), **{k: str(v) for k, v in fields.items()}}
        gig = await self.engine.post_gig(client_id, GigDraft.parse(raw))
        return gig.id

    def place(self, user_id: int) -> Place:
        return Place("console", PlaceKind.dm, f"dm-{user_id}")

    async def actor(self, user_id: int):
        return await self.app.conversation.actor("console", self._names[user_id],
                                                 self._names[user_id])

    async def press(self, user_id: int, verb: str, entity_id: int) -> list[Reply]:
        return await self.app.conversation.press(await self.actor(user_id), self.place(user_id),
                                                 button_payload(verb, entity_id))

    async def command(self, user_id: int, name: str, args: str = "") -> list[Reply]:
        return await self.app.conversation.command(await self.actor(user_id),
                                                   self.place(user_id), name, args)

    async def press_pay(self, client_id: int, gig_id: int) -> tuple[str, str]:
        """The client presses Pay: returns (Checkout Session id, the Pay button's URL)."""
        replies = await self.press(client_id, "pay", gig_id)
        urls = [b.url for r in replies for b in r.all_buttons() if b.url]
        assert len(urls) == 1, [r.text.plain_text() for r in replies]
        req = await self.engine.view(lambda t: t.s.scalar(select(PaymentRequest).where(
            PaymentRequest.gig_id == gig_id).order_by(PaymentRequest.id.desc()).limit(1)))
        assert req.url == urls[0]
        return req.provider_ref, urls[0]

    async def funded_gig(self, client_id: int, **kw) -> tuple[int, dict]:
        """Post, pay through Checkout and wait for the webhook to open the gig."""
        gig_id = await self.post_gig(client_id, **kw)
        session_id, _ = await self.press_pay(client_id, gig_id)
        paid = await self.fake.complete_checkout(session_id)
        gig = await self.get(Gig, gig_id)
        assert gig.status == GigStatus.open and gig.funding_ref == paid["charge"]
        return gig_id, paid

    async def deliver_and_approve(self, client_id: int, freelancer_id: int, gig_id: int) -> int:
        claim = await self.engine.claim_slot(freelancer_id, gig_id)
        await self.engine.deliver(freelancer_id, claim.id, "done", ["https://example.com/logo.svg"])
        await self.engine.approve(client_id, claim.id)
        return claim.id

    async def tick(self) -> None:
        """Fire due timers and drain the outbox (transfers and refunds go to Stripe)."""
        await self.app.tick()
        if self.fake.webhook_mode == "auto":
            await self.fake.webhooks_idle()
        await self.app.outbox.drain()

    # -- reading -------------------------------------------------------------------
    async def get(self, model, key):
        return await self.engine.view(lambda t: t.s.get(model, key))

    async def balances(self) -> dict[str, int]:
        """Account -> balance (USD only in these tests)."""
        rows = await self.engine.view(lambda t: ledger.all_balances(t.s))
        return {acct: amt for (acct, cur), amt in rows.items() if amt}

    async def ops(self, gig_id: int | None = None, kind: str | None = None) -> list[PaymentOp]:
        def load(t):
            q = select(PaymentOp).order_by(PaymentOp.id)
            if gig_id is not None:
                q = q.where(PaymentOp.gig_id == gig_id)
            if kind is not None:
                q = q.where(PaymentOp.kind == kind)
            return list(t.s.scalars(q))
        return await self.engine.view(load)

    async def entries(self, kind: str | None = None) -> list[LedgerEntry]:
        def load(t):
            q = select(LedgerEntry).order_by(LedgerEntry.id)
            return list(t.s.scalars(q.where(LedgerEntry.kind == kind) if kind else q))
        return await self.engine.view(load)

    async def count(self, model, *where) -> int:
        return await self.engine.view(lambda t: t.s.scalar(
            select(func.count()).select_from(model).where(*where)))

    async def notes(self, event: str) -> int:
        return await self.count(OutboxMessage, OutboxMessage.event == event,
                                OutboxMessage.channel == "notify")

    async def processed_events(self) -> int:
        return await self.count(ProviderEvent)

    async def snapshot(self) -> dict:
        """Every row of every table: equal snapshots mean nothing was written."""
        def dump(t):
            return {table.name: [tuple(r) for r in t.s.execute(
                select(table).order_by(*table.primary_key.columns)).all()]
                for table in SQLModel.metadata.sorted_tables}
        return await self.engine.view(dump)

    async def check_invariants(self) -> dict[str, int]:
        def load(t):
            gigs = list(t.s.scalars(select(Gig)))
            payouts = list(t.s.execute(select(LedgerEntry.claim_id, func.count()).where(
                LedgerEntry.kind == "release").group_by(LedgerEntry.claim_id)))
            return (ledger.all_balances(t.s), ledger.unbalanced_entries(t.s), gigs, payouts,
                    ledger.totals_by_currency(t.s))
        balances, unbalanced, gigs, releases, totals = await self.engine.view(load)
        assert unbalanced == []
        assert all(v == 0 for v in totals.values()), totals
        for (acct, cur), amount in balances.items():
            if not (acct == ledger.EXTERNAL or acct.startswith("external:")):
                assert amount >= 0, f"{acct} is negative: {amount} {cur}"
        for gig in gigs:
            escrow = balances.get((ledger.escrow(gig.id), gig.currency), 0)
            if gig.funded_at is not None:
                assert escrow == gig.reward_minor * (gig.slots - gig.slots_settled), (
                    f"gig #{gig.id}: escrow {escrow}, {gig.slots - gig.slots_settled} unsettled")
            else:
                assert escrow == 0
        assert all(n == 1 for _, n in releases), releases
        return {acct: amt for (acct, cur), amt in balances.items() if amt}


@pytest.fixture
async def world(tmp_path, migrated_db):
    """A started ``StripeWorld`` on a fresh FakeStripe (auto webhooks)."""
    shutil.copyfile(migrated_db, tmp_path / "gigbroker.db")
    async with FakeStripe(webhook_secret=SECRET) as fake:
        w = await StripeWorld(fake, tmp_path).start()
        try:
            yield w
        finally:
            await w.stop()
        assert fake.server_errors == []


def transfer_requests(fake: FakeStripe) -> list:
    return [r for r in fake.calls("POST", "/v1/transfers") if r.path == "/v1/transfers"]


def event_ids(fake: FakeStripe, *types: str) -> list[str]:
    return [e["id"] for e in fake.events_of_type(*types)]
