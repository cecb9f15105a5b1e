"""A notification for someone whose platforms no adapter of this process serves is
tried again later and delivered once one does; it is never marked done unsent
(issue 14: a process without the Telegram adapter dropped 168 of 170 Telegram
notifications)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.delivery.dispatcher import NOT_SERVED_RETRY, ChatDispatcher
from core.api import GigPushesHeld, OutboxWorker
from core.domain.records import OutboxMessage
from tests.conversation_platform import RecordingPlatform


async def queue_note(engine, user_id: int) -> None:
    def emit(t):
        t.emit(GigPushesHeld(recipient_id=user_id, per_hour=6), key="test")
    await engine.tx(emit)


async def row(engine) -> OutboxMessage:
    return await engine.view(lambda t: t.s.scalar(select(OutboxMessage)))


async def test_a_note_for_an_unserved_platform_waits_for_its_adapter(engine, clock):
    ana = (await engine.resolve_user("telegram", "1002", "Ana")).id
    await queue_note(engine, ana)
    dispatcher = ChatDispatcher(engine)
    dispatcher.register(RecordingPlatform(name="discord"))  # this process: Discord only
    await OutboxWorker(engine, dispatcher).drain()
    pending = await row(engine)
    assert pending.status == "pending" and pending.attempts == 1
    assert "telegram" in pending.last_error

    telegram = RecordingPlatform(name="telegram")  # the adapter is up (here or elsewhere)
    dispatcher.register(telegram)
    clock.advance(timedelta(seconds=NOT_SERVED_RETRY + 1))
    await OutboxWorker(engine, dispatcher).drain()
    assert (await row(engine)).status == "done"
    assert [s.where for s in telegram.log if s.kind == "direct"] == ["1002"]


async def test_a_worker_without_chat_adapters_leases_no_notifications(tmp_path):
    """Roles (issue 14): a process serving no chat platform leases payments and
    matching only; notifications stay untouched for the processes that can send."""
    from bot.runtime.app import App
    from bot.runtime.settings import Settings
    app = App(Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}"))
    await app.db.create_schema()
    try:
        ana = (await app.engine.resolve_user("telegram", "1002", "Ana")).id
        await queue_note(app.engine, ana)
        assert app.outbox_channels() == ("payment", "match")
        assert await app.outbox.run_once(app.outbox_channels()) == 0
        untouched = await row(app.engine)
        assert (untouched.status, untouched.attempts, untouched.lease_owner) == ("pending", 0, None)
        app.dispatcher.register(RecordingPlatform(name="telegram"))
        assert app.outbox_channels() is None  # everything, notifications included
        assert await app.outbox.run_once(app.outbox_channels()) == 1
        assert (await row(app.engine)).status == "done"
    finally:
        await app.close()
