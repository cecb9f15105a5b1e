"""A queue gig's items (core.domain.queue_items checks them): stored when the gig
is posted, one per slot, and read back by slot number, since the claim holding
slot N works on item N."""
from __future__ import annotations

from sqlalchemy import insert, select

from core.domain.records import GigItem
from core.lifecycle.tx import Tx


def add_items(tx: Tx, gig_id: int, items: list[str]) -> None:
    if items:
        tx.conn.execute(insert(GigItem.__table__), [
            {"gig_id": gig_id, "item_no": n, "text": text} for n, text in enumerate(items, 1)])


def items_of(s, gig_id: int) -> list[str]:
    """Every item of a gig, in order (empty for a gig of identical slots)."""
    return list(s.scalars(select(GigItem.text).where(GigItem.gig_id == gig_id)
                          .order_by(GigItem.item_no)))


def item_texts(s, gig_id: int, item_nos) -> dict[int, str]:
    """The text of these items of a gig (slot number -> item), those that exist."""
    wanted = sorted(set(item_nos))
    if not wanted:
        return {}
    return dict(s.execute(select(GigItem.item_no, GigItem.text).where(
        GigItem.gig_id == gig_id, GigItem.item_no.in_(wanted))).all())


def first_items(s, gig_id: int, limit: int = 5) -> list[str]:
    return list(s.scalars(select(GigItem.text).where(GigItem.gig_id == gig_id)
                          .order_by(GigItem.item_no).limit(limit)))
