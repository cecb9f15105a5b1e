"""DDL that SQLModel metadata cannot express: triggers that make ledger rows
immutable on SQLite and PostgreSQL. Used by ``create_schema`` and by the
Alembic migration, so both paths end with the same guarantees."""
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
