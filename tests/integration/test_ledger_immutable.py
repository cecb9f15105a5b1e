"""The ledger is append-only at the database level, not just by convention:
UPDATE and DELETE of ledger entries and postings, issued as raw SQL through an
ordinary session, are refused by triggers on SQLite and PostgreSQL (and so are
SQLite's INSERT OR REPLACE, PostgreSQL's ON CONFLICT DO UPDATE and TRUNCATE),
and the books read exactly as before afterwards. New entries can still be added."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.lifecycle import ledger
from core.workers.outbox import OutboxWorker

SQLITE_AND_PG = [
    "UPDATE ledgerentry SET memo = 'rewritten'",
    "UPDATE ledgerentry SET currency = 'eur' WHERE id = (SELECT min(id) FROM ledgerentry)",
    "UPDATE ledgerposting SET amount = amount * 2",
    ("UPDATE ledgerposting SET account = 'payable:user:999' "
     "WHERE id = (SELECT min(id) FROM ledgerposting)"),
    "DELETE FROM ledgerposting",
    "DELETE FROM ledgerposting WHERE id = (SELECT max(id) FROM ledgerposting)",
    "DELETE FROM ledgerentry WHERE id = (SELECT max(id) FROM ledgerentry)",
]
SQLITE_ONLY = [
    # REPLACE deletes the conflicting row before inserting: that is a DELETE too.
    ("INSERT OR REPLACE INTO ledgerposting (id, entry_id, account, amount) "
     "SELECT id, entry_id, account, amount + 1 FROM ledgerposting"),
    ("REPLACE INTO ledgerentry (id, created_at, kind, currency, idempotency_key, memo) "
     "SELECT id, created_at, kind, 'eur', idempotency_key, memo FROM ledgerentry"),
    "UPDATE OR REPLACE ledgerposting SET amount = 0",
]
PG_ONLY = [
    "TRUNCATE ledgerposting",
    "TRUNCATE ledgerentry CASCADE",
    "TRUNCATE ledgerentry, ledgerposting",
    ("INSERT INTO ledgerposting (id, entry_id, account, amount) "
     "SELECT id, entry_id, account, amount FROM ledgerposting "
     "ON CONFLICT (id) DO UPDATE SET amount = 0"),
]


async def _books(engine):
    def read(s):
        entries = s.execute(text("SELECT id, kind, currency, idempotency_key, memo "
                                 "FROM ledgerentry ORDER BY id")).all()
        postings = s.execute(text("SELECT id, entry_id, account, amount "
                                  "FROM ledgerposting ORDER BY id")).all()
        return [tuple(r) for r in entries], [tuple(r) for r in postings], ledger.all_balances(s)
    return await engine.db.read(read)


@pytest.fixture
async def funded(engine, world, collector):
    client = await world.user("client")
    alice = await world.user("alice")
    gig_id = await world.gig(client, slots=2)
    claim = await engine.claim_slot(alice, gig_id)
    await engine.deliver(alice, claim.id, "done", ["https://example.com/a"])
    await engine.approve(client, claim.id)
    await OutboxWorker(engine, collector).drain()
    before = await _books(engine)
    assert len(before[0]) >= 4 and len(before[1]) >= 8
    return before


async def test_raw_sql_cannot_rewrite_the_ledger(engine, funded):
    dialect = engine.db.dialect
    statements = SQLITE_AND_PG + (SQLITE_ONLY if dialect == "sqlite" else PG_ONLY)
    for sql in statements:
        try:
            await engine.db.write(lambda s, sql=sql: s.execute(text(sql)))
        except DBAPIError as exc:
            assert "immutable" in str(exc), f"{sql}: refused for another reason: {exc}"
        else:
            pytest.fail(f"{dialect} accepted: {sql}")
        assert await _books(engine) == funded, f"{dialect} let this through: {sql}"


async def test_new_entries_can_still_be_appended(engine, funded):
    def append(s):
        return ledger.post_entry(s, kind="adjustment", currency="usd", key="test:append",
                                 postings=[(ledger.REVENUE, -1), (ledger.EXTERNAL, 1)],
                                 at=datetime(2026, 6, 1, tzinfo=UTC))
    assert await engine.db.write(append) is not None
    entries, postings, balances = await _books(engine)
    assert entries[:len(funded[0])] == funded[0] and len(entries) == len(funded[0]) + 1
    assert postings[:len(funded[1])] == funded[1] and len(postings) == len(funded[1]) + 2
    assert sum(balances.values()) == 0
