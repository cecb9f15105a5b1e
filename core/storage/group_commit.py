"""Group commit for SQLite: the single writer thread runs every unit of work
that is queued at that moment in one transaction, each inside its own SAVEPOINT,
and commits once. A unit that raises rolls back only its savepoint; the callers
hear their results only after the shared COMMIT, so durability is unchanged
(synchronous=FULL), while N concurrent writers pay for one fsync instead of N."""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from typing import Any, Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_STOP = object()


class GroupWriter:
    def __init__(self, engine: Engine, *, max_batch: int = 64) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="gb-db-write", daemon=True)
        self._thread.start()

    async def submit(self, fn: Callable[[Session], Any]) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((fn, future, loop))
        return await future

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            batch = [item]
            while len(batch) < self.max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    self._queue.put(_STOP)
                    break
                batch.append(nxt)
            outcomes = self._run(batch)
            for (_fn, future, loop), outcome in zip(batch, outcomes):
                loop.call_soon_threadsafe(_settle, future, outcome)

    def _run(self, batch: list) -> list[tuple[bool, Any]]:
        for attempt in range(5):
            try:
                return self._run_once(batch)
            except OperationalError as exc:
                if "locked" not in str(exc) or attempt == 4:
                    return [(False, exc)] * len(batch)
                time.sleep(0.05 * (attempt + 1))
            except BaseException as exc:  # noqa: BLE001 - the commit itself failed
                log.exception("group commit of %d units failed", len(batch))
                return [(False, exc)] * len(batch)
        raise AssertionError("unreachable")

    def _run_once(self, batch: list) -> list[tuple[bool, Any]]:
        if len(batch) == 1:
            return [self._run_alone(batch[0][0])]
        outcomes: list[tuple[bool, Any]] = []
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                for fn, _future, _loop in batch:
                    try:
                        with session.begin_nested():
                            outcomes.append((True, fn(session)))
                    except OperationalError as exc:
                        if "locked" in str(exc):
                            raise  # the whole batch is retried
                        outcomes.append((False, exc))
                    except BaseException as exc:  # noqa: BLE001 - handed to its caller
                        outcomes.append((False, exc))
                    # Each unit sees fresh objects, and what it returned is never
                    # touched (or expired) by the units after it.
                    session.expunge_all()
        return outcomes

    def _run_alone(self, fn: Callable[[Session], Any]) -> tuple[bool, Any]:
        """A unit with nobody queued beside it needs no savepoint: if it raises, the
        whole transaction rolls back."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
                    result = fn(session)
        except OperationalError as exc:
            if "locked" in str(exc):
                raise  # retried by _run
            return (False, exc)
        except BaseException as exc:  # noqa: BLE001 - handed to its caller
            return (False, exc)
        return (True, result)


def _settle(future: asyncio.Future, outcome: tuple[bool, Any]) -> None:
    if future.cancelled():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
