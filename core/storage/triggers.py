"""DDL that SQLModel metadata cannot express, on SQLite and PostgreSQL: triggers
that make ledger rows immutable, and triggers that log every change to a user's
matching data in ``matchchange``. Used by ``create_schema`` and by the Alembic
migrations, so both paths end with the same guarantees."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

IMMUTABLE_TABLES = ("ledgerentry", "ledgerposting")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION gigbroker_ledger_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are immutable: post a reversal entry instead';
END;
$$ LANGUAGE plpgsql
"""


def install_extras(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for table in IMMUTABLE_TABLES:
            for op in ("UPDATE", "DELETE"):
                conn.execute(text(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable: post a reversal "
                    "entry instead'); END"
                ))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(_PG_FUNCTION))
        for table in IMMUTABLE_TABLES:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}"))
            conn.execute(text(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION gigbroker_ledger_immutable()"
            ))
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))
            conn.execute(text(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION gigbroker_ledger_immutable()"
            ))


# (table, events, the user id column): every change that can move a freelancer in
# the ranking. A user row matters only when its ban flag changes.
MATCH_SOURCES = (
    ("profile", "INSERT OR UPDATE", "user_id"),
    ("reputationstats", "INSERT OR UPDATE", "user_id"),
    ("user", "UPDATE OF banned", "id"),
)

_PG_MATCH_FUNCTION = """
CREATE OR REPLACE FUNCTION gigbroker_match_changed() RETURNS trigger AS $$
BEGIN
  INSERT INTO matchchange (user_id) VALUES ((to_jsonb(NEW) ->> TG_ARGV[0])::integer);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def install_match_log(conn: Connection) -> None:
    """Triggers that append the user id to ``matchchange`` (see ``MatchChange``)."""
    if conn.dialect.name == "sqlite":
        for table, events, column in MATCH_SOURCES:
            for event in events.split(" OR "):
                name = f"{table}_match_{event.split()[0].lower()}"
                conn.execute(text(
                    f'CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON "{table}" '
                    f"BEGIN INSERT INTO matchchange (user_id) VALUES (NEW.{column}); END"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(_PG_MATCH_FUNCTION))
        for table, events, column in MATCH_SOURCES:
            conn.execute(text(f'DROP TRIGGER IF EXISTS {table}_match ON "{table}"'))
            conn.execute(text(
                f'CREATE TRIGGER {table}_match AFTER {events} ON "{table}" FOR EACH ROW '
                f"EXECUTE FUNCTION gigbroker_match_changed('{column}')"))
