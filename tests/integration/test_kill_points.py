"""Crash tests that really kill: the bot (``tests/crash_driver.py``: the real app
with the recording platform, sandbox payments and its workers) runs a whole money
scenario - fund, claim, deliver, approve and transfer, cancel and refund - with
``GIGBROKER_FAILPOINT`` set to each name of ``core.failpoints.FAILPOINTS`` in
turn, and SIGKILLs itself there. A new process on the same database then runs
the workers once (ten minutes later, when the dead process's leases have run
out): the ledger balances, nothing the platform holds is negative, each funded
gig's escrow matches its unsettled slots, every payment the sandbox made is
recorded, and each idempotency key moved money at most once. Then the same
process finishes the scenario, and everything - ledger, payment operations, the
sandbox's book, gig and claim states, the outbox - ends exactly as in a run
nobody killed. SQLite file; PostgreSQL too when GIGBROKER_TEST_POSTGRES_URL is
set."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from core.domain.records import (
    Claim, Gig, LedgerEntry, LedgerPosting, OutboxMessage, PaymentOp, SandboxPayment,
)
from core.failpoints import FAILPOINTS
from core.lifecycle import ledger
from core.storage.db import Database

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
PARALLEL = 2  # SQLite runs, each on its own file


async def run_driver(mode: str, url: str, *, failpoint: str | None = None,
                     offset_minutes: int = 0, between=None) -> tuple[int, str]:
    """Run the driver; ``between`` is awaited while a ``restart`` waits after the
    workers' round. Returns (exit code, stdout)."""
    env = {**os.environ, "DATABASE_URL": url, "CRASH_CLOCK_OFFSET_MINUTES": str(offset_minutes)}
    env.pop("GIGBROKER_FAILPOINT", None)
    if failpoint:
        env["GIGBROKER_FAILPOINT"] = failpoint
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.crash_driver", mode, cwd=ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    out: list[str] = []
    if mode == "restart":
        while True:
            line = (await proc.stdout.readline()).decode()
            out.append(line)
            if not line or line.startswith("RECOVERED"):
                break
        if line:
            await between()
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
    rest, _ = await proc.communicate()
    return proc.returncode, "".join(out) + rest.decode()


def _state(s) -> dict:
    entries = []
    for e in s.scalars(select(LedgerEntry)):
        postings = s.execute(select(LedgerPosting.account, LedgerPosting.amount).where(
            LedgerPosting.entry_id == e.id)).all()
        entries.append((e.kind, e.idempotency_key, e.currency, tuple(sorted(postings))))
    return {
        "balances": {k: v for k, v in ledger.all_balances(s).items() if v},
        "entries": sorted(entries),
        "ops": sorted((o.kind, o.idempotency_key, o.amount_minor, o.status)
                      for o in s.scalars(select(PaymentOp))),
        "book": sorted((p.kind, p.idempotency_key, p.amount_minor)
                       for p in s.scalars(select(SandboxPayment))),
        "gigs": sorted((g.id, g.status, g.slots_settled) for g in s.scalars(select(Gig))),
        "claims": sorted((c.id, c.status) for c in s.scalars(select(Claim))),
        "outbox": sorted((m.channel, m.event, m.recipient_id or 0, m.dedup_key, m.status)
                         for m in s.scalars(select(OutboxMessage))),
    }


def _invariants(s) -> list[str]:
    """What must hold after any crash and one round of the workers."""
    bad: list[str] = []
    if ledger.unbalanced_entries(s):
        bad.append(f"unbalanced entries {ledger.unbalanced_entries(s)}")
    totals = ledger.totals_by_currency(s)
    if any(totals.values()):
        bad.append(f"currencies do not sum to zero: {totals}")
    balances = ledger.all_balances(s)
    for (account, cur), amount in balances.items():
        if amount < 0 and not account.startswith(ledger.EXTERNAL):
            bad.append(f"{account} is negative: {amount} {cur}")
    gigs = {g.id: g for g in s.scalars(select(Gig))}
    for gig in gigs.values():
        escrow = balances.get((ledger.escrow(gig.id), gig.currency), 0)
        want = gig.reward_minor * (gig.slots - gig.slots_settled) if gig.funded_at else 0
        if escrow != want:
            bad.append(f"gig #{gig.id} ({gig.status}): escrow {escrow}, expected {want}")
    releases = Counter(s.scalars(select(LedgerEntry.claim_id).where(
        LedgerEntry.kind == "release")))
    bad += [f"claim #{c} released {n} times" for c, n in releases.items() if n > 1]
    ops = list(s.scalars(select(PaymentOp)))
    for row in s.scalars(select(SandboxPayment)):
        if row.kind == "charge":
            gig_id = int(row.idempotency_key.rsplit(":", 1)[1])
            if gigs[gig_id].funded_at is None:
                bad.append(f"the sandbox took {row.amount_minor} for gig #{gig_id}, unrecorded")
            continue
        mine = [o for o in ops if row.idempotency_key.split(":retry")[0] == o.idempotency_key]
        if len(mine) != 1 or (mine[0].status, mine[0].provider_ref) != ("succeeded", row.ref):
            bad.append(f"sandbox {row.kind} {row.idempotency_key} ({row.ref}) is not recorded "
                       f"as sent: {[(o.status, o.provider_ref) for o in mine]}")
    per_op = Counter(row.idempotency_key.split(":retry")[0]
                     for row in s.scalars(select(SandboxPayment)))
    bad += [f"{key} moved money {n} times" for key, n in per_op.items() if n > 1]
    return bad


async def read(url: str, fn):
    db = Database(url)
    try:
        return await db.read(fn)
    finally:
        await db.dispose()


async def fresh_database(backend: str, directory: Path, migrated: Path) -> str:
    if backend == "sqlite":
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated, directory / "gigbroker.db")
        return f"sqlite:///{directory / 'gigbroker.db'}"
    db = Database(PG_URL)
    await db.drop_schema()  # the driver's App.prepare migrates it
    await db.dispose()
    return PG_URL


async def kill_and_recover(backend: str, point: str, directory: Path, migrated: Path
                           ) -> tuple[dict, list[str]]:
    url = await fresh_database(backend, directory, migrated)
    code, out = await run_driver("scenario", url, failpoint=point)
    assert code == -signal.SIGKILL, f"{point}: the process was not killed ({code}):\n{out}"
    assert "DONE" not in out

    problems: list[str] = []

    async def check() -> None:
        problems.extend(await read(url, _invariants))
    code, out = await run_driver("restart", url, offset_minutes=10, between=check)
    assert code == 0 and "DONE" in out, f"{point}: restart failed ({code}):\n{out[-3000:]}"
    return await read(url, _state), problems


BACKENDS = ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.skipif(
    not PG_URL, reason="set GIGBROKER_TEST_POSTGRES_URL to run against PostgreSQL")])]


@pytest.mark.slow  # 25 processes of the real app (~70 s of CPU)
@pytest.mark.parametrize("backend", BACKENDS)
async def test_sigkill_at_every_money_step_then_restart_loses_and_doubles_nothing(
        backend, tmp_path, migrated_db):
    url = await fresh_database(backend, tmp_path / "baseline", migrated_db)
    code, out = await run_driver("scenario", url)
    assert code == 0 and "DONE" in out, out[-3000:]
    baseline = await read(url, _state)
    assert await read(url, _invariants) == []
    # The scenario moved money every way: funded, paid out, refunded.
    assert [k for k, *_ in baseline["book"]] == ["charge", "refund", "transfer"]
    assert [(k, s) for k, _, _, s in baseline["ops"]] == [("refund", "succeeded"),
                                                          ("transfer", "succeeded")]

    gate = asyncio.Semaphore(PARALLEL if backend == "sqlite" else 1)

    async def one(point: str):
        async with gate:
            return point, await kill_and_recover(backend, point, tmp_path / point, migrated_db)

    results = await asyncio.gather(*(one(p) for p in FAILPOINTS))
    assert len(results) == len(FAILPOINTS) >= 12
    for point, (state, problems) in results:
        assert problems == [], f"after a kill at {point} and one round of the workers"
        assert state == baseline, f"after a kill at {point}, the finished scenario differs"
