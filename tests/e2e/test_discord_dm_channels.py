"""A Discord DM to someone already contacted is one request: the DM channel is
opened once and its id kept in the database, so a restarted process (or another
one on the same database) sends straight to it."""
from __future__ import annotations

from bot.conversation import Reply, Rich
from tests.e2e.discord_harness import h  # noqa: F401 (fixture)

OPEN_DM = "/users/@me/channels"
SEND = "/channels/{channel_id}/messages"


def requests(h, route: str) -> int:  # noqa: F811
    return sum(1 for c in h.fake.calls if c["route"] == route and c["method"] == "POST")


async def test_a_dm_channel_is_opened_once_and_remembered_across_restarts(h):  # noqa: F811
    bob = str(h.bob.id)
    await h.service.adapter.send_direct(bob, Reply(Rich().add("first")))
    await h.service.adapter.send_direct(bob, Reply(Rich().add("second")))
    assert requests(h, OPEN_DM) == 1
    await h.restart()  # a new process: nothing in memory
    sends_before = requests(h, SEND)
    await h.service.adapter.send_direct(bob, Reply(Rich().add("third")))
    assert requests(h, OPEN_DM) == 1  # no second channel: one request for this DM
    assert requests(h, SEND) == sends_before + 1
    assert [m.content for m in h.fake.dm_messages_to(h.bob.id)][-3:] == [
        "first", "second", "third"]
