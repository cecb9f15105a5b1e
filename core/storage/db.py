"""Storage: one ``Database`` for SQLite (the embedded default) and PostgreSQL.

Domain code is written as plain synchronous functions of a ``Session``; the
database runs each one as a single transaction. On SQLite that whole
transaction runs in one thread call on its own connection (WAL, FULL sync,
``BEGIN IMMEDIATE`` so read-then-write never deadlocks), which is ~5x fewer
thread hops than an async driver per statement. On PostgreSQL (asyncpg) the same
function runs through ``AsyncSession.run_sync``; serialization failures and
deadlocks are retried.

``reading()`` groups the reads that belong together (rendering one notification:
its recipient, the gig, what they may do) on one PostgreSQL connection and
transaction: each read otherwise costs a pool checkout with its ping, BEGIN and
COMMIT, four round trips around one query. Reads inside run one at a time and see
what was read before (the session's identity map), so nothing that writes belongs
in one. On SQLite it changes nothing (reads are one thread call each)."""
from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, create_engine

import core.domain.records  # noqa: F401  (registers the tables)
from core.storage.group_commit import GroupWriter
from core.storage.triggers import install_extras, install_match_log

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///gigbroker.db"
# the session of the ``Database.reading()`` in progress, with the lock its reads take turns on
_READING: contextvars.ContextVar[tuple[AsyncSession, asyncio.Lock] | None] = \
    contextvars.ContextVar("gb_reading", default=None)


def database_url(url: str) -> str:
    """The URL as the database layer uses it, for the app and Alembic alike.

    PostgreSQL runs on asyncpg whatever driver the URL names: ``postgres://`` (as
    Heroku and others hand it out), ``postgresql://`` and ``postgresql+psycopg2://``
    become ``postgresql+asyncpg://`` (psycopg is not installed), and libpq's
    ``sslmode=`` becomes asyncpg's ``ssl=``. SQLite URLs are returned unchanged."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    parsed = parsed.set(drivername="postgresql+asyncpg")
    query = dict(parsed.query)
    if "sslmode" in query:
        query.setdefault("ssl", query.pop("sslmode"))
        parsed = parsed.set(query=query)
    return parsed.render_as_string(hide_password=False)


def _sqlite_on_connect(dbapi_conn, _record) -> None:
    # Let SQLAlchemy's begin event issue BEGIN IMMEDIATE itself.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    # REPLACE deletes the row it conflicts with; only with recursive triggers on
    # does that delete fire the ledger's immutability triggers.
    cur.execute("PRAGMA recursive_triggers=ON")
    cur.close()


def _sqlite_on_begin(conn) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get("gb_write", True) else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def _drop_closed_connection(dbapi_conn, _record, _proxy) -> None:
    # Instead of pool_pre_ping, whose BEGIN; ping; ROLLBACK took three round trips and
    # a fifth of a Discord press's CPU at every checkout: asyncpg sees the server close
    # a connection (a restart, an idle timeout, a terminated backend) when it happens,
    # and a checkout that raises DisconnectionError is retried with a new connection.
    if dbapi_conn.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


class Database:
    """Owns the engine and runs units of work as transactions."""

    def __init__(self, url: str = DEFAULT_URL, *, pool_size: int = 10,
                 max_overflow: int = 20) -> None:
        """``pool_size``/``max_overflow``: connections per process (PostgreSQL; several
        processes on one server share its ``max_connections``)."""
        url = database_url(url)
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        self._sync: Engine | None = None
        self._async: AsyncEngine | None = None
        if self.dialect == "sqlite":
            sync_url = parsed.set(drivername="sqlite")
            if not parsed.database or parsed.database == ":memory:":
                raise ValueError("Use a SQLite file (sqlite:///path.db); in-memory databases "
                                 "are per-connection and would lose data between transactions.")
            self._sync = create_engine(
                sync_url, connect_args={"check_same_thread": False, "timeout": 5},
                pool_size=pool_size, max_overflow=0,
            )
            event.listen(self._sync, "connect", _sqlite_on_connect)
            event.listen(self._sync, "begin", _sqlite_on_begin)
            self._reader_engine = self._sync.execution_options(gb_write=False)
            # One writer thread: in-process writers queue here instead of spinning on
            # SQLite's lock (other processes still meet busy_timeout), and whatever is
            # queued together commits together.
            self._writer = GroupWriter(self._sync)
            self._readers = ThreadPoolExecutor(4, thread_name_prefix="gb-db-read")
        elif self.dialect == "postgresql":
            self._async = create_async_engine(parsed, pool_size=pool_size,
                                              max_overflow=max_overflow)
            event.listen(self._async.sync_engine, "checkout", _drop_closed_connection)
        else:
            raise ValueError(f"Unsupported DATABASE_URL backend {self.dialect!r}: "
                             "use sqlite:///file.db or postgresql+asyncpg://...")

    @property
    def async_engine(self) -> AsyncEngine | None:
        """PostgreSQL's engine, for the few statements that run outside a unit of
        work (``core.storage.send_budget``); None on SQLite."""
        return self._async

    # -- units of work -------------------------------------------------
    async def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` as one write transaction and commit it."""
        if self._sync is not None:
            return await self._writer.submit(fn)
        return await self._run_pg(fn)

    async def read(self, fn: Callable[[Session], T]) -> T:
        reading = _READING.get()
        if reading is not None and self._async is not None and \
                reading[0].bind is self._async:
            session, turn = reading
            async with turn:
                return await session.run_sync(fn)
        if self._sync is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._readers, self._run_sqlite, fn,
                                              self._reader_engine)
        return await self._run_pg(fn)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        """Reads inside share one connection and transaction (see the module
        docstring); nested, the outer one is used."""
        if self._async is None or _READING.get() is not None:
            yield
            return
        session = AsyncSession(self._async, expire_on_commit=False)
        token = _READING.set((session, asyncio.Lock()))
        try:
            yield
        finally:
            _READING.reset(token)
            await session.close()  # rolls back: nothing was written

    @staticmethod
    def _run_sqlite(fn: Callable[[Session], T], bind) -> T:
        for attempt in range(5):
            try:
                with Session(bind, expire_on_commit=False) as session:
                    with session.begin():
                        return fn(session)
            except OperationalError as exc:
                if "locked" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _run_pg(self, fn: Callable[[Session], T]) -> T:
        assert self._async is not None
        for attempt in range(8):
            try:
                async with AsyncSession(self._async, expire_on_commit=False) as session:
                    async with session.begin():
                        return await session.run_sync(fn)
            except DBAPIError as exc:
                code = getattr(getattr(exc.orig, "__cause__", None), "sqlstate", None) or \
                    getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
                if code not in ("40001", "40P01") or attempt == 7:
                    raise
                await asyncio.sleep(0.01 * (2 ** attempt))
        raise AssertionError("unreachable")

    # -- schema --------------------------------------------------------
    async def create_schema(self) -> None:
        """Create tables and triggers directly (tests); production uses Alembic."""
        if self._sync is not None:
            SQLModel.metadata.create_all(self._sync)
            with self._sync.begin() as conn:
                install_extras(conn)
                install_match_log(conn)
            return
        assert self._async is not None
        async with self._async.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all)
            await conn.run_sync(install_extras)
            await conn.run_sync(install_match_log)

    async def drop_schema(self) -> None:
        if self._sync is not None:
            SQLModel.metadata.drop_all(self._sync)
            return
        assert self._async is not None
        async with self._async.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))

    async def dispose(self) -> None:
        if self._sync is not None:
            self._writer.close()
            self._readers.shutdown(wait=True)
            self._sync.dispose()
        if self._async is not None:
            await self._async.dispose()
