"""Alembic migrations of the gigbroker schema (run with ``gigbroker db upgrade``)."""
