"""A queue gig's items: one row per item (a line the client typed or a row of the
CSV they uploaded). Item ``item_no`` is the work of slot ``item_no``: the claim
holding that slot number works on that item, so an item reopens exactly when
its slot does (a withdrawal, a missed deadline)."""
from __future__ import annotations

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class GigItem(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("gig_id", "item_no"),)
    id: int | None = Field(default=None, primary_key=True)
    gig_id: int = Field(foreign_key="gig.id", index=True)
    item_no: int  # 1..slots
    text: str = Field(sa_column=Column(Text, nullable=False))
