"""Storage: the database (SQLite group commit, PostgreSQL), Alembic migrations and
the triggers that keep the ledger immutable and the match log written."""
