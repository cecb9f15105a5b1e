"""The money and slot invariants of DESIGN.md, held at every step of random
sequences of everything that can happen to gigs.

A hypothesis ``RuleBasedStateMachine`` drives the real engine (sandbox
payments, a ManualClock) through random interleavings of: post, fund, claim,
apply / accept / decline, deliver, request a revision, approve, reject,
dispute, resolve with a random split, cancel (client or moderator), withdraw,
payout setup, clock advances (two clock workers at once), outbox drains (two
workers at once) and faults: a worker killed right after the provider accepted
a transfer or refund (before it could record it), a worker that leased a batch
and died, and a provider declining transfers; and the money a client adds to a
live gig (core.lifecycle.gig_changes): more slots, and tips after approval, both
paid like funding; and task queues (core.lifecycle.queues, next_task): gigs whose
slots are items, gigs letting one freelancer take several slots (``repeat``), and
a freelancer taking the next similar task after a delivery; a dispute's packet
(core.lifecycle.dispute_statements): each party's one statement before the answer
deadline, the split buttons (all / half / none, pressed twice) and a custom share.
Refused moves must be typed
domain errors that write nothing.

After every step, straight from the database:
- every ledger entry balances and the ledger sums to zero per currency;
- no internal account (anything but ``external``) is negative;
- a funded gig's escrow equals reward x (slots - slots_settled), and its fee
  held fee x the same; both equal what its claims imply (open gigs: every slot
  not settled by a claim; cancelled/expired gigs: the slots of live claims);
- ``gig.slots_live`` equals the number of live claims;
- a claim is paid at most once: at most one release entry, one transfer op,
  one succeeded transfer, one sandbox (provider-side) transfer; a tip is paid
  exactly once when its payment arrived (one tip entry, one transfer of its
  amount), only on an approved claim, and leaves nothing in escrow;
- at most one live claim per slot; per freelancer on a gig: one slot at all
  without ``repeat``, one being worked on with it; a queue's slots are its items;
- the payment ops agree with the ledger: what waits for payout onboarding is
  what is ``payable``, what is being sent is ``payout_pending``, refunds not yet
  sent are ``refund_pending``;
- a dispute has at most one statement per party, each made before its answer
  deadline, which is no later than its decision deadline; a split button pays
  exactly its share.

Each example uses its own event loop and a fresh database (a SQLite file in a
temp dir, or a recreated PostgreSQL schema), kept small: seven users, at most
four gigs taking work at a time and twelve in all."""
from __future__ import annotations

import asyncio
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text

from adapters.sandbox import SandboxProvider
from core.lifecycle import ledger, people
from core.domain.clock import ManualClock
from core.domain.gig_input import GigDraft
from core.engine import Engine
from core.domain.errors import DomainError
from core.domain.records import (
    LIVE_CLAIM_STATES,
    SLOT_HOLDING_STATES,
    Application,
    Claim,
    Dispute,
    DisputeStatement,
    Gig,
    GigExtra,
    GigItem,
    LedgerEntry,
    LedgerPosting,
    OutboxMessage,
    PaymentOp,
    ReputationStats,
    SandboxPayment,
    User,
)
from core.workers.outbox import OutboxWorker, lease
from core.lifecycle.payouts import enable_payouts
from core.workers.timers import run_due_timers
from tests.faults import FaultyProvider, ProcessKilled

SETTLED_BY_CLAIM = ("approved", "auto_approved", "resolved", "refunded")
PAID_STATES = ("approved", "auto_approved", "resolved")
LEASE = 120



def op_key(provider_key: str) -> str:
    """The PaymentOp key behind a provider-side key (a retry after a refusal adds
    ``:retryN``, see core.lifecycle.payouts.provider_key)."""
    return re.sub(r":retry\d+$", "", provider_key)

class Sink:
    """The chat side of the outbox: keeps what it was asked to deliver."""

    def __init__(self) -> None:
        self.notes = []

    async def deliver(self, note) -> None:
        self.notes.append(note)


# odd amounts near each currency's minimum reward exercise fee rounding
REWARDS = [("usd", "25"), ("usd", "0.51"), ("jpy", "500"), ("eur", "1999.99"), ("kwd", "1.005")]
GIG_SPECS = st.fixed_dictionaries(dict(
    client=st.integers(0, 1), slots=st.integers(1, 3), reward=st.sampled_from(REWARDS),
    mode=st.sampled_from(["claim", "claim", "apply"]), revisions=st.integers(0, 2),
    deliver=st.sampled_from(["2h", "1d"]), review=st.sampled_from(["1h", "1d"]),
    listing=st.sampled_from(["1d", "3d", "7d"]), in_community=st.booleans(),
    fund=st.sampled_from([True, True, True, False]),
    kind=st.sampled_from(["plain", "plain", "repeat", "queue"])))
pick = st.integers(0, 1_000)
ACTIONABLE = ("active", "revision_requested", "delivered", "rejected", "disputed")
SPLITS = (0, 1, 33, 50, 99, 100)  # percent of the reward to the freelancer
BUTTONS = {"all": lambda reward: reward, "half": lambda reward: reward // 2,
           "none": lambda reward: 0}  # the packet's split buttons


def fingerprint_sql() -> str:
    """One round trip: enough to see whether a refused move wrote anything."""
    counts = ", ".join(f"(SELECT count(*) FROM {t})" for t in (
        "auditevent", "ledgerentry", "ledgerposting", "outboxmessage", "claim", "delivery",
        "dispute", "paymentop", "timer", "application", "rating", "sandboxpayment",
        "gigextra", "gigitem", "disputestatement"))
    return (f"SELECT {counts}, (SELECT coalesce(sum(version), 0) FROM gig), "
            "(SELECT coalesce(sum(version), 0) FROM claim), "
            "(SELECT count(*) FROM application WHERE status = 'pending'), "
            "(SELECT count(*) FROM paymentop WHERE status = 'pending'), "
            "(SELECT count(*) FROM \"user\" WHERE payouts_enabled)")


FINGERPRINT = text(fingerprint_sql())


def cast(t) -> tuple[list[int], list[int], int, int]:
    """Everyone, in one transaction through the same functions /start, /profile and
    /payout use: two clients, four freelancers (two experienced, one newcomer, one
    experienced without payouts), a staff moderator and a community."""
    def person(name: str, *, experienced: bool = False, payouts: bool = True,
               staff: bool = False) -> int:
        uid = people.resolve_identity(t, "console", name, name).id
        people.update_profile(t, uid, {"skills": "design", "hours": "any"})
        if payouts:
            enable_payouts(t, uid, f"sbx_acct_{uid}")  # what the sandbox onboarding returns
        if experienced:
            t.s.add(ReputationStats(user_id=uid, approved=1))
        t.user(uid).staff = staff
        return uid
    # established clients: the posting caps on newcomers are not what this machine tests
    clients = [person("client-a", experienced=True), person("client-b", experienced=True)]
    freelancers = [person("f-pro", experienced=True), person("f-pro2", experienced=True),
                   person("f-new"), person("f-unpaid", experienced=True, payouts=False)]
    moderator = person("moderator", staff=True)
    community = people.ensure_community(t, "discord", "guild-1", "Guild").id
    return clients, freelancers, moderator, community


def machine_for(backend: str, database_factory):
    class GigMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            # RAM-backed when the machine has it: hundreds of tiny commits per example.
            shm = Path("/dev/shm")
            self.dir = tempfile.mkdtemp(prefix="gigbroker-invariants-",
                                        dir=shm if shm.is_dir() else None)
            self.db = self.run(database_factory(backend, Path(self.dir)))
            self.clock = ManualClock(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
            self.provider = SandboxProvider(self.db)
            self.engine = Engine(self.db, self.provider, clock=self.clock)
            # A second clock/outbox process on the same database.
            self.engine2 = Engine(self.db, self.provider, clock=self.clock)
            self.sink = Sink()
            self.workers = 0
            self.first_slots: dict[int, int] = {}  # gig -> slots when posted
            self.gigs: dict[int, Gig] = {}
            self.claims: dict[int, Claim] = {}
            self.apps: dict[int, Application] = {}
            self.clients, self.freelancers, self.moderator, self.community = self.run(
                self.engine.tx(cast))
            self.books_and_slots_hold()

        # -- plumbing --------------------------------------------------------
        def run(self, coro):
            return self.loop.run_until_complete(coro)

        def run_both(self, first, second):
            """Two workers at once (two processes sharing the database)."""
            async def both():
                return await asyncio.gather(first, second)
            return self.run(both())

        def teardown(self) -> None:
            try:
                if sys.exc_info()[0] is None:  # not while a failing step is reported
                    self.everything_settles()
            finally:
                try:
                    self.run(self.db.dispose())
                finally:
                    self.loop.close()
                    shutil.rmtree(self.dir, ignore_errors=True)

        def everything_settles(self) -> None:
            """Liveness, at the end of every run: once everyone has set up payouts and
            nobody acts for twelve days, every payment has been made and no money waits
            anywhere: a dispute nobody decided was settled at its deadline by the split
            it stated when it opened."""
            for uid in self.freelancers:
                self.run(self.engine.setup_payouts(uid))
            for days in (12, 1):  # every deadline, window and listing has run out
                self.clock.advance(days=days)
                self.run(run_due_timers(self.engine))
                self.run(OutboxWorker(self.engine, self.sink, owner=f"final{days}").drain())
            self.books_and_slots_hold()

            def read(s):
                ops = [(op.idempotency_key, op.status) for op in s.scalars(select(PaymentOp))]
                return ops, ledger.all_balances(s), list(s.scalars(select(OutboxMessage).where(
                    OutboxMessage.status != "done")))
            ops, balances, undone = self.run(self.db.read(read))
            assert [op for op in ops if op[1] != "succeeded"] == [], "payments stuck"
            assert [(m.channel, m.event, m.status) for m in undone] == []
            assert {c.status for c in self.claims.values()} <= {
                "approved", "auto_approved", "resolved", "refunded", "withdrawn", "abandoned"}
            self.undecided_disputes_paid_their_rule()
            for g in self.gigs.values():
                assert g.status in ("completed", "cancelled", "expired", "awaiting_funding"), (
                    g.id, g.status)  # (an unpaid gig simply waits: no money involved)
                held = (balances.get((ledger.escrow(g.id), g.currency), 0),
                        balances.get((ledger.fee_held(g.id), g.currency), 0))
                assert held == (0, 0), (g.id, held)
            for (account, _), amount in balances.items():
                if account.startswith(("payable:", "payout_pending:", "refund_pending:")):
                    assert amount == 0, f"{amount} stuck in {account}"

        def undecided_disputes_paid_their_rule(self) -> None:
            """Every dispute ended: by a moderator's split, or (no resolver) by the clock
            at its deadline with exactly the freelancer's share it stated up front."""
            def read(s):
                return [(d, s.get(Claim, d.claim_id)) for d in s.scalars(select(Dispute))]
            for d, c in self.run(self.db.read(read)):
                assert d.status == "resolved" and c.status == "resolved", (d.id, c.status)
                if d.resolver_id is None:
                    assert d.resolved_at >= d.decide_by
                    assert c.paid_minor == d.fallback_share_minor

        def fingerprint(self):
            return self.run(self.db.read(lambda s: tuple(s.execute(FINGERPRINT).one())))

        def attempt(self, make_coro):
            """Run one move; a refusal must be a typed domain error that wrote nothing."""
            before = self.fingerprint()
            try:
                return self.run(make_coro())
            except DomainError as exc:
                assert self.fingerprint() == before, f"refused move wrote something: {exc!r}"
                return None

        def choose(self, items, i: int):
            items = sorted(items)
            return items[i % len(items)] if items else None

        def claims_in(self, *states: str) -> list[int]:
            return [c.id for c in self.claims.values() if c.status in states]

        def gigs_in(self, *states: str) -> list[int]:
            return [g.id for g in self.gigs.values() if g.status in states]

        def gigs_with_room(self, mode: str) -> list[int]:
            return [g.id for g in self.gigs.values()
                    if g.status == "open" and g.mode == mode and g.slots_open > 0]

        def some_claim(self, i: int, *states: str) -> Claim | None:
            """Mostly a claim in one of ``states``; every seventh pick, any claim at all
            (so refusals of stale moves are exercised too)."""
            pool = self.claims_in(*states) if i % 7 else list(self.claims)
            cid = self.choose(pool, i // 7) or self.choose(list(self.claims), i)
            return self.claims.get(cid) if cid else None

        def client_of(self, claim: Claim) -> int:
            return self.gigs[claim.gig_id].client_id

        def queued(self, event: str, recipient_id: int, key: str) -> int:
            """How many ``event`` notifications for ``recipient_id`` about ``key`` are queued."""
            dedup = f"{event}:{recipient_id}:{key}"
            return self.run(self.db.read(lambda s: len(list(s.scalars(
                select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup))))))

        # -- gigs ------------------------------------------------------------
        def post_gig(self, spec: dict) -> None:
            currency, amount = spec["reward"]
            fields = {
                "title": "Random task", "reward": amount, "currency": currency,
                "slots": str(spec["slots"]), "mode": spec["mode"],
                "max_revisions": str(spec["revisions"]), "deliver_in": spec["deliver"],
                "review_window": spec["review"], "listing_for": spec["listing"],
                "skills": "design"}
            kind = spec.get("kind", "plain")
            if kind == "repeat":
                fields["repeat"] = "yes"
            elif kind == "queue":  # one slot per item, repeat on by default
                fields["items"] = "|".join(f"item {n}" for n in range(1, spec["slots"] + 1))
                del fields["slots"]
            draft = GigDraft.parse(
                fields, community_id=self.community if spec["in_community"] else None)
            gig = self.run(self.engine.post_gig(self.clients[spec["client"]], draft))
            if spec["fund"]:
                self.run(self.engine.start_funding(gig.client_id, gig.id))

        @initialize(specs=st.lists(GIG_SPECS, min_size=2, max_size=3))
        def first_gigs(self, specs):
            for spec in specs:
                self.post_gig(spec)

        @precondition(lambda self: len(self.gigs_in("open", "awaiting_funding")) < 4
                      and len(self.gigs) < 12)
        @rule(spec=GIG_SPECS)
        def post(self, spec):
            self.post_gig(spec)

        @precondition(lambda self: self.gigs_in("awaiting_funding"))
        @rule(i=pick)
        def fund(self, i):
            waiting = [g.id for g in self.gigs.values() if g.status == "awaiting_funding"]
            gig = self.gigs[self.choose(waiting or list(self.gigs), i)]
            result = self.attempt(lambda: self.engine.start_funding(gig.client_id, gig.id))
            if result is not None:
                assert result[0].status == "open"
                assert self.queued("gig.opened", gig.client_id, f"gig:{gig.id}") == 1

        @precondition(lambda self: len(self.gigs_in("open", "awaiting_funding")) >= 3)
        @rule(i=pick, by_moderator=st.booleans())
        def cancel(self, i, by_moderator):
            live = [g.id for g in self.gigs.values() if g.status in ("open", "awaiting_funding")]
            gig = self.gigs[self.choose(live or list(self.gigs), i)]
            actor = self.moderator if by_moderator else gig.client_id
            result = self.attempt(lambda: self.engine.cancel_gig(actor, gig.id))
            if result is not None:
                assert result.status == "cancelled"
                assert self.queued("gig.cancelled", gig.client_id, f"gig:{gig.id}") == 1

        # -- claims ----------------------------------------------------------
        @precondition(lambda self: self.gigs_with_room("claim") or self.gigs_with_room("apply"))
        @rule(f=st.integers(0, 3), i=pick)
        def take_work(self, f, i):
            """Claim a slot (first-come gigs) or apply (gigs where the client picks)."""
            room = self.gigs_with_room("claim") + self.gigs_with_room("apply")
            gig = self.gigs[self.choose(room if i % 7 else list(self.gigs), i)]
            who = self.freelancers[f]
            if gig.mode == "apply":
                self.attempt(lambda: self.engine.apply(who, gig.id, "pick me"))
                return
            claim = self.attempt(lambda: self.engine.claim_slot(who, gig.id))
            if claim is not None:
                assert claim.status == "active" and 1 <= claim.slot_no <= gig.slots
                assert self.queued("claim.confirmed", who, f"claim:{claim.id}") == 1

        @precondition(lambda self: self.claims_in("delivered", "approved", "auto_approved"))
        @rule(i=pick)
        def take_next(self, i):
            """"Next similar task": a freelancer who delivered (or was approved) takes what
            the engine offers them next with one tap (the next item of a queue, another
            slot of a repeat gig, or another gig), or, every fifth time, presses the same
            gig again whatever was offered (a stale or refused press)."""
            c = self.some_claim(i, "delivered", "approved", "auto_approved")
            who = c.freelancer_id
            offer = self.run(self.engine.next_task(who, c.gig_id))
            target = offer.gig.id if offer.gig is not None and i % 5 else c.gig_id
            claim = self.attempt(lambda: self.engine.claim_slot(who, target))
            if claim is None:
                return
            gig = self.gigs[target]
            assert claim.status == "active" and 1 <= claim.slot_no <= gig.slots
            if offer.gig is not None and offer.gig.id == target and offer.item_no:
                assert claim.slot_no == offer.item_no  # the item it showed is the one taken
            item = self.run(self.engine.item_of_claim(claim.id))
            assert item == (f"item {claim.slot_no}" if gig.item_count else None)

        @precondition(lambda self: any(a.status == "pending" for a in self.apps.values()))
        @rule(i=pick, accept=st.sampled_from([True, True, False]))
        def decide(self, i, accept):
            pending = [a.id for a in self.apps.values() if a.status == "pending"]
            app = self.apps[self.choose(pending or list(self.apps), i)]
            client = self.gigs[app.gig_id].client_id
            self.attempt(lambda: self.engine.decide_application(client, app.id, accept))

        @precondition(lambda self: self.claims_in(*ACTIONABLE))
        @rule(i=pick, choice=st.integers(0, 99))
        def move_a_claim(self, i, choice):
            """The next move on one claim by whoever may make it: the freelancer delivers
            (or withdraws), the client approves, rejects or asks for a revision, the
            freelancer disputes a rejection, a moderator resolves with a split. Now and
            then the wrong person tries, or a settled claim is picked: refusals."""
            e, c = self.engine, self.some_claim(i, *ACTIONABLE)
            client, freelancer = self.client_of(c), c.freelancer_id
            if choice >= 95:  # the wrong person presses the button: roles swapped
                client, freelancer = freelancer, client
            status = c.status if c.status in ACTIONABLE else ACTIONABLE[choice % 5]
            if status in ("active", "revision_requested"):
                if choice < 85:
                    links = ["https://example.com/work"] if choice % 2 else []
                    delivery = self.attempt(lambda: e.deliver(freelancer, c.id, "here", links))
                    if delivery is not None:
                        assert self.queued("delivery.submitted", client,
                                           f"delivery:{delivery.id}") == 1
                else:
                    self.attempt(lambda: e.withdraw(freelancer, c.id))
            elif status == "delivered":
                if choice < 45:
                    result = self.attempt(lambda: e.approve(client, c.id))
                    if result is not None:
                        assert result.paid_minor == self.gigs[c.gig_id].reward_minor
                        assert self.queued("claim.approved", freelancer, f"claim:{c.id}") == 1
                elif choice < 80:
                    self.attempt(lambda: e.reject(client, c.id, "not the brief"))
                else:
                    self.attempt(lambda: e.request_revision(client, c.id, "again"))
            elif status == "rejected":
                if choice < 80:  # otherwise the dispute window may lapse
                    self.attempt(lambda: e.open_dispute(freelancer, c.id, "it is the brief"))
            else:
                share = self.gigs[c.gig_id].reward_minor * SPLITS[choice % len(SPLITS)] // 100
                moderator = self.moderator if choice < 95 else client
                result = self.attempt(lambda: e.resolve_dispute(moderator, c.id, share))
                if result is not None:
                    assert self.queued("dispute.resolved", freelancer, f"dispute:{result.id}") == 1

        @precondition(lambda self: self.claims_in("disputed", "rejected"))
        @rule(i=pick, choice=st.integers(0, 99))
        def work_a_dispute(self, i, choice):
            """The dispute packet: a rejected claim is disputed; a party adds their one
            statement (with a file now and then; again, or after the answer deadline:
            refused); a decider presses a split button (all / half / none), and presses
            it again (refused, nothing written); the wrong person presses now and then."""
            e, c = self.engine, self.some_claim(i, "disputed", "rejected")
            client, freelancer = self.client_of(c), c.freelancer_id
            if c.status == "rejected":
                self.attempt(lambda: e.open_dispute(freelancer, c.id, "it is the brief"))
            elif choice < 50:
                party = client if choice % 2 else freelancer
                if choice >= 45:
                    party = self.moderator  # not a party: refused
                files = [{"platform": "console", "file_ref": f"f{choice}", "name": "proof.png"}]
                result = self.attempt(lambda: e.add_dispute_statement(
                    party, c.id, "my side of it", files if choice % 3 else []))
                if result is not None:
                    assert party in (client, freelancer)
                    assert self.queued("dispute.statement_added", self.moderator,
                                       f"statement:{result.id}") == 1
            else:
                reward = self.gigs[c.gig_id].reward_minor
                button = sorted(BUTTONS)[choice % 3]
                decider = self.moderator if choice < 95 else client
                result = self.attempt(lambda: e.resolve_dispute_split(decider, c.id, button))
                if result is not None:
                    assert decider == self.moderator
                    assert result.freelancer_share_minor == BUTTONS[button](reward)
                    assert self.queued("dispute.resolved", freelancer,
                                       f"dispute:{result.id}") == 1
                    again = self.attempt(lambda: e.resolve_dispute_split(decider, c.id, button))
                    assert again is None  # the second press is refused and writes nothing

        @precondition(lambda self: self.without_payouts)
        @rule(i=pick)
        def setup_payouts(self, i):
            self.run(self.engine.setup_payouts(self.choose(self.without_payouts, i)))

        # -- money added to a live gig (core.lifecycle.gig_changes) -------------
        @precondition(lambda self: self.gigs)
        @rule(i=pick, count=st.integers(0, 3), stranger=st.booleans())
        def add_slots(self, i, count, stranger):
            """The client pays for more slots (the sandbox takes it at once); a stranger,
            zero slots or a gig that is not open is refused and writes nothing."""
            open_gigs = self.gigs_in("open")
            gig = self.gigs[self.choose(open_gigs if i % 5 and open_gigs else list(self.gigs), i)]
            actor = self.freelancers[0] if stranger and i % 3 == 0 else gig.client_id
            result = self.attempt(lambda: self.engine.add_slots(actor, gig.id, count))
            if result is not None:
                extra, _ = result
                assert gig.status == "open" and actor == gig.client_id and count >= 1
                assert extra.status == "paid" and extra.slots == count
                assert self.queued("gig.slots_added", gig.client_id, f"extra:{extra.id}") == 1

        @precondition(lambda self: self.claims)
        @rule(i=pick, amount=st.sampled_from([0, 1, 500, 250_000, 10 ** 9]),
              stranger=st.booleans())
        def tip(self, i, amount, stranger):
            """The client tips the freelancer of an approved claim; a tip on work not
            approved, by someone else, of nothing or of too much is refused."""
            c = self.some_claim(i, "approved", "auto_approved")
            client = self.client_of(c)
            actor = c.freelancer_id if stranger and i % 3 == 0 else client
            result = self.attempt(lambda: self.engine.tip(actor, c.id, amount))
            if result is not None:
                extra, _ = result
                assert c.status in ("approved", "auto_approved") and actor == client
                assert extra.status == "paid" and extra.reward_minor == amount > 0
                assert self.queued("claim.tip_received", c.freelancer_id,
                                   f"extra:{extra.id}") == 1

        # -- time and workers ------------------------------------------------
        @rule(minutes=st.sampled_from([0, 0, 30, 61, 3 * 60, 13 * 60, 25 * 60, 73 * 60]),
              payments=st.booleans())
        def time_passes(self, minutes, payments):
            """The clock moves (two clock workers fire what is due) and the outbox is
            drained by two workers at once; payments only if ``payments`` (otherwise they
            wait for a later drain, or for a faulty worker)."""
            if minutes:
                self.clock.advance(minutes=minutes)
                self.run_both(run_due_timers(self.engine, limit=3),
                              run_due_timers(self.engine2, limit=3))
            self.workers += 1
            channels = None if payments else ("notify", "match")
            one = OutboxWorker(self.engine, self.sink, owner=f"w{self.workers}a")
            two = OutboxWorker(self.engine2, self.sink, owner=f"w{self.workers}b", batch=2)
            self.run_both(one.drain(channels), two.drain(channels))

        @precondition(lambda self: self.payments_due)
        @rule(fault=st.sampled_from(["kill", "dead_lease", "decline"]), n=st.integers(1, 4))
        def worker_fault(self, fault, n):
            """``kill``: the provider accepts a transfer/refund, then the worker dies before
            recording it. ``dead_lease``: a worker leases ``n`` messages and dies.
            ``decline``: the provider refuses transfers (payouts get disabled)."""
            self.workers += 1
            owner = f"{fault}{self.workers}"
            if fault == "dead_lease":
                self.run(self.engine.tx(lambda t: lease(t, owner, limit=n,
                                                        lease_for=timedelta(seconds=LEASE))))
                return
            provider = FaultyProvider(self.provider, kill_after="any" if fault == "kill" else None,
                                      decline_transfers=fault == "decline")
            faulty = Engine(self.db, provider, clock=self.clock)
            worker = OutboxWorker(faulty, self.sink, owner=owner, batch=1, lease_seconds=LEASE)
            try:
                self.run(worker.drain(channels=("payment",)))
            except ProcessKilled:
                pass

        # -- the invariants --------------------------------------------------
        @invariant()
        def books_and_slots_hold(self):
            def read(s):
                return dict(
                    balances=ledger.all_balances(s),
                    unbalanced=ledger.unbalanced_entries(s),
                    gigs=list(s.scalars(select(Gig))),
                    claims=list(s.scalars(select(Claim))),
                    apps=list(s.scalars(select(Application))),
                    live_counters=dict(s.execute(select(ReputationStats.user_id,
                                                        ReputationStats.live_claims)).all()),
                    ops=list(s.scalars(select(PaymentOp))),
                    sandbox=list(s.scalars(select(SandboxPayment))),
                    without_payouts=list(s.scalars(select(User.id).where(
                        User.payouts_enabled.is_(False), User.id.in_(self.freelancers)))),
                    payments_due=len(list(s.scalars(select(OutboxMessage.id).where(
                        OutboxMessage.channel == "payment", OutboxMessage.status == "pending")))),
                    extras=list(s.scalars(select(GigExtra))),
                    items=dict(s.execute(select(GigItem.gig_id, func.count())
                                         .group_by(GigItem.gig_id)).all()),
                    disputes=list(s.scalars(select(Dispute))),
                    statements=list(s.scalars(select(DisputeStatement))),
                    tips=s.execute(
                        select(LedgerEntry.idempotency_key, LedgerEntry.claim_id,
                               LedgerPosting.amount)
                        .join(LedgerPosting, LedgerPosting.entry_id == LedgerEntry.id)
                        .where(LedgerEntry.kind == "tip",
                               LedgerPosting.account.like("payable:%"))).all(),
                    releases=s.execute(
                        select(LedgerEntry.claim_id, LedgerPosting.amount)
                        .join(LedgerPosting, LedgerPosting.entry_id == LedgerEntry.id)
                        .where(LedgerEntry.kind == "release",
                               LedgerPosting.account.like("payable:%"))).all(),
                )
            db = self.run(self.db.read(read))
            balances = db["balances"]

            # A dispute's statements: one per party, each before the answer deadline,
            # which comes no later than the decision deadline.
            disputes = {d.id: d for d in db["disputes"]}
            assert max(Counter((said.dispute_id, said.author_id) for said in db["statements"])
                       .values(), default=0) <= 1
            for said in db["statements"]:
                assert said.created_at < disputes[said.dispute_id].answer_by
            for d in disputes.values():
                assert d.answer_by is not None and d.answer_by <= d.decide_by

            def bal(account: str, currency: str) -> int:
                return balances.get((account, currency), 0)

            # Every entry balances; the whole ledger sums to zero per currency.
            assert db["unbalanced"] == []
            per_currency = Counter()
            for (account, currency), amount in balances.items():
                per_currency[currency] += amount
                if account != ledger.EXTERNAL:
                    assert amount >= 0, f"{account} is negative: {amount} {currency}"
            assert all(v == 0 for v in per_currency.values()), per_currency

            claims_by_gig = defaultdict(list)
            for c in db["claims"]:
                claims_by_gig[c.gig_id].append(c)
            for g in db["gigs"]:
                mine = claims_by_gig[g.id]
                live = [c for c in mine if c.status in LIVE_CLAIM_STATES]
                settled = [c for c in mine if c.status in SETTLED_BY_CLAIM]
                escrow, fee = bal(ledger.escrow(g.id), g.currency), bal(ledger.fee_held(g.id),
                                                                       g.currency)
                assert g.slots_live == len(live), f"gig {g.id}: slots_live {g.slots_live}"
                assert 0 <= g.slots_live + g.slots_settled <= g.slots
                if g.funded_at is None:
                    assert escrow == fee == 0 and g.slots_settled == 0
                    continue
                unsettled = g.slots - g.slots_settled
                assert escrow == g.reward_minor * unsettled, f"gig {g.id} escrow {escrow}"
                assert fee == g.fee_per_slot * unsettled, f"gig {g.id} fee held {fee}"
                if g.status in ("cancelled", "expired"):
                    implied = len(live)  # unclaimed slots were refunded at closing
                else:
                    implied = g.slots - len(settled)
                    assert g.slots_settled == len(settled)
                assert unsettled == implied, f"gig {g.id}: claims imply {implied} unsettled"
                if g.status == "completed":
                    assert escrow == fee == 0 and not live

                # One live claim per slot; one holder per slot. Per freelancer: one slot
                # at all without repeat, one being worked on (active) with it.
                live_slots = Counter(c.slot_no for c in live)
                holders = Counter(c.slot_no for c in mine if c.status in SLOT_HOLDING_STATES)
                assert max(live_slots.values(), default=0) <= 1
                assert max(holders.values(), default=0) <= 1
                if g.repeat:
                    by_freelancer = Counter(c.freelancer_id for c in mine if c.status == "active")
                else:
                    by_freelancer = Counter(c.freelancer_id for c in mine
                                            if c.status in SLOT_HOLDING_STATES)
                assert max(by_freelancer.values(), default=0) <= 1, (g.id, by_freelancer)
                assert all(1 <= c.slot_no <= g.slots for c in mine)
                # A queue's slots are its items, one each, and never grow.
                assert g.item_count in (0, g.slots)
                assert db["items"].get(g.id, 0) == g.item_count

            # The live-claim counter the claim path checks the cap against (under the
            # freelancer's row lock) is exactly the number of their live claims.
            live_per_freelancer = Counter(c.freelancer_id for c in db["claims"]
                                          if c.status in LIVE_CLAIM_STATES)
            for user_id in set(live_per_freelancer) | set(db["live_counters"]):
                assert db["live_counters"].get(user_id, 0) == live_per_freelancer[user_id], \
                    f"user {user_id}: live_claims counter {db['live_counters'].get(user_id)}, " \
                    f"live claims {live_per_freelancer[user_id]}"

            # A claim is paid at most once, in the ledger and at the provider.
            releases = Counter(cid for cid, _ in db["releases"])
            released = {cid: amount for cid, amount in db["releases"]}
            # (tips are paid on their own: see below)
            transfers = [op for op in db["ops"] if op.kind == "transfer"
                         and not op.idempotency_key.startswith("transfer:tip:")]
            ops_by_key = {op.idempotency_key: op for op in db["ops"]}
            per_claim = Counter(op.claim_id for op in transfers)
            succeeded = Counter(op.claim_id for op in transfers if op.status == "succeeded")
            provider_side = Counter(ops_by_key[op_key(row.idempotency_key)].claim_id
                                    for row in db["sandbox"] if row.kind == "transfer"
                                    and not row.idempotency_key.startswith("transfer:tip:"))
            for c in db["claims"]:
                assert releases[c.id] <= 1 and per_claim[c.id] <= 1
                assert succeeded[c.id] <= 1 and provider_side[c.id] <= 1
                if c.status in PAID_STATES and c.paid_minor:
                    assert released[c.id] == c.paid_minor
                else:
                    assert c.id not in released and c.paid_minor == 0
            for row in db["sandbox"]:
                if row.kind in ("transfer", "refund"):
                    op = ops_by_key[op_key(row.idempotency_key)]
                    assert op.amount_minor == row.amount_minor and op.status != "waiting_account"

            # A tip is owed once its payment is in, once, on approved work, in full.
            claim_status = {c.id: c.status for c in db["claims"]}
            tip_entries = Counter(key for key, _, _ in db["tips"])
            tip_paid = {key: (cid, amount) for key, cid, amount in db["tips"]}
            for x in db["extras"]:
                if x.kind != "tip":
                    continue
                key = f"tip:extra:{x.id}"
                if x.status == "paid":
                    assert tip_entries[key] == 1 and tip_paid[key] == (x.claim_id, x.reward_minor)
                    assert claim_status[x.claim_id] in ("approved", "auto_approved")
                    op = ops_by_key[f"transfer:tip:{x.id}"]
                    assert (op.amount_minor, op.claim_id) == (x.reward_minor, x.claim_id)
                else:
                    assert tip_entries[key] == 0 and f"transfer:tip:{x.id}" not in ops_by_key
            # Slots added only when paid: a gig's slots are its first ones plus those.
            for g in db["gigs"]:
                added = sum(x.slots for x in db["extras"]
                            if x.gig_id == g.id and x.kind == "slots" and x.status == "paid")
                assert g.slots == self.first_slots.setdefault(g.id, g.slots - added) + added

            # The payment ops and the ledger tell the same story.
            payable, sending, refunding = Counter(), Counter(), Counter()
            for op in db["ops"]:
                if op.kind == "transfer" and op.status == "waiting_account":
                    payable[(ledger.payable(op.user_id), op.currency)] += op.amount_minor
                elif op.kind == "transfer" and op.status == "pending":
                    sending[(ledger.payout_pending(op.user_id), op.currency)] += op.amount_minor
                elif op.kind == "refund" and op.status in ("pending", "failed"):
                    refunding[(ledger.refund_pending(op.gig_id), op.currency)] += op.amount_minor
            for prefix, expected in (("payable:", payable), ("payout_pending:", sending),
                                     ("refund_pending:", refunding)):
                actual = {k: v for k, v in balances.items() if k[0].startswith(prefix) and v}
                assert actual == {k: v for k, v in expected.items() if v}, prefix

            self.gigs = {g.id: g for g in db["gigs"]}
            self.claims = {c.id: c for c in db["claims"]}
            self.apps = {a.id: a for a in db["apps"]}
            self.without_payouts = db["without_payouts"]
            self.payments_due = db["payments_due"]

    return GigMachine


# PostgreSQL round trips cost several times SQLite's in-process commits: fewer, shorter runs.
EXAMPLES = {"sqlite": 25, "postgres": 10}
STEPS = {"sqlite": 30, "postgres": 20}


def test_invariants_hold_at_every_step(backend, database_factory):
    machine = machine_for(backend, database_factory)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=EXAMPLES[backend], stateful_step_count=STEPS[backend], deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.filter_too_much]))


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_machine_reaches_the_interesting_states(backend, database_factory):
    """Guard against a machine that only ever meets refusals: one fixed walk through
    the lifecycle and every fault, checking the invariants after each step."""
    machine = machine_for(backend, database_factory)()

    def step(rule, *args):
        rule(*args)
        machine.books_and_slots_hold()
    first = 1  # ``pick`` value meaning "the first claim in the wanted state"
    try:
        step(machine.post, dict(client=0, slots=3, reward=("usd", "25"), mode="claim",
                                revisions=1, deliver="1d", review="1d", listing="3d",
                                in_community=True, fund=True))
        for f in range(3):
            step(machine.take_work, f, first)
        one, two, three = sorted(machine.claims)

        def on(claim_id: int) -> int:  # the ``pick`` value that selects this claim
            return 7 * sorted(machine.claims_in(*ACTIONABLE)).index(claim_id) + 1
        for claim_id in (one, two, three):
            step(machine.move_a_claim, on(claim_id), 1)  # deliver with a link
        assert {c.status for c in machine.claims.values()} == {"delivered"}
        step(machine.move_a_claim, on(one), 0)  # approve
        step(machine.move_a_claim, on(two), 50)  # reject
        step(machine.move_a_claim, on(two), 0)  # dispute
        step(machine.work_a_dispute, first, 1)  # the client's statement, with a file
        step(machine.work_a_dispute, first, 3)  # and again: refused
        step(machine.time_passes, 73 * 60, True)  # the time to answer ends (72 h)
        step(machine.work_a_dispute, first, 2)  # the freelancer, too late: refused
        said = machine.run(machine.db.read(lambda s: [
            (said.role, said.files_json != "[]") for said in s.scalars(select(DisputeStatement))]))
        assert said == [("client", True)]
        dispute_id = machine.run(machine.db.read(lambda s: s.scalar(select(Dispute.id))))
        assert machine.queued("dispute.answer_closed", machine.moderator,
                              f"dispute:{dispute_id}") == 1  # the freelancer said nothing
        step(machine.work_a_dispute, first, 52)  # Half, pressed twice: pays once
        assert machine.claims[two].paid_minor == 1250
        assert [machine.claims[c].status for c in (one, two, three)] == [
            "approved", "resolved", "auto_approved"]
        step(machine.worker_fault, "kill", 1)
        step(machine.worker_fault, "decline", 1)
        step(machine.worker_fault, "dead_lease", 3)
        step(machine.time_passes, 25 * 60, True)  # the third delivery is auto-approved
        assert machine.without_payouts  # f-unpaid, and those whose transfers were declined
        while machine.without_payouts:
            step(machine.setup_payouts, 0)
        step(machine.time_passes, 0, True)
        step(machine.time_passes, 73 * 60, True)
        final = Counter(c.status for c in machine.claims.values())
        assert final == Counter(approved=1, resolved=1, auto_approved=1), final
        ops = machine.run(machine.db.read(lambda s: list(s.scalars(select(PaymentOp)))))
        assert {op.status for op in ops} == {"succeeded"}, [(o.kind, o.status) for o in ops]
        assert len(ops) == 4  # two full transfers, one split transfer, one split refund
        # Money added later: a tip on the approved claim, more slots on a new open gig.
        step(machine.tip, 7 * sorted(machine.claims_in("approved", "auto_approved"))
             .index(one) + 1, 500, False)
        step(machine.post, dict(client=1, slots=1, reward=("jpy", "500"), mode="claim",
                                revisions=0, deliver="1d", review="1d", listing="3d",
                                in_community=False, fund=True))
        new_gig = max(machine.gigs)
        opens = sorted(machine.gigs_in("open"))
        i = next(i for i in range(1, 1000) if i % 5 and i % len(opens) == opens.index(new_gig))
        step(machine.add_slots, i, 2, False)
        extras = machine.run(machine.db.read(lambda s: [(x.kind, x.status, x.slots)
                                                        for x in s.scalars(select(GigExtra))]))
        assert extras == [("tip", "paid", 0), ("slots", "paid", 2)]
        assert machine.gigs[new_gig].slots == 3
        # A queue of two items: one freelancer delivers item 1 and takes item 2 as the
        # next similar task; adding slots to a queue is refused.
        step(machine.post, dict(client=0, slots=2, reward=("usd", "25"), mode="claim",
                                revisions=0, deliver="1d", review="1d", listing="3d",
                                in_community=False, fund=True, kind="queue"))
        queue, pro = max(machine.gigs), machine.freelancers[0]
        first = machine.run(machine.engine.claim_slot(pro, queue))
        machine.books_and_slots_hold()
        step(machine.move_a_claim, on(first.id), 1)  # deliver
        done = sorted(machine.claims_in("delivered", "approved", "auto_approved"))
        i = next(i for i in range(1, 10_000)
                 if i % 7 and i % 5 and done[(i // 7) % len(done)] == first.id)
        step(machine.take_next, i)
        mine = sorted((c.slot_no, c.status, c.freelancer_id) for c in machine.claims.values()
                      if c.gig_id == queue)
        assert mine == [(1, "delivered", pro), (2, "active", pro)]
        opens = sorted(machine.gigs_in("open"))
        i = next(i for i in range(1, 1000) if i % 5 and i % len(opens) == opens.index(queue))
        step(machine.add_slots, i, 1, False)
        assert machine.gigs[queue].slots == 2
    finally:
        machine.teardown()
