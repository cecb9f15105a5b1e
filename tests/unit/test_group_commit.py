"""SQLite group commit: units queued together share one COMMIT, yet each is
isolated by its own savepoint (a failing unit leaves no trace and does not
disturb the others) and what a unit returns stays readable."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from core.domain.records import User


class Boom(Exception):
    pass


async def test_units_commit_together_and_fail_alone(sqlite_db):
    def add(name: str, fail: bool = False):
        def unit(s):
            user = User(display_name=name)
            s.add(user)
            s.flush()
            if fail:
                raise Boom(name)
            return user
        return unit

    results = await asyncio.gather(*(sqlite_db.write(add(f"u{i}", fail=i % 3 == 0))
                                     for i in range(30)), return_exceptions=True)
    failed = [r for r in results if isinstance(r, Boom)]
    made = [r for r in results if isinstance(r, User)]
    assert len(failed) == 10 and len(made) == 20
    assert sorted(u.display_name for u in made) == sorted(f"u{i}" for i in range(30) if i % 3)
    names = await sqlite_db.read(lambda s: sorted(s.scalars(select(User.display_name))))
    assert names == sorted(u.display_name for u in made)
    count = await sqlite_db.read(lambda s: s.scalar(select(func.count()).select_from(User)))
    assert count == 20


async def test_a_unit_cannot_see_objects_returned_by_another(sqlite_db):
    first = await sqlite_db.write(lambda s: s.merge(User(id=1, display_name="a")))

    def rename(s):
        user = s.get(User, 1)
        user.display_name = "b"
        raise Boom("rolled back")
    with pytest.raises(Boom):
        await sqlite_db.write(rename)
    assert first.display_name == "a"
    assert await sqlite_db.read(lambda s: s.get(User, 1).display_name) == "a"


async def test_a_lone_unit_that_raises_leaves_nothing(sqlite_db):
    """Nobody queued beside it: the unit runs without a savepoint, and its failure
    rolls the whole transaction back."""
    def add_then_fail(s):
        s.add(User(display_name="ghost"))
        s.flush()
        raise Boom("after the flush")
    with pytest.raises(Boom):
        await sqlite_db.write(add_then_fail)
    assert await sqlite_db.write(lambda s: s.scalar(select(func.count()).select_from(User))) == 0
